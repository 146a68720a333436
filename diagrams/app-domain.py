"""View app-domain: a request's path from the client to a pod, and the calls between pods."""

from __future__ import annotations

from diagrams.aws.network import ALB
from diagrams.aws.security import ACM
from diagrams.k8s.compute import Pod
from diagrams.k8s.infra import Node
from diagrams.k8s.network import Service
from diagrams.onprem.client import Client
from diagrams.onprem.network import Envoy, Istio

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

LABELS = {
    "en": {
        "client": "Client",
        "aws": "AWS (Terraform)",
        "node": "node",
        "mesh": "Istio mesh, mutual TLS",
        "pod": "pod",
        "replicas": "replicas",
        "health": "health",
        "sidecar": "Envoy sidecar",
    },
    "ja": {
        "client": "クライアント",
        "aws": "AWS（Terraform）",
        "node": "ノード",
        "mesh": "Istio メッシュ（相互 TLS）",
        "pod": "Pod",
        "replicas": "レプリカ",
        "health": "ヘルスチェック",
        "sidecar": "Envoy サイドカー",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    alb_spec, target_group = design.edge.alb, design.edge.target_group
    gateway = design.mesh.ingress_gateway
    node_group = next(g for g in design.eks.node_groups if g.attach_to_target_group)
    meshed = design.mesh.injection.namespaces
    namespaces = list(dict.fromkeys(m.namespace for m in design.microservices))

    with canvas.diagram(direction="LR"):
        client = Client(t["client"], nodeid="client")

        with Cluster(t["aws"]):
            certificate = ACM(lines("ACM", design.edge.certificate.domain), nodeid="acm")
            alb = ALB(lines("ALB", alb_spec.name, alb_spec.ssl_policy), nodeid="alb")

        with Cluster(f"{t['eks_cluster']} {design.eks.cluster_name}"):
            with Cluster(f"{t['node_group']} {node_group.name}"):
                nodes = [
                    Node(
                        lines(f"{t['node']} {az}", f"nodePort :{gateway.node_ports.http}"),
                        nodeid=f"node-{az}",
                    )
                    for az in design.network.availability_zones
                ]

            with Cluster(f"{t['namespace']} {gateway.namespace}"):
                service = Service(
                    lines(gateway.name, f"{gateway.service_type} :{gateway.node_ports.http}"),
                    nodeid="gateway-service",
                )
                ingress = Istio(
                    lines("Istio IngressGateway", f"Gateway {gateway.gateway_resource}"),
                    nodeid="ingress-gateway",
                )

            sidecars, apps = {}, {}
            with Cluster(f"{t['mesh']} ({design.mesh.mtls})"):
                for namespace in namespaces:
                    with Cluster(f"{t['namespace']} {namespace}"):
                        for service_spec in design.microservices:
                            if service_spec.namespace != namespace:
                                continue
                            name = service_spec.name
                            with Cluster(
                                f"{t['pod']} {name} ×{service_spec.replicas} {t['replicas']}"
                            ):
                                if namespace in meshed:
                                    sidecars[name] = Envoy(t["sidecar"], nodeid=f"envoy-{name}")
                                apps[name] = Pod(
                                    lines(name, f":{service_spec.port}"), nodeid=f"app-{name}"
                                )

        with Cluster(t["private-data"]):
            stores = data_stores(design)

        client >> Edge(label=f"HTTPS :{alb_spec.https_port}") >> alb
        certificate >> Edge(label="TLS", style="dashed") >> alb
        for node in nodes:
            (
                alb
                >> Edge(
                    label=lines(
                        f"{target_group.protocol} :{target_group.port}",
                        f"{t['health']} :{target_group.health_check_port}"
                        f"{target_group.health_check_path}",
                    )
                )
                >> node
            )
            node >> service
        service >> Edge(label=f":{gateway.http_target_port}") >> ingress
        for spec in design.routed_microservices:
            entry = sidecars.get(spec.name, apps[spec.name])
            ingress >> Edge(label=f"{spec.route.path} :{spec.port}") >> entry
        for name, sidecar in sidecars.items():
            sidecar >> Edge(label=f":{design.microservice(name).port}") >> apps[name]
        for spec in design.microservices:
            caller = sidecars.get(spec.name, apps[spec.name])
            for dependency in spec.depends_on:
                if dependency in stores:
                    caller >> Edge(style="dashed") >> stores[dependency]
                else:
                    callee = sidecars.get(dependency, apps[dependency])
                    caller >> Edge(label=f"mTLS :{design.microservice(dependency).port}") >> callee
