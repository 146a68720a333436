"""`pytest checks/` as a process, for the cluster and node end-to-end tests."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO


def pytest_checks(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "checks/", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
