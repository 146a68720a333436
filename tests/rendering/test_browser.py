"""Each SVG, served over HTTP, shows every icon in headless Chromium and is not blank."""

from __future__ import annotations

import base64
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from eks_refarch.rendering import LANGS, VIEWS
from tests.helpers import launch_chromium
from tests.rendering.svgtext import icon_boxes
from tests.site.sitebuild import serve

pytestmark = pytest.mark.browser

# An icon is a coloured picture: anti-aliased, it has dozens of colours. A missing one
# leaves the cluster's flat background, one or two colours.
MIN_ICON_COLOURS = 12
MIN_SCREENSHOT_COLOURS = 200
SCREENSHOT_WIDTH = 1000

# Run in a page of the server's origin, for the SVG at `url`:
# 1. each <image>'s href, resolved against the SVG's URL, must decode as an image;
# 2. drawn as an <img>, the way a page embeds it (and where no external link is ever
#    followed), at one pixel per viewBox unit, each <image>'s box must hold colours.
_INSPECT = """
async ({url, size: [width, height], images}) => {
  const decoded = await Promise.all(images.map(async ([href]) => {
    const probe = new Image();
    probe.src = new URL(href, url).href;
    try { await probe.decode(); return true; } catch (error) { return false; }
  }));
  const picture = new Image();
  picture.src = url;
  await picture.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width);
  canvas.height = Math.round(height);
  const context = canvas.getContext("2d");
  context.drawImage(picture, 0, 0, width, height);
  return images.map(([href, box], i) => {
    const [x, y, w, h] = box.map(Math.round);
    const data = context.getImageData(x, y, Math.max(1, w), Math.max(1, h)).data;
    const seen = new Set();
    for (let p = 0; p < data.length; p += 4) {
      seen.add((data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3]);
    }
    return {href: href.slice(0, 60), decoded: decoded[i], colours: seen.size};
  });
}
"""

# Shows the SVG as an <img> scaled to `width`, for a screenshot.
_SHOW = """
async ({url, width}) => {
  document.body.style.margin = "0";
  document.body.innerHTML = "";
  const picture = new Image();
  picture.src = url;
  picture.style.width = width + "px";
  document.body.appendChild(picture);
  await picture.decode();
  return picture.getBoundingClientRect().height;
}
"""

# Counts the distinct colours of a PNG.
_COUNT_COLOURS = """
async (png) => {
  const blob = await (await fetch("data:image/png;base64," + png)).blob();
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d");
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4) {
    seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  }
  return seen.size;
}
"""


@pytest.fixture(scope="module")
def site(
    rendered_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The rendered SVGs served on 127.0.0.1 (an ephemeral port): (base URL, its directory)."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(rendered_dir, root, dirs_exist_ok=True)
    with serve(root) as url:
        yield url, root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _inspect(
    browser: Browser, site: tuple[str, Path], path: str
) -> tuple[list[dict[str, Any]], int]:
    """Each <image> of the SVG at ``path`` (decoded? colours in its box), and the number
    of colours in a screenshot of the whole picture."""
    base, root = site
    size, images = icon_boxes(root / path)
    page = browser.new_page()
    try:
        listing = page.goto(f"{base}/")  # any page of the server's origin, to read pixels
        assert listing is not None
        assert listing.ok
        response = page.request.get(f"{base}/{path}")
        assert response.ok
        assert response.headers["content-type"] == "image/svg+xml"
        inspected = page.evaluate(
            _INSPECT, {"url": f"{base}/{path}", "size": size, "images": images}
        )
        height = page.evaluate(_SHOW, {"url": f"{base}/{path}", "width": SCREENSHOT_WIDTH})
        page.set_viewport_size({"width": SCREENSHOT_WIDTH, "height": math.ceil(height)})
        png = base64.b64encode(page.screenshot(type="png", full_page=True)).decode()
        screenshot_colours = page.evaluate(_COUNT_COLOURS, png)
    finally:
        page.close()
    return inspected, screenshot_colours


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_each_icon_decodes_and_shows_and_the_screenshot_is_not_blank(
    browser: Browser, site: tuple[str, Path], view: str, lang: str
) -> None:
    images, screenshot_colours = _inspect(browser, site, f"{lang}/{view}.svg")
    assert images
    broken = [i["href"] for i in images if not i["decoded"]]
    assert not broken, f"icons that did not decode: {broken}"
    blank = [(i["href"], i["colours"]) for i in images if i["colours"] < MIN_ICON_COLOURS]
    assert not blank, f"icons drawn blank: {blank}"
    assert screenshot_colours > MIN_SCREENSHOT_COLOURS


def test_an_icon_linked_by_path_is_caught(browser: Browser, site: tuple[str, Path]) -> None:
    _, root = site
    svg = (root / "en" / "ownership.svg").read_text(encoding="utf-8")
    start = svg.index('xlink:href="data:') + len('xlink:href="')
    end = svg.index('"', start)
    (root / "broken.svg").write_text(svg[:start] + "/usr/share/icons/vpc.png" + svg[end:])
    images, _ = _inspect(browser, site, "broken.svg")
    assert [i["decoded"] for i in images] == [False] + [True] * (len(images) - 1)
    assert images[0]["colours"] < MIN_ICON_COLOURS
    assert all(i["colours"] >= MIN_ICON_COLOURS for i in images[1:])


# Every non-empty <text> of the SVG document: its label and its box in user units.
_TEXT_BOXES = """
() => Array.from(document.querySelectorAll("text"))
  .filter((t) => t.textContent.trim())
  .map((t) => {
    const b = t.getBBox();
    return [t.textContent, b.x, b.y, b.x + b.width, b.y + b.height];
  })
"""
# Boxes may touch: lines of one label are set a line apart, and rounding can make two
# neighbours share a fraction of a unit.
OVERLAP_TOLERANCE = 0.5


def _text_boxes(browser: Browser, url: str) -> list[list[Any]]:
    page = browser.new_page()
    try:
        page.goto(url)
        boxes: list[list[Any]] = page.evaluate(_TEXT_BOXES)
    finally:
        page.close()
    return boxes


def _overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP_TOLERANCE
        and min(a[4], b[4]) - max(a[2], b[2]) > OVERLAP_TOLERANCE
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_no_two_labels_overlap(
    browser: Browser, site: tuple[str, Path], view: str, lang: str
) -> None:
    base, _ = site
    boxes = _text_boxes(browser, f"{base}/{lang}/{view}.svg")
    assert len(boxes) > 5
    assert _overlapping(boxes) == []


def test_the_overlap_check_sees_a_label_moved_onto_another(
    browser: Browser, site: tuple[str, Path]
) -> None:
    base, root = site
    svg = (root / "en" / "aws-edge.svg").read_text(encoding="utf-8")
    boxes = _text_boxes(browser, f"{base}/en/aws-edge.svg")
    target = boxes[-1]
    # The first label moved (by its x and y attributes) onto the last one.
    first = svg.index("<text ")
    tag_end = svg.index(">", first)
    moved = re.sub(
        r' x="[^"]*" y="[^"]*"', f' x="{target[1]}" y="{target[4] - 3}"', svg[first:tag_end]
    )
    (root / "clash.svg").write_text(svg[:first] + moved + svg[tag_end:], encoding="utf-8")
    assert _overlapping(_text_boxes(browser, f"{base}/clash.svg")) != []
