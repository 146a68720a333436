"""Renders are byte-identical across runs and across clean copies, and SVGs are self-contained."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_refarch.rendering import FORMATS, LANGS, VIEWS, RenderResult
from eks_refarch.rendering.graphviz_dot import STAMP
from tests.helpers import REPO
from tests.rendering.svgtext import read


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_every_view_is_rendered_in_every_language_and_format(rendered_dir: Path) -> None:
    expected = {f"{lang}/{view}.{fmt}" for lang in LANGS for view in VIEWS for fmt in FORMATS}
    assert set(_files(rendered_dir)) == expected


def test_two_cold_renders_are_byte_identical(
    first_render: RenderResult, second_render: RenderResult, rendered_dir: Path
) -> None:
    assert not first_render.reused
    assert not second_render.reused
    second_dir = second_render.outputs[0].path.parent.parent
    assert second_dir != rendered_dir
    first, second = _files(rendered_dir), _files(second_dir)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"differ between two renders: {differing}"


def _clean_copy(destination: Path) -> None:
    """Copy what git would commit from the working tree: tracked files and untracked ones
    it does not ignore. Unlike `git clone`, this also holds before the change is
    committed, and like it, leaves out .venv, caches and build output."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


_RENDER_FROM_COPY = """
import sys
from pathlib import Path
import eks_refarch.rendering as rendering
copy = Path(sys.argv[1]).resolve()
assert Path(rendering.__file__).resolve().is_relative_to(copy), rendering.__file__
rendering.render(copy / "architecture.yaml", Path(sys.argv[2]), formats=("svg", "png"))
"""


@pytest.mark.slow
def test_a_clean_copy_of_the_tree_in_another_place_renders_the_same_bytes(
    tmp_path: Path, rendered_dir: Path
) -> None:
    copy, out = tmp_path / "elsewhere" / "copy", tmp_path / "out"
    _clean_copy(copy)
    assert not (copy / ".venv").exists()
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", _RENDER_FROM_COPY, str(copy), str(out)],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    here, there = _files(rendered_dir), _files(out)
    assert here.keys() == there.keys()
    differing = [name for name in here if here[name] != there[name]]
    assert not differing, f"differ in a clean copy: {differing}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_svg_carries_each_icon_inline_and_no_filesystem_path(
    rendered_dir: Path, view: str, lang: str
) -> None:
    svg = rendered_dir / lang / f"{view}.svg"
    images = read(svg).images
    assert images, "every view has icons"
    for href in images:
        assert href.startswith("data:image/png;base64,"), href[:80]
        assert base64.b64decode(href.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    text = svg.read_text(encoding="utf-8")
    assert 'xlink:href="/' not in text
    assert str(REPO) not in text
    assert "site-packages" not in text


def test_svg_says_it_is_generated(rendered_dir: Path) -> None:
    lines = (rendered_dir / "en" / "app-north-south.svg").read_bytes().splitlines(keepends=True)
    assert lines[0].startswith(b"<?xml ")
    assert lines[1] == STAMP


def test_the_shipped_views_render_without_graphviz_warnings(first_render: RenderResult) -> None:
    assert first_render.warnings == ()
