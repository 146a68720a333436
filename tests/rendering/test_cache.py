"""A render is reused from the cache until the design, the view's script or the renderer changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eks_refarch.rendering import RenderResult, render
from eks_refarch.rendering.cache import RenderCache, digest
from tests.helpers import REPO, SHIPPED_DESIGN, replace_once

VIEWS = ("ownership", "lambda-alternative")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A design and its view scripts in a directory of their own, free to edit."""
    shutil.copy(SHIPPED_DESIGN, tmp_path / "architecture.yaml")
    shutil.copytree(REPO / "diagrams", tmp_path / "diagrams")
    return tmp_path


def _render(workspace: Path, out: str, formats: tuple[str, ...] = ("svg",)) -> RenderResult:
    return render(
        workspace / "architecture.yaml",
        workspace / out,
        formats=formats,
        langs=["en"],
        views=VIEWS,
        cache_dir=workspace / "cache",
    )


def test_an_unchanged_view_is_copied_from_the_cache_with_the_same_bytes(workspace: Path) -> None:
    first = _render(workspace, "a")
    second = _render(workspace, "b")
    assert first.rendered == [(view, "en") for view in VIEWS]
    assert first.reused == []
    assert second.rendered == []
    assert second.reused == [(view, "en") for view in VIEWS]
    for a, b in zip(first.outputs, second.outputs, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()


def test_editing_one_view_script_redraws_only_that_view(workspace: Path) -> None:
    _render(workspace, "a")
    script = workspace / "diagrams" / "ownership.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = _render(workspace, "b")
    assert again.rendered == [("ownership", "en")]
    assert again.reused == [("lambda-alternative", "en")]


def test_editing_the_design_redraws_every_view(workspace: Path) -> None:
    _render(workspace, "a")
    design = workspace / "architecture.yaml"
    text = design.read_text(encoding="utf-8")
    design.write_text(replace_once(text, "http: 30080", "http: 31080"), encoding="utf-8")
    again = _render(workspace, "b")
    assert again.rendered == [(view, "en") for view in VIEWS]


def test_a_format_not_yet_cached_is_drawn_and_the_cached_one_reused(workspace: Path) -> None:
    _render(workspace, "a", formats=("svg",))
    both = _render(workspace, "b", formats=("svg", "png"))
    assert [(o.format, o.reused) for o in both.outputs if o.view == "ownership"] == [
        ("svg", True),
        ("png", False),
    ]


def test_a_new_entry_replaces_the_stale_one(workspace: Path) -> None:
    _render(workspace, "a")
    design = workspace / "architecture.yaml"
    text = design.read_text(encoding="utf-8")
    design.write_text(replace_once(text, "http: 30080", "http: 31080"), encoding="utf-8")
    _render(workspace, "b")
    entries = sorted(p.name for p in (workspace / "cache").iterdir())
    assert len(entries) == len(VIEWS), entries


def test_without_a_cache_directory_every_view_is_drawn(workspace: Path) -> None:
    result = render(workspace / "architecture.yaml", workspace / "out", langs=["en"], views=VIEWS)
    assert result.rendered == [(view, "en") for view in VIEWS]
    assert not (workspace / "cache").exists()


def test_cache_keys_differ_when_any_part_differs() -> None:
    base = [("design", b"x"), ("script", b"y")]
    assert digest(base) == digest(list(base))
    assert digest(base) != digest([("design", b"x"), ("script", b"z")])
    # Length prefixes keep a byte moving from one part to the next from colliding.
    assert digest([("a", b"bc")]) != digest([("ab", b"c")])


def test_cache_get_misses_an_unknown_key(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    source = tmp_path / "file.svg"
    source.write_bytes(b"<svg/>")
    cache.put("ownership", "en", "svg", "1" * 64, source)
    assert cache.get("ownership", "en", "svg", "1" * 64) is not None
    assert cache.get("ownership", "en", "svg", "2" * 64) is None
    assert cache.get("ownership", "ja", "svg", "1" * 64) is None
