"""View ownership: what Terraform owns, what GitOps owns, and the one port where they meet."""

from __future__ import annotations

from typing import Any

from diagrams.aws.compute import EC2, ECR, EKS
from diagrams.aws.network import ALB, VPC, ElasticLoadBalancing, Route53
from diagrams.aws.security import ACM, IAM, KMS, WAF, SecretsManager
from diagrams.k8s.compute import Deploy
from diagrams.k8s.network import Service
from diagrams.k8s.others import CRD
from diagrams.onprem.gitops import ArgoCD
from diagrams.onprem.iac import Terraform
from diagrams.onprem.network import Istio

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

TOOL_ICONS = {"terraform": Terraform, "gitops": ArgoCD}
BOUNDARY = "#C0392B"

LABELS = {
    "en": {
        "team": "team",
        "sections": {
            "network": "Network",
            "edge": "Edge",
            "eks": "EKS",
            "security": "Encryption keys",
            "data": "Data",
            "registry": "Images",
            "mesh": "Service mesh",
            "platform": "Platform",
            "microservices": "Workloads",
        },
        "subnets": "subnets",
        "target_group": "target group",
        "port_is_node_port": "target port = nodePort",
        "registers": "nodes registered",
        "irsa": "pod credentials",
        "mesh_config": "mesh config",
        "components": "components",
        "services": "services",
        "applies": "applies",
        "reconciles": "reconciles",
        "boundary": "the boundary between the teams is this one port",
    },
    "ja": {
        "team": "チーム",
        "sections": {
            "network": "ネットワーク",
            "edge": "エッジ",
            "eks": "EKS",
            "security": "暗号鍵",
            "data": "データ",
            "registry": "イメージ",
            "mesh": "サービスメッシュ",
            "platform": "プラットフォーム",
            "microservices": "ワークロード",
        },
        "subnets": "サブネット",
        "target_group": "ターゲットグループ",
        "port_is_node_port": "ターゲットポート = nodePort",
        "registers": "ノードを登録",
        "irsa": "Pod の認証情報",
        "mesh_config": "メッシュ設定",
        "components": "コンポーネント",
        "services": "サービス",
        "applies": "適用",
        "reconciles": "同期",
        "boundary": "チームの境界は、この一つのポート",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    # Each section lands in the box of the owner the design names for it, so moving a
    # section to another owner in architecture.yaml moves it here too.
    owner_of = {
        "network": design.network.owner,
        "edge": design.edge.owner,
        "eks": design.eks.owner,
        "security": design.security.owner,
        "data": design.data.owner,
        "registry": design.registry.owner,
        "mesh": design.mesh.owner,
        "platform": design.platform.owner,
        "microservices": design.platform.owner,
    }
    tools, boxes, nodes = {}, {}, {}

    with canvas.diagram(direction="TB", note=t["boundary"]):
        for key, owner in design.owners.items():
            title = f"{owner.tool}: {t['team']} {owner.team}"
            with Cluster(lines(title, canvas.text(owner.summary))):
                tools[key] = TOOL_ICONS.get(key, Terraform)(owner.tool, nodeid=f"tool-{key}")
                for section, section_owner in owner_of.items():
                    if section_owner == key:
                        with Cluster(t["sections"][section]) as box:
                            drawn = SECTIONS[section](design, t)
                        boxes[section] = (box, drawn[0])
                        nodes |= {node.nodeid: node for node in drawn}

        for section, (box, anchor) in boxes.items():
            verb = t["applies"] if owner_of[section] == "terraform" else t["reconciles"]
            tool = tools[owner_of[section]]
            tool >> Edge(lhead=box.name, style="dotted", label=verb) >> anchor
        nodes["waf"] >> nodes["alb"] >> nodes["target-group"]
        nodes["node-group"] >> Edge(label=t["registers"], style="dashed") >> nodes["target-group"]
        (
            nodes["target-group"]
            >> Edge(
                label=t["port_is_node_port"], color=BOUNDARY, fontcolor=BOUNDARY, penwidth="2.5"
            )
            >> nodes["gateway-service"]
        )
        nodes["gateway-service"] >> nodes["mesh-config"]
        nodes["iam"] >> Edge(label=t["irsa"], style="dashed") >> nodes["workloads"]


def network(design: Design, t: dict[str, Any]) -> list[Any]:
    net = design.network
    return [VPC(lines("VPC", net.vpc_cidr, f"{len(net.subnets)} {t['subnets']}"), nodeid="vpc")]


def edge(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.edge
    tg = spec.target_group
    return [
        Route53(lines("Route 53", spec.dns.record), nodeid="route53"),
        ACM(lines("ACM", spec.certificate.domain), nodeid="acm"),
        WAF(lines("WAF", spec.waf.name), nodeid="waf"),
        ALB(lines("ALB", spec.alb.name), nodeid="alb"),
        ElasticLoadBalancing(
            lines(t["target_group"], tg.name, f"{tg.protocol} :{tg.port}"), nodeid="target-group"
        ),
    ]


def eks(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.eks
    group = next(g for g in spec.node_groups if g.attach_to_target_group)
    return [
        EKS(lines("EKS", spec.cluster_name), nodeid="eks"),
        EC2(lines(group.name, ", ".join(group.instance_types)), nodeid="node-group"),
        IAM(lines("IAM", f"{t['irsa']}: {spec.pod_credentials.upper()}"), nodeid="iam"),
    ]


def security(design: Design, t: dict[str, Any]) -> list[Any]:
    return [KMS(key.alias, nodeid=f"kms-{key.alias}") for key in design.security.kms_keys]


def data(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.data
    secrets = lines("Secrets Manager", f"{len(spec.secrets)} {t['secrets']}")
    return [*data_stores(design).values(), SecretsManager(secrets, nodeid="secrets-manager")]


def registry(design: Design, t: dict[str, Any]) -> list[Any]:
    return [ECR(lines("ECR", f"{design.registry.repository_prefix}/*"), nodeid="ecr")]


def mesh(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.mesh
    gateway = spec.ingress_gateway
    return [
        Service(
            lines(
                f"{gateway.namespace}/{gateway.name}",
                f"{gateway.service_type} :{gateway.node_ports.http}",
            ),
            nodeid="gateway-service",
        ),
        Istio(
            lines(
                f"Istio {spec.istio_version}",
                t["mesh_config"],
                f"Gateway {gateway.gateway_resource}",
                f"mTLS {spec.mtls}",
            ),
            nodeid="mesh-config",
        ),
    ]


def platform(design: Design, t: dict[str, Any]) -> list[Any]:
    return [CRD(lines(t["components"], str(len(design.platform.components))), nodeid="platform")]


def microservices(design: Design, t: dict[str, Any]) -> list[Any]:
    return [Deploy(lines(t["services"], str(len(design.microservices))), nodeid="workloads")]


SECTIONS = {
    "network": network,
    "edge": edge,
    "eks": eks,
    "security": security,
    "data": data,
    "registry": registry,
    "mesh": mesh,
    "platform": platform,
    "microservices": microservices,
}
