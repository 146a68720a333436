"""Decision records: which page belongs to which design decision, and what the design says of it.

Each ADR page's id, title, status and governed elements come from ``decisions`` in the
design; only its reasoning (context, decision, consequences) is written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import CheckSpec
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design
from eks_refarch.design.model import Decision
from eks_refarch.i18n import N_, tr
from eks_refarch.site import catalog
from eks_refarch.site.labels import label
from eks_refarch.site.markdown import code, code_list, prose, relative_link, table

DECISIONS_DIR = "decisions"
_PAGE = re.compile(r"decisions/(adr-\d{4})\.md")


_TEXT = {
    "status": N_("Status"),
    "governs": N_("Governs (paths in architecture.yaml)"),
    "id": N_("Decision"),
    "title": N_("Title"),
    "checks_heading": N_("Checks that enforce this decision"),
    "component": N_("Component"),
    "alternative": N_("AWS managed alternative considered"),
    "why": N_("Why this one"),
    "no_checks": N_(
        "No conformance check enforces this decision yet. This list is generated from "
        "the check registry (eks_refarch.conformance) and fills as checks are written."
    ),
}


def page_of(adr_id: str) -> str:
    """A decision's page, without language folder: ``ADR-0002`` -> ``decisions/adr-0002.md``."""
    return f"{DECISIONS_DIR}/{adr_id.lower()}.md"


def decision_of_page(path: str, design: Design) -> Decision | None:
    """The decision a page describes, or None when the page is not a decision record.

    Raises ValueError for a decision record page whose decision the design does not list.
    """
    match = _PAGE.fullmatch(path)
    if match is None:
        return None
    adr_id = match.group(1).upper()
    for decision in design.decisions:
        if decision.id == adr_id:
            return decision
    raise ValueError(f"describes {adr_id}, which the design's decisions do not list")


def enforcing_checks(adr_id: str, registry: Registry | None = None) -> tuple[CheckSpec, ...]:
    """The conformance checks that enforce a decision, as the check registry declares them."""
    checks = (registry or load_builtin_checks()).checks()
    return tuple(c for c in checks if c.decision == adr_id)


def header(decision: Decision, lang: str) -> str:
    """The title, status and governed design paths of a decision record."""
    return "\n\n".join(
        [
            f"# {decision.id}: {decision.title[lang]}",
            table(
                [tr(lang, _TEXT["status"]), tr(lang, _TEXT["governs"])],
                [
                    [
                        label("decision_status", decision.status, lang),
                        code_list(decision.governs, lang),
                    ]
                ],
            ),
        ]
    )


def checks_section(checks: Sequence[CheckSpec], lang: str, link: Callable[[str], str]) -> str:
    """The checks that enforce a decision, each linked to its catalog page, titled in ``lang``."""
    heading = f"## {tr(lang, _TEXT['checks_heading'])}"
    if not checks:
        return f"{heading}\n\n{tr(lang, _TEXT['no_checks'])}"
    rows = [
        [f"[{code(c.id)}]({link(catalog.page_of(c.id))})", prose(c.text(lang).title)]
        for c in checks
    ]
    return f"{heading}\n\n" + table([tr(lang, "Check"), tr(lang, "What it verifies")], rows)


def components_table(design: Design, decision: Decision, lang: str) -> str:
    """The platform components that a decision chose, with the alternative each rejected."""
    chosen = [c for c in design.platform.components if c.decision == decision.id]
    if not chosen:
        raise ValueError(f"{decision.id} chose no platform component")
    return table(
        [tr(lang, _TEXT["component"]), tr(lang, _TEXT["alternative"]), tr(lang, _TEXT["why"])],
        [[c.title, c.managed_alternative[lang], c.why[lang]] for c in chosen],
    )


def reference(decision: Decision, lang: str, link: Callable[[str], str]) -> str:
    """A link to a decision's page, with its id and title: ``[ADR-0002: title](...)``."""
    return f"[{decision.id}: {decision.title[lang]}]({link(page_of(decision.id))})"


def index_table(design: Design, from_page: str, lang: str) -> str:
    """Every decision in the design, linked to its page."""
    return table(
        [tr(lang, _TEXT["id"]), tr(lang, _TEXT["title"]), tr(lang, _TEXT["status"])],
        [
            [
                f"[{d.id}]({relative_link(from_page, page_of(d.id))})",
                d.title[lang],
                label("decision_status", d.status, lang),
            ]
            for d in design.decisions
        ],
    )
