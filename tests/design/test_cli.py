"""`refarch design validate|show`: exit codes, messages on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from eks_refarch.cli import run
from eks_refarch.errors import EXIT_USAGE
from tests.helpers import REPO, SHIPPED_DESIGN, line_of, replace_once


def test_validate_accepts_the_shipped_design(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "validate", str(SHIPPED_DESIGN)]) == 0
    assert "valid: 5 microservices" in capsys.readouterr().out


def test_validate_reports_a_bad_node_port_with_its_line_and_exit_code(
    write_design: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    path = write_design(replace_once(text, "http: 30080", "http: 29999"))
    assert run(["design", "validate", str(path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    line = line_of(text, "http: 30080")
    assert f"{path}:{line}: mesh.ingress_gateway.node_ports.http:" in err
    assert "30000-32767, found 29999" in err
    assert "Traceback" not in err


def test_show_prints_derived_values_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "show", str(SHIPPED_DESIGN), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["edge"]["target_group"]["port"]
        == data["mesh"]["ingress_gateway"]["node_ports"]["http"]
    )


def test_show_yaml_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "show", str(SHIPPED_DESIGN)]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["edge"]["target_group"]["health_check_port"] == 30021
    assert data["product"]["title"]["ja"].startswith("サンプル")


@pytest.mark.parametrize(
    "argv",
    [["design", "bogus"], ["design", "show", "--format", "xml"], ["nonsense"]],
)
def test_usage_errors_exit_3(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == EXIT_USAGE
    assert "Error:" in capsys.readouterr().err


def test_the_console_script_exits_3_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "eks_refarch.cli", "design", "validate", str(missing)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == EXIT_USAGE
    assert f"{missing}: design file not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_file_defaults_to_architecture_yaml_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    assert run(["design", "validate"]) == 0
    assert capsys.readouterr().out.startswith("architecture.yaml: valid")
