"""View app-east-west: the pods of the microservices in the mesh, the calls between them over
mutual TLS, and the data stores they use."""

from __future__ import annotations

from typing import Any

from diagrams.k8s.compute import Pod

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

LABELS = {
    "en": {
        "mesh": "Istio mesh, mutual TLS",
        "sidecar": "with Envoy sidecar",
        "replicas": "replicas",
        "data": "AWS data stores",
        "note": "A call leaves through the caller's sidecar and enters through the callee's; "
        "the mesh refuses a pod without one.",
    },
    "ja": {
        "mesh": "Istio メッシュ（相互 TLS）",
        "sidecar": "Envoy サイドカー付き",
        "replicas": "レプリカ",
        "data": "AWS のデータストア",
        "note": "呼び出しは呼ぶ側のサイドカーから出て、呼ばれる側のサイドカーから入る。"
        "サイドカーのない Pod はメッシュに拒まれる。",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    meshed = design.mesh.injection.namespaces
    namespaces = list(dict.fromkeys(m.namespace for m in design.microservices))

    with canvas.diagram(direction="TB", note=t["note"]):
        pods: dict[str, Any] = {}
        with (
            Cluster(f"{t['eks_cluster']} {design.eks.cluster_name}", kind="kubernetes"),
            Cluster(f"{t['mesh']} ({design.mesh.mtls})", kind="group"),
        ):
            for namespace in namespaces:
                with Cluster(f"{t['namespace']} {namespace}", kind="namespace"):
                    for spec in design.microservices:
                        if spec.namespace == namespace:
                            pods[spec.name] = Pod(
                                lines(
                                    f"{spec.name} :{spec.port}",
                                    f"{spec.replicas} {t['replicas']}",
                                    t["sidecar"] if namespace in meshed else None,
                                ),
                                nodeid=f"pod-{spec.name}",
                            )

        with Cluster(t["data"], kind="private"):
            stores = data_stores(design)

        # The stores below every pod, not beside the deepest: dot places a cluster beside
        # any other whose rows it shares.
        for pod in pods.values():
            for store in stores.values():
                pod >> Edge(style="invis", weight="0") >> store
        for spec in design.microservices:
            for dependency in spec.depends_on:
                if dependency in stores:
                    pods[spec.name] >> Edge(style="dashed") >> stores[dependency]
                else:
                    port = design.microservice(dependency).port
                    pods[spec.name] >> Edge(label=f"mTLS :{port}") >> pods[dependency]
