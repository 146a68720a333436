"""Values on the pages come from the design: change one in architecture.yaml, every page follows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eks_refarch.design import Design, load
from eks_refarch.manifests.render import render, write
from tests.helpers import SHIPPED_DESIGN, replace_once
from tests.site import sitebuild

NEW_HTTP_NODE_PORT = 31980


def _pages_showing(site: Path, value: str) -> set[str]:
    """Pages, and diagrams, whose visible text shows the value (not inside another number)."""
    word = re.compile(rf"(?<![\d.]){re.escape(value)}(?![\d.])")
    documents = {
        **sitebuild.pages(site),
        **{f"/{p.relative_to(site)}": p for p in site.glob("assets/diagrams/*/*.svg")},
    }
    return {
        url for url, path in documents.items() if word.search(sitebuild.parse(path).visible_text)
    }


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory, design: Design) -> Path:
    """The site built from a copy of the design whose gateway http nodePort is changed.

    Its manifests are rendered again from the changed design, as `make manifests` would
    after such a change, so the manifests page and the example report follow it too.
    """
    old = design.mesh.ingress_gateway.node_ports.http
    text = replace_once(
        SHIPPED_DESIGN.read_text(encoding="utf-8"), f"http: {old}", f"http: {NEW_HTTP_NODE_PORT}"
    )
    folder = tmp_path_factory.mktemp("design")
    copy = folder / "architecture.yaml"
    copy.write_text(text, encoding="utf-8")
    write(render(load(copy)), folder / "manifests")
    dest = tmp_path_factory.mktemp("changed-site")
    sitebuild.build(dest, design=copy, manifests=folder / "manifests")
    return dest


def test_changing_the_http_node_port_changes_every_page_that_shows_it(
    site: Path, changed_site: Path, design: Design
) -> None:
    old = str(design.mesh.ingress_gateway.node_ports.http)
    before = _pages_showing(site, old)
    assert {
        "/application-domain/",
        "/en/application-domain/",
        "/aws-architecture/",
        "/en/aws-architecture/",
        "/gitops-manifests/",
        "/en/gitops-manifests/",
        "/conformance/example-report/",
        "/en/conformance/example-report/",
        "/assets/diagrams/ja/app-north-south.svg",
        "/assets/diagrams/en/app-north-south.svg",
    } <= before
    assert _pages_showing(changed_site, str(NEW_HTTP_NODE_PORT)) == before
    assert _pages_showing(changed_site, old) == set()


def test_the_shipped_design_does_not_already_use_the_new_port(site: Path) -> None:
    assert _pages_showing(site, str(NEW_HTTP_NODE_PORT)) == set()
