"""The hashed locks in requirements/: complete for their purpose, consistent, portable.

``make lock`` (scripts/lock.sh) writes them; these tests fail when pyproject.toml gains
or tightens a requirement the locks do not satisfy, when the locks disagree on a
version, or when a lock names a package source of the machine that wrote it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from tests.helpers import REPO

LOCKS = REPO / "requirements"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
# Each lock and the extras it is resolved for (scripts/lock.sh).
PURPOSES = {"base.txt": set[str](), "full.txt": {"all"}, "dev.txt": {"dev"}}
# Every lock the set-up installs: the three above and checkov's own venv's.
ALL_LOCKS = sorted([*PURPOSES, "checkov.txt"])
PIN = re.compile(r"(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*$")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    version: Version
    marker: str | None
    hashes: int


def entries(text: str) -> list[str]:
    """The lock's logical lines: continuations joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in joined.splitlines())
    return [line for line in lines if line]


def parse(path: Path) -> dict[NormalizedName, list[Pin]]:
    pins: dict[NormalizedName, list[Pin]] = {}
    for entry in entries(path.read_text(encoding="utf-8")):
        head, *_ = entry.split(" --hash=")
        match = PIN.fullmatch(head.strip())
        assert match, f"{path.name}: {entry[:80]!r} is not a pinned requirement"
        pin = Pin(Version(match["version"]), match["marker"], len(HASH.findall(entry)))
        pins.setdefault(canonicalize_name(match["name"]), []).append(pin)
    return pins


def wanted(extras: set[str]) -> list[Requirement]:
    """What pyproject.toml asks for with ``extras``, the build backend included."""
    found = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    found += [Requirement(r) for r in PROJECT["dependencies"]]
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in map(Requirement, PROJECT["optional-dependencies"][extra]):
            if canonicalize_name(requirement.name) == canonicalize_name(PROJECT["name"]):
                pending.extend(requirement.extras)
            else:
                found.append(requirement)
    return found


@pytest.mark.parametrize("lock", ALL_LOCKS)
def test_a_lock_names_no_package_source_and_says_how_it_is_made(lock: str) -> None:
    text = (LOCKS / lock).read_text(encoding="utf-8")
    options = [e for e in entries(text) if e.startswith("-")]
    assert options == []
    assert "file:" not in text
    assert "/opt/" not in text
    assert "make lock" in text.split("\n", 3)[1]


@pytest.mark.parametrize("lock", ALL_LOCKS)
def test_every_package_of_a_lock_is_pinned_with_hashes(lock: str) -> None:
    pins = parse(LOCKS / lock)
    assert pins
    unhashed = [name for name, each in pins.items() for pin in each if pin.hashes == 0]
    assert unhashed == []


@pytest.mark.parametrize(("lock", "extras"), sorted(PURPOSES.items()))
def test_a_lock_satisfies_what_pyproject_asks_for_its_purpose(lock: str, extras: set[str]) -> None:
    pins = parse(LOCKS / lock)
    for requirement in wanted(extras):
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} lacks {requirement}: run `make lock`"
        for pin in pins[name]:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{lock} pins {name}=={pin.version}, pyproject.toml asks for {requirement}: "
                "run `make lock`"
            )


def test_the_locks_nest_and_agree_on_every_version() -> None:
    base, full, dev = (parse(LOCKS / name) for name in ("base.txt", "full.txt", "dev.txt"))
    assert set(base) <= set(full) <= set(dev)
    for lock in (base, full):
        for name, pins in lock.items():
            assert pins == dev[name], f"{name}: {pins} here, {dev[name]} in dev.txt"


def test_the_base_lock_holds_no_optional_library() -> None:
    """pre-commit and virtualenv come with diagrams 0.25.1 (see pyproject.toml)."""
    optional = {"kubernetes", "pytest", "pytest-testinfra", "paramiko", "diagrams", "moto"}
    optional |= {"pre-commit", "virtualenv", "mkdocs", "playwright", "cryptography"}
    assert optional & set(parse(LOCKS / "base.txt")) == set()
    assert optional <= set(parse(LOCKS / "dev.txt"))
