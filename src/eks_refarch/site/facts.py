"""Tables of design facts that pages include whole, each in the page's language.

Every builder takes ``(design, lang, link)`` where ``link`` turns a page path (without
language folder) into a link target relative to the page being built.
"""

from __future__ import annotations

from collections.abc import Callable

from eks_refarch import errors
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.site.decisions import page_of
from eks_refarch.site.markdown import code, code_list, joined, table

Link = Callable[[str], str]

_H = {
    "tier": {"en": "Tier", "ja": "層"},
    "az": {"en": "Availability Zone", "ja": "アベイラビリティーゾーン"},
    "cidr": {"en": "CIDR", "ja": "CIDR"},
    "component": {"en": "Component", "ja": "コンポーネント"},
    "concern": {"en": "Concern", "ja": "関心事"},
    "namespace": {"en": "Namespace", "ja": "名前空間"},
    "workload": {"en": "Workload", "ja": "ワークロード"},
    "alternative": {
        "en": "AWS managed alternative considered",
        "ja": "検討した AWS マネージドの代替",
    },
    "why": {"en": "Why this one", "ja": "選んだ理由"},
    "decision": {"en": "Decision", "ja": "決定"},
    "service": {"en": "Microservice", "ja": "マイクロサービス"},
    "team": {"en": "Team", "ja": "チーム"},
    "port": {"en": "Port", "ja": "ポート"},
    "route": {"en": "Route", "ja": "ルート"},
    "depends": {"en": "Calls or uses", "ja": "呼び出し・利用先"},
    "none": {"en": "none", "ja": "なし"},
    "alias": {"en": "Key alias", "ja": "キーのエイリアス"},
    "purpose": {"en": "Purpose", "ja": "用途"},
    "rotation": {"en": "Automatic rotation", "ja": "自動ローテーション"},
    "yes": {"en": "yes", "ja": "あり"},
    "no": {"en": "no", "ja": "なし"},
    "store": {"en": "Data store", "ja": "データストア"},
    "engine": {"en": "Engine", "ja": "エンジン"},
    "encryption": {"en": "Encryption", "ja": "暗号化"},
    "in_transit": {"en": "in transit (TLS)", "ja": "転送中（TLS）"},
    "at_rest": {"en": "at rest", "ja": "保存時"},
    "and": {"en": " and ", "ja": "と"},
    "node_group": {"en": "Node group", "ja": "ノードグループ"},
    "instances": {"en": "Instance types", "ja": "インスタンスタイプ"},
    "ami": {"en": "AMI type", "ja": "AMI タイプ"},
    "capacity": {"en": "Capacity", "ja": "購入オプション"},
    "scaling": {"en": "Min / desired / max", "ja": "最小 / 希望 / 最大"},
    "imds": {"en": "IMDS", "ja": "IMDS"},
    "volume": {"en": "Root volume", "ja": "ルートボリューム"},
    "targets": {"en": "ALB targets", "ja": "ALB のターゲット"},
    "owner": {"en": "Owner", "ja": "担当"},
    "tool": {"en": "Tool", "ja": "ツール"},
    "responsibility": {"en": "Responsibility", "ja": "責任範囲"},
    "watches": {"en": "Reads from", "ja": "読み取り元"},
    "feeds": {"en": "Sends to", "ja": "送り先"},
    "exit_code": {"en": "Exit code", "ja": "終了コード"},
    "meaning": {"en": "Meaning", "ja": "意味"},
    "status": {"en": "Status", "ja": "状態"},
    "sections": {"en": "Sections of architecture.yaml", "ja": "architecture.yaml のセクション"},
    "internal": {"en": "mesh only", "ja": "メッシュ内のみ"},
}


def subnets_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [_H["tier"][lang], _H["az"][lang], _H["cidr"][lang]],
        [[code(s.tier), code(s.az), code(s.cidr)] for s in design.network.subnets],
    )


def components_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            _H["component"][lang],
            _H["concern"][lang],
            _H["namespace"][lang],
            _H["alternative"][lang],
            _H["why"][lang],
            _H["decision"][lang],
        ],
        [
            [
                c.title,
                code(c.concern),
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
        return joined(shown, lang) if shown else _H["none"][lang]

    return table(
        [_H["component"][lang], _H["watches"][lang], _H["feeds"][lang]],
        [[c.title, parties(c.watches), parties(c.feeds)] for c in design.platform.components],
    )


def microservices_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            _H["service"][lang],
            _H["namespace"][lang],
            _H["team"][lang],
            _H["port"][lang],
            _H["route"][lang],
            _H["depends"][lang],
        ],
        [
            [
                code(m.name),
                code(m.namespace),
                code(m.team),
                code(m.port),
                code(f"{m.route.host}{m.route.path}") if m.route else _H["internal"][lang],
                code_list(m.depends_on, lang) if m.depends_on else _H["none"][lang],
            ]
            for m in design.microservices
        ],
    )


def _yes_no(value: bool, lang: str) -> str:
    return _H["yes" if value else "no"][lang]


def kms_keys_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [_H["alias"][lang], _H["purpose"][lang], _H["rotation"][lang]],
        [
            [code(k.alias), k.purpose[lang], _yes_no(k.rotation, lang)]
            for k in design.security.kms_keys
        ],
    )


def _encryption(lang: str, *, at_rest: bool, in_transit: bool, key: str | None = None) -> str:
    parts = []
    if in_transit:
        parts.append(_H["in_transit"][lang])
    if at_rest:
        parts.append(_H["at_rest"][lang] + (f" ({code(key)})" if key else ""))
    return _H["and"][lang].join(parts) if parts else _H["none"][lang]


def data_stores_table(design: Design, lang: str, link: Link) -> str:
    databases = [
        [
            code(d.name),
            code(d.engine),
            code(d.subnet_tier),
            _encryption(lang, at_rest=d.storage_encrypted, in_transit=False, key=d.kms_key),
        ]
        for d in design.data.databases
    ]
    caches = [
        [
            code(c.name),
            code(c.engine),
            code(c.subnet_tier),
            _encryption(lang, at_rest=c.at_rest_encryption, in_transit=c.transit_encryption),
        ]
        for c in design.data.caches
    ]
    return table(
        [_H["store"][lang], _H["engine"][lang], _H["tier"][lang], _H["encryption"][lang]],
        databases + caches,
    )


def node_groups_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [
            _H["node_group"][lang],
            _H["tier"][lang],
            _H["instances"][lang],
            _H["ami"][lang],
            _H["capacity"][lang],
            _H["scaling"][lang],
            _H["imds"][lang],
            _H["volume"][lang],
            _H["targets"][lang],
        ],
        [
            [
                code(g.name),
                code(g.subnet_tier),
                code_list(g.instance_types, lang),
                code(g.ami_type),
                code(g.capacity_type),
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
            _H["owner"][lang],
            _H["tool"][lang],
            _H["team"][lang],
            _H["responsibility"][lang],
            _H["sections"][lang],
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


_EXIT_MEANINGS = {
    errors.EXIT_OK: {
        "en": "Every check passed or was skipped.",
        "ja": "すべてのチェックが合格、またはスキップされた。",
    },
    errors.EXIT_FAILED: {
        "en": "At least one check failed: something does not match the design.",
        "ja": "少なくとも一つのチェックが不合格。設計と合わないものがある。",
    },
    errors.EXIT_ERRORED: {
        "en": "Nothing failed, but at least one check could not verify its element.",
        "ja": "不合格はないが、少なくとも一つのチェックが対象を検証できなかった。",
    },
    errors.EXIT_USAGE: {
        "en": "Usage or input error, such as an unknown option or an invalid design file.",
        "ja": "使い方または入力の誤り。未知のオプションや不正な設計ファイルなど。",
    },
    errors.EXIT_INTERNAL: {
        "en": "Internal error: a bug in refarch; REFARCH_DEBUG=1 shows the traceback.",
        "ja": "内部エラー。refarch の不具合で、REFARCH_DEBUG=1 を付けるとトレースバックが出る。",
    },
}


_STATUS_MEANINGS = {
    Status.PASS: {
        "en": "The element matches the design.",
        "ja": "要素が設計と一致している。",
    },
    Status.FAIL: {
        "en": "The element does not match; the message says what was expected, what was found "
        "and what to change.",
        "ja": "要素が設計と一致していない。メッセージには、期待した値、実際の値、何を変えれば"
        "よいかが書かれる。",
    },
    Status.ERROR: {
        "en": "The element could not be verified: access denied, throttled or unreachable. The "
        "message names the missing permission or the cause. An error never counts as a pass "
        "or a fail.",
        "ja": "要素を検証できなかった（アクセス拒否、スロットリング、到達不能など）。メッセージ"
        "には足りない権限や原因が書かれる。error が合格や不合格として数えられることはない。",
    },
    Status.SKIP: {
        "en": "The check did not apply, for example because its target was not given; the "
        "message says why.",
        "ja": "チェックが当てはまらなかった。たとえば対象が指定されていなかった。メッセージに"
        "理由が書かれる。",
    },
}


def statuses_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [_H["status"][lang], _H["meaning"][lang]],
        [[code(status.value), _STATUS_MEANINGS[status][lang]] for status in Status],
    )


def exit_codes_table(design: Design, lang: str, link: Link) -> str:
    return table(
        [_H["exit_code"][lang], _H["meaning"][lang]],
        [[code(value), meaning[lang]] for value, meaning in sorted(_EXIT_MEANINGS.items())],
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
}
