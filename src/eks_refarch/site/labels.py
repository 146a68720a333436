"""Labels of the design's enumerated values in the reader's language, for prose and tables.

A page never shows ``one-per-az`` or ``irsa`` as a word of a sentence: it shows the label
of that value. Labels are English here and translated in the text catalog; a value the
design allows but nothing here labels fails the build, naming the field and the value.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel

from eks_refarch.conformance.model import Severity
from eks_refarch.design.model import Design
from eks_refarch.i18n import N_, tr

# Labels that are names, the same in every language (a product, an engine).
_SAME: set[str] = set()


def same(text: str) -> str:
    """A label shown as it is in every language; not in the text catalog."""
    _SAME.add(text)
    return text


LABELS: Mapping[str, Mapping[str, str]] = {
    "tier": {
        "public": N_("public"),
        "private-app": N_("private, for nodes"),
        "private-data": N_("private, for data"),
    },
    "nat_gateways": {
        "one-per-az": N_("one NAT gateway in each Availability Zone"),
        "single": N_("a single NAT gateway shared by every Availability Zone"),
    },
    "traffic_type": {
        "ALL": N_("all traffic, accepted and rejected"),
        "ACCEPT": N_("accepted traffic only"),
        "REJECT": N_("rejected traffic only"),
    },
    "scheme": {"internet-facing": N_("internet-facing"), "internal": N_("internal")},
    "target_type": {"instance": N_("instances")},
    "pod_credentials": {
        "irsa": N_("IAM roles for service accounts (IRSA)"),
        "pod-identity": same("EKS Pod Identity"),
    },
    "http_tokens": {"required": N_("IMDSv2 required"), "optional": N_("IMDSv1 allowed")},
    "capacity_type": {"ON_DEMAND": N_("On-Demand"), "SPOT": N_("Spot")},
    "mtls": {"STRICT": N_("strict"), "PERMISSIVE": N_("permissive")},
    "image_tag_mutability": {"IMMUTABLE": N_("immutable"), "MUTABLE": N_("mutable")},
    "engine": {
        "aurora-postgresql": same("Aurora PostgreSQL"),
        "aurora-mysql": same("Aurora MySQL"),
        "valkey": same("Valkey"),
        "redis": same("Redis OSS"),
    },
    "concern": {
        "gitops": same("GitOps"),
        "mesh": N_("service mesh"),
        "metrics": N_("metrics"),
        "dashboards": N_("dashboards"),
        "logs": N_("logs"),
        "traces": N_("traces"),
        "telemetry-pipeline": N_("telemetry pipeline"),
        "mesh-observability": N_("mesh observability"),
        "secrets": N_("secrets"),
        "autoscaling": N_("node autoscaling"),
        "certificates": N_("certificates"),
        "dns": N_("DNS records"),
        "policy": N_("policy"),
    },
    "cncf": {
        "graduated": N_("CNCF graduated"),
        "incubating": N_("CNCF incubating"),
        "sandbox": N_("CNCF sandbox"),
        "kubernetes-subproject": N_("part of Kubernetes (a SIG subproject)"),
        "none": N_("not a CNCF project"),
    },
    "log_type": {
        "api": N_("API server"),
        "audit": N_("audit"),
        "authenticator": N_("authenticator"),
        "controllerManager": N_("controller manager"),
        "scheduler": N_("scheduler"),
    },
    "decision_status": {
        "proposed": N_("proposed"),
        "accepted": N_("accepted"),
        "deprecated": N_("deprecated"),
        "superseded": N_("superseded by a later decision"),
    },
    "switch": {"True": N_("on"), "False": N_("off")},
}


def label(field: str, value: object, lang: str) -> str:
    """The label of ``value`` of the enumerated ``field`` (a key of ``LABELS``) in ``lang``."""
    labels = LABELS.get(field)
    if labels is None:
        raise ValueError(
            f"no labels for the field {field!r} (expected one of: {', '.join(LABELS)})"
        )
    key = str(value)
    if key not in labels:
        raise ValueError(
            f"{field} = {key!r} has no label for the site: add one to {__name__}.LABELS"
        )
    text = labels[key]
    return text if text in _SAME else tr(lang, text)


def _literals(annotation: Any, seen: set[type]) -> Iterator[str]:
    if typing.get_origin(annotation) is Literal:
        yield from (str(v) for v in typing.get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                yield from _literals(field.annotation, seen)
    else:
        for arg in typing.get_args(annotation):
            yield from _literals(arg, seen)


@functools.cache
def enum_values() -> frozenset[str]:
    """Every value a design field takes from a fixed list, and every severity."""
    return frozenset(_literals(Design, set())) | {s.value for s in Severity}


# Values that are names in every language: Kubernetes kinds and protocols.
NAMES = frozenset(
    {"HTTP", "HTTPS", "NodePort", "Deployment", "StatefulSet", "DaemonSet", "Webhook"}
)
# Values that are also ordinary English words and mean that word in English prose.
ENGLISH_WORDS = frozenset(
    {
        "public", "internal", "internet-facing", "instance", "single", "required",
        "optional", "none", "accepted", "proposed", "deprecated", "superseded", "mesh",
        "metrics", "dashboards", "logs", "traces", "secrets", "policy", "certificates",
        "autoscaling", "audit", "scheduler", "authenticator", "sandbox", "graduated",
        "incubating", "critical", "high", "medium", "low", "allow", "block",
    }
)  # fmt: skip


def words_of(lang: str) -> frozenset[str]:
    """The enumerated values that may stand in ``lang``'s prose as they are."""
    return NAMES | ENGLISH_WORDS if lang == "en" else NAMES


@functools.cache
def _pattern(lang: str) -> re.Pattern[str]:
    values = sorted(enum_values() - words_of(lang), key=len, reverse=True)
    alternatives = "|".join(map(re.escape, values))
    return re.compile(rf"(?<![\w./@=`-])({alternatives})(?![\w/@=`-])(?!:/)")


def quote_values(text: str, lang: str, *, html: bool = False) -> str:
    """Text written elsewhere (a check's texts, a finding's message) with the design's
    enumerated values in it set as code: they are quoted as they are, not labels.

    Every value but those that may stand in the language's prose (``words_of``).
    """
    if html:  # text already escaped for HTML, where Markdown's backticks mean nothing
        return _pattern(lang).sub(lambda m: f"<code>{m.group(1)}</code>", text)
    return _pattern(lang).sub(lambda m: f"`{m.group(1)}`", text)
