"""checkov scans terraform/ with zero failures, and every skipped check says why, in place.

checkov pins packaging<24, which the test tools cannot share, so it lives in its own
environment, .venv-checkov, made by the set-up (scripts/bootstrap.sh).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO
from tests.terraform.conftest import MODULE

CHECKOV = Path(os.environ.get("CHECKOV", REPO / ".venv-checkov" / "bin" / "checkov"))


def scan(directory: Path) -> dict[str, Any]:
    assert CHECKOV.is_file(), f"{CHECKOV} is missing: run `make setup`"
    result = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(directory),
            "--framework",
            "terraform",
            "-o",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    assert result.stdout, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return scan(MODULE)


def test_checkov_finds_no_failure_in_the_module(committed: dict[str, Any]) -> None:
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range'][0]})"
        for c in committed["results"]["failed_checks"]
    ]
    assert committed["summary"]["passed"] > 0
    assert failed == []


def test_every_skipped_check_is_justified_next_to_its_resource(committed: dict[str, Any]) -> None:
    skipped = committed["results"]["skipped_checks"]
    assert skipped
    unexplained = [
        f"{c['check_id']} {c['resource']}"
        for c in skipped
        if len((c.get("check_result", {}).get("suppress_comment") or "").strip()) < 20
    ]
    assert unexplained == []


def test_checkov_fails_a_module_that_opens_ssh_to_the_world(module_copy: Path) -> None:
    eks = module_copy / "eks.tf"
    eks.write_text(
        eks.read_text(encoding="utf-8")
        + '\nresource "aws_security_group" "ssh" {\n'
        + '  description = "ssh"\n'
        + "  vpc_id      = aws_vpc.main.id\n\n"
        + "  ingress {\n"
        + '    description = "ssh"\n'
        + '    protocol    = "tcp"\n'
        + "    from_port   = 22\n"
        + "    to_port     = 22\n"
        + '    cidr_blocks = ["0.0.0.0/0"]\n'
        + "  }\n}\n",
        encoding="utf-8",
    )
    failed = {c["check_id"] for c in scan(module_copy)["results"]["failed_checks"]}
    assert "CKV_AWS_24" in failed
