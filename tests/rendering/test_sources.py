"""`sources()` gives the DOT the renderer hands to dot: the benchmark's baseline rests on it."""

from __future__ import annotations

from pathlib import Path

from eks_refarch.rendering import render
from eks_refarch.rendering.graphviz_dot import find_dot, run_dot
from eks_refarch.rendering.renderer import sources
from tests.helpers import SHIPPED_DESIGN


def test_dot_on_the_sources_draws_the_renderers_png(tmp_path: Path) -> None:
    dot_sources = sources(SHIPPED_DESIGN, langs=["ja"], views=["ownership"])
    assert list(dot_sources) == [("ownership", "ja")]
    run_dot(find_dot(), dot_sources["ownership", "ja"], {"png": tmp_path / "alone.png"})
    rendered = render(
        SHIPPED_DESIGN, tmp_path / "out", formats=["png"], langs=["ja"], views=["ownership"]
    )
    assert rendered.files[0].read_bytes() == (tmp_path / "alone.png").read_bytes()
