"""The platform components by namespace, and the data flowing between them: the two views of
the infrastructure domain (the control loops, and the telemetry) draw through here.

Every arrow is one of the design's ``watches`` or ``feeds``, drawn in the direction the
data goes: from what is watched to its watcher, and from a feeder to what it feeds.
When one component feeds another that also watches it, the two are one flow and one
arrow. An arrow belongs to the telemetry view when either end is a telemetry
component, and to the control view otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diagrams.aws.compute import EC2
from diagrams.aws.security import SecretsManager
from diagrams.k8s.compute import DS, STS, Deploy, Pod
from diagrams.k8s.controlplane import APIServer
from diagrams.k8s.podconfig import Secret
from diagrams.onprem.gitops import ArgoCD
from diagrams.onprem.logging import Loki
from diagrams.onprem.monitoring import Grafana, Prometheus
from diagrams.onprem.network import Istio
from diagrams.onprem.tracing import Tempo
from diagrams.onprem.vcs import Git

from eks_refarch.design import Design
from eks_refarch.design.model import Component
from eks_refarch.rendering.kit import (
    Canvas,
    Cluster,
    Edge,
    Karpenter,
    Kiali,
    Labels,
    OpenTelemetry,
    lines,
)

# The concerns whose components the telemetry view draws; the control view has the rest.
TELEMETRY = frozenset(
    {"metrics", "dashboards", "logs", "traces", "telemetry-pipeline", "mesh-observability"}
)

# Icons by component name; a component the design adds later is drawn with the icon of
# its workload kind until it is given one here.
ICONS: dict[str, Callable[..., Any]] = {
    "argo-cd": ArgoCD,
    "istiod": Istio,
    "prometheus": Prometheus,
    "grafana": Grafana,
    "loki": Loki,
    "tempo": Tempo,
    "opentelemetry-collector": OpenTelemetry,
    "kiali": Kiali,
    "external-secrets": Secret,
    "karpenter": Karpenter,
}
WORKLOAD_ICONS: dict[str, Callable[..., Any]] = {
    "Deployment": Deploy,
    "StatefulSet": STS,
    "DaemonSet": DS,
}
WATCH, FEED = "#3D6F9E", "#B8651B"

LABELS: Labels = {
    "en": {
        "aws": "AWS",
        "git": "Git repository\n(manifests/)",
        "kubernetes-api": "Kubernetes API",
        "microservices": "microservices",
        "ec2": "EC2 instances",
        "legend": "Arrows follow the data. Dashed: read by the component that watches. "
        "Solid: sent by the component that feeds.",
        "concerns": {
            "gitops": "GitOps",
            "mesh": "service mesh",
            "metrics": "metrics",
            "dashboards": "dashboards",
            "logs": "logs",
            "traces": "traces",
            "telemetry-pipeline": "telemetry pipeline",
            "mesh-observability": "mesh observability",
            "secrets": "secrets",
            "autoscaling": "node autoscaling",
            "certificates": "certificates",
            "dns": "DNS",
            "policy": "policy",
        },
    },
    "ja": {
        "aws": "AWS",
        "git": "Git リポジトリ\n（manifests/）",
        "kubernetes-api": "Kubernetes API",
        "microservices": "マイクロサービス",
        "ec2": "EC2 インスタンス",
        "legend": "矢印はデータの流れ。破線は監視する側が読み取り、実線は送る側が送り込む。",
        "concerns": {
            "gitops": "GitOps",
            "mesh": "サービスメッシュ",
            "metrics": "メトリクス",
            "dashboards": "ダッシュボード",
            "logs": "ログ",
            "traces": "トレース",
            "telemetry-pipeline": "テレメトリーパイプライン",
            "mesh-observability": "メッシュの可視化",
            "secrets": "シークレット",
            "autoscaling": "ノードのオートスケール",
            "certificates": "証明書",
            "dns": "DNS",
            "policy": "ポリシー",
        },
    },
}


@dataclass(frozen=True)
class Flow:
    """Data going from ``source`` to ``target``: pushed (a feed) or pulled (a watch)."""

    source: str
    target: str
    pushed: bool


def flows(design: Design) -> list[Flow]:
    """Every flow of the design's watches and feeds, one per ordered pair, in design order."""
    found: dict[tuple[str, str], bool] = {}
    for component in design.platform.components:
        for watched in component.watches:
            found.setdefault((watched, component.name), False)
        for fed in component.feeds:
            found[component.name, fed] = True
    return [Flow(source, target, pushed) for (source, target), pushed in found.items()]


def in_telemetry(design: Design, flow: Flow) -> bool:
    concerns = {c.name: c.concern for c in design.platform.components}
    return concerns.get(flow.source) in TELEMETRY or concerns.get(flow.target) in TELEMETRY


def draw_platform(design: Design, canvas: Canvas, *, telemetry: bool) -> None:
    """The components of one story (``telemetry`` or the control loops) and their flows."""
    t = canvas.words(LABELS)
    shown = [f for f in flows(design) if in_telemetry(design, f) == telemetry]
    parties = {name for f in shown for name in (f.source, f.target)}
    components = [
        c
        for c in design.platform.components
        if c.name in parties or (c.concern in TELEMETRY) == telemetry
    ]
    namespaces = list(dict.fromkeys(c.namespace for c in components))

    with canvas.diagram(direction="TB", note=t["legend"]):
        nodes: dict[str, Any] = {}
        if "git" in parties:
            nodes["git"] = Git(t["git"], nodeid="git")
        with Cluster(f"{t['eks_cluster']} {design.eks.cluster_name}", kind="kubernetes"):
            if "kubernetes-api" in parties:
                nodes["kubernetes-api"] = APIServer(t["kubernetes-api"], nodeid="kubernetes-api")
            if "microservices" in parties:
                nodes["microservices"] = Pod(
                    lines(t["microservices"], f"{len(design.microservices)} × Deployment"),
                    nodeid="microservices",
                )
            for namespace in namespaces:
                with Cluster(f"{t['namespace']} {namespace}", kind="namespace"):
                    for component in components:
                        if component.namespace == namespace:
                            nodes[component.name] = _component(component, t)
        if parties & {"secrets-manager", "ec2"}:
            with Cluster(t["aws"], kind="region"):
                if "secrets-manager" in parties:
                    nodes["secrets-manager"] = SecretsManager(
                        "Secrets Manager", nodeid="secrets-manager"
                    )
                if "ec2" in parties:
                    nodes["ec2"] = EC2(t["ec2"], nodeid="ec2")

        pairs = {(f.source, f.target) for f in shown}
        for flow in shown:
            look = {"color": FEED} if flow.pushed else {"color": WATCH, "style": "dashed"}
            if not flow.pushed and (flow.target, flow.source) in pairs:
                # A component that watches what it also feeds (Argo CD and the API
                # server): the feed sets the order from top to bottom, the watch goes back.
                look["constraint"] = "false"
            nodes[flow.source] >> Edge(**look) >> nodes[flow.target]


def _component(component: Component, t: dict[str, Any]) -> Any:
    icon = ICONS.get(component.name, WORKLOAD_ICONS[component.workload.kind])
    label = lines(component.title, f"({t['concerns'][component.concern]})")
    return icon(label, nodeid=component.name)
