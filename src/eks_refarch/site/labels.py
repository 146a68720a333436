"""Labels of the design's enumerated values in the reader's language, for prose and tables.

A page never shows ``one-per-az`` or ``irsa`` as a word of a sentence: it shows the label
of that value. Labels are English here and translated in the text catalog; a value the
design allows but nothing here labels fails the build, naming the field and the value.
"""

from __future__ import annotations

from collections.abc import Mapping

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
