"""How tests read a finding's message: in English, and in Japanese with nothing untranslated."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from eks_refarch.conformance.model import Finding, Result
from eks_refarch.i18n import UNTRANSLATED, Text, render

# Hiragana, katakana or a CJK ideograph: a sentence in Japanese has at least one.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def english(message: Text) -> str:
    return render(message, "en")


@contextmanager
def fallbacks() -> Iterator[set[tuple[str, str]]]:
    """Collects, once the block ends, every catalog lookup made inside it that fell back to
    English (``i18n.UNTRANSLATED``), whatever earlier tests of the session looked up."""
    earlier = set(UNTRANSLATED)
    UNTRANSLATED.clear()
    found: set[tuple[str, str]] = set()
    try:
        yield found
    finally:
        found.update(UNTRANSLATED)
        UNTRANSLATED.update(earlier)


def japanese(message: Text) -> str:
    """``message`` in Japanese; fails if a template it uses has no Japanese translation."""
    with fallbacks() as untranslated:
        text = render(message, "ja")
    assert not untranslated, f"no Japanese for {sorted(t for _, t in untranslated)} in {text!r}"
    assert JAPANESE.search(text), f"no Japanese in {text!r}"
    return text


def read_in_japanese(results: Iterable[Result | Finding]) -> None:
    """Every message reads in Japanese: rules' results and findings are checked as made."""
    for result in results:
        japanese(result.message)
