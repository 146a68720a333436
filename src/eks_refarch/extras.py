"""Which optional extra of eks-refarch provides which library, and what a command says without it.

The base install (pydantic, PyYAML, click, rich, boto3) validates the design and checks an
AWS account. Every other capability comes with an extra declared in pyproject.toml, and
the code that needs one imports its library late, after ``require`` has made sure it is
there: the base install then runs every other command, and a missing library is one line
naming the extra to install (exit 3), never a traceback.
"""

from __future__ import annotations

from importlib.util import find_spec

from eks_refarch.errors import Problem, UserInputError

DISTRIBUTION = "eks-refarch"

# Each extra and the top-level modules of the libraries it adds that the package imports
# (pyproject.toml says which distributions bring them; a test holds the two together).
PROVIDES: dict[str, tuple[str, ...]] = {
    "cluster": ("kubernetes",),
    "nodes": ("testinfra", "paramiko"),
    "diagrams": ("diagrams",),
    "demo": ("moto", "cryptography"),
    "pytest": ("pytest",),
    "terraform": ("hcl2",),
    "site": ("mkdocs", "jinja2"),
}


def install_hint(extra: str) -> str:
    return f"pip install '{DISTRIBUTION}[{extra}]'"


class MissingExtra(UserInputError):
    """A command or option whose optional libraries are not installed."""

    def __init__(self, extra: str, feature: str) -> None:
        self.extra = extra
        message = f"{feature} needs the '{extra}' extra: {install_hint(extra)}"
        super().__init__([Problem(None, None, (), message)])


def installed(extra: str) -> bool:
    """Whether every library of ``extra`` can be imported (nothing is imported yet)."""
    return all(find_spec(module) is not None for module in PROVIDES[extra])


def require(extra: str, feature: str) -> None:
    """Stop ``feature`` (``refarch check --kubeconfig``) with MissingExtra unless ``extra``
    is installed; call it before the late import of the extra's library."""
    if not installed(extra):
        raise MissingExtra(extra, feature)
