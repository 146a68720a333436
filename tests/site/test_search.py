"""Search finds what is on the page, in each language, typed into the real search box.

For every word of ``data/search-words.yaml``, the pages of that language whose text holds
the word (where a word starts: at the start of a run of Japanese text or anywhere in it,
at a word boundary in English) must all be among the results, and no page of the other
language may be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Page

from tests.site import sitebuild
from tests.site.conftest import Recorder

pytestmark = pytest.mark.browser

WORDS: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "search-words.yaml").read_text(encoding="utf-8")
)
HOME = {"ja": "/", "en": "/en/"}


def test_each_language_has_at_least_40_distinct_words() -> None:
    for lang in sitebuild.LANGS:
        assert len(WORDS[lang]) >= 40
        assert len(set(WORDS[lang])) == len(WORDS[lang]), lang


def _article_text(html: Path) -> str:
    source = html.read_text(encoding="utf-8")
    match = re.search(r"<article\b.*?</article>", source, re.DOTALL)
    return " ".join(sitebuild.Html(match.group(0)).visible_text.split()) if match else ""


def pages_with(site: Path, lang: str, word: str) -> set[str]:
    """The pages of ``lang`` whose text holds ``word`` where a word can start."""
    if lang == "en":
        pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(word)}", re.IGNORECASE)
    else:
        pattern = re.compile(re.escape(word))
    return {
        url
        for url, html in sitebuild.pages(site).items()
        if sitebuild.lang_of_url(url) == lang and pattern.search(_article_text(html))
    }


@pytest.fixture(scope="module")
def search_page(base_url: str, recorder: Recorder) -> Iterator[Page]:
    page = recorder.context.new_page()
    yield page
    page.close()


def open_search(page: Page, base_url: str, lang: str) -> None:
    """``lang``'s home page with its search box open: its index is that language's."""
    page.goto(base_url + HOME[lang], wait_until="networkidle")
    page.locator("input.md-search__input").click()


def search(page: Page, word: str) -> set[str]:
    """Type ``word`` into the open search box, as a reader would; every result page's path."""
    box = page.locator("input.md-search__input")
    box.fill("")
    page.keyboard.press("End")
    # The emptied box shows the prompt again: the last word's results are gone.
    page.wait_for_function(
        """() => {
          const t = JSON.parse(document.getElementById("__config").textContent).translations;
          const meta = document.querySelector(".md-search-result__meta");
          return meta && meta.textContent.trim() === t["search.result.placeholder"];
        }""",
        timeout=15_000,
    )
    # The word goes in at once and one key is released: Material searches on keyup, and
    # typing letter by letter would leave the count of a shorter query on screen.
    box.fill(word)
    page.keyboard.press("End")
    # The line above the results says how many were found once the query has run (before,
    # it holds a prompt, then "initialising"): wait for one of those counts.
    page.wait_for_function(
        """() => {
          const meta = document.querySelector(".md-search-result__meta");
          const t = JSON.parse(document.getElementById("__config").textContent).translations;
          const text = meta ? meta.textContent.trim() : "";
          const other = t["search.result.other"].split("#");
          return text === t["search.result.none"] || text === t["search.result.one"] ||
            (text.startsWith(other[0]) && text.endsWith(other[1]) &&
             /^\\d+$/.test(text.slice(other[0].length, text.length - other[1].length)));
        }""",
        timeout=15_000,
    )
    # Material renders ten results, then four more each time the list reaches its end (its
    # boundary watcher reports changes only, so the list scrolls back between): scroll
    # until as many are shown as the count above them says.
    total = page.evaluate(
        """() => {
          const t = JSON.parse(document.getElementById("__config").textContent).translations;
          const text = document.querySelector(".md-search-result__meta").textContent.trim();
          if (text === t["search.result.none"]) return 0;
          if (text === t["search.result.one"]) return 1;
          return parseInt(text.replace(/[^0-9]/g, ""), 10);
        }"""
    )
    items = page.locator(".md-search-result__item")
    page.locator(".md-search__scrollwrap").hover()
    for _ in range(total):
        if items.count() >= total:
            break
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(60)
        page.mouse.wheel(0, 100_000)
        page.wait_for_timeout(120)
    assert items.count() == total, f"{word}: {items.count()} of {total} results shown"
    hrefs = page.eval_on_selector_all("a.md-search-result__link", "els => els.map(e => e.href)")
    return {urlsplit(h).path for h in hrefs}


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_every_page_holding_a_word_is_among_its_results(
    lang: str, site: Path, base_url: str, search_page: Page, recorder: Recorder
) -> None:
    missing = {}
    foreign = {}
    recorder.current = f"search {lang}"
    try:
        open_search(search_page, base_url, lang)
        for word in WORDS[lang]:
            expected = pages_with(site, lang, word)
            assert expected, f"{word!r} is on no {lang} page: take it off the list"
            found = search(search_page, word)
            if expected - found:
                missing[word] = sorted(expected - found)
            other = {p for p in found if sitebuild.lang_of_url(p) != lang}
            if other:
                foreign[word] = sorted(other)
    finally:
        recorder.current = ""
    assert not missing, missing
    assert not foreign, foreign
