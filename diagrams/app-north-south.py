"""View app-north-south: a request's path from the client through the ALB, a node's nodePort and
the Istio ingress gateway to the sidecar of the routed service's pod, and the health check
that follows the same ports."""

from __future__ import annotations

from diagrams.aws.network import ALB
from diagrams.aws.security import ACM
from diagrams.k8s.infra import Node
from diagrams.k8s.network import Service
from diagrams.onprem.client import Client
from diagrams.onprem.network import Envoy, Istio

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, lines

LABELS = {
    "en": {
        "client": "Client",
        "aws": "AWS (Terraform)",
        "node": "node",
        "mesh": "Istio mesh, mutual TLS",
        "health": "health check",
        "readiness": "readiness",
        "sidecar": "sidecar",
        "note": "Solid: the request. Dashed: the ALB's health check, through the status "
        "nodePort to the gateway's readiness endpoint.",
    },
    "ja": {
        "client": "クライアント",
        "aws": "AWS（Terraform）",
        "node": "ノード",
        "mesh": "Istio メッシュ（相互 TLS）",
        "health": "ヘルスチェック",
        "readiness": "レディネス",
        "sidecar": "サイドカー",
        "note": "実線はリクエスト。破線は ALB のヘルスチェックで、ステータス用の nodePort を"
        "通ってゲートウェイのレディネスエンドポイントに届く。",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    alb_spec, target_group = design.edge.alb, design.edge.target_group
    gateway = design.mesh.ingress_gateway
    ports = gateway.node_ports
    node_group = next(g for g in design.eks.node_groups if g.attach_to_target_group)

    with canvas.diagram(direction="TB", note=t["note"]):
        client = Client(t["client"], nodeid="client")

        with Cluster(t["aws"], kind="region"):
            alb = ALB(lines("ALB", alb_spec.name, alb_spec.ssl_policy), nodeid="alb")
            certificate = ACM(lines("ACM", design.edge.certificate.domain), nodeid="acm")

        with Cluster(f"{t['eks_cluster']} {design.eks.cluster_name}", kind="kubernetes"):
            with Cluster(f"{t['node_group']} {node_group.name}", kind="private") as group:
                nodes = [
                    Node(
                        lines(f"{t['node']} {az}", f"nodePort :{ports.http}, :{ports.status}"),
                        nodeid=f"node-{az}",
                    )
                    for az in design.network.availability_zones
                ]

            with Cluster(f"{t['namespace']} {gateway.namespace}", kind="namespace"):
                service = Service(
                    lines(
                        gateway.name,
                        f"{gateway.service_type} :{ports.http} → :{gateway.http_target_port}",
                        f":{ports.status} → :{gateway.status_target_port}",
                    ),
                    nodeid="gateway-service",
                )
                ingress = Istio(
                    lines("Istio IngressGateway", f"Gateway {gateway.gateway_resource}"),
                    nodeid="ingress-gateway",
                )

            with Cluster(f"{t['mesh']} ({design.mesh.mtls})", kind="namespace"):
                sidecars = {
                    spec.name: Envoy(
                        lines(spec.name, f"{t['sidecar']} ×{spec.replicas}"),
                        nodeid=f"envoy-{spec.name}",
                    )
                    for spec in design.routed_microservices
                }

        middle = nodes[len(nodes) // 2]
        client >> Edge(label=f"HTTPS :{alb_spec.https_port}") >> alb
        canvas.same_rank(alb, certificate)
        certificate >> Edge(label="TLS", style="dashed") >> alb
        (
            alb
            >> Edge(lhead=group.name, label=f"{target_group.protocol} :{target_group.port}")
            >> middle
        )
        (
            alb
            >> Edge(
                lhead=group.name,
                style="dashed",
                label=lines(
                    t["health"],
                    f":{target_group.health_check_port}{target_group.health_check_path}",
                ),
            )
            >> middle
        )
        canvas.same_rank(*nodes)
        for node in nodes:
            node >> service
        service >> Edge(label=f":{gateway.http_target_port}") >> ingress
        (
            service
            >> Edge(
                style="dashed",
                label=lines(
                    t["readiness"], f":{gateway.status_target_port}{gateway.readiness_path}"
                ),
            )
            >> ingress
        )
        for spec in design.routed_microservices:
            assert spec.route is not None
            ingress >> Edge(label=f"{spec.route.path} :{spec.port}") >> sidecars[spec.name]
