"""Small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DESIGN = REPO / "architecture.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a test cannot silently edit nothing."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the design"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line number of the only line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"expected exactly one line with {needle!r}, found {hits}"
    return hits[0]
