"""Session fixtures: the site built once from the shipped design, served, and crawled in Chromium."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Request, Response, Route, sync_playwright

from tests.site import sitebuild

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with `mkdocs build --strict` from the shipped design, once per session."""
    dest = tmp_path_factory.mktemp("site")
    start = time.monotonic()
    sitebuild.build(dest)
    print(f"site built in {time.monotonic() - start:.1f} s")
    return dest


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with sitebuild.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def recorder(base_url: str) -> Iterator[Recorder]:
    """One headless Debian Chromium for the session; every request is recorded, none leaves 127.0.0.1."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run `make setup` to install chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        recorder = Recorder(context=context)
        # Routing every request also turns off the HTTP cache, so each page asks for
        # every asset it uses and each answer is recorded.
        context.route("**/*", recorder.route)
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

    def route(self, route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname != "127.0.0.1":
            self.foreign.append((self.current, request.url))
            route.abort()
        else:
            route.continue_()

    def response(self, response: Response) -> None:
        self.responses.append((self.current, response.url, response.status))

    def failed(self, request: Request) -> None:
        self.failures.append((self.current, request.url, request.failure or ""))


@pytest.fixture(scope="session")
def crawl(site: Path, base_url: str, recorder: Recorder) -> dict[str, Visit]:
    """Every page of the site, visited once: its status, language, images and language links."""
    visits: dict[str, Visit] = {}
    page = recorder.context.new_page()  # type: ignore[attr-defined]
    start = time.monotonic()
    for path in sitebuild.pages(site):
        recorder.current = path
        response = page.goto(base_url + path, wait_until="networkidle")
        visit = Visit(url=path, status=response.status if response else None)
        visit.lang = page.evaluate("document.documentElement.lang")
        visit.images = page.evaluate(
            "Array.from(document.images, i => ({src: i.currentSrc || i.src,"
            " complete: i.complete, width: i.naturalWidth}))"
        )
        for lang, href in page.eval_on_selector_all(
            "a.md-select__link[hreflang]", "els => els.map(e => [e.hreflang, e.href])"
        ):
            visit.alternates[lang] = urlsplit(href).path
        visits[path] = visit
    recorder.current = ""
    page.close()
    print(f"crawled {len(visits)} pages in {time.monotonic() - start:.1f} s")
    return visits
