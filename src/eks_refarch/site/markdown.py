"""Small Markdown builders for generated tables and lists, and the site's two languages."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

LANGS = ("ja", "en")


def lang_of(src_uri: str) -> str:
    """The language of a page from its folder: ``ja/aws-architecture.md`` -> ``ja``."""
    top = PurePosixPath(src_uri).parts[0]
    if top not in LANGS:
        raise ValueError(
            f"{src_uri}: every page lives under one of the language folders {', '.join(LANGS)}"
        )
    return top


def page_path(src_uri: str) -> str:
    """The path without language folder: ``en/decisions/index.md`` -> ``decisions/index.md``."""
    return str(PurePosixPath(*PurePosixPath(src_uri).parts[1:]))


def relative_link(from_page: str, to_page: str) -> str:
    """A Markdown link target from one page to another, both given without language folder."""
    return posixpath.relpath(to_page, start=posixpath.dirname(from_page) or ".")


def cell(text: object) -> str:
    """Text that is safe inside one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table; every row must have as many cells as there are headers."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells for {len(headers)} headers: {row!r}")
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    return "\n".join(lines)


# Characters that Markdown would read as markup in text copied from the check registry:
# "<file>" would become an HTML tag, "[*]" or "*" emphasis or a link.
_PROSE_ESCAPES = str.maketrans(
    {"<": "&lt;", ">": "&gt;", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "`": "\\`"}
)


def prose(text: str) -> str:
    """Plain text shown as written: one paragraph, no Markdown markup taken from it."""
    return " ".join(text.split()).translate(_PROSE_ESCAPES)


def code(text: object) -> str:
    """Inline code, for names and values copied from the design."""
    return f"`{text}`"


def joined(items: Iterable[str], lang: str) -> str:
    """Items joined with the language's list separator: ``a、b`` or ``a, b``."""
    return ("、" if lang == "ja" else ", ").join(items)


def code_list(items: Iterable[object], lang: str) -> str:
    """Inline-code items joined with the language's list separator."""
    return joined((code(i) for i in items), lang)
