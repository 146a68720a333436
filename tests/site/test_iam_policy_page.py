"""The IAM policy page shows exactly what `refarch policy` prints, in both languages."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from eks_refarch import cli
from eks_refarch.policy import FORMATS
from tests.site import sitebuild


class _CodeBlocks(HTMLParser):
    """The text of every <pre><code> block, as a reader would copy it."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._pre = self._code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre = True
        elif tag == "code" and self._pre:
            self._code = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._code = False
        elif tag == "pre":
            self._pre = False

    def handle_data(self, data: str) -> None:
        if self._code:
            self.blocks[-1] += data


@pytest.mark.parametrize("url", ["/conformance/iam-policy/", "/en/conformance/iam-policy/"])
def test_the_page_shows_exactly_the_commands_documents(
    site: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    printed = []
    for output_format in FORMATS:
        assert cli.run(["policy", "--format", output_format]) == 0
        printed.append(capsys.readouterr().out)
    parser = _CodeBlocks()
    parser.feed(sitebuild.pages(site)[url].read_text(encoding="utf-8"))
    shown = [block for block in parser.blocks if block in printed]
    assert shown == printed
