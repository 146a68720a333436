"""View infra-domain: the platform components by namespace, and what each watches or feeds."""

from __future__ import annotations

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
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, Karpenter, Kiali, OpenTelemetry, lines

# Icons by component name; a component the design adds later is drawn with the icon of
# its workload kind until it is given one here.
ICONS = {
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
WORKLOAD_ICONS = {"Deployment": Deploy, "StatefulSet": STS, "DaemonSet": DS}
WATCH, FEED = "#5B8DB8", "#D68A2E"

LABELS = {
    "en": {
        "aws": "AWS",
        "git": "Git repository\n(manifests/)",
        "kubernetes-api": "Kubernetes API",
        "microservices": "microservices",
        "watches": "watches",
        "legend": "arrows follow the data: dashed, read by the component that watches; "
        "solid, sent by the component that feeds",
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
        "watches": "監視",
        "legend": "矢印はデータの流れ。破線は監視する側が読み取り、実線は送る側が送り込む",
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


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    components = design.platform.components
    namespaces = list(dict.fromkeys(c.namespace for c in components))

    with canvas.diagram(direction="LR", note=t["legend"]):
        git = Git(t["git"], nodeid="git")

        with Cluster(f"{t['eks_cluster']} {design.eks.cluster_name}"):
            api = APIServer(t["kubernetes-api"], nodeid="kubernetes-api")
            workloads = Pod(
                lines(t["microservices"], f"{len(design.microservices)} × Deployment"),
                nodeid="microservices",
            )
            nodes = {"kubernetes-api": api, "microservices": workloads}
            for namespace in namespaces:
                with Cluster(f"{t['namespace']} {namespace}"):
                    for component in components:
                        if component.namespace != namespace:
                            continue
                        icon = ICONS.get(component.name, WORKLOAD_ICONS[component.workload.kind])
                        nodes[component.name] = icon(
                            lines(component.title, f"({t['concerns'][component.concern]})"),
                            nodeid=component.name,
                        )

        with Cluster(t["aws"]):
            nodes["secrets-manager"] = SecretsManager("Secrets Manager", nodeid="secrets-manager")

        git >> Edge(label=t["watches"], style="dashed", color=WATCH) >> nodes["argo-cd"]
        for component in components:
            for watched in component.watches:
                nodes[watched] >> Edge(style="dashed", color=WATCH) >> nodes[component.name]
            for fed in component.feeds:
                nodes[component.name] >> Edge(color=FEED) >> nodes[fed]
