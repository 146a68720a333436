"""The design tests read the shipped design once and hand each test its own copy."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from tests.helpers import SHIPPED_DESIGN


@pytest.fixture(scope="session")
def shipped_design_data() -> dict[str, Any]:
    data = yaml.safe_load(SHIPPED_DESIGN.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def design_data(shipped_design_data: dict[str, Any]) -> dict[str, Any]:
    """A fresh, mutable copy of the shipped design as plain data (parsed once per session)."""
    return copy.deepcopy(shipped_design_data)
