"""What a page's template can see: the design, its language, and generated tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import CheckSpec, Source
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design, load
from eks_refarch.design.model import NODE_PORT_MAX, NODE_PORT_MIN, Component, Text
from eks_refarch.rendering import VIEWS
from eks_refarch.site import (
    alternatives,
    asbuilt,
    benchmark,
    catalog,
    cli_docs,
    decisions,
    diagrams,
    facts,
    gitops,
    iam,
    labels,
    report,
)
from eks_refarch.site.markdown import code, code_list, lang_of, page_path, relative_link
from eks_refarch.site.repository import Repository


@dataclass(frozen=True)
class Inputs:
    """Where the site's sources are, and how the repository shows them."""

    design: Path
    comparison: Path
    benchmark: Path  # this design's checks beside a generic benchmark's
    manifests: Path
    design_name: str  # as the pages name them, from the project root
    manifests_name: str
    repository: Repository | None  # None: no repository set, so no links into it
    root: Path  # the project: mkdocs.yml's folder, where .cache lives


@dataclass(frozen=True)
class SiteData:
    """Everything the pages are generated from, read once per build."""

    inputs: Inputs
    design: Design
    comparison: alternatives.Comparison
    benchmark: benchmark.Comparison
    registry: Registry
    manifests: tuple[gitops.ManifestFile, ...]

    @classmethod
    def load(cls, inputs: Inputs) -> SiteData:
        registry = load_builtin_checks()
        return cls(
            inputs=inputs,
            design=load(inputs.design),
            comparison=alternatives.load(inputs.comparison),
            benchmark=benchmark.load(inputs.benchmark, registry),
            registry=registry,
            manifests=gitops.load(inputs.manifests),
        )

    @cached_property
    def example_run(self) -> tuple[report.ExampleReport, report.Fingerprint]:
        """The demo's reports, run (or read from the cache) when a page first asks."""
        return report.cached_run(
            self.design, self.inputs.design, self.inputs.manifests, self.inputs.root, self.registry
        )


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
        checks = decisions.enforcing_checks(_this_decision().id, data.registry)
        return decisions.checks_section(checks, lang, link)

    def adr_components() -> str:
        return decisions.components_table(design, _this_decision(), lang)

    def _this_decision() -> Any:
        decision = decisions.decision_of_page(path, design)
        if decision is None:
            raise ValueError("only a decision record page can use adr_header() or adr_checks()")
        return decision

    def check_page() -> str:
        spec = _this_check()
        adr_ref = decisions.reference(design.decision(spec.decision), lang, link)
        return catalog.page(spec, data.registry, lang, link, adr_ref)

    def _this_check() -> CheckSpec:
        spec = catalog.check_of_page(path, data.registry)
        if spec is None:
            raise ValueError("only a check's catalog page can use check_page()")
        return spec

    def example_report() -> str:
        example, _ = data.example_run
        return report.render(example, data.registry, lang, lambda c: link(catalog.page_of(c)))

    def example_report_inputs() -> str:
        _, inputs = data.example_run
        names = data.inputs
        return report.provenance(inputs, names.design_name, names.manifests_name, lang)

    def manifest_block(path: str, kind: str | None = None) -> str:
        return gitops.block(data.manifests, data.inputs.manifests_name, path, kind)

    def component(concern: str) -> Component:
        """The one platform component of a concern: ``component('gitops').title``."""
        found = [c for c in design.platform.components if c.concern == concern]
        if len(found) != 1:
            raise ValueError(f"the design has {len(found)} components of concern {concern!r}")
        return found[0]

    def repository_file(path: str) -> str:
        """A link to a file of the repository, by its path from the repository root."""
        repository = data.inputs.repository
        return f"[{code(path)}]({repository.view_url(path)})" if repository else code(path)

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
        "label": lambda field, value: labels.label(field, value, lang),
        "code": code,
        "codes": lambda items: code_list(items, lang),
        "link": link,
        "adr": adr,
        "adr_header": adr_header,
        "adr_checks": adr_checks,
        "adr_components": adr_components,
        "decisions_table": lambda: decisions.index_table(design, path, lang),
        "alternatives_table": lambda: alternatives.render(data.comparison, lang),
        "benchmark": data.benchmark.benchmark,
        "benchmark_verdicts": {
            v: sum(e.verdict == v for e in data.benchmark.checks) for v in benchmark.VERDICTS
        },
        "benchmark_tables": lambda: benchmark.render(data.benchmark, lang, link),
        "check_options_table": lambda: cli_docs.options_table(lang),
        "policy_document": iam.policy_block,
        "diagram": lambda view: diagrams.figure(view, lang, asset_link),
        "gallery": lambda: "\n\n".join(diagrams.figure(v, lang, asset_link) for v in VIEWS),
        "check_formats_table": lambda: cli_docs.formats_table(lang),
        "check_page": check_page,
        "check_catalog": lambda: catalog.index(data.registry, lang, link),
        "check_counts": catalog.counts(data.registry),
        "cross_layer_checks": lambda: catalog.cross_layer_links(data.registry, lang, link),
        "permissions_table": lambda source: catalog.permissions_table(
            data.registry, Source(source), lang, link
        ),
        "example_report": example_report,
        "as_built_pictures": lambda: asbuilt.figures(lang, asset_link),
        "example_report_inputs": example_report_inputs,
        "manifests_table": lambda: gitops.files_table(
            data.manifests,
            data.inputs.manifests_name,
            lang,
            data.inputs.repository.view_url if data.inputs.repository else None,
        ),
        "manifest_block": manifest_block,
        "repository_file": repository_file,
        "component": component,
        **tables,
    }
