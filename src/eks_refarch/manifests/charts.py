"""Where each platform component's Helm chart comes from, for its Argo CD Application.

The design names components, namespaces and workloads; it says nothing about chart
repositories or versions, which are a release concern of the GitOps repository. They
are pinned here, in one table. The release names are chosen so that each chart's
default resource names are the workload names the design gives (for example release
``kube-prometheus-stack`` yields the StatefulSet
``prometheus-kube-prometheus-stack-prometheus`` and the Deployment
``kube-prometheus-stack-grafana``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eks_refarch.design import Design

Values = Callable[[Design], dict[str, Any]]


def _no_values(design: Design) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Chart:
    """One Helm release, installed by one Argo CD Application."""

    release: str
    repo_url: str
    chart: str
    version: str  # "istio" means the design's mesh.istio_version
    components: tuple[str, ...]  # the design components this release installs
    values: Values = _no_values
    sync_wave: int = 0
    # The component whose namespace the release goes to, when it installs none itself.
    namespace_of: str | None = None


ISTIO_CHARTS = "https://istio-release.storage.googleapis.com/charts"

CHARTS: tuple[Chart, ...] = (
    Chart("argocd", "https://argoproj.github.io/argo-helm", "argo-cd", "7.7.0", ("argo-cd",)),
    # Istio's CRDs come first: istiod and every mesh resource need them.
    Chart("istio-base", ISTIO_CHARTS, "base", "istio", (), sync_wave=-2, namespace_of="istiod"),
    Chart("istiod", ISTIO_CHARTS, "istiod", "istio", ("istiod",), sync_wave=-1),
    Chart(
        "kube-prometheus-stack",
        "https://prometheus-community.github.io/helm-charts",
        "kube-prometheus-stack",
        "65.1.0",
        ("prometheus", "grafana"),
    ),
    Chart(
        "loki",
        "https://grafana.github.io/helm-charts",
        "loki",
        "6.16.0",
        ("loki",),
        lambda design: {"deploymentMode": "SingleBinary"},
    ),
    Chart("tempo", "https://grafana.github.io/helm-charts", "tempo", "1.10.3", ("tempo",)),
    Chart(
        "opentelemetry-collector",
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "opentelemetry-collector",
        "0.108.0",
        ("opentelemetry-collector",),
        lambda design: {
            "mode": "deployment",
            "image": {"repository": "otel/opentelemetry-collector-contrib"},
        },
    ),
    Chart("kiali", "https://kiali.org/helm-charts", "kiali-server", "2.0.0", ("kiali",)),
    Chart(
        "external-secrets",
        "https://charts.external-secrets.io",
        "external-secrets",
        "0.10.4",
        ("external-secrets",),
    ),
    # An OCI registry: Argo CD reads it through a repository Secret with enableOCI: "true".
    Chart(
        "karpenter",
        "public.ecr.aws/karpenter",
        "karpenter",
        "1.0.6",
        ("karpenter",),
        lambda design: {"settings": {"clusterName": design.eks.cluster_name}},
    ),
)
