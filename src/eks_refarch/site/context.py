"""What a page's template can see: the design, its language, and generated tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from eks_refarch.design import Design, load
from eks_refarch.design.model import NODE_PORT_MAX, NODE_PORT_MIN, Text
from eks_refarch.rendering import VIEWS
from eks_refarch.site import alternatives, cli_docs, decisions, diagrams, facts, iam
from eks_refarch.site.markdown import code, code_list, lang_of, page_path, relative_link


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are generated from, read once per build."""

    design: Design
    comparison: alternatives.Comparison

    @classmethod
    def load(cls, design_path: Path, comparison_path: Path) -> SiteData:
        return cls(design=load(design_path), comparison=alternatives.load(comparison_path))


def page_globals(data: SiteData, src_uri: str) -> dict[str, Any]:
    """The names a page may use, bound to that page's language and location."""
    lang = lang_of(src_uri)
    path = page_path(src_uri)
    design = data.design

    def tr(text: Text) -> str:
        return text[lang]

    def link(target: str) -> str:
        return relative_link(path, target)

    def asset_link(target: str) -> str:
        """A link to a file outside the language folders, such as a rendered diagram."""
        return relative_link(src_uri, target)

    def adr(adr_id: str) -> str:
        design.decision(adr_id)  # an unknown id fails the build here, not as a dead link
        return f"[{adr_id}]({link(decisions.page_of(adr_id))})"

    def adr_header() -> str:
        return decisions.header(_this_decision(), lang)

    def adr_checks() -> str:
        return decisions.checks_section(decisions.enforcing_checks(_this_decision().id), lang)

    def adr_components() -> str:
        return decisions.components_table(design, _this_decision(), lang)

    def _this_decision() -> Any:
        decision = decisions.decision_of_page(path, design)
        if decision is None:
            raise ValueError("only a decision record page can use adr_header() or adr_checks()")
        return decision

    tables: dict[str, Callable[[], str]] = {
        name: partial(builder, design, lang, link) for name, builder in facts.TABLES.items()
    }
    return {
        "design": design,
        "lang": lang,
        "gw": design.mesh.ingress_gateway,
        "alb": design.edge.alb,
        "tg": design.edge.target_group,
        "node_port_range": f"{NODE_PORT_MIN}-{NODE_PORT_MAX}",
        "target_groups": tuple(g.name for g in design.eks.node_groups if g.attach_to_target_group),
        "tr": tr,
        "code": code,
        "codes": lambda items: code_list(items, lang),
        "link": link,
        "adr": adr,
        "adr_header": adr_header,
        "adr_checks": adr_checks,
        "adr_components": adr_components,
        "decisions_table": lambda: decisions.index_table(design, path, lang),
        "alternatives_table": lambda: alternatives.render(data.comparison, lang),
        "check_options_table": lambda: cli_docs.options_table(lang),
        "policy_document": iam.policy_block,
        "diagram": lambda view: diagrams.figure(view, lang, asset_link),
        "gallery": lambda: "\n\n".join(diagrams.figure(v, lang, asset_link) for v in VIEWS),
        "check_formats_table": lambda: cli_docs.formats_table(lang),
        **tables,
    }
