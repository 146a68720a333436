"""The reader's language: one gettext catalog per language for every user-facing string.

English is the source language: a string is written once, in English, where it is used,
and ``locale/refarch.pot`` is the catalog of all of them, extracted from the code and the
check registry by ``make messages``. Each other language has its own catalog,
``locale/<lang>/LC_MESSAGES/refarch.po``, where every English string stands beside its
translation, to be reviewed side by side; ``refarch.mo`` is its compiled form, which the
standard library's gettext reads at run time (no dependency beyond Python).

Three ways to mark a string:

- ``msg("ALB {name} has no HTTPS listener", name=lb.name)``: a ``Message``, kept as a
  template and its values and rendered only when a reporter knows the reader's language.
  Rules return these, so one run can be reported in any language.
- ``tr(lang, "Input")``: translated now, for code that already knows the language (the
  site, the diagrams, report headings); ``N_("...")`` marks text declared before the
  language is known (option help), which is later passed to ``tr``.
- A check's title, rationale and remediation steps are looked up by the registry itself
  with ``tr_in``, under the check id as context (see ``CheckSpec.text``), and extracted
  from the registry rather than from the code.

When an English string changes, its translation is marked fuzzy by ``make messages`` and
the catalog test fails until a translator has looked at it: a translation cannot go
silently stale.
"""

from __future__ import annotations

import functools
import gettext
import locale
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias, get_args

Lang: TypeAlias = Literal["en", "ja"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
SOURCE_LANGUAGE: Lang = "en"
DOMAIN = "refarch"
LOCALE_DIR = Path(__file__).parent / "locale"


class _Untranslated(gettext.NullTranslations):
    """The last fallback of every catalog: keeps the English, and remembers that it did, so
    that a test can show every string a reader saw untranslated (see ``UNTRANSLATED``)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        UNTRANSLATED.add((self.lang, message))
        return message

    def pgettext(self, context: str, message: str) -> str:
        UNTRANSLATED.add((self.lang, f"{context}\x04{message}"))
        return message


# (language, English text) of every lookup this process answered in English.
UNTRANSLATED: set[tuple[str, str]] = set()


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    if lang not in LANGUAGES:
        raise ValueError(f"no catalog for language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    # fallback=False: a missing compiled catalog is a packaging bug, not English output.
    catalog = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang])
    catalog.add_fallback(_Untranslated(lang))
    return catalog


def tr(lang: str, text: str, /, **values: object) -> str:
    """``text`` in ``lang``, with ``{name}`` fields filled from ``values`` when given."""
    translated = _catalog(lang).gettext(text)
    return translated.format(**values) if values else translated


def N_(text: str, /) -> str:
    """Marks ``text`` for the catalog without translating it: for text declared before any
    reader's language is known, such as option help, translated later with ``tr``."""
    return text


def tr_in(lang: str, context: str, text: str, /) -> str:
    """``text`` in ``lang`` as the catalog has it under ``context`` (pgettext)."""
    return _catalog(lang).pgettext(context, text)


@dataclass(frozen=True)
class Message:
    """A sentence for a reader whose language is not known yet: a template and its values.

    Values may be strings, numbers, other messages or ``Joined`` lists; each is rendered in
    the same language as the template. ``str(message)`` is the English text.
    """

    template: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str) -> str:
        filled = {name: render(value, lang) for name, value in self.values}
        return tr(lang, self.template).format(**filled)

    def __str__(self) -> str:
        return self.render(SOURCE_LANGUAGE)


def msg(template: str, /, **values: object) -> Message:
    """A ``Message``: ``template`` is the English source text, with ``{name}`` fields."""
    return Message(template, tuple(values.items()))


# How a language strings items together: a list of names, and a run of separate findings.
SEPARATORS: Mapping[str, Mapping[str, str]] = {
    "list": {"en": ", ", "ja": "、"},
    "clauses": {"en": "; ", "ja": "。"},
}


@dataclass(frozen=True)
class Joined:
    """Items joined the way the reader's language joins them (``a, b`` or ``a、b``)."""

    items: tuple[object, ...]
    style: Literal["list", "clauses"] = "list"
    empty: object = ""

    def render(self, lang: str) -> str:
        if not self.items:
            return render(self.empty, lang)
        return SEPARATORS[self.style][lang].join(render(item, lang) for item in self.items)

    def __str__(self) -> str:
        return self.render(SOURCE_LANGUAGE)


def joined(items: Iterable[object], *, style: Literal["list", "clauses"] = "list") -> Joined:
    return Joined(tuple(items), style)


Text: TypeAlias = Message | Joined | str


def render(value: object, lang: str) -> str:
    """Any value as text in ``lang``: messages are translated, everything else is as it is."""
    if isinstance(value, Message | Joined):
        return value.render(lang)
    return str(value)


def default_language(environ: Mapping[str, str] | None = None) -> Lang:
    """The language of the user's locale (LC_ALL, LC_MESSAGES, LANG), English otherwise."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            code = locale.normalize(value).split("_")[0].split(".")[0].lower()
            return "ja" if code == "ja" else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "SOURCE_LANGUAGE",
    "UNTRANSLATED",
    "Joined",
    "Lang",
    "Message",
    "Text",
    "default_language",
    "joined",
    "msg",
    "render",
    "tr",
    "tr_in",
]
