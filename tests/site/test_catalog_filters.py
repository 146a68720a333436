"""The check catalog's index filters its table in the browser by text, layer and severity."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.site import catalog
from tests.site import sitebuild
from tests.site.conftest import Recorder

pytestmark = pytest.mark.browser

CHECKS = load_builtin_checks().checks()
INDEX = {"ja": "/conformance/checks/", "en": "/en/conformance/checks/"}


@pytest.fixture
def index_page(base_url: str, recorder: Recorder) -> Iterator[Page]:
    page = recorder.context.new_page()
    yield page
    page.close()


def _shown(page: Page) -> list[str]:
    shown: list[str] = page.eval_on_selector_all(
        "#refarch-check-catalog tbody tr:not([hidden]) td:first-child code",
        "els => els.map(e => e.textContent)",
    )
    return shown


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_index_filters_by_layer_severity_and_text(
    lang: str, base_url: str, index_page: Page
) -> None:
    page = index_page
    page.goto(base_url + INDEX[lang], wait_until="load")
    assert sorted(_shown(page)) == sorted(c.id for c in CHECKS)
    count = page.locator(".check-catalog-count")
    assert str(len(CHECKS)) in count.inner_text()

    page.select_option("#refarch-check-catalog [name=layer]", "nodes")
    nodes = sorted(c.id for c in CHECKS if catalog.layer_of(c) == "nodes")
    assert sorted(_shown(page)) == nodes
    assert str(len(nodes)) in count.inner_text()

    page.select_option("#refarch-check-catalog [name=severity]", "high")
    both = sorted(
        c.id for c in CHECKS if catalog.layer_of(c) == "nodes" and c.severity.value == "high"
    )
    assert sorted(_shown(page)) == both

    page.select_option("#refarch-check-catalog [name=layer]", "")
    page.select_option("#refarch-check-catalog [name=severity]", "")
    page.fill("#refarch-check-catalog [name=q]", "read_only_port")
    assert _shown(page) == [c.id for c in CHECKS if "read_only_port" in c.id]
