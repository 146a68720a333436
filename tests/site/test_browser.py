"""The built site in headless Chromium: every page, asset, image, language link and search."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from eks_refarch.rendering import VIEWS
from tests.site import sitebuild
from tests.site.conftest import SEARCH_INDEX, Recorder, Visit

pytestmark = pytest.mark.browser

SEARCH_TERM = "NodePort"
APP_DOMAIN = {"ja": "/application-domain/", "en": "/en/application-domain/"}

# The views each page shows (issue 4), by page path without language prefix.
PAGE_VIEWS = {
    "/": ("aws-network",),
    "/aws-architecture/": ("aws-network", "aws-edge"),
    "/application-domain/": ("app-north-south", "ownership", "app-east-west"),
    "/infrastructure-domain/": ("infra-control", "infra-telemetry"),
    "/alternatives/": ("ecs-alternative", "lambda-alternative"),
    "/diagrams/": VIEWS,
}


def test_every_page_of_both_languages_is_crawled(site: Path, crawl: dict[str, Visit]) -> None:
    langs = {sitebuild.lang_of_url(url) for url in crawl}
    assert langs == set(sitebuild.LANGS)
    assert set(crawl) == set(sitebuild.pages(site))


def test_every_page_and_asset_answers_200(crawl: dict[str, Visit], recorder: Recorder) -> None:
    bad_pages = [(v.url, v.status) for v in crawl.values() if v.status != 200]
    # 304: the browser revalidated an asset it had cached from an earlier 200.
    bad_assets = [r for r in recorder.responses if r[2] not in (200, 304)]
    assert not bad_pages, bad_pages
    assert not bad_assets, "\n".join(
        f"{page}: {url} -> {status}" for page, url, status in bad_assets
    )
    # Assets were requested and recorded: an empty record would make the check above vacuous.
    assert any(url.endswith(".js") for _, url, _ in recorder.responses)
    assert any(url.endswith(".css") for _, url, _ in recorder.responses)
    assert any(url.endswith(SEARCH_INDEX) for _, url, _ in recorder.responses)


def test_no_request_leaves_127_0_0_1(crawl: dict[str, Visit], recorder: Recorder) -> None:
    assert not recorder.foreign, "\n".join(f"{page}: {url}" for page, url in recorder.foreign)
    assert not recorder.failures, recorder.failures


def test_every_image_is_decoded(crawl: dict[str, Visit]) -> None:
    broken = [
        (v.url, img["src"])
        for v in crawl.values()
        for img in v.images
        if not img["complete"] or not img["width"]
    ]
    assert not broken, broken


@pytest.mark.parametrize("lang", sitebuild.LANGS)
@pytest.mark.parametrize("page", sorted(PAGE_VIEWS))
def test_each_page_shows_its_views_rendered_in_its_own_language(
    crawl: dict[str, Visit], page: str, lang: str
) -> None:
    url = page if lang == sitebuild.DEFAULT_LANG else f"/{lang}{page}"
    shown = [urlsplit(str(img["src"])).path for img in crawl[url].images]
    assert shown == [f"/assets/diagrams/{lang}/{view}.svg" for view in PAGE_VIEWS[page]]
    assert all(img["width"] for img in crawl[url].images)


def test_each_page_declares_its_language(crawl: dict[str, Visit]) -> None:
    wrong = [(v.url, v.lang) for v in crawl.values() if v.lang != sitebuild.lang_of_url(v.url)]
    assert not wrong, wrong


def test_language_switcher_leads_to_the_same_page_in_the_other_language(
    crawl: dict[str, Visit],
) -> None:
    wrong = []
    for visit in crawl.values():
        other = "en" if sitebuild.lang_of_url(visit.url) == "ja" else "ja"
        target = visit.alternates.get(other)
        expected = sitebuild.counterpart(visit.url)
        if target != expected or crawl[expected].status != 200:
            wrong.append((visit.url, other, target, expected))
    assert not wrong, wrong


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_search_for_nodeport_lists_the_application_domain_page(
    lang: str, base_url: str, recorder: Recorder
) -> None:
    page = recorder.context.new_page()
    try:
        home = "/" if lang == sitebuild.DEFAULT_LANG else f"/{lang}/"
        recorder.current = f"search {lang}"
        page.goto(base_url + home, wait_until="networkidle")
        page.locator("input.md-search__input").click()
        # Material searches on keyboard events, so type as a reader would; fill() is silent.
        page.keyboard.type(SEARCH_TERM)
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        hrefs = page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.href)")
    finally:
        recorder.current = ""
        page.close()
    assert APP_DOMAIN[lang] in {urlsplit(h).path for h in hrefs}, hrefs
