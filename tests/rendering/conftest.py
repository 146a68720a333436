"""Renders of the shipped design, shared by the rendering tests: drawn once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_refarch.rendering import LANGS, RenderResult, render
from tests.helpers import SHIPPED_DESIGN

ALL_FORMATS = ("svg", "png")


def _render(out: Path) -> RenderResult:
    return render(SHIPPED_DESIGN, out, formats=ALL_FORMATS, langs=LANGS, cache_dir=None)


@pytest.fixture(scope="session")
def first_render(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    """Every view, language and format, drawn cold (no cache)."""
    return _render(tmp_path_factory.mktemp("render-a"))


@pytest.fixture(scope="session")
def second_render(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    return _render(tmp_path_factory.mktemp("render-b"))


@pytest.fixture(scope="session")
def rendered_dir(first_render: RenderResult) -> Path:
    """The directory of the first render: <dir>/<lang>/<view>.<format>."""
    return first_render.outputs[0].path.parent.parent
