"""View aws-architecture: the AWS account, from DNS at the edge to the data tier, in 3 AZs."""

from __future__ import annotations

from diagrams.aws.compute import EC2, ECR, EKS
from diagrams.aws.management import Cloudwatch
from diagrams.aws.network import (
    ALB,
    IGW,
    Endpoint,
    NATGateway,
    PrivateSubnet,
    PublicSubnet,
    Route53,
)
from diagrams.aws.security import ACM, KMS, WAF, SecretsManager
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

LABELS = {
    "en": {
        "endpoints": "VPC endpoints",
        "gateway": "gateway",
        "interface": "interface",
        "control_plane": "EKS control plane\n(private endpoint)",
        "repositories": "repositories",
        "keys": "keys",
        "logs": "logs",
        "buckets": "buckets",
        "egress": "egress",
        "private_access": "images, logs\n(no internet)",
        "encrypts": "encrypts",
    },
    "ja": {
        "endpoints": "VPC エンドポイント",
        "gateway": "ゲートウェイ型",
        "interface": "インターフェース型",
        "control_plane": "EKS コントロールプレーン\n（プライベートエンドポイント）",
        "repositories": "リポジトリ",
        "keys": "キー",
        "logs": "ログ",
        "buckets": "バケット",
        "egress": "外向き通信",
        "private_access": "イメージ、ログ\n（インターネットを経由しない）",
        "encrypts": "暗号化",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    network, edge, eks = design.network, design.edge, design.eks
    node_group = next(g for g in eks.node_groups if g.attach_to_target_group)
    nat_azs = network.availability_zones[: 1 if network.nat_gateways == "single" else None]

    with canvas.diagram(direction="TB"):
        users = Users(t["users"], nodeid="users")
        dns = Route53(lines("Route 53", edge.dns.record), nodeid="route53")
        waf = WAF(lines("WAF", edge.waf.name), nodeid="waf")

        with Cluster(f"{t['region']} {design.product.region}"):
            certificate = ACM(lines("ACM", edge.certificate.domain), nodeid="acm")
            control_plane = EKS(
                lines(t["control_plane"], f"{eks.cluster_name} {eks.version_floor}"),
                nodeid="eks-control-plane",
            )

            with Cluster(f"VPC {network.vpc_cidr}"):
                igw = IGW("Internet Gateway", nodeid="igw")

                with Cluster(t["public"]) as public_tier:
                    alb = ALB(lines("ALB", edge.alb.name), nodeid="alb")
                    nats = {}
                    for subnet in network.subnets_in("public"):
                        with Cluster(subnet.az):
                            PublicSubnet(subnet.cidr, nodeid=f"subnet-{subnet.cidr}")
                            if subnet.az in nat_azs:
                                nats[subnet.az] = NATGateway(
                                    "NAT Gateway", nodeid=f"nat-{subnet.az}"
                                )

                with Cluster(t["private-app"]) as app_tier:
                    nodes = {}
                    for subnet in network.subnets_in(node_group.subnet_tier):
                        with Cluster(subnet.az):
                            PrivateSubnet(subnet.cidr, nodeid=f"subnet-{subnet.cidr}")
                            nodes[subnet.az] = EC2(
                                lines(
                                    f"{t['node_group']} {node_group.name}",
                                    node_group.instance_types[0],
                                ),
                                nodeid=f"node-{subnet.az}",
                            )

                with Cluster(t["private-data"]) as data_tier:
                    for subnet in network.subnets_in("private-data"):
                        with Cluster(subnet.az):
                            PrivateSubnet(subnet.cidr, nodeid=f"subnet-{subnet.cidr}")
                    stores = list(data_stores(design).values())

                with Cluster(t["endpoints"]) as endpoint_group:
                    endpoints = {
                        name: Endpoint(lines(name, t[kind]), nodeid=f"vpce-{name}")
                        for kind, names in (
                            ("gateway", network.vpc_endpoints.gateway),
                            ("interface", network.vpc_endpoints.interface),
                        )
                        for name in names
                    }

            registry = ECR(
                lines(
                    "ECR",
                    f"{design.registry.repository_prefix}/*",
                    f"{len(design.registry.repositories)} {t['repositories']}",
                ),
                nodeid="ecr",
            )
            keys = KMS(lines("KMS", f"{len(design.security.kms_keys)} {t['keys']}"), nodeid="kms")
            secrets = SecretsManager(
                lines("Secrets Manager", f"{len(design.data.secrets)} {t['secrets']}"),
                nodeid="secrets-manager",
            )
            logs = Cloudwatch(
                lines("CloudWatch Logs", network.flow_logs.log_group), nodeid="cloudwatch"
            )
            buckets = S3(lines("S3", f"{len(design.data.buckets)} {t['buckets']}"), nodeid="s3")

        first_node = next(iter(nodes.values()))
        users >> dns >> waf >> Edge(label=f"HTTPS :{edge.alb.https_port}") >> alb
        certificate >> Edge(label="TLS", style="dashed") >> alb
        for node in nodes.values():
            alb >> Edge(label=f"HTTP :{edge.target_group.port}") >> node
        for az, node in nodes.items():
            nat = nats.get(az, next(iter(nats.values())))
            node >> Edge(label=t["egress"], style="dashed") >> nat >> igw
        for store in stores:
            first_node >> Edge(ltail=app_tier.name) >> store
        control_plane >> Edge(lhead=app_tier.name) >> first_node
        first_endpoint = next(iter(endpoints.values()))
        (
            first_node
            >> Edge(ltail=app_tier.name, lhead=endpoint_group.name, label=t["private_access"])
            >> first_endpoint
        )
        # What each endpoint reaches; sts has no node of its own here.
        services = {"s3": buckets, "ecr.api": registry, "ecr.dkr": registry, "logs": logs}
        for name, endpoint in endpoints.items():
            if name in services:
                endpoint >> services[name]
        alb >> Edge(ltail=public_tier.name, style="dotted", label=t["logs"]) >> buckets
        for target in (control_plane, secrets, registry):
            keys >> Edge(label=t["encrypts"], style="dotted") >> target
        keys >> Edge(lhead=data_tier.name, style="dotted") >> stores[0]
