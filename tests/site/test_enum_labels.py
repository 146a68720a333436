"""No enumerated design value reaches a page's prose raw: each shows through its label.

The scan reads every built page's article outside code (``code``, ``pre``, ``kbd``), and
looks for each value that a design field may take from a fixed list (``one-per-az``,
``irsa``, ``ALL``, ``STRICT``...), and each severity, as a word. A value that is also an
ordinary word of the language, or a name used as it is in both languages, is listed
below with the reason it may stand in prose.
"""

from __future__ import annotations

import re
from collections.abc import Set
from html.parser import HTMLParser
from pathlib import Path

import pytest

from eks_refarch.site.labels import LABELS, enum_values, words_of
from tests.site import sitebuild

# The values that may stand in prose as they are: names (Kubernetes kinds, protocols) in
# both languages, and in English the values that are also English words, each meaning
# that word there. They are declared beside the labels, in eks_refarch.site.labels.
ALLOWED = {lang: words_of(lang) for lang in sitebuild.LANGS}


class _Prose(HTMLParser):
    """The text of a page's article, outside code."""

    SKIP = ("code", "pre", "kbd", "script", "style")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if tag in self.SKIP:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if tag in self.SKIP:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def raw_values(text: str, values: Set[str]) -> set[str]:
    # A value followed by ":/" is a URL's scheme (s3://bucket), not the value.
    pattern = r"(?<![\w./@=-]){}(?![\w/@=-])(?!:/)"
    return {v for v in values if re.search(pattern.format(re.escape(v)), text)}


def test_the_scan_sees_values_that_have_labels() -> None:
    values = enum_values()
    assert {"one-per-az", "irsa", "ALL", "STRICT", "IMMUTABLE", "private-app"} <= values
    labelled = {v for labels in LABELS.values() for v in labels}
    assert {"one-per-az", "irsa", "ALL", "graduated"} <= labelled
    assert raw_values("deployed one-per-az today", values) == {"one-per-az"}
    assert raw_values("see `x` and path/ALL or ALL_CAPS", {"ALL"}) == set()


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_no_page_shows_a_raw_enumerated_value_outside_code(site: Path, lang: str) -> None:
    values = enum_values() - ALLOWED[lang]
    found = {}
    for url, html in sitebuild.pages(site).items():
        if sitebuild.lang_of_url(url) != lang:
            continue
        text = " ".join(_Prose(html.read_text(encoding="utf-8")).text)
        raw = raw_values(text, values)
        if raw:
            found[url] = sorted(raw)
    assert not found, found
