"""View ecs-alternative: the same product on Amazon ECS services, calling each other directly."""

from __future__ import annotations

from diagrams.aws.compute import ECR, ElasticContainerServiceService
from diagrams.aws.network import ALB, Route53
from diagrams.aws.security import WAF, SecretsManager
from diagrams.onprem.client import Users

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

LABELS = {
    "en": {
        "cluster": "ECS cluster on Fargate",
        "tasks": "tasks",
        "listener_rules": "path rules",
        "calls": "calls through Service Connect",
        "legend": "request-reply: the ALB's path rules replace the ingress gateway, "
        "ECS Service Connect replaces the mesh",
    },
    "ja": {
        "cluster": "ECS クラスター（Fargate）",
        "tasks": "タスク",
        "listener_rules": "パスルール",
        "calls": "呼び出しは Service Connect 経由",
        "legend": "リクエスト・リプライ型。ALB のパスルールがイングレスゲートウェイに、"
        "ECS Service Connect がメッシュに代わる",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    edge = design.edge

    with canvas.diagram(direction="TB", note=t["legend"]):
        users = Users(t["users"], nodeid="users")
        dns = Route53(lines("Route 53", edge.dns.record), nodeid="route53")

        with Cluster(f"{t['region']} {design.product.region}", kind="region"):
            waf = WAF(lines("WAF", edge.waf.name), nodeid="waf")
            with Cluster(f"VPC {design.network.vpc_cidr}", kind="vpc"):
                with Cluster(t["public"], kind="public"):
                    alb = ALB(
                        lines("ALB", edge.alb.name, f"HTTPS :{edge.alb.https_port}"), nodeid="alb"
                    )
                with (
                    Cluster(t["private-app"], kind="private"),
                    Cluster(lines(f"{t['cluster']} {design.eks.cluster_name}", t["calls"])),
                ):
                    services = {
                        spec.name: ElasticContainerServiceService(
                            lines(spec.name, f"{spec.replicas} {t['tasks']} :{spec.port}"),
                            nodeid=f"service-{spec.name}",
                        )
                        for spec in design.microservices
                    }
                with Cluster(t["private-data"], kind="private"):
                    stores = data_stores(design)
            registry = ECR(lines("ECR", f"{design.registry.repository_prefix}/*"), nodeid="ecr")
            secrets = SecretsManager("Secrets Manager", nodeid="secrets-manager")

        users >> dns >> waf >> alb
        canvas.same_rank(registry, waf, secrets)
        # The stores below every service, not beside the deepest.
        for service in services.values():
            for store in stores.values():
                service >> Edge(style="invis", weight="0") >> store
        for spec in design.routed_microservices:
            alb >> Edge(label=f"{spec.route.path} :{spec.port}") >> services[spec.name]
        for spec in design.microservices:
            for dependency in spec.depends_on:
                if dependency in stores:
                    services[spec.name] >> Edge(style="dashed") >> stores[dependency]
                else:
                    callee = design.microservice(dependency)
                    services[spec.name] >> Edge(label=f":{callee.port}") >> services[dependency]
        for secret in design.data.secrets:
            for user in secret.used_by:
                if user in services:
                    secrets >> Edge(style="dotted") >> services[user]
