"""The text catalogs: in step with the code, complete, and faithful to every {field}."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.catalog import Catalog

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.i18n import Joined, default_language, joined, msg, render, tr
from scripts import messages

# Hiragana, katakana or a CJK ideograph: English left in a Japanese catalog has none.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def translated() -> list[tuple[str, Catalog]]:
    return [(lang, messages.read(messages.po_path(lang), lang)) for lang in messages.translations()]


def test_the_committed_catalogs_are_what_make_messages_writes() -> None:
    stale = [
        path.relative_to(messages.ROOT).as_posix()
        for path, data in messages.regenerate().items()
        if not path.is_file() or path.read_bytes() != data
    ]
    assert not stale, f"run `make messages`: {stale} are out of step with the code"


@pytest.mark.parametrize(("lang", "catalog"), translated())
def test_every_string_is_translated_keeps_its_fields_and_is_not_fuzzy(
    lang: str, catalog: Catalog
) -> None:
    entries = [m for m in catalog if m.id]
    assert len(entries) > 200
    problems = []
    for m in entries:
        where = f"{m.context or ''} {m.id!r}"
        # No plural forms are used, so every id and string is a single str.
        assert isinstance(m.id, str), where
        assert isinstance(m.string, str), where
        if not m.string:
            problems.append(f"untranslated: {where}")
        elif m.fuzzy:
            problems.append(f"fuzzy (the English changed): {where}")
        elif fields(m.id) != fields(m.string):
            problems.append(f"fields {fields(m.id)} became {fields(m.string)}: {where}")
        elif lang == "ja" and not JAPANESE.search(m.string):
            problems.append(f"not written in Japanese: {where}")
    assert not problems, "\n".join(problems)


def test_every_builtin_check_reads_in_japanese_with_a_rationale_exactly_when_english_has_one() -> (
    None
):
    checks = load_builtin_checks().checks()
    assert len(checks) > 70
    for spec in checks:
        ja = spec.text("ja")
        assert JAPANESE.search(ja.title), spec.id
        assert JAPANESE.search(ja.steps), spec.id
        assert bool(ja.rationale) == bool(spec.rationale), spec.id


def test_a_message_renders_its_values_in_the_readers_language() -> None:
    sample = load_builtin_checks().checks()[0]
    # Any catalogued sentence will do; a check title is one that is sure to exist.
    inner = sample.title
    assert tr("ja", inner) == inner  # a title is catalogued under its check id only
    message = msg("{what} and {more}", what=joined(["a", "b"]), more=3)
    assert str(message) == "a, b and 3"
    assert message.render("ja") == "a、b and 3"  # untranslated template, Japanese joiner


def test_joined_clauses_and_an_empty_list() -> None:
    assert render(joined(["x", "y"], style="clauses"), "en") == "x; y"
    assert render(joined(["x", "y"], style="clauses"), "ja") == "x。y"
    assert Joined((), empty=msg("none")).render("en") == "none"


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANG": "ja"}, "ja"),
        ({}, "en"),
    ],
)
def test_the_default_language_follows_the_locale_as_posix_orders_it(
    environ: dict[str, str], lang: str
) -> None:
    assert default_language(environ) == lang
