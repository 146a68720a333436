"""The base install, for real: a fresh virtual environment with requirements/base.txt and the
project, where none of the optional libraries exists.

It designs, lists its commands, and checks the demo account in a moto server that this
(development) environment runs and provisions; each command or option that needs an
extra says which one, with exit 3. Building the environment takes PyPI (or pip's cache)
and about 20 seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.errors import EXIT_OK, EXIT_USAGE
from eks_refarch.extras import PROVIDES
from tests.helpers import REPO, run_with_dummy_aws, serving
from tests.packaging.test_extras import WITHOUT_AN_EXTRA, missing

pytestmark = pytest.mark.slow

DEV = Path(sys.executable).parent
# What a base install must not have: the list, and every extra's libraries.
ABSENT = sorted(
    {"moto", "kubernetes", "pytest", "testinfra", "paramiko", "playwright", "diagrams"}
    | {module for modules in PROVIDES.values() for module in modules}
)
# Each module of the package that does not import on the base install, and why.
WALK = """
import importlib, json, pkgutil, eks_refarch
from eks_refarch.conformance.builtin import load_builtin_checks
failed = {}
for module in pkgutil.walk_packages(eks_refarch.__path__, prefix="eks_refarch."):
    try:
        importlib.import_module(module.name)
    except ModuleNotFoundError as exc:
        failed[module.name] = exc.name
registry = load_builtin_checks()
print(json.dumps({"failed": failed, "checks": sorted(c.id for c in registry.checks()),
                  "collectors": len(registry.collectors())}))
"""


def pip(python: Path, *args: str) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "--quiet", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a venv holding only the base lock and the project."""
    root = tmp_path_factory.mktemp("base-install")
    # Built from a copy: setuptools leaves build/ beside the sources it builds.
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip(python, "install", "--require-hashes", "-r", str(REPO / "requirements" / "base.txt"))
    pip(python, "install", "--no-deps", "--no-build-isolation", str(source))
    pip(python, "check")
    return venv / "bin"


def run(program: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_with_dummy_aws([str(program), *args])


@pytest.fixture(scope="module")
def account() -> Iterator[str]:
    """A moto server of this environment, holding the demo account as designed."""
    moto = [str(DEV / "moto_server"), "-H", "127.0.0.1", "-p"]
    with serving(lambda port: [*moto, str(port)], "/moto-api/data.json") as url:
        done = run(DEV / "refarch", "demo", "provision", "--endpoint-url", url)
        assert done.returncode == EXIT_OK, done.stderr
        yield url


def test_the_base_install_has_none_of_the_optional_libraries(base: Path) -> None:
    probe = "import sys, importlib.util as u; print([m for m in sys.argv[1:] if u.find_spec(m)])"
    # -P: the repository's own diagrams/ folder, in the working directory, is no library.
    done = run(base / "python", "-P", "-c", probe, *ABSENT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_base_install_lists_its_commands_and_validates_the_design(base: Path) -> None:
    listing = run(base / "refarch", "--help")
    assert listing.returncode == EXIT_OK, listing.stderr
    assert "diagrams   Needs the 'diagrams' extra" in listing.stdout
    validated = run(base / "refarch", "design", "validate", "architecture.yaml")
    assert validated.returncode == EXIT_OK, validated.stderr
    assert "architecture.yaml: valid" in validated.stdout
    helped = run(base / "refarch", "check", "--help")
    assert helped.returncode == EXIT_OK, helped.stderr
    assert "--endpoint-url" in helped.stdout


def test_the_base_install_prints_the_policies_and_renders_the_manifests(
    base: Path, tmp_path: Path
) -> None:
    for output_format in ("aws", "k8s"):
        policy = run(base / "refarch", "policy", "--format", output_format)
        assert policy.returncode == EXIT_OK, policy.stderr
        assert policy.stdout.strip()
    rendered = run(base / "refarch", "manifests", "render", "--out", str(tmp_path))
    assert rendered.returncode == EXIT_OK, rendered.stderr
    assert (tmp_path / "namespaces.yaml").is_file()


def test_the_base_install_checks_the_demo_account_with_every_aws_check(
    base: Path, account: str
) -> None:
    done = run(base / "refarch", "check", "--endpoint-url", account, "--format", "json")
    assert done.returncode == EXIT_OK, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["fail"] == report["summary"]["error"] == 0
    aws = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.AWS}}
    assert {f["check"] for f in report["findings"]} == aws


def test_the_base_install_loads_the_whole_check_catalog(base: Path) -> None:
    done = run(base / "python", "-P", "-c", WALK)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    registry = load_builtin_checks()
    assert found["checks"] == sorted(c.id for c in registry.checks())
    assert found["collectors"] == len(registry.collectors())
    # A module may need an extra's library, never one the base install should have had.
    optional = {module for modules in PROVIDES.values() for module in modules}
    wrong = {m: lib for m, lib in found["failed"].items() if lib.split(".")[0] not in optional}
    assert wrong == {}, found["failed"]


@pytest.mark.parametrize(("args", "extra", "feature"), WITHOUT_AN_EXTRA)
def test_without_its_extra_a_command_names_the_extra_and_exits_3(
    base: Path, args: list[str], extra: str, feature: str
) -> None:
    done = run(base / "refarch", *args)
    assert done.returncode == EXIT_USAGE
    assert done.stdout == ""
    assert done.stderr == missing(feature, extra)
