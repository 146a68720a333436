"""Session fixtures: the site built once from the shipped design, served, crawled in Chromium."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Request, Response, sync_playwright

from tests.helpers import launch_chromium
from tests.site import sitebuild

# Every host but 127.0.0.1 fails to resolve: no request can leave the machine, and
# each attempt is still seen (and recorded) as a request.
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
# The error of a request cancelled because the crawl moved on to the next page (the
# search worker's lazy loads, mostly); the same requests complete on the home pages.
NAVIGATED_AWAY = "net::ERR_ABORTED"
# Where the crawl waits for the search worker's index and then for the network to go
# quiet, so that the assets every page loads late are requested and recorded; elsewhere
# it waits for the load event, which covers the page, its styles, scripts and images.
SETTLED_PAGES = ("/", "/en/")
SEARCH_INDEX = "/search/search_index.json"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The site built with `mkdocs build --strict` from the shipped design, once per session,
    and the Markdown of its pages as rendered (values from the design filled in)."""
    dest = tmp_path_factory.mktemp("site")
    rendered = tmp_path_factory.mktemp("rendered")
    start = time.monotonic()
    sitebuild.build(dest, rendered=rendered)
    print(f"site built in {time.monotonic() - start:.1f} s")
    return dest, rendered


@pytest.fixture(scope="session")
def site(built: tuple[Path, Path]) -> Path:
    return built[0]


@pytest.fixture(scope="session")
def rendered(built: tuple[Path, Path]) -> Path:
    """Each page's rendered Markdown, ``<lang>/<path>.md``."""
    return built[1]


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with sitebuild.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def recorder(base_url: str) -> Iterator[Recorder]:
    """One headless Chromium for the session: every request recorded, none leaves 127.0.0.1."""
    with sync_playwright() as p:
        browser = launch_chromium(p, LOOPBACK_ONLY)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        recorder = Recorder(context=context)
        # The HTTP cache stays on: an asset a page links wrongly has a URL of its own, so
        # it is still requested and its answer recorded, and the crawl of ~200 pages does
        # not fetch the same scripts and styles ~200 times.
        context.on("request", recorder.request)
        context.on("response", recorder.response)
        context.on("requestfailed", recorder.failed)
        try:
            yield recorder
        finally:
            context.close()
            browser.close()


@dataclass
class Visit:
    url: str
    status: int | None
    lang: str | None = None
    images: list[dict[str, object]] = field(default_factory=list)
    alternates: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorder:
    """What the browser asked for and got, attributed to the page being visited."""

    context: BrowserContext
    current: str = ""
    foreign: list[tuple[str, str]] = field(default_factory=list)
    responses: list[tuple[str, str, int]] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def request(self, request: Request) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and (
            urlsplit(request.url).hostname != "127.0.0.1"
        ):
            self.foreign.append((self.current, request.url))

    def response(self, response: Response) -> None:
        self.responses.append((self.current, response.url, response.status))

    def failed(self, request: Request) -> None:
        if request.failure != NAVIGATED_AWAY:
            self.failures.append((self.current, request.url, request.failure or ""))


# What the crawl reads from each page, in one call: the page's language, its images and
# the language selector's links.
_SEEN = """() => ({
  lang: document.documentElement.lang,
  images: Array.from(document.images, i => ({
    src: i.currentSrc || i.src, complete: i.complete, width: i.naturalWidth})),
  alternates: Array.from(
    document.querySelectorAll("a.md-select__link[hreflang]"), e => [e.hreflang, e.href]),
})"""


@pytest.fixture(scope="session")
def crawl(site: Path, base_url: str, recorder: Recorder) -> dict[str, Visit]:
    """Every page of the site, visited once: its status, language, images and language links."""
    visits: dict[str, Visit] = {}
    page = recorder.context.new_page()
    start = time.monotonic()
    for path in sitebuild.pages(site):
        recorder.current = path
        if path in SETTLED_PAGES:
            with page.expect_response(lambda r: r.url.endswith(SEARCH_INDEX)):
                response = page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
        else:
            response = page.goto(base_url + path, wait_until="load")
        seen = page.evaluate(_SEEN)
        visit = Visit(url=path, status=response.status if response else None)
        visit.lang = seen["lang"]
        visit.images = seen["images"]
        visit.alternates = {lang: urlsplit(href).path for lang, href in seen["alternates"]}
        visits[path] = visit
    recorder.current = ""
    page.close()
    print(f"crawled {len(visits)} pages in {time.monotonic() - start:.1f} s")
    return visits
