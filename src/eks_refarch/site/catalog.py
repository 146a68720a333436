"""The check catalog: one generated page per registered check, and the table that lists them.

Nothing here is typed per check: the id, severity, texts, remediation, references,
decision and the permissions each check needs all come from the check registry and
its collectors. Only the labels of sources, severities and rule modules (areas) are
written here, in both languages; a rule module without one fails the build, naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import groupby

from eks_refarch.conformance.model import CheckSpec, Severity, Source
from eks_refarch.conformance.registry import Registry
from eks_refarch.site.markdown import code, code_list, joined, prose, table

Link = Callable[[str], str]

CATALOG_DIR = "conformance/checks"
INDEX = f"{CATALOG_DIR}/index.md"
_PAGE = re.compile(rf"{CATALOG_DIR}/([^/]+)\.md")

SEVERITY = {
    Severity.CRITICAL: {"en": "Critical", "ja": "重大"},
    Severity.HIGH: {"en": "High", "ja": "高"},
    Severity.MEDIUM: {"en": "Medium", "ja": "中"},
    Severity.LOW: {"en": "Low", "ja": "低"},
}

SOURCE = {
    Source.AWS: {"en": "AWS account", "ja": "AWS アカウント"},
    Source.CLUSTER: {"en": "Cluster", "ja": "クラスター"},
    Source.NODES: {"en": "Nodes", "ja": "ノード"},
}
CROSS_LAYER = {"en": "Cross-layer", "ja": "層をまたぐ"}

# What reading a source takes, named the way each source's permissions are written.
PERMISSION_KIND = {
    Source.AWS: {"en": "IAM actions", "ja": "IAM アクション"},
    Source.CLUSTER: {"en": "Kubernetes permissions", "ja": "Kubernetes の権限"},
    Source.NODES: {
        "en": "over SSH, a login that can read the kubelet's files; through the API server "
        "(/configz), the Kubernetes permissions",
        "ja": "SSH 経由なら kubelet のファイルを読めるログイン、API サーバー経由（/configz）なら"
        "次の Kubernetes の権限",
    },
}

# The option that selects each source on the command line, for "run only this check".
SOURCE_OPTION = {
    Source.AWS: "--profile audit",
    Source.CLUSTER: "--manifests manifests",
    Source.NODES: "--hosts ssh://node-a",
}

AREA = {
    "aws.network": {"en": "Network", "ja": "ネットワーク"},
    "aws.edge": {"en": "Edge: ALB, TLS, WAF and DNS", "ja": "エッジ（ALB、TLS、WAF、DNS）"},
    "aws.eks": {"en": "EKS and node launch templates", "ja": "EKS とノードの起動テンプレート"},
    "aws.data": {"en": "Data stores and keys", "ja": "データストアと鍵"},
    "aws.audit": {"en": "Audit trail (CloudTrail)", "ja": "監査証跡（CloudTrail）"},
    "aws.crosslayer": {"en": "From the ALB to the nodes", "ja": "ALB からノードまで"},
    "cluster.gateway": {"en": "Ingress gateway", "ja": "イングレスゲートウェイ"},
    "cluster.mesh": {"en": "Mesh security", "ja": "メッシュのセキュリティ"},
    "cluster.routing": {"en": "Routing", "ja": "ルーティング"},
    "cluster.workloads": {"en": "Workloads", "ja": "ワークロード"},
    "cluster.components": {"en": "Platform components", "ja": "プラットフォームコンポーネント"},
    "cluster.crosslayer": {
        "en": "From the ALB to the gateway Service",
        "ja": "ALB からゲートウェイの Service まで",
    },
    "nodes.rules": {
        "en": "Kubelet (CIS Amazon EKS Benchmark, section 3)",
        "ja": "kubelet（CIS Amazon EKS Benchmark のセクション 3）",
    },
}

_T = {
    "check": {"en": "Check", "ja": "チェック"},
    "area": {"en": "Area", "ja": "分野"},
    "severity": {"en": "Severity", "ja": "重大度"},
    "verifies": {"en": "What it verifies", "ja": "確かめること"},
    "sources": {"en": "Reads from", "ja": "読み取り元"},
    "decision": {"en": "Decision it enforces", "ja": "検証する決定"},
    "why": {"en": "Why it matters", "ja": "なぜ確かめるのか"},
    "fix": {"en": "How to fix", "ja": "直し方"},
    "reads": {"en": "What it needs to read", "ja": "読み取りに必要な権限"},
    "run": {"en": "Run only this check", "ja": "このチェックだけを実行する"},
    "references": {"en": "References", "ja": "参考資料"},
    "facts": {"en": "Facts", "ja": "事実"},
    "source": {"en": "Source", "ja": "読み取り元"},
    "permissions": {"en": "Permissions", "ja": "権限"},
    "terraform": {"en": "Terraform", "ja": "Terraform"},
    "kubernetes": {"en": "Kubernetes", "ja": "Kubernetes"},
    "no_rationale": {
        "en": "The check records no reasons of its own: they are those of the decision it "
        "enforces, {adr}.",
        "ja": "このチェック自体には理由が書かれていません。理由は、このチェックが検証する決定 "
        "{adr} の記録にあります。",
    },
    "needed_by": {"en": "Checks that read it", "ja": "読み取るチェック"},
    "index_counts": {
        "en": "The registry holds {total} checks: {parts}.",
        "ja": "登録されているチェックは {total} 個です（{parts}）。",
    },
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
    names = [SOURCE[s][lang] for s in Source if s in spec.sources]
    if len(names) == 1:
        return names[0]
    joined = " + ".join(names)
    return f"{CROSS_LAYER[lang]}（{joined}）" if lang == "ja" else f"{CROSS_LAYER[lang]} ({joined})"


def severity_label(spec: CheckSpec, lang: str) -> str:
    """The severity in ``lang``, with the value the reports print: ``High (`high`)``."""
    value = code(spec.severity.value)
    label = SEVERITY[spec.severity][lang]
    return f"{label}（{value}）" if lang == "ja" else f"{label} ({value})"


def _group(spec: CheckSpec) -> tuple[int, str]:
    """Single-source checks by source, in Source order, then the cross-layer ones."""
    if len(spec.sources) == 1:
        (only,) = spec.sources
        return list(Source).index(only), only.value
    return len(Source), "cross-layer"


def index(registry: Registry, lang: str, link: Link) -> str:
    """Every check, grouped by the source it reads, with its area, severity and title."""
    checks = sorted(registry.checks(), key=lambda s: (_group(s), list(AREA).index(area_of(s))))
    sections = []
    counts = []
    for (_, _name), group in groupby(checks, key=_group):
        members = list(group)
        heading = source_label(members[0], lang)
        counts.append(
            f"{heading} {len(members)} 個" if lang == "ja" else f"{heading}: {len(members)}"
        )
        sections.append(
            f"## {heading}\n\n"
            + table(
                [_T["check"][lang], _T["area"][lang], _T["severity"][lang], _T["verifies"][lang]],
                [
                    [
                        f"[{code(s.id)}]({link(page_of(s.id))})",
                        AREA[area_of(s)][lang],
                        SEVERITY[s.severity][lang],
                        prose(s.text(lang).title),
                    ]
                    for s in members
                ],
            )
        )
    total = _T["index_counts"][lang].format(total=len(checks), parts=joined(counts, lang))
    return "\n\n".join([total, *sections])


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
    return table([_T["facts"][lang], _T["permissions"][lang], _T["needed_by"][lang]], rows)


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
    why = prose(text.rationale) if text.rationale else _T["no_rationale"][lang].format(adr=adr)
    return "\n\n".join(
        [
            f"# {spec.id}",
            f"**{prose(text.title)}**",
            table(
                [_T[h][lang] for h in ("severity", "sources", "area", "decision")],
                [
                    [
                        severity_label(spec, lang),
                        source_label(spec, lang),
                        AREA[area_of(spec)][lang],
                        adr,
                    ]
                ],
            ),
            f"## {_T['why'][lang]}",
            why,
            f"## {_T['fix'][lang]}",
            prose(text.steps),
            *_attributes(spec, lang),
            f"## {_T['reads'][lang]}",
            _needs_table(spec, registry, lang),
            f"## {_T['run'][lang]}",
            _run_command(spec),
            f"## {_T['references'][lang]}",
            "\n".join(f"- <{url}>" for url in spec.references),
        ]
    )


def _attributes(spec: CheckSpec, lang: str) -> list[str]:
    """The Terraform attribute and the Kubernetes field to set, where the check names them."""
    items = [
        f"- {_T[name][lang]}: {code(value)}"
        for name, value in (
            ("terraform", spec.remediation.terraform),
            ("kubernetes", spec.remediation.kubernetes),
        )
        if value
    ]
    return ["\n".join(items)] if items else []


def _needs_table(spec: CheckSpec, registry: Registry, lang: str) -> str:
    rows = []
    for kind in spec.needs:
        collector = registry.collector_for(kind)
        rows.append(
            [
                code(kind.__name__),
                SOURCE[collector.source][lang],
                f"{PERMISSION_KIND[collector.source][lang]}: {code_list(collector.actions, lang)}",
            ]
        )
    return table([_T["facts"][lang], _T["source"][lang], _T["permissions"][lang]], rows)


def _run_command(spec: CheckSpec) -> str:
    options = " ".join(SOURCE_OPTION[s] for s in Source if s in spec.sources)
    return f"```sh\nrefarch check --only {spec.id} {options}\n```"
