"""The optional extras: what pyproject.toml declares, and what a command says without one.

Here every extra is installed, so a missing one is simulated by hiding its libraries
from ``extras.installed``; test_base_install.py runs the same commands in a virtual
environment that really lacks them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib.metadata import packages_distributions
from importlib.util import find_spec
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from eks_refarch import cli, extras
from eks_refarch.errors import EXIT_USAGE
from tests.helpers import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OPTIONAL = PROJECT["optional-dependencies"]
AGGREGATES = {"all", "dev"}
# A command or option, the extra it needs, and how the message names it.
WITHOUT_AN_EXTRA = [
    (["check", "--kubeconfig", "kubeconfig.yaml"], "cluster", "refarch check --kubeconfig"),
    (["check", "--manifests", "manifests"], "cluster", "refarch check --manifests"),
    (["check", "--hosts", "local://"], "nodes", "refarch check --hosts"),
    (["demo"], "demo", "refarch demo"),
    (["demo", "provision", "--endpoint-url", "http://127.0.0.1:9"], "demo", "refarch demo"),
    (["demo", "--help"], "demo", "refarch demo"),
    (["diagrams", "--out", "build/x"], "diagrams", "refarch diagrams"),
]


def missing(feature: str, extra: str) -> str:
    """What a command prints, whole, when ``feature`` lacks ``extra``."""
    return f"error: {feature} needs the {extra!r} extra: pip install 'eks-refarch[{extra}]'\n"


def _direct(extra: str) -> set[NormalizedName]:
    """The distributions ``extra`` declares itself, other extras of the project aside."""
    names = {canonicalize_name(Requirement(r).name) for r in OPTIONAL[extra]}
    return names - {canonicalize_name(PROJECT["name"])}


def _included(extra: str) -> set[str]:
    """The extras of this project that ``extra`` pulls in by name."""
    return {
        name
        for r in map(Requirement, OPTIONAL[extra])
        if canonicalize_name(r.name) == canonicalize_name(PROJECT["name"])
        for name in r.extras
    }


def test_every_capability_extra_says_what_it_provides_and_all_installs_every_one() -> None:
    assert set(extras.PROVIDES) == set(OPTIONAL) - AGGREGATES
    assert _included("all") == set(extras.PROVIDES)
    assert _included("dev") == {"all"}


@pytest.mark.parametrize(
    ("extra", "module"),
    [(extra, module) for extra, modules in extras.PROVIDES.items() for module in modules],
)
def test_each_library_an_extra_provides_comes_from_a_distribution_it_declares(
    extra: str, module: str
) -> None:
    providers = {canonicalize_name(d) for d in packages_distributions().get(module, [])}
    assert providers & _direct(extra), (
        f"{module} comes from {sorted(providers)}; the {extra!r} extra declares "
        f"{sorted(_direct(extra))}"
    )


@pytest.mark.parametrize("extra", sorted(extras.PROVIDES))
def test_the_development_environment_has_every_extra(extra: str) -> None:
    assert extras.installed(extra)


@pytest.fixture
def hide(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """``hide(extra)``: its libraries look uninstalled to ``extras.installed``."""

    def hide_extra(extra: str) -> None:
        hidden = set(extras.PROVIDES[extra])

        def spec(name: str, *args: Any) -> Any:
            return None if name in hidden else find_spec(name, *args)

        monkeypatch.setattr(extras, "find_spec", spec)

    return hide_extra


@pytest.mark.parametrize(("args", "extra", "feature"), WITHOUT_AN_EXTRA)
def test_a_command_without_its_extra_names_the_extra_in_one_line_and_exits_3(
    hide: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    extra: str,
    feature: str,
) -> None:
    monkeypatch.chdir(REPO)
    hide(extra)
    assert cli.run(args) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert (
        err == f"error: {feature} needs the {extra!r} extra: pip install 'eks-refarch[{extra}]'\n"
    )


def test_the_command_list_names_the_extra_a_command_needs_only_when_it_is_missing(
    hide: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    def listing() -> dict[str, str]:
        assert cli.run(["--help"]) == 0
        text = capsys.readouterr().out
        rows = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        return {row.split()[0]: " ".join(row.split()[1:]) for row in rows}

    assert not any("extra" in help for help in listing().values())
    hide("diagrams")
    commands = listing()
    assert set(commands) == set(cli.SUBCOMMANDS)
    assert commands["diagrams"] == "Needs the 'diagrams' extra: pip install 'eks-refarch[diagrams]'"
    assert [name for name, help in commands.items() if "extra" in help] == ["diagrams"]
