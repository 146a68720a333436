"""Bad input through the command line: fuzzed designs, manifests and kubeconfigs never end
in a traceback, and every message names the file (and, for a field, its line); empty,
binary, directory, alias-bomb and unreadable inputs are refused, quickly.

The commands run in this process (eks_refarch.cli.run) so hypothesis can try many
inputs; the unreadable inputs run as separate processes, where stderr is whatever a
user would see. Hypothesis is derandomized: CI tries the same inputs every time.
tests/design/test_fuzz.py fuzzes the design loader itself, with more examples.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubernetes.client import rest
from kubernetes.config import kube_config
from kubernetes.config.config_exception import ConfigException

from eks_refarch.errors import EXIT_USAGE
from eks_refarch.yamlio import MAX_NODES
from tests.conformance.cluster.apiserver import kubeconfig
from tests.design.test_fuzz import BASE as DESIGN
from tests.design.test_fuzz import Edits, _paths, edits, mutate
from tests.helpers import REPO, SHIPPED_DESIGN, free_port
from tests.proof.conftest import CliRun, refarch

MANIFESTS = REPO / "manifests"
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# A guard against hanging, not a speed target: refusing a bad input costs ~0.3 s here
# (the 9**9-node alias bomb included), while a bomb that is not refused expands to 387
# million nodes and runs for minutes. The margin keeps a loaded CI machine from flaking.
REFUSAL_SECONDS = 5.0
EXITS = {0, 1, 2, EXIT_USAGE}  # pass, fail, could not verify, input error; never 4


def sound(run: CliRun, file: Path, *, located: bool = False) -> None:
    """No traceback, no internal error; an input error names the file (and its line)."""
    assert "Traceback" not in run.stdout + run.stderr
    assert run.code in EXITS, run.stderr
    if run.code != EXIT_USAGE:
        # Judged: no rule or collector may have crashed on what it read.
        assert "internal error" not in run.stdout, run.stdout
        return
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors, run.stderr
    for line in errors:
        assert str(file) in line, line
        if located:
            assert re.match(rf"error: {re.escape(str(file))}:\d+: \S", line), line


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fuzzed kubeconfig may name any server or credential plugin: none is contacted or run."""

    def refuse(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        raise urllib3.exceptions.NewConnectionError(None, f"the fuzz tests send nothing: {url}")  # type: ignore[arg-type]

    def no_plugin(*args: Any, **kwargs: Any) -> None:
        raise ConfigException("the fuzz tests run no credential plugin")

    monkeypatch.setattr(rest.RESTClientObject, "request", refuse)
    monkeypatch.setattr(kube_config, "ExecProvider", no_plugin)


# Each input kind: how to put content where the command reads it, and the command.
def run_design(tmp_path: Path, content: str | bytes) -> tuple[Path, list[CliRun]]:
    path = write(tmp_path / "architecture.yaml", content)
    return path, [
        refarch("design", "validate", str(path)),
        refarch("check", "--design", str(path), "--manifests", str(MANIFESTS), "-f", "json"),
    ]


def run_manifests(tmp_path: Path, content: str | bytes) -> tuple[Path, list[CliRun]]:
    directory = tmp_path / "manifests"
    directory.mkdir(exist_ok=True)
    path = write(directory / "fuzz.yaml", content)
    design = str(SHIPPED_DESIGN)
    return path, [refarch("check", "--design", design, "--manifests", str(directory), "-f", "json")]


def run_kubeconfig(tmp_path: Path, content: str | bytes) -> tuple[Path, list[CliRun]]:
    path = write(tmp_path / "kubeconfig", content)
    design = str(SHIPPED_DESIGN)
    return path, [refarch("check", "--design", design, "--kubeconfig", str(path), "-f", "json")]


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


KINDS: dict[str, Callable[[Path, str | bytes], tuple[Path, list[CliRun]]]] = {
    "design": run_design,
    "manifests": run_manifests,
    "kubeconfig": run_kubeconfig,
}


@pytest.mark.parametrize("kind", KINDS)
@settings(FUZZ, max_examples=30)
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_random_text_and_bytes_never_end_in_a_traceback(
    tmp_path: Path, no_network: None, kind: str, content: str | bytes
) -> None:
    path, runs = KINDS[kind](tmp_path, content)
    for run in runs:
        sound(run, path)


@settings(FUZZ, max_examples=40)
@given(change=edits(_paths(DESIGN)), delete=st.booleans())
def test_a_mutated_design_is_judged_or_refused_naming_its_file_line_and_field(
    tmp_path: Path, change: Edits, delete: bool
) -> None:
    path, runs = run_design(tmp_path, yaml.safe_dump(mutate(DESIGN, change, delete)))
    for run in runs:
        sound(run, path, located=True)


def _documents() -> list[tuple[str, int, Any]]:
    """(file, document index, document) of every shipped manifest."""
    return [
        (p.relative_to(MANIFESTS).as_posix(), i, d)
        for p in sorted(MANIFESTS.rglob("*.yaml"))
        for i, d in enumerate(yaml.safe_load_all(p.read_text(encoding="utf-8")))
        if d
    ]


DOCUMENTS = _documents()


@settings(FUZZ, max_examples=50)
@given(data=st.data(), delete=st.booleans())
def test_a_mutated_manifest_is_judged_or_refused_naming_its_file_and_line(
    tmp_path: Path, data: st.DataObject, delete: bool
) -> None:
    name, _, document = data.draw(st.sampled_from(DOCUMENTS), label="document")
    change = data.draw(edits(_paths(document)), label="edits")
    text = yaml.safe_dump(mutate(document, change, delete))
    path, runs = run_manifests(tmp_path, f"# from {name}\n{text}")
    for run in runs:
        sound(run, path, located=True)


@pytest.fixture(scope="module")
def valid_kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A kubeconfig that loads, pointing at a closed loopback port."""
    path = kubeconfig(tmp_path_factory.mktemp("kube"), f"http://127.0.0.1:{free_port()}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@settings(FUZZ, max_examples=50)
@given(data=st.data(), delete=st.booleans())
def test_a_mutated_kubeconfig_never_ends_in_a_traceback_and_names_its_file(
    tmp_path: Path, no_network: None, valid_kubeconfig: Any, data: st.DataObject, delete: bool
) -> None:
    change = data.draw(edits(_paths(valid_kubeconfig)), label="edits")
    path, runs = run_kubeconfig(tmp_path, yaml.safe_dump(mutate(valid_kubeconfig, change, delete)))
    for run in runs:
        sound(run, path)


def bomb() -> str:
    """Nine levels of nine aliases each: 9**9 values from a few hundred bytes."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for level in range(1, 9):
        previous, current = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{current}: &{current} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BAD: dict[str, tuple[str | bytes, str]] = {
    "empty": ("", "is empty"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00", "found binary data"),
    "alias bomb": (bomb(), f"more than {MAX_NODES} values (refused: possible YAML alias bomb)"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", BAD)
def test_empty_binary_and_alias_bomb_inputs_are_refused_quickly(
    tmp_path: Path, no_network: None, kind: str, case: str
) -> None:
    content, reason = BAD[case]
    if kind == "manifests" and case == "empty":
        directory = tmp_path / "manifests"
        directory.mkdir()
        path, reason = directory, "no .yaml, .yml, .json files in the directory"
        runs = [refarch("check", "--manifests", str(directory))]
    else:
        path, runs = KINDS[kind](tmp_path, content)
    for run in runs:
        assert run.code == EXIT_USAGE, run.stderr
        sound(run, path)
        assert reason in run.stderr
        assert run.seconds < REFUSAL_SECONDS


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("design", "validate", "{dir}"), "expected a design file, found a directory"),
        (("check", "--design", "{dir}", "--manifests", str(MANIFESTS)), "is a directory"),
        (("check", "--kubeconfig", "{dir}"), "is a directory"),
        (("check", "--manifests", "{file}"), "is a file"),
    ],
)
def test_a_directory_for_a_file_and_a_file_for_a_directory_are_refused(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    (tmp_path / "file.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "dir.yaml").mkdir()
    where = {"dir": tmp_path / "dir.yaml", "file": tmp_path / "file.yaml"}
    run = refarch(*(a.format(**where) for a in args))
    assert run.code == EXIT_USAGE
    assert "Traceback" not in run.stderr
    assert says in run.stderr
    (given,) = [path for name, path in where.items() if f"{{{name}}}" in args]
    assert str(given) in run.stderr
    assert run.seconds < REFUSAL_SECONDS


@pytest.fixture
def unreadable(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A design, a manifest in a directory and a kubeconfig, readable by no one."""
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    files = {
        "design": write(tmp_path / "architecture.yaml", SHIPPED_DESIGN.read_text()),
        "manifest": write(
            manifests / "namespaces.yaml", (MANIFESTS / "namespaces.yaml").read_text()
        ),
        "kubeconfig": kubeconfig(tmp_path, f"http://127.0.0.1:{free_port()}"),
    }
    for path in files.values():
        path.chmod(0)
    yield {**files, "manifests": manifests}
    for path in files.values():
        path.chmod(0o600)


def as_a_reader_without_override(*args: str) -> subprocess.CompletedProcess[str]:
    """`refarch ARGS` as a separate process that file permissions apply to.

    Root reads any file through the DAC override capabilities, so as root the process
    runs without them (setpriv drops them from its bounding set); anyone else is already
    held to the permission bits. (Running as ``nobody`` is no option here: the
    interpreter of .venv lives under /root, which nobody may enter.)
    """
    command = [str(Path(sys.executable).parent / "refarch"), *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )


def test_unreadable_inputs_are_refused_naming_the_file_in_a_real_process(
    unreadable: dict[str, Path],
) -> None:
    runs = {
        "design": as_a_reader_without_override("design", "validate", str(unreadable["design"])),
        "manifest": as_a_reader_without_override(
            "check", "--design", str(SHIPPED_DESIGN), "--manifests", str(unreadable["manifests"])
        ),
        "kubeconfig": as_a_reader_without_override(
            "check", "--design", str(SHIPPED_DESIGN), "--kubeconfig", str(unreadable["kubeconfig"])
        ),
    }
    for name, run in runs.items():
        assert run.returncode == EXIT_USAGE, (name, run.stderr)
        assert "Traceback" not in run.stderr
        assert str(unreadable[name]) in run.stderr, run.stderr
        assert "not readable" in run.stderr, run.stderr


@pytest.mark.parametrize(
    ("key", "value", "shown", "says"),
    [
        ("clusters", False, "clusters: false", "a list of named clusters, found bool"),
        (
            "users",
            [{"name": "checker", "user": {}}, 7],
            "- 7",
            "a mapping with a name and a user, found int",
        ),
        ("current-context", ["a"], "current-context:", "the name of a context, found list"),
    ],
)
def test_a_kubeconfig_of_the_wrong_shape_is_refused_naming_field_and_line(
    tmp_path: Path, valid_kubeconfig: Any, key: str, value: Any, shown: str, says: str
) -> None:
    text = yaml.safe_dump({**valid_kubeconfig, key: value}, sort_keys=False)
    path = write(tmp_path / "kubeconfig", text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith(shown))
    field = "users[1]" if key == "users" else key
    run = refarch("check", "--kubeconfig", str(path))
    assert run.code == EXIT_USAGE
    assert f"error: {path}:{line}: {field}: expected {says}" in run.stderr
