"""The EKS / ECS / Lambda comparison: a bilingual data file, validated, rendered as a table.

The table is data rather than prose so that both languages keep the same rows and
columns; a malformed file stops the build with the file, line and field at fault.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from eks_refarch.design.model import Model, Name, Text
from eks_refarch.design.support import load_data
from eks_refarch.i18n import N_, tr
from eks_refarch.site.markdown import table

_CRITERION = N_("Criterion")


class Option(Model):
    id: Name
    title: Text


class Criterion(Model):
    id: Name
    title: Text
    cells: dict[Name, Text]


class Comparison(Model):
    """Rows are criteria, columns are options; every criterion rates every option."""

    options: tuple[Option, ...] = Field(min_length=2)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> Comparison:
        expected = [o.id for o in self.options]
        for criterion in self.criteria:
            if sorted(criterion.cells) != sorted(expected):
                raise PydanticCustomError(
                    "cells",
                    "criterion {criterion!r}: expected cells for exactly {expected}, found {found}",
                    {
                        "criterion": criterion.id,
                        "expected": expected,
                        "found": list(criterion.cells),
                    },
                )
        return self


def load(path: Path) -> Comparison:
    """Read and validate the comparison file; UserInputError names each problem's line."""
    return load_data(path, Comparison, "comparison")


def render(comparison: Comparison, lang: str) -> str:
    """The comparison as a Markdown table in one language."""
    return table(
        [tr(lang, _CRITERION), *(o.title[lang] for o in comparison.options)],
        [
            [f"**{c.title[lang]}**", *(c.cells[o.id][lang] for o in comparison.options)]
            for c in comparison.criteria
        ],
    )
