"""Shared fixtures: the shipped design and ways to write altered copies of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_refarch.design import Design, load
from tests.helpers import SHIPPED_DESIGN


@pytest.fixture(scope="session")
def design() -> Design:
    return load(SHIPPED_DESIGN)


@pytest.fixture
def design_data() -> dict[str, Any]:
    """A fresh, mutable copy of the shipped design as plain data."""
    data = yaml.safe_load(SHIPPED_DESIGN.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def write_design(tmp_path: Path) -> Callable[[str], Path]:
    """Write design text to a file and return its path."""

    def write(text: str, name: str = "architecture.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
