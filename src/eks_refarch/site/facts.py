"""Tables of design facts that pages include whole, each in the page's language.

Every builder takes ``(design, lang, link)`` where ``link`` turns a page path (without
language folder) into a link target relative to the page being built.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import get_args

from eks_refarch import errors
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design, support
from eks_refarch.design.model import CncfStatus
from eks_refarch.i18n import N_, tr
from eks_refarch.manifests.charts import CHARTS
from eks_refarch.site.decisions import page_of
from eks_refarch.site.labels import label
from eks_refarch.site.markdown import code, code_list, joined, table

Link = Callable[[str], str]


def subnets_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [tr(lang, "Tier"), tr(lang, "Availability Zone"), "CIDR"],
        [[label("tier", s.tier, lang), code(s.az), code(s.cidr)] for s in design.network.subnets],
    )


def components_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            tr(lang, "Component"),
            tr(lang, "Concern"),
            tr(lang, "CNCF status"),
            tr(lang, "Namespace"),
            tr(lang, "AWS managed alternative considered"),
            tr(lang, "Why this one"),
            tr(lang, "Decision"),
        ],
        [
            [
                c.title,
                label("concern", c.concern, lang),
                label("cncf", c.cncf, lang),
                code(c.namespace),
                c.managed_alternative[lang],
                c.why[lang],
                f"[{c.decision}]({link(page_of(c.decision))})",
            ]
            for c in design.platform.components
        ],
    )


def component_flows_table(design: Design, lang: str, link: Link) -> str:
    titles = {c.name: c.title for c in design.platform.components}

    def parties(names: tuple[str, ...]) -> str:
        shown = [titles.get(n, code(n)) for n in names]
        return joined(shown, lang) if shown else tr(lang, "none")

    return table(
        [tr(lang, "Component"), tr(lang, "Reads from"), tr(lang, "Sends to")],
        [[c.title, parties(c.watches), parties(c.feeds)] for c in design.platform.components],
    )


def microservices_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            tr(lang, "Microservice"),
            tr(lang, "Namespace"),
            tr(lang, "Team"),
            tr(lang, "Port"),
            tr(lang, "Route"),
            tr(lang, "Calls or uses"),
        ],
        [
            [
                code(m.name),
                code(m.namespace),
                code(m.team),
                code(m.port),
                code(f"{m.route.host}{m.route.path}") if m.route else tr(lang, "mesh only"),
                code_list(m.depends_on, lang) if m.depends_on else tr(lang, "none"),
            ]
            for m in design.microservices
        ],
    )


def _yes_no(value: bool, lang: str) -> str:
    return tr(lang, "yes") if value else tr(lang, "no")


def kms_keys_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [tr(lang, "Key alias"), tr(lang, "Purpose"), tr(lang, "Automatic rotation")],
        [
            [code(k.alias), k.purpose[lang], _yes_no(k.rotation, lang)]
            for k in design.security.kms_keys
        ],
    )


def _encryption(lang: str, *, at_rest: bool, in_transit: bool, key: str | None = None) -> str:
    parts = []
    if in_transit:
        parts.append(tr(lang, "in transit (TLS)"))
    if at_rest:
        parts.append(tr(lang, "at rest") + (f" ({code(key)})" if key else ""))
    return tr(lang, " and ").join(parts) if parts else tr(lang, "none")


def data_stores_table(design: Design, lang: str, link: Link) -> str:
    databases = [
        [
            code(d.name),
            label("engine", d.engine, lang),
            label("tier", d.subnet_tier, lang),
            _encryption(lang, at_rest=d.storage_encrypted, in_transit=False, key=d.kms_key),
        ]
        for d in design.data.databases
    ]
    caches = [
        [
            code(c.name),
            label("engine", c.engine, lang),
            label("tier", c.subnet_tier, lang),
            _encryption(lang, at_rest=c.at_rest_encryption, in_transit=c.transit_encryption),
        ]
        for c in design.data.caches
    ]
    return table(
        [tr(lang, "Data store"), tr(lang, "Engine"), tr(lang, "Tier"), tr(lang, "Encryption")],
        databases + caches,
    )


def node_groups_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            tr(lang, "Node group"),
            tr(lang, "Tier"),
            tr(lang, "Instance types"),
            tr(lang, "AMI type"),
            tr(lang, "Capacity"),
            tr(lang, "Min / desired / max"),
            "IMDS",
            tr(lang, "Root volume"),
            tr(lang, "ALB targets"),
        ],
        [
            [
                code(g.name),
                label("tier", g.subnet_tier, lang),
                code_list(g.instance_types, lang),
                code(g.ami_type),
                label("capacity_type", g.capacity_type, lang),
                f"{g.scaling.min} / {g.scaling.desired} / {g.scaling.max}",
                f"{code('HttpTokens=' + g.imds.http_tokens)}, "
                f"{code('HttpPutResponseHopLimit=' + str(g.imds.hop_limit))}",
                f"{g.root_volume.size_gib} GiB {code(g.root_volume.type)}",
                _yes_no(g.attach_to_target_group, lang),
            ]
            for g in design.eks.node_groups
        ],
    )


def owned_sections(design: Design, owner: str) -> tuple[str, ...]:
    """The top-level design sections whose ``owner`` is the given owner."""
    return tuple(
        name
        for name in type(design).model_fields
        if getattr(getattr(design, name), "owner", None) == owner
    )


def ownership_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            tr(lang, "Owner"),
            tr(lang, "Tool"),
            tr(lang, "Team"),
            tr(lang, "Responsibility"),
            tr(lang, "Sections of architecture.yaml"),
        ],
        [
            [
                code(key),
                owner.tool,
                code(owner.team),
                owner.summary[lang],
                code_list(owned_sections(design, key), lang),
            ]
            for key, owner in design.owners.items()
        ],
    )


def _date(release: support.Release, day: datetime.date, lang: str) -> str:
    text = day.isoformat()
    return tr(lang, "{date} (estimated)", date=text) if release.estimated else text


def _calendar_rows(
    releases: Mapping[str, support.Release], designed: str | None, lang: str
) -> list[list[str]]:
    rows = []
    for version, release in support.by_version(releases):
        name = f"**{version}**" if version == designed else version
        rows.append(
            [
                name + (" " + tr(lang, "(the design's)") if version == designed else ""),
                release.released.isoformat(),
                _date(release, release.end_of_standard_support, lang),
                _date(release, release.end_of_extended_support, lang)
                if release.end_of_extended_support
                else tr(lang, "none"),
            ]
        )
    return rows


def _source(source: str, recorded: datetime.date, lang: str) -> str:
    return tr(lang, "Source: <{url}>, read on {date}.", url=source, date=recorded.isoformat())


_CALENDAR_HEADERS = (
    N_("Version"),
    N_("Released"),
    N_("End of standard support"),
    N_("End of extended support"),
)


def kubernetes_support_table(design: Design, lang: str, link: Link) -> str:
    cal = support.calendars().kubernetes
    rows = _calendar_rows(cal.versions, design.eks.version_floor, lang)
    return "\n\n".join(
        [
            table([tr(lang, h) for h in _CALENDAR_HEADERS], rows),
            _source(cal.source, cal.recorded, lang),
        ]
    )


def istio_support_table(design: Design, lang: str, link: Link) -> str:
    cal = support.calendars().istio
    rows = _calendar_rows(cal.versions, support.minor(design.mesh.istio_version), lang)
    return "\n\n".join(
        [
            table([tr(lang, h) for h in _CALENDAR_HEADERS[:3]], [r[:3] for r in rows]),
            _source(cal.source, cal.recorded, lang),
        ]
    )


def charts_support_table(design: Design, lang: str, link: Link) -> str:
    """Each pinned chart, the release it installs and when that release's support ends."""
    cal = support.calendars().charts
    rows = []
    for chart in CHARTS:
        if chart.version == "istio":
            continue
        entry = cal.charts.get(chart.chart)
        release = entry.versions.get(chart.version) if entry else None
        if entry is None or release is None:
            raise ValueError(
                f"chart {chart.chart} {chart.version} is not in the support calendar "
                f"{support.CALENDAR_FILE.name}"
            )
        rows.append(
            [
                f"{code(chart.chart)} {chart.version}",
                release.installs or "",
                _date(release, release.end_of_standard_support, lang),
                f"<{entry.source}>",
            ]
        )
    return "\n\n".join(
        [
            table(
                [
                    tr(lang, "Chart"),
                    tr(lang, "Installs"),
                    tr(lang, "End of support"),
                    tr(lang, "Source"),
                ],
                rows,
            ),
            tr(lang, "Read on {date}.", date=cal.recorded.isoformat()),
        ]
    )


def cncf_summary(design: Design, lang: str, link: Link) -> str:
    """One sentence per CNCF status: which components have it, from the design."""
    by_status: dict[str, list[str]] = {}
    for c in design.platform.components:
        by_status.setdefault(c.cncf, []).append(c.title)
    source = design.platform.cncf_status
    items = [
        f"- **{label('cncf', status, lang)}**: {joined(titles, lang)}"
        for status, titles in sorted(by_status.items(), key=lambda i: _CNCF_ORDER.index(i[0]))
    ]
    return "\n".join(items) + "\n\n" + _source(source.source, source.recorded, lang)


_CNCF_ORDER = get_args(CncfStatus)


_EXIT_MEANINGS = {
    errors.EXIT_OK: N_("Every check passed or was skipped."),
    errors.EXIT_FAILED: N_("At least one check failed: something does not match the design."),
    errors.EXIT_ERRORED: N_("Nothing failed, but at least one check could not verify its element."),
    errors.EXIT_USAGE: N_(
        "Usage or input error, such as an unknown option or an invalid design file."
    ),
    errors.EXIT_INTERNAL: N_(
        "Internal error: a bug in refarch; REFARCH_DEBUG=1 shows the traceback."
    ),
}


_STATUS_MEANINGS = {
    Status.PASS: N_("The element matches the design."),
    Status.FAIL: N_(
        "The element does not match; the message says what was expected, what was found "
        "and what to change."
    ),
    Status.ERROR: N_(
        "The element could not be verified: access denied, throttled or unreachable. The "
        "message names the missing permission or the cause. An error never counts as a pass "
        "or a fail."
    ),
    Status.SKIP: N_(
        "The check did not apply, for example because its target was not given; the "
        "message says why."
    ),
}


def statuses_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [tr(lang, "Status"), tr(lang, "Meaning")],
        [[code(status.value), tr(lang, _STATUS_MEANINGS[status])] for status in Status],
    )


def exit_codes_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [tr(lang, "Exit code"), tr(lang, "Meaning")],
        [[code(value), tr(lang, meaning)] for value, meaning in sorted(_EXIT_MEANINGS.items())],
    )


TABLES: dict[str, Callable[[Design, str, Link], str]] = {
    "subnets_table": subnets_table,
    "components_table": components_table,
    "microservices_table": microservices_table,
    "component_flows_table": component_flows_table,
    "kms_keys_table": kms_keys_table,
    "data_stores_table": data_stores_table,
    "node_groups_table": node_groups_table,
    "ownership_table": ownership_table,
    "exit_codes_table": exit_codes_table,
    "statuses_table": statuses_table,
    "kubernetes_support_table": kubernetes_support_table,
    "istio_support_table": istio_support_table,
    "charts_support_table": charts_support_table,
    "cncf_summary": cncf_summary,
}
