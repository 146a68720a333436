"""Every internal link and anchor in the built site resolves."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from eks_refarch.conformance.builtin import load_builtin_checks
from tests.helpers import REPO
from tests.site import sitebuild

SITE_ORIGIN = "http://site.invalid"


def _target(site: Path, url_path: str) -> Path | None:
    """The file a URL path is served from, or None when nothing serves it."""
    candidate = site / unquote(url_path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path) -> list[str]:
    problems = []
    for html in sorted(site.rglob("*.html")):
        page_url = SITE_ORIGIN + "/" + html.relative_to(site).as_posix()
        for link in sitebuild.parse(html).links:
            resolved = urlsplit(urljoin(page_url, link))
            if resolved.scheme in ("mailto", "data", "javascript"):
                continue
            if f"{resolved.scheme}://{resolved.netloc}" != SITE_ORIGIN:
                continue  # external: the edit links and the repository link
            target = _target(site, resolved.path)
            where = f"{html.relative_to(site)}: {link}"
            if target is None:
                problems.append(f"{where}: no such file")
            elif (
                resolved.fragment
                and target.suffix == ".html"
                and unquote(resolved.fragment) not in sitebuild.parse(target).ids
            ):
                problems.append(f"{where}: no anchor #{unquote(resolved.fragment)}")
    return problems


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    assert not broken_links(site), "\n".join(broken_links(site))


def test_the_link_check_sees_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/#here">ok</a><a href="a/#gone">anchor</a><a href="b/">page</a>'
        '<a href="https://example.com/">external</a>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == [
        "index.html: a/#gone: no anchor #gone",
        "index.html: b/: no such file",
    ]


def _sources_of(url: str) -> set[str]:
    """The docs-relative sources a page URL may be built from."""
    lang = sitebuild.lang_of_url(url)
    path = url.removeprefix("/en/" if lang == "en" else "/").rstrip("/")
    if not path:
        return {f"{lang}/index.md"}
    return {f"{lang}/{path}.md", f"{lang}/{path}/index.md"}


def _rule_module(url: str) -> str | None:
    """For a check's catalog page, the rule module that declares the check, from the repo root."""
    match = re.fullmatch(r"(?:/en)?/conformance/checks/([a-z0-9_]+)/", url)
    if match is None:
        return None
    rule = load_builtin_checks().get(match.group(1)).rule
    return Path(inspect.getsourcefile(rule) or "").relative_to(REPO).as_posix()


def test_every_page_has_an_edit_link_to_its_own_source(site: Path) -> None:
    """Written pages link to their Markdown; a check's page to the module declaring the check."""
    repository = f"{sitebuild.REPOSITORY}/edit/main/"
    edit_uri = repository + "docs/"
    wrong = {}
    generated = 0
    for url, html in sitebuild.pages(site).items():
        links = sitebuild.parse(html).edit_links
        module = _rule_module(url)
        if module is not None:
            generated += 1
            if links != [repository + module] or not (REPO / module).is_file():
                wrong[url] = links
            continue
        source = links[0].removeprefix(edit_uri) if len(links) == 1 else None
        if source not in _sources_of(url) or not (REPO / "docs" / source).is_file():
            wrong[url] = links
    assert not wrong, wrong
    assert generated == 2 * len(load_builtin_checks().checks())


def test_the_shipped_configuration_names_no_repository() -> None:
    """No placeholder: the repository comes from REFARCH_REPOSITORY, empty by default."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'repository: !ENV [REFARCH_REPOSITORY, ""]' in text
    assert "edit_uri" not in text.split("plugins:")[0]
    assert "example/" not in text


def test_the_header_links_the_repository_of_the_setting(site: Path) -> None:
    for url, html in sitebuild.pages(site).items():
        assert sitebuild.REPOSITORY in sitebuild.parse(html).links, url
