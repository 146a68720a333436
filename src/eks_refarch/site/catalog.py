"""The check catalog: one generated page per registered check, and the table that lists them.

Nothing here is typed per check: the id, severity, texts, remediation, references,
decision and the permissions each check needs all come from the check registry and
its collectors. Only the labels of sources, severities and rule modules (areas) are
written here, in both languages; a rule module without one fails the build, naming it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from eks_refarch.conformance.model import CheckSpec, Severity, Source
from eks_refarch.conformance.registry import Registry
from eks_refarch.i18n import N_, tr
from eks_refarch.site.labels import quote_values
from eks_refarch.site.markdown import code, code_list, joined, prose, table

Link = Callable[[str], str]

CATALOG_DIR = "conformance/checks"
INDEX = f"{CATALOG_DIR}/index.md"
_PAGE = re.compile(rf"{CATALOG_DIR}/([^/]+)\.md")

SEVERITY = {
    Severity.CRITICAL: N_("Critical"),
    Severity.HIGH: N_("High"),
    Severity.MEDIUM: N_("Medium"),
    Severity.LOW: N_("Low"),
}

SOURCE = {
    Source.AWS: N_("AWS account"),
    Source.CLUSTER: N_("Cluster"),
    Source.NODES: N_("Nodes"),
}
CROSS_LAYER = N_("Cross-layer")

# What reading a source takes, named the way each source's permissions are written.
PERMISSION_KIND = {
    Source.AWS: N_("IAM actions"),
    Source.CLUSTER: N_("Kubernetes permissions"),
    Source.NODES: N_(
        "over SSH, a login that can read the kubelet's files; through the API server "
        "(/configz), the Kubernetes permissions"
    ),
}

# The option that selects each source on the command line, for "run only this check".
SOURCE_OPTION = {
    Source.AWS: "--profile audit",
    Source.CLUSTER: "--manifests manifests",
    Source.NODES: "--hosts ssh://node-a",
}

AREA = {
    "aws.network": N_("Network"),
    "aws.edge": N_("Edge: ALB, TLS, WAF and DNS"),
    "aws.eks": N_("EKS and node launch templates"),
    "aws.data": N_("Data stores and keys"),
    "aws.audit": N_("Audit trail (CloudTrail)"),
    "aws.crosslayer": N_("From the ALB to the nodes"),
    "cluster.gateway": N_("Ingress gateway"),
    "cluster.mesh": N_("Mesh security"),
    "cluster.routing": N_("Routing"),
    "cluster.workloads": N_("Workloads"),
    "cluster.components": N_("Platform components"),
    "cluster.crosslayer": N_("From the ALB to the gateway Service"),
    "nodes.rules": N_("Kubelet (CIS Amazon EKS Benchmark, section 3)"),
}

_T = {
    "check": N_("Check"),
    "layer": N_("Layer"),
    "area": N_("Area"),
    "severity": N_("Severity"),
    "verifies": N_("What it verifies"),
    "sources": N_("Reads from"),
    "decision": N_("Decision it enforces"),
    "why": N_("Why it matters"),
    "fix": N_("How to fix"),
    "reads": N_("What it needs to read"),
    "run": N_("Run only this check"),
    "references": N_("References"),
    "facts": N_("Facts"),
    "source": N_("Source"),
    "permissions": N_("Permissions"),
    "terraform": "Terraform",
    "kubernetes": "Kubernetes",
    "no_rationale": N_(
        "The check records no reasons of its own: they are those of the decision it "
        "enforces, {adr}."
    ),
    "needed_by": N_("Checks that read it"),
    "index_counts": N_("The registry holds {total} checks: {parts}."),
}


def page_of(check_id: str) -> str:
    """A check's page, without language folder: ``conformance/checks/<check_id>.md``."""
    return f"{CATALOG_DIR}/{check_id}.md"


def pages(registry: Registry) -> tuple[str, ...]:
    """The page of every registered check, in id order."""
    return tuple(page_of(spec.id) for spec in registry.checks())


def check_of_page(path: str, registry: Registry) -> CheckSpec | None:
    """The check a catalog page describes; None for any page that is not a check's page.

    Raises ValueError for a page in the catalog folder that names no registered check.
    """
    match = _PAGE.fullmatch(path)
    if match is None or path == INDEX:
        return None
    if match.group(1) not in registry:
        raise ValueError(f"is in the check catalog, but no check {match.group(1)!r} is registered")
    return registry.get(match.group(1))


def area_of(spec: CheckSpec) -> str:
    """The rule module a check is declared in, below eks_refarch.conformance: ``aws.edge``."""
    area = spec.module.removeprefix("eks_refarch.conformance.")
    if area not in AREA:
        raise ValueError(
            f"check {spec.id} is declared in {spec.module}, which has no area label for the "
            f"site: add it to {__name__}.AREA"
        )
    return area


def source_label(spec: CheckSpec, lang: str) -> str:
    """Where a check reads from; ``Cross-layer (AWS account + Cluster)`` for more than one."""
    names = [tr(lang, SOURCE[s]) for s in Source if s in spec.sources]
    if len(names) == 1:
        return names[0]
    joined = " + ".join(names)
    return (
        f"{tr(lang, CROSS_LAYER)}（{joined}）"
        if lang == "ja"
        else f"{tr(lang, CROSS_LAYER)} ({joined})"
    )


def severity_label(spec: CheckSpec, lang: str) -> str:
    """The severity in ``lang``: ``High``, ``高``."""
    return tr(lang, SEVERITY[spec.severity])


def _group(spec: CheckSpec) -> tuple[int, str]:
    """Single-source checks by source, in Source order, then the cross-layer ones."""
    if len(spec.sources) == 1:
        (only,) = spec.sources
        return list(Source).index(only), only.value
    return len(Source), "cross-layer"


# The layer each check is filtered by on the index page: the source it reads, or
# "cross-layer" for a check that reads more than one.
def layer_of(spec: CheckSpec) -> str:
    return _group(spec)[1]


def layer_label(layer: str, lang: str) -> str:
    if layer == "cross-layer":
        return tr(lang, CROSS_LAYER)
    return tr(lang, SOURCE[Source(layer)])


# Filters the index table by text, layer and severity in the reader's browser. Inline,
# because it belongs to this page alone and the site loads nothing from elsewhere. The
# container's id must not be a heading's slug: the English page's title "Check catalog"
# takes "check-catalog", and getElementById returns the heading first.
_FILTER_SCRIPT = """<script>
(function () {
  var root = document.getElementById("refarch-check-catalog");
  if (!root) return;
  var text = root.querySelector("[name=q]");
  var layer = root.querySelector("[name=layer]");
  var severity = root.querySelector("[name=severity]");
  var count = root.querySelector(".check-catalog-count");
  var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
  function apply() {
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) >= 0) &&
        (!layer.value || row.dataset.layer === layer.value) &&
        (!severity.value || row.dataset.severity === severity.value);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = count.dataset.template.replace("{n}", shown);
  }
  [text, layer, severity].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
})();
</script>"""


def index(registry: Registry, lang: str, link: Link) -> str:
    """Every check in one table, filtered in place by text, layer and severity.

    Raw HTML rather than a Markdown table, because each row carries the layer and the
    severity it is filtered by; each check's page sits next to this one, at ``<id>/``.
    """
    checks = sorted(
        registry.checks(), key=lambda s: (_group(s), list(AREA).index(area_of(s)), s.id)
    )
    layers = list(dict.fromkeys(layer_of(s) for s in checks))
    found = counts(registry)
    parts = joined((f"{layer_label(name, lang)} {found[name]}" for name in layers), lang)
    total = tr(lang, _T["index_counts"], total=len(checks), parts=parts)

    def option(value: str, label: str) -> str:
        return f'<option value="{html.escape(value)}">{html.escape(label)}</option>'

    everything = html.escape(tr(lang, "all"))
    layer_options = "".join(option(name, layer_label(name, lang)) for name in layers)
    severity_options = "".join(option(s.value, tr(lang, SEVERITY[s])) for s in Severity)
    headers = "".join(
        f"<th>{html.escape(tr(lang, _T[h]))}</th>"
        for h in ("check", "layer", "area", "severity", "verifies")
    )
    rows = "\n".join(
        f'<tr data-layer="{layer_of(s)}" data-severity="{s.severity.value}">'
        f'<td><a href="{s.id}/"><code>{s.id}</code></a></td>'
        f"<td>{html.escape(layer_label(layer_of(s), lang))}</td>"
        f"<td>{html.escape(tr(lang, AREA[area_of(s)]))}</td>"
        f"<td>{html.escape(tr(lang, SEVERITY[s.severity]))}</td>"
        f"<td>{quote_values(html.escape(' '.join(s.text(lang).title.split())), lang, html=True)}"
        "</td></tr>"
        for s in checks
    )
    shown = html.escape(tr(lang, "{n} checks shown", n="{n}"))
    search = html.escape(tr(lang, "Search"))
    form = (
        '<form class="check-catalog-filters" onsubmit="return false">'
        f'<label>{search} <input type="search" name="q"></label> '
        f'<label>{html.escape(tr(lang, _T["layer"]))} <select name="layer">'
        f'<option value="">{everything}</option>{layer_options}</select></label> '
        f'<label>{html.escape(tr(lang, _T["severity"]))} <select name="severity">'
        f'<option value="">{everything}</option>{severity_options}</select></label> '
        f'<output class="check-catalog-count" data-template="{shown}"></output>'
        "</form>"
    )
    table_html = f"<table><thead><tr>{headers}</tr></thead><tbody>\n{rows}\n</tbody></table>"
    return "\n\n".join(
        [total, f'<div id="refarch-check-catalog">\n{form}\n{table_html}\n</div>', _FILTER_SCRIPT]
    )


def counts(registry: Registry) -> dict[str, int]:
    """How many checks read each source alone, and how many cross layers: ``{"aws": 44, ...}``."""
    found: dict[str, int] = {}
    for spec in registry.checks():
        _, name = _group(spec)
        found[name] = found.get(name, 0) + 1
    return found


def permissions_table(registry: Registry, source: Source, lang: str, link: Link) -> str:
    """Each fact a source's collectors gather, the permissions that takes, and who reads it."""
    rows = []
    for collector in registry.collectors():
        if collector.source is not source:
            continue
        readers = [s for s in registry.checks() if collector.kind in s.needs]
        rows.append(
            [
                code(collector.kind.__name__),
                code_list(collector.actions, lang),
                joined((f"[{code(s.id)}]({link(page_of(s.id))})" for s in readers), lang),
            ]
        )
    if not rows:
        raise ValueError(f"no collector reads the source {source.value!r}")
    return table(
        [tr(lang, _T["facts"]), tr(lang, _T["permissions"]), tr(lang, _T["needed_by"])], rows
    )


def cross_layer_links(registry: Registry, lang: str, link: Link) -> str:
    """The checks that read more than one source, each linked to its page."""
    links = [
        f"[{code(s.id)}]({link(page_of(s.id))})" for s in registry.checks() if len(s.sources) > 1
    ]
    if not links:
        raise ValueError("no registered check reads more than one source")
    return joined(links, lang)


def page(spec: CheckSpec, registry: Registry, lang: str, link: Link, adr: str) -> str:
    """The whole page of one check; ``adr`` is the link to the decision it enforces."""
    text = spec.text(lang)

    def shown(part: str) -> str:
        return quote_values(prose(part), lang)

    why = shown(text.rationale) if text.rationale else tr(lang, _T["no_rationale"], adr=adr)
    return "\n\n".join(
        [
            f"# {spec.id}",
            f"**{shown(text.title)}**",
            table(
                [tr(lang, _T[h]) for h in ("severity", "sources", "area", "decision")],
                [
                    [
                        severity_label(spec, lang),
                        source_label(spec, lang),
                        tr(lang, AREA[area_of(spec)]),
                        adr,
                    ]
                ],
            ),
            f"## {tr(lang, _T['why'])}",
            why,
            f"## {tr(lang, _T['fix'])}",
            shown(text.steps),
            *_attributes(spec, lang),
            f"## {tr(lang, _T['reads'])}",
            _needs_table(spec, registry, lang),
            *terraform_reads(spec, registry, lang),
            f"## {tr(lang, _T['run'])}",
            _run_command(spec),
            f"## {tr(lang, _T['references'])}",
            "\n".join(f"- <{url}>" for url in spec.references),
        ]
    )


def _attributes(spec: CheckSpec, lang: str) -> list[str]:
    """The Terraform attribute and the Kubernetes field to set, where the check names them,
    each under its own heading and shown as code, whole."""
    parts = []
    for name, value in (
        ("Terraform", spec.remediation.terraform),
        ("Kubernetes", spec.remediation.kubernetes),
    ):
        if value:
            parts += [f"### {name}", f"```text\n{value}\n```"]
    return parts


def _needs_table(spec: CheckSpec, registry: Registry, lang: str) -> str:
    rows = []
    for kind in spec.needs:
        collector = registry.collector_for(kind)
        rows.append(
            [
                code(kind.__name__),
                tr(lang, SOURCE[collector.source]),
                tr(lang, PERMISSION_KIND[collector.source])
                + ": "
                + code_list(collector.actions, lang),
            ]
        )
    return table([tr(lang, _T["facts"]), tr(lang, _T["source"]), tr(lang, _T["permissions"])], rows)


def terraform_reads(spec: CheckSpec, registry: Registry, lang: str) -> list[str]:
    """What the check reads in a Terraform module: derived from the table that answers the
    AWS collectors' calls there (eks_refarch.terraform.answers), so it cannot drift."""
    if Source.AWS not in spec.sources:
        return []
    from eks_refarch.terraform.answers import reads_for_actions

    actions = [
        action
        for kind in spec.needs
        if (collector := registry.collector_for(kind)).source is Source.AWS
        for action in collector.actions
    ]
    reads = reads_for_actions(actions)
    if not reads:
        return []
    lead = tr(
        lang,
        "With `--terraform DIR` the check reads these resources and arguments of the module "
        "instead of the account:",
    )
    return [lead, "\n".join(f"- {code(r)}" for r in reads)]


def _run_command(spec: CheckSpec) -> str:
    options = " ".join(SOURCE_OPTION[s] for s in Source if s in spec.sources)
    return f"```sh\nrefarch check --only {spec.id} {options}\n```"
