"""Every diagram on the site, read the way a reader reads it: in the page at 1440x900 and on a
390-pixel phone, and in the zoom view that opens on click (headless Chromium).

Label heights are measured from the rendered SVG's own text boxes: the picture is drawn
inline, offscreen, at exactly the width it has on screen, and each <text> element's
box is read from the browser. A page's picture must set its smallest label at least
MIN_IN_PAGE pixels tall on the desktop, and the zoom view at least MIN_ZOOMED on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, FloatRect, Page, ViewportSize

from tests.site import sitebuild
from tests.site.conftest import Recorder

pytestmark = pytest.mark.browser

MIN_IN_PAGE = 10.0
MIN_ZOOMED = 14.0
INK = (0x1F, 0x29, 0x33)  # the diagrams' text colour (eks_refarch.rendering.kit.INK)
MIN_CONTRAST = 7.0  # WCAG AAA for text of this size
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}
FIGURE_IMAGE = "figure.refarch-diagram img"

# The smallest text box of the SVG at `src`, drawn inline at `width` CSS pixels.
_SMALLEST_LABEL = """
async ([src, width]) => {
  const text = await (await fetch(src)).text();
  const holder = document.createElement("div");
  holder.style.cssText = "position:absolute;left:-100000px;top:0;";
  holder.innerHTML = text;
  const svg = holder.querySelector("svg");
  svg.setAttribute("width", `${width}px`);
  svg.removeAttribute("height");
  document.body.appendChild(holder);
  const heights = Array.from(svg.querySelectorAll("text"))
    .filter((t) => t.textContent.trim())
    .map((t) => t.getBoundingClientRect().height);
  holder.remove();
  return Math.min(...heights);
}
"""

# The width of an image's picture on screen: its box without padding and border.
_SHOWN_WIDTH = """
(img) => {
  const style = getComputedStyle(img);
  const px = (name) => parseFloat(style.getPropertyValue(name)) || 0;
  return img.getBoundingClientRect().width - px("padding-left") - px("padding-right")
    - px("border-left-width") - px("border-right-width");
}
"""


@dataclass(frozen=True)
class Shown:
    """One diagram on one page: where it is, and its smallest label in the page."""

    url: str
    src: str
    smallest: float
    left: float
    right: float


@pytest.fixture(scope="module")
def browser(recorder: Recorder) -> Browser:
    """The session's Chromium (one Playwright per process), where no host but 127.0.0.1
    resolves; each test opens contexts of its own in it."""
    browser = recorder.context.browser
    assert browser is not None
    return browser


@pytest.fixture(scope="module")
def diagram_pages(site: Path) -> list[str]:
    """Every page of both languages that shows a diagram."""
    found = [
        url
        for url, path in sitebuild.pages(site).items()
        if 'class="refarch-diagram"' in path.read_text(encoding="utf-8")
    ]
    assert {sitebuild.lang_of_url(u) for u in found} == set(sitebuild.LANGS)
    return found


def _view_of(src: str) -> str:
    return urlsplit(src).path.rsplit("/", 2)[-1].removesuffix(".svg")


def _measure(page: Page) -> list[Shown]:
    shown = []
    for img in page.locator(FIGURE_IMAGE).all():
        img.scroll_into_view_if_needed()
        src = img.evaluate("i => i.currentSrc || i.src")
        width = img.evaluate(_SHOWN_WIDTH)
        box = img.bounding_box()
        assert box is not None
        smallest = page.evaluate(_SMALLEST_LABEL, [src, width])
        shown.append(Shown(page.url, src, smallest, box["x"], box["x"] + box["width"]))
    return shown


@pytest.fixture(scope="module")
def measured(browser: Browser, base_url: str, diagram_pages: list[str]) -> dict[str, list[Shown]]:
    """Every diagram on every diagram page, at each viewport."""
    seen: dict[str, list[Shown]] = {}
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport, has_touch=name == "phone")
        page = context.new_page()
        seen[name] = []
        for url in diagram_pages:
            page.goto(base_url + url, wait_until="load")
            seen[name] += _measure(page)
        context.close()
    print("\nsmallest label per view (CSS px): view, desktop page, phone page")
    for view in sorted({_view_of(s.src) for s in seen["desktop"]}):
        low = {n: min(s.smallest for s in seen[n] if _view_of(s.src) == view) for n in seen}
        print(f"  {view:<22} {low['desktop']:5.1f} {low['phone']:5.1f}")
    return seen


def test_each_diagram_page_shows_its_pictures(measured: dict[str, list[Shown]]) -> None:
    assert len(measured["desktop"]) == len(measured["phone"]) > 0


def test_every_diagram_sets_its_smallest_label_at_least_10_px_in_the_desktop_page(
    measured: dict[str, list[Shown]],
) -> None:
    small = [(s.url, _view_of(s.src), s.smallest) for s in measured["desktop"]]
    assert [x for x in small if x[2] < MIN_IN_PAGE] == []


def test_a_phone_shows_every_picture_whole(measured: dict[str, list[Shown]]) -> None:
    width = VIEWPORTS["phone"]["width"]
    cut = [(s.url, _view_of(s.src)) for s in measured["phone"] if s.left < 0 or s.right > width]
    assert cut == []


def _open_zoom(page: Page, index: int) -> tuple[str, float]:
    """Click the index-th diagram; the zoom view's picture: its source and smallest label."""
    img = page.locator(FIGURE_IMAGE).nth(index)
    img.scroll_into_view_if_needed()
    img.click()
    zoomed = page.locator(".refarch-zoom img")
    zoomed.wait_for()
    src = zoomed.evaluate("i => i.currentSrc || i.src")
    box = zoomed.bounding_box()
    assert box is not None
    return src, page.evaluate(_SMALLEST_LABEL, [src, box["width"]])


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_zoom_view_sets_every_label_at_least_14_px(
    browser: Browser, base_url: str, diagram_pages: list[str], viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport], has_touch=viewport == "phone")
    foreign: list[str] = []
    context.on(
        "request",
        lambda r: foreign.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None,
    )
    page = context.new_page()
    lowest: dict[str, float] = {}
    small = []
    try:
        for url in diagram_pages:
            page.goto(base_url + url, wait_until="load")
            for index in range(page.locator(FIGURE_IMAGE).count()):
                src, smallest = _open_zoom(page, index)
                view = _view_of(src)
                lowest[view] = min(smallest, lowest.get(view, smallest))
                if smallest < MIN_ZOOMED:
                    small.append((url, view, smallest))
                page.keyboard.press("Escape")
                page.locator(".refarch-zoom").wait_for(state="detached")
    finally:
        context.close()
    print(f"\nsmallest label per view in the zoom view ({viewport}, CSS px)")
    for view, smallest in sorted(lowest.items()):
        print(f"  {view:<22} {smallest:5.1f}")
    assert small == []
    assert foreign == [], "the zoom view asks nothing of another site"


@pytest.fixture
def zoom_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """The English AWS page on a phone, its first diagram open in the zoom view."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True)
    page = context.new_page()
    page.goto(base_url + "/en/aws-architecture/", wait_until="load")
    _open_zoom(page, 0)
    yield page
    context.close()


def _placement(page: Page) -> FloatRect:
    box = page.locator(".refarch-zoom img").bounding_box()
    assert box is not None
    return box


def test_the_zoom_view_zooms_and_pans_with_the_keyboard_and_closes_with_escape(
    zoom_page: Page,
) -> None:
    page = zoom_page
    dialog = page.locator(".refarch-zoom")
    assert dialog.get_attribute("role") == "dialog"
    assert dialog.get_attribute("aria-modal") == "true"
    start = _placement(page)
    page.keyboard.press("+")
    assert _placement(page)["width"] > start["width"] * 1.2
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert _placement(page)["width"] < start["width"]
    page.keyboard.press("1")
    before = _placement(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    after = _placement(page)
    assert after["x"] < before["x"]
    assert after["y"] < before["y"]
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    focused = page.evaluate("document.activeElement.matches('figure.refarch-diagram img')")
    assert focused, "focus returns to the picture"


def test_the_picture_opens_with_the_keyboard_too(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        page.goto(base_url + "/aws-architecture/", wait_until="load")
        picture = page.locator(FIGURE_IMAGE).first
        assert picture.get_attribute("role") == "button"
        assert "拡大表示" in (picture.get_attribute("aria-label") or "")
        picture.focus()
        page.keyboard.press("Enter")
        page.locator(".refarch-zoom").wait_for()
    finally:
        context.close()


def _gesture(page: Page, frames: list[list[tuple[float, float]]]) -> None:
    """Fingers touching down at the first frame's points, moving through the others, then
    lifting: real touch input, through Chromium's input pipeline (DevTools protocol)."""
    session = page.context.new_cdp_session(page)
    try:
        for i, points in enumerate(frames):
            kind = "touchStart" if i == 0 else "touchMove"
            touches = [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]
            session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches})
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        session.detach()


def test_the_zoom_view_pinches_and_drags_by_touch(zoom_page: Page) -> None:
    page = zoom_page
    stage = page.locator(".refarch-zoom__stage").bounding_box()
    assert stage is not None
    x, y = stage["x"] + stage["width"] / 2, stage["y"] + stage["height"] / 2
    start = _placement(page)
    _gesture(page, [[(x - 20 - 10 * i, y), (x + 20 + 10 * i, y)] for i in range(9)])
    pinched = _placement(page)
    assert pinched["width"] > start["width"] * 1.5
    _gesture(page, [[(x - 10 * i, y - 8 * i)] for i in range(9)])
    dragged = _placement(page)
    assert dragged["x"] < pinched["x"] - 40
    assert dragged["y"] < pinched["y"] - 30


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    numbers = css[css.index("(") + 1 : css.index(")")].split(",")
    r, g, b = (int(float(n)) for n in numbers[:3])
    return r, g, b


_COLOURS = """
() => {
  const img = document.querySelector("figure.refarch-diagram img");
  return {
    scheme: document.body.getAttribute("data-md-color-scheme"),
    panel: getComputedStyle(img).backgroundColor,
    page: getComputedStyle(document.querySelector(".md-main")).backgroundColor
      || getComputedStyle(document.body).backgroundColor,
    body: getComputedStyle(document.body).backgroundColor,
  };
}
"""


@pytest.mark.parametrize(("scheme", "material"), [("light", "default"), ("dark", "slate")])
def test_diagrams_sit_on_a_panel_legible_in_each_colour_scheme(
    browser: Browser, base_url: str, scheme: Literal["light", "dark"], material: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(base_url + "/en/aws-architecture/", wait_until="load")
        colours = page.evaluate(_COLOURS)
    finally:
        context.close()
    assert colours["scheme"] == material
    panel = _rgb(colours["panel"])
    assert _contrast(panel, INK) >= MIN_CONTRAST
    if material == "slate":
        # Not a white slab on a dark page: a muted panel, softer than white.
        assert _luminance(panel) < 0.85
        assert _contrast(panel, (255, 255, 255)) > 1.15
        assert _luminance(_rgb(colours["body"])) < 0.1, "the page itself is dark"
