"""Keep the text catalogs in step with the code: `make messages` (Babel, a dev dependency).

1. Extracts every English string marked with ``msg(...)``, ``tr(lang, ...)`` or ``N_(...)``
   from the package and the diagram scripts, and every built-in check's title, rationale
   and remediation steps from the registry, into ``locale/refarch.pot``.
2. Updates each language's ``refarch.po`` from it: new strings arrive untranslated,
   changed ones are marked fuzzy (with the old translation as a starting point), and
   strings the code no longer has are dropped.
3. Compiles each ``refarch.po`` into the ``refarch.mo`` that gettext reads at run time.

``--check`` changes nothing and exits 1 naming what is out of step; the test suite
runs the same comparison.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from eks_refarch import __version__
from eks_refarch.conformance.builtin import MODULES, load_builtin_checks
from eks_refarch.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "src" / "eks_refarch", ROOT / "diagrams")
KEYWORDS = {"msg": (1,), "tr": (2,), "N_": None}
# Fixed, so that regenerating an unchanged catalog changes no byte.
DATE = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100

Key = tuple[str | None, str]  # (context, English text)


def check_texts() -> Iterator[tuple[str, str]]:
    """(context, English text) of every built-in check's title, rationale and steps."""
    for spec in load_builtin_checks().checks():
        if spec.module not in MODULES:
            continue  # a plug-in's checks belong in the plug-in's catalog
        for part, text in spec.text_parts(SOURCE_LANGUAGE):
            if text:
                yield f"{spec.id}.{part}", text


def template() -> Catalog:
    """The English catalog as the code has it now."""
    catalog = _catalog(None)
    for root in SOURCES:
        for filename, _, message, comments, context in extract_from_dir(
            str(root), keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            # The line is not kept (write_po's include_lineno=False): the catalogs must not
            # change each time code moves.
            where = (Path(root, filename).relative_to(ROOT).as_posix(), 0)
            catalog.add(message, locations=[where], auto_comments=comments, context=context)
    for context, text in check_texts():
        catalog.add(text, context=context)
    return catalog


HEADER = """\
# The text catalog of eks-refarch{what}.
# Generated and updated by `make messages` (scripts/messages.py); translate the msgstr
# lines only, and keep every {{field}} of the English text."""


def _catalog(lang: str | None) -> Catalog:
    return Catalog(
        locale=lang,
        header_comment=HEADER.format(what=f": {lang}" if lang else ", in English"),
        domain=DOMAIN,
        project="eks-refarch",
        version=__version__,
        copyright_holder="the eks-refarch authors",
        msgid_bugs_address="the project's issue tracker",
        last_translator="the eks-refarch authors",
        language_team=f"{lang} translators of eks-refarch" if lang else None,
        creation_date=DATE,
        revision_date=DATE,
        fuzzy=False,
    )


def pot_path() -> Path:
    return LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


def keys(catalog: Catalog) -> set[Key]:
    return {(m.context, m.id) for m in catalog if m.id and isinstance(m.id, str)}


def _po_bytes(catalog: Catalog, *, template: bool) -> bytes:
    buffer = io.BytesIO()
    catalog.creation_date = DATE
    catalog.revision_date = DATE
    catalog.fuzzy = False
    write_po(buffer, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def translations() -> Iterator[str]:
    yield from (lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)


def regenerate() -> dict[Path, bytes]:
    """Every catalog file as it should be now: the .pot, and each language's .po and .mo."""
    pot = template()
    files = {pot_path(): _po_bytes(pot, template=True)}
    for lang in translations():
        path = po_path(lang)
        catalog = read(path, lang) if path.is_file() else _catalog(lang)
        catalog.update(pot)
        fresh = _catalog(lang)
        catalog.header_comment = fresh.header_comment
        catalog.project, catalog.version = fresh.project, fresh.version
        catalog.msgid_bugs_address = fresh.msgid_bugs_address
        catalog.last_translator, catalog.language_team = fresh.last_translator, fresh.language_team
        files[path] = _po_bytes(catalog, template=False)
        compiled = read_po(io.BytesIO(files[path]), locale=lang, domain=DOMAIN)
        files[path.with_suffix(".mo")] = _mo_bytes(compiled)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = []
    for path, data in regenerate().items():
        if path.is_file() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        verb = "is out of step with the code" if args.check else "written"
        print(f"{path.relative_to(ROOT)}: {verb}", file=sys.stderr)
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
