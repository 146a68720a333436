"""This design's checks beside a generic benchmark's: a bilingual data file, validated
against the check registry, rendered as one table per verdict.

The file (docs/data/generic-benchmark.yaml) is written by hand. A malformed entry, or one
that names a refarch check the registry does not have, stops the build with the file,
line and field at fault.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from eks_refarch.conformance.registry import Registry
from eks_refarch.design.model import Model, Text
from eks_refarch.design.support import load_data
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.i18n import N_, tr
from eks_refarch.site import catalog
from eks_refarch.site.markdown import code, joined, prose, table
from eks_refarch.yamlio import load_document

Verdict = Literal["adopted", "narrowed", "not-adopted"]
VERDICTS: tuple[Verdict, ...] = ("adopted", "narrowed", "not-adopted")

# A check id, the benchmark's (Prowler's are snake_case) or refarch's, and a CIS section.
CheckId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(_[a-z0-9]+)+$")]
CisSection = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+)+$")]


class Benchmark(Model):
    name: str
    checks: str  # which release the ids come from (the provider is in scope)
    url: Annotated[str, StringConstraints(pattern=r"^https://")]
    cis: str
    scope: Text


class Entry(Model):
    id: CheckId
    verdict: Verdict
    cis: CisSection | None = None
    refarch: tuple[CheckId, ...] = ()
    why: Text | None = None

    @model_validator(mode="after")
    def _explained(self) -> Entry:
        if self.verdict == "adopted" and not self.refarch:
            raise PydanticCustomError(
                "refarch", "an adopted check names the refarch checks that do the same", {}
            )
        if self.verdict != "adopted" and self.why is None:
            raise PydanticCustomError(
                "why", "a {verdict} check says why, in en and ja", {"verdict": self.verdict}
            )
        return self


class Comparison(Model):
    benchmark: Benchmark
    checks: tuple[Entry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Comparison:
        seen: set[str] = set()
        for entry in self.checks:
            if entry.id in seen:
                raise PydanticCustomError("duplicate", "{id} is listed twice", {"id": entry.id})
            seen.add(entry.id)
        return self


def load(path: Path, registry: Registry) -> Comparison:
    """Read and validate the file; every refarch check it names must be registered."""
    comparison = load_data(path, Comparison, "benchmark comparison")
    known = {spec.id for spec in registry.checks()}
    unknown = [
        (index, position, check)
        for index, entry in enumerate(comparison.checks)
        for position, check in enumerate(entry.refarch)
        if check not in known
    ]
    if unknown:
        document = load_document(path, what="benchmark comparison")
        raise UserInputError(
            [
                Problem(
                    path,
                    document.line_of(("checks", index, "refarch", position)),
                    ("checks", index, "refarch", position),
                    f"{check!r} is not a refarch check id",
                )
                for index, position, check in unknown
            ]
        )
    return comparison


_HEADINGS = {
    "adopted": N_("Checked the same way ({count})"),
    "narrowed": N_("Checked for the design's own resources ({count})"),
    "not-adopted": N_("Not checked, on purpose ({count})"),
}
_COLUMNS = (N_("{benchmark} check"), N_("CIS"), N_("refarch checks"), N_("Why"))


def render(comparison: Comparison, lang: str, link: Callable[[str], str]) -> str:
    """One section per verdict, each a table: the benchmark's check, its CIS section, the
    refarch checks that answer it (linked to their catalog pages) and the reason."""
    name = comparison.benchmark.name
    headers = [
        tr(lang, _COLUMNS[0], benchmark=name),
        *(tr(lang, c) for c in _COLUMNS[1:]),
    ]
    sections = []
    for verdict in VERDICTS:
        entries = [e for e in comparison.checks if e.verdict == verdict]
        if not entries:
            continue
        heading = tr(lang, _HEADINGS[verdict], count=len(entries))
        rows = [
            [
                code(e.id),
                e.cis or "",
                joined((f"[{code(c)}]({link(catalog.page_of(c))})" for c in e.refarch), lang),
                prose(e.why[lang]) if e.why else "",
            ]
            for e in entries
        ]
        sections.append(f"### {heading}\n\n{table(headers, rows)}")
    return "\n\n".join(sections)
