"""The users' diagrams workflow: its refarch steps, run here as written, do what it says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO, SHIPPED_DESIGN

WORKFLOW = REPO / ".github" / "workflows" / "diagrams.yml"


def _job() -> dict[str, Any]:
    job: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["diagrams"]
    return job


def _step(name: str) -> str:
    run: str = next(s["run"] for s in _job()["steps"] if s.get("name") == name)
    return run.replace(".venv/bin/refarch", f"{sys.executable} -m eks_refarch.cli")


def _run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_job()["env"]}
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    shutil.copy(SHIPPED_DESIGN, tmp_path / "architecture.yaml")
    shutil.copytree(REPO / "diagrams", tmp_path / "diagrams")
    return tmp_path


def test_the_check_step_passes_without_committed_diagrams(checkout: Path) -> None:
    check = _run(_step("Fail if the committed diagrams are stale"), checkout)
    assert check.returncode == 0, check.stderr
    assert "nothing committed to check" in check.stdout


def test_the_render_step_feeds_the_artifact_and_the_check_catches_a_stale_file(
    checkout: Path,
) -> None:
    render = _run(_step("Render every view"), checkout)
    assert render.returncode == 0, render.stderr
    uploaded = next(s for s in _job()["steps"] if "upload-artifact" in s.get("uses", ""))
    assert (checkout / uploaded["with"]["path"] / "ja" / "ownership.svg").is_file()
    committed = checkout / _job()["env"]["COMMITTED_DIAGRAMS"]
    shutil.copytree(checkout / "build" / "diagrams", committed)
    check = _step("Fail if the committed diagrams are stale")
    assert _run(check, checkout).returncode == 0

    stale = committed / "en" / "app-north-south.svg"
    stale.write_bytes(stale.read_bytes().replace(b"30080", b"30081"))
    failed = _run(check, checkout)
    assert failed.returncode == 1
    assert "1 stale view(s): app-north-south" in failed.stderr
