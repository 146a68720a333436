"""`refarch diagrams`: files written, --check verdicts, and one-line errors with exit code 3."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import eks_refarch.rendering.renderer as renderer
from eks_refarch.cli import run
from eks_refarch.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.helpers import REPO, SHIPPED_DESIGN, replace_once

ONE_VIEW = ["--view", "ownership", "--lang", "en"]


def _diagrams(*args: str | Path) -> int:
    return run(["diagrams", "--design", str(SHIPPED_DESIGN), *map(str, args)])


def test_renders_into_out_by_language_and_reports_each_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _diagrams("--out", out, "--format", "svg,png", "--no-cache", *ONE_VIEW) == EXIT_OK
    assert sorted(p.name for p in (out / "en").iterdir()) == ["ownership.png", "ownership.svg"]
    stdout = capsys.readouterr().out
    assert f"rendered {out / 'en' / 'ownership.svg'}" in stdout
    assert "1 rendered, 0 from the cache" in stdout


def test_a_second_run_reuses_the_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert _diagrams("--out", tmp_path / "a", *cache, *ONE_VIEW) == EXIT_OK
    assert _diagrams("--out", tmp_path / "b", *cache, *ONE_VIEW) == EXIT_OK
    assert f"reused   {tmp_path / 'b' / 'en' / 'ownership.svg'}" in capsys.readouterr().out


def test_the_cache_defaults_to_dot_cache_beside_the_design(tmp_path: Path) -> None:
    design = tmp_path / "architecture.yaml"
    shutil.copy(SHIPPED_DESIGN, design)
    shutil.copytree(REPO / "diagrams", tmp_path / "diagrams")
    assert run(["diagrams", "--design", str(design), "--out", str(tmp_path / "o"), *ONE_VIEW]) == 0
    assert [p.suffix for p in (tmp_path / ".cache" / "diagrams").iterdir()] == [".svg"]


def test_check_passes_when_the_directory_matches_a_fresh_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "committed"
    assert _diagrams("--out", committed, "--no-cache", *ONE_VIEW) == EXIT_OK
    assert _diagrams("--check", committed, "--no-cache", *ONE_VIEW) == EXIT_OK
    assert "every file matches a fresh render" in capsys.readouterr().out


def test_check_names_each_stale_and_missing_view_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "committed"
    views = ["--view", "ownership,app-north-south,infra-control", "--lang", "en", "--no-cache"]
    assert _diagrams("--out", committed, *views) == EXIT_OK
    stale = committed / "en" / "ownership.svg"
    stale.write_bytes(stale.read_bytes().replace(b"30080", b"30081"))
    (committed / "en" / "infra-control.svg").unlink()
    capsys.readouterr()

    assert _diagrams("--check", committed, *views) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"stale: {stale}: differs from a fresh render (view ownership)" in err
    missing = committed / "en" / "infra-control.svg"
    assert f"stale: {missing}: missing (view infra-control)" in err
    assert "2 stale view(s): infra-control, ownership" in err
    assert "app-north-south" not in err


def test_check_alone_writes_nothing_into_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = tmp_path / "committed"
    assert _diagrams("--out", committed, "--no-cache", *ONE_VIEW) == EXIT_OK
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert _diagrams("--check", committed, "--no-cache", *ONE_VIEW) == EXIT_OK
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "gif"], "unknown format 'gif' (expected one of: svg, png)"),
        (["--lang", "en,fr"], "unknown lang 'fr' (expected one of: en, ja)"),
        (["--view", "network"], "unknown view 'network' (expected one of: aws-network,"),
        (["--format", ","], "no format given"),
    ],
)
def test_unknown_choices_are_one_line_errors_with_exit_3(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _diagrams("--out", tmp_path, *args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"error: {message}")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_views_directory_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert _diagrams("--out", tmp_path / "o", "--views-dir", missing) == EXIT_USAGE
    assert f"error: {missing}: views directory not found" in capsys.readouterr().err


def test_an_invalid_design_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = tmp_path / "architecture.yaml"
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    design.write_text(replace_once(text, "http: 30080", "http: 29999"), encoding="utf-8")
    argv = ["diagrams", "--design", str(design), "--views-dir", str(REPO / "diagrams")]
    assert run(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{design}:" in err
    assert "mesh.ingress_gateway.node_ports.http" in err


def test_a_missing_dot_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _diagrams("--out", tmp_path / "o") == EXIT_USAGE
    assert "error: Graphviz's `dot` is not on PATH: run `make setup`" in capsys.readouterr().err


def test_a_missing_font_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(renderer, "FONT", "No Such Font Family")
    assert _diagrams("--out", tmp_path / "o", *ONE_VIEW) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "error: the font No Such Font Family is not installed" in err
    assert "fonts-ipafont-gothic" in err


def _views_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the view scripts with one edit to ownership.py."""
    views = tmp_path / "views"
    shutil.copytree(REPO / "diagrams", views)
    script = views / "ownership.py"
    script.write_text(replace_once(script.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    return views


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'nodeid="vpc"',
            'nodeid="vpc-" + design.nope',
            "design.nope",
            "AttributeError: 'Design' object has no attribute 'nope'",
        ),
        ('nodeid="vpc"', "", "VPC(lines", "ViewError: the node 'VPC\\n10.20.0.0/16"),
        ('nodeid="ecr"', 'nodeid="vpc"', 'ECR(lines("ECR"', "ViewError: two nodes share"),
        ("def draw(", "def draw(:", "def draw(:", "SyntaxError"),
    ],
    ids=["script-bug", "no-nodeid", "duplicate-id", "syntax-error"],
)
def test_a_failing_view_script_is_named_with_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    needle: str,
    message: str,
) -> None:
    views = _views_with(tmp_path, old, new)
    argv: list[str | Path] = [
        "--out",
        tmp_path / "o",
        "--views-dir",
        views,
        "--no-cache",
        *ONE_VIEW,
    ]
    assert _diagrams(*argv) == EXIT_USAGE
    err = capsys.readouterr().err
    script = views / "ownership.py"
    assert f"error: {script}:" in err
    assert message in err
    assert "Traceback" not in err
    assert f"{script}:{_line_of(script, needle)}:" in err


def test_the_console_script_prints_no_traceback_for_a_bad_format(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "eks_refarch.cli",
            "diagrams",
            "--format",
            "gif",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == EXIT_USAGE
    assert proc.stderr.strip() == "error: unknown format 'gif' (expected one of: svg, png)"
