"""The check catalog: a generated page per registered check in both languages, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import CheckSpec
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design
from eks_refarch.i18n import tr
from eks_refarch.site import catalog, decisions
from tests.site import sitebuild

CHECKS = load_builtin_checks().checks()
PREFIX = {"ja": "", "en": "/en"}


def _article(site: Path, url: str) -> sitebuild.Html:
    """The page's content alone: the navigation links every check page from every page."""
    source = sitebuild.pages(site)[url].read_text(encoding="utf-8")
    match = re.search(r"<article\b.*?</article>", source, re.DOTALL)
    assert match, url
    return sitebuild.Html(match.group(0))


def _words(text: str) -> str:
    return " ".join(text.split())


def _letters(text: str) -> str:
    """Text without any whitespace: inline code in a page's text is set off by spaces."""
    return "".join(text.split())


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_every_registered_check_has_a_page_and_the_catalog_holds_nothing_else(
    site: Path, lang: str
) -> None:
    folder = site / PREFIX[lang].lstrip("/") / "conformance" / "checks"
    pages = {p.parent.name for p in folder.glob("*/index.html")}
    assert pages == {c.id for c in CHECKS}
    assert (folder / "index.html").is_file()


@pytest.mark.parametrize("lang", sitebuild.LANGS)
@pytest.mark.parametrize("spec", CHECKS, ids=[c.id for c in CHECKS])
def test_a_check_page_shows_what_the_registry_declares(
    site: Path, design: Design, lang: str, spec: CheckSpec
) -> None:
    page = _article(site, f"{PREFIX[lang]}/conformance/checks/{spec.id}/")
    text = _words(page.visible_text)
    registry = load_builtin_checks()
    other = "en" if lang == "ja" else "ja"
    assert spec.id in text
    letters = _letters(text)
    assert _letters(spec.text(lang).title) in letters
    assert _letters(spec.text(other).title) not in letters
    assert _letters(spec.text(lang).steps) in letters
    if spec.rationale:
        assert _letters(spec.text(lang).rationale) in letters
    assert tr(lang, catalog.SEVERITY[spec.severity]) in text
    assert f"({spec.severity.value})" not in text
    assert f"（{spec.severity.value}）" not in text
    assert design.decision(spec.decision).title[lang] in text
    assert f"../../../decisions/{spec.decision.lower()}/" in page.links
    for attribute in (spec.remediation.terraform, spec.remediation.kubernetes):
        if attribute:
            assert _words(attribute) in text
    for url in spec.references:
        assert url in page.links
    for kind in spec.needs:
        assert kind.__name__ in text
        assert all(a in text for a in registry.collector_for(kind).actions)
    assert f"refarch check --only {spec.id}" in text


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_catalog_index_links_every_check_with_its_title(site: Path, lang: str) -> None:
    page = _article(site, f"{PREFIX[lang]}/conformance/checks/")
    text = _words(page.visible_text)
    for spec in CHECKS:
        assert f"{spec.id}/" in page.links, spec.id
        assert _letters(spec.text(lang).title) in _letters(text), spec.id
    assert f"{len(CHECKS)}" in text


# Every page of the navigation, written or generated, but no check page: a reader
# reaches those through the catalog's index.
NAV_LIMIT = 40


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_navigation_lists_no_check_page_and_stays_small(site: Path, lang: str) -> None:
    source = sitebuild.pages(site)[f"{PREFIX[lang]}/"].read_text(encoding="utf-8")
    match = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', source, re.DOTALL)
    assert match, "no primary navigation"
    nav = sitebuild.Html(match.group(0))
    pages = {link for link in nav.links if not link.startswith(("#", "http"))}
    assert not [link for link in pages if re.search(r"conformance/checks/[a-z0-9_]+/$", link)]
    assert any(link.endswith("conformance/checks/") for link in pages)
    assert 10 < len(pages) <= NAV_LIMIT, sorted(pages)


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_each_decision_page_links_its_checks_titled_in_its_language(
    site: Path, design: Design, lang: str
) -> None:
    for decision in design.decisions:
        page = _article(site, f"{PREFIX[lang]}/decisions/{decision.id.lower()}/")
        linked = {
            m.group(1)
            for link in page.links
            if (m := re.fullmatch(r"\.\./\.\./conformance/checks/([a-z0-9_]+)/", link))
        }
        enforcing = decisions.enforcing_checks(decision.id)
        assert linked == {c.id for c in enforcing}, decision.id
        text = _words(page.visible_text)
        assert all(_letters(c.text(lang).title) in _letters(text) for c in enforcing), decision.id


def test_check_of_page_knows_index_pages_and_rejects_unregistered_names() -> None:
    registry = load_builtin_checks()
    assert catalog.check_of_page("conformance/checks/index.md", registry) is None
    assert catalog.check_of_page("conformance/index.md", registry) is None
    spec = CHECKS[0]
    assert catalog.check_of_page(catalog.page_of(spec.id), registry) == spec
    with pytest.raises(ValueError, match="no check 'vpc_is_lovely' is registered"):
        catalog.check_of_page("conformance/checks/vpc_is_lovely.md", registry)


def test_a_check_in_a_module_without_an_area_label_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = next(c for c in CHECKS if c.module.endswith(".aws.edge"))
    monkeypatch.delitem(catalog.AREA, "aws.edge")
    with pytest.raises(ValueError, match=rf"check {spec.id} is declared in .*aws\.edge"):
        catalog.area_of(spec)


def test_a_check_reading_two_sources_is_labelled_cross_layer() -> None:
    cross = [c for c in CHECKS if len(c.sources) > 1]
    assert cross
    for spec in cross:
        assert catalog.source_label(spec, "en").startswith("Cross-layer (AWS account + Cluster")
        assert catalog.source_label(spec, "ja").startswith("層をまたぐ（AWS アカウント + ")


def test_pages_follow_the_registry_they_are_given() -> None:
    assert catalog.pages(Registry()) == ()
    assert catalog.pages(load_builtin_checks()) == tuple(catalog.page_of(c.id) for c in CHECKS)
