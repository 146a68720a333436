"""View ownership: what Terraform owns, what GitOps owns, and what crosses between them: two
port numbers and a readiness path."""

from __future__ import annotations

import itertools
from typing import Any

from diagrams.aws.compute import EC2, ECR, EKS
from diagrams.aws.database import Aurora
from diagrams.aws.network import ALB, VPC, ElasticLoadBalancing, Route53
from diagrams.aws.security import ACM, IAM, KMS, WAF, SecretsManager
from diagrams.k8s.compute import Deploy
from diagrams.k8s.network import Service
from diagrams.k8s.others import CRD
from diagrams.onprem.gitops import ArgoCD
from diagrams.onprem.iac import Terraform
from diagrams.onprem.network import Istio

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, Note, lines, wrap

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
        "health": "health check",
        "port": "http nodePort",
        "health_port": "status nodePort",
        "health_path": "readiness path",
        "registers": "registers nodes",
        "irsa": "pod credentials",
        "mesh_config": "mesh config",
        "components": "components",
        "services": "services",
        "stores": "databases and caches",
        "note": "What crosses the boundary between the teams: two port numbers and a "
        "readiness path, each written once in the design.",
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
        "health": "ヘルスチェック",
        "port": "http の nodePort",
        "health_port": "status の nodePort",
        "health_path": "readiness のパス",
        "registers": "ノードを登録",
        "irsa": "Pod の認証情報",
        "mesh_config": "メッシュ設定",
        "components": "コンポーネント",
        "services": "サービス",
        "stores": "データベースとキャッシュ",
        "note": "チームの境界をまたぐのは、二つのポート番号と一つの readiness パスだけ。"
        "どれも設計に一度だけ書かれている。",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    # Each section lands in the box of the owner the design names for it, so moving a
    # section to another owner in architecture.yaml moves it here too.
    owner_of = {
        "edge": design.edge.owner,
        "network": design.network.owner,
        "eks": design.eks.owner,
        "security": design.security.owner,
        "data": design.data.owner,
        "registry": design.registry.owner,
        "mesh": design.mesh.owner,
        "microservices": design.platform.owner,
        "platform": design.platform.owner,
    }
    nodes: dict[str, Any] = {}
    last = None

    with canvas.diagram(direction="TB", note=t["note"]):
        for key, owner in design.owners.items():
            title = f"{owner.tool}: {t['team']} {owner.team}"
            with Cluster(wrap(lines(title, canvas.text(owner.summary)), 36), kind="owner"):
                tool = TOOL_ICONS.get(key, Terraform)(owner.tool, nodeid=f"tool-{key}")
                if last is not None:
                    last >> Edge(style="invis") >> tool  # the owners one under the other
                heads = []
                for section, section_owner in owner_of.items():
                    if section_owner == key:
                        with Cluster(t["sections"][section]):
                            drawn = SECTIONS[section](design, t)
                        nodes |= {node.nodeid: node for node in drawn}
                        if section != "edge" and len(drawn) > 1:
                            canvas.same_rank(*drawn)
                        heads.append(drawn[0])
                last = _columns(canvas, tool, heads)

        tg, gateway = design.edge.target_group, design.mesh.ingress_gateway
        nodes["route53"] >> nodes["waf"] >> nodes["alb"] >> nodes["target-group"]
        canvas.same_rank(nodes["alb"], nodes["acm"])
        nodes["acm"] >> Edge(label="TLS", style="dashed") >> nodes["alb"]
        nodes["node-group"] >> Edge(label=t["registers"], style="dashed") >> nodes["target-group"]
        nodes["gateway-service"] >> nodes["mesh-config"]
        # What crosses, as a note on the crossing: an edge label of three lines would stick
        # out of the picture beside the edge.
        crossing = Note(
            lines(
                f":{tg.port} = {t['port']}",
                f":{tg.health_check_port} = {t['health_port']}",
                f"{gateway.readiness_path} = {t['health_path']}",
            ),
            nodeid="boundary",
            color=BOUNDARY,
        )
        boundary = Edge(color=BOUNDARY, penwidth="2.5")
        nodes["target-group"] >> boundary >> crossing >> boundary >> nodes["gateway-service"]


def _columns(canvas: Canvas, tool: Any, heads: list[Any]) -> Any:
    """The sections of one owner under its tool: the first in a column of its own on the
    left, the others stacked on its right, so that the box grows down rather than out.
    Returns the lowest section's first node."""
    tool >> Edge(style="invis") >> heads[0]
    stack = heads[1:] or heads
    tool >> Edge(style="invis") >> stack[0]
    if stack is not heads:
        canvas.same_rank(heads[0], stack[0])
    for above, below in itertools.pairwise(stack):
        above >> Edge(style="invis") >> below
    return stack[-1]


def edge(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.edge
    tg = spec.target_group
    return [
        Route53(lines("Route 53", spec.dns.record), nodeid="route53"),
        WAF(lines("WAF", spec.waf.name), nodeid="waf"),
        ALB(lines("ALB", spec.alb.name), nodeid="alb"),
        ACM(lines("ACM", spec.certificate.domain), nodeid="acm"),
        ElasticLoadBalancing(
            lines(
                t["target_group"],
                tg.name,
                f"{tg.protocol} :{tg.port}",
                f"{t['health']} :{tg.health_check_port}{tg.health_check_path}",
            ),
            nodeid="target-group",
        ),
    ]


def network(design: Design, t: dict[str, Any]) -> list[Any]:
    net = design.network
    return [VPC(lines("VPC", net.vpc_cidr, f"{len(net.subnets)} {t['subnets']}"), nodeid="vpc")]


def eks(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.eks
    group = next(g for g in spec.node_groups if g.attach_to_target_group)
    return [
        EKS(lines("EKS", spec.cluster_name), nodeid="eks"),
        EC2(lines(group.name, ", ".join(group.instance_types)), nodeid="node-group"),
        IAM(lines("IAM", f"{t['irsa']}: {spec.pod_credentials.upper()}"), nodeid="iam"),
    ]


def security(design: Design, t: dict[str, Any]) -> list[Any]:
    # One tile, one alias to a line: two tiles side by side ran their labels together.
    aliases = [key.alias for key in design.security.kms_keys]
    return [KMS(lines("KMS", *aliases), nodeid="kms")]


def data(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.data
    stores = [db.name for db in spec.databases] + [cache.name for cache in spec.caches]
    return [
        Aurora(lines(t["stores"], *stores), nodeid="stores"),
        SecretsManager(
            lines("Secrets Manager", f"{len(spec.secrets)} {t['secrets']}"),
            nodeid="secrets-manager",
        ),
    ]


def registry(design: Design, t: dict[str, Any]) -> list[Any]:
    return [ECR(lines("ECR", f"{design.registry.repository_prefix}/*"), nodeid="ecr")]


def mesh(design: Design, t: dict[str, Any]) -> list[Any]:
    spec = design.mesh
    gateway = spec.ingress_gateway
    ports = gateway.node_ports
    return [
        Service(
            lines(
                f"{gateway.namespace}/{gateway.name}",
                f"{gateway.service_type} :{ports.http}, :{ports.status}",
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
