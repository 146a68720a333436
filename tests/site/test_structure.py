"""The Japanese and English sites have the same pages, in the same shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_refarch.design import Design
from eks_refarch.site.decisions import page_of
from tests.helpers import REPO
from tests.site import sitebuild

DOCS = REPO / "docs"


def _sources(lang: str) -> set[str]:
    return {p.relative_to(DOCS / lang).as_posix() for p in (DOCS / lang).rglob("*.md")}


def test_ja_and_en_sources_have_the_same_pages() -> None:
    assert _sources("ja")
    assert _sources("ja") == _sources("en")


def test_every_decision_has_a_page_in_both_languages_and_every_record_a_decision(
    design: Design,
) -> None:
    expected = {page_of(d.id) for d in design.decisions}
    for lang in sitebuild.LANGS:
        records = {p for p in _sources(lang) if p.startswith("decisions/adr-")}
        assert records == expected, lang


def test_ja_and_en_sites_have_the_same_pages(site: Path) -> None:
    built = sitebuild.pages(site)
    ja = {u for u in built if sitebuild.lang_of_url(u) == "ja"}
    en = {sitebuild.counterpart(u) for u in built if sitebuild.lang_of_url(u) == "en"}
    assert len(ja) > 1
    assert ja == en


def test_each_page_has_the_same_headings_in_both_languages(site: Path) -> None:
    built = sitebuild.pages(site)
    different = {}
    for url, html in built.items():
        if sitebuild.lang_of_url(url) != "ja":
            continue
        ja = sitebuild.parse(html).headings
        en = sitebuild.parse(built[sitebuild.counterpart(url)]).headings
        if ja != en:
            different[url] = (ja, en)
    assert not different, different


# What the conformance page must explain for each source, in both languages: the real
# options of `refarch check` and the ways to reach nodes.
HOW_TO = (
    "--kubeconfig",
    "--context",
    "--manifests",
    "--hosts",
    "ssh://",
    "paramiko://",
    "local://",
    "ProxyCommand",
    "AWS-StartSSHSession",
    "/configz",
    "nodes/proxy",
)


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_conformance_page_explains_every_source_and_no_unreleased_option(
    site: Path, lang: str
) -> None:
    url = "/conformance/" if lang == sitebuild.DEFAULT_LANG else f"/{lang}/conformance/"
    text = sitebuild.parse(sitebuild.pages(site)[url]).visible_text
    assert [term for term in HOW_TO if term not in text] == []
    assert "not in this release" not in text
    assert "このリリースにはまだありません" not in text
