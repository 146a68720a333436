"""Fixtures for the Terraform tests: the committed module, and copies of it to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import REPO

MODULE = REPO / "terraform"


@pytest.fixture
def module_copy(tmp_path: Path) -> Path:
    """A copy of the committed module that a test may edit."""
    target = tmp_path / "terraform"
    shutil.copytree(MODULE, target)
    return target
