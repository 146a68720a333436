"""View aws-edge: a request's way in, from DNS through WAF and the ALB to the nodes' nodePorts."""

from __future__ import annotations

from diagrams.aws.compute import EC2
from diagrams.aws.network import ALB, ElasticLoadBalancing, Route53
from diagrams.aws.security import ACM, WAF
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, lines

LABELS = {
    "en": {
        "rules": "managed rule groups",
        "redirect": "redirects to HTTPS",
        "target_group": "target group",
        "targets": "instance targets",
        "health": "health check",
        "access_logs": "access logs",
        "nodes": "registered by its Auto Scaling group",
        "note": "The target group's two ports are the ingress gateway's nodePorts: traffic on "
        "one, the health check on the other. The nodes' security group admits the ALB on "
        "those two ports only.",
    },
    "ja": {
        "rules": "マネージドルールグループ",
        "redirect": "HTTPS へリダイレクト",
        "target_group": "ターゲットグループ",
        "targets": "インスタンスターゲット",
        "health": "ヘルスチェック",
        "access_logs": "アクセスログ",
        "nodes": "Auto Scaling グループが登録",
        "note": "ターゲットグループの二つのポートは、イングレスゲートウェイの nodePort。"
        "一方に通信を、もう一方にヘルスチェックを送る。ノードのセキュリティグループは、"
        "ALB からはこの二つのポートだけを受け入れる。",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    edge, network = design.edge, design.network
    alb_spec, tg = edge.alb, edge.target_group
    group = next(g for g in design.eks.node_groups if g.attach_to_target_group)

    with canvas.diagram(direction="TB", note=t["note"]):
        users = Users(t["users"], nodeid="users")
        dns = Route53(lines("Route 53", edge.dns.record), nodeid="route53")
        with Cluster(f"{t['region']} {design.product.region}", kind="region"):
            waf = WAF(
                lines(f"WAF {edge.waf.name}", f"{len(edge.waf.managed_rule_groups)} {t['rules']}"),
                nodeid="waf",
            )
            certificate = ACM(lines("ACM", edge.certificate.domain), nodeid="acm")
            logs = S3(lines("S3", alb_spec.access_logs.bucket), nodeid="access-logs")
            with Cluster(f"VPC {network.vpc_cidr}", kind="vpc"):
                with Cluster(t[alb_spec.subnet_tier], kind="public"):
                    alb = ALB(
                        lines(
                            f"ALB {alb_spec.name}",
                            f"HTTPS :{alb_spec.https_port}",
                            alb_spec.ssl_policy,
                            f":{alb_spec.http_redirect_port} {t['redirect']}",
                        ),
                        nodeid="alb",
                    )
                    target_group = ElasticLoadBalancing(
                        lines(t["target_group"], tg.name, t["targets"]),
                        nodeid="target-group",
                    )
                with Cluster(
                    lines(f"{t['node_group']} {group.name}", t["nodes"]),
                    kind="private",
                ) as node_group:
                    nodes = [
                        EC2(lines(az, group.instance_types[0]), nodeid=f"node-{az}")
                        for az in network.availability_zones
                    ]

        middle = nodes[len(nodes) // 2]
        users >> dns >> Edge(label=f"HTTPS :{alb_spec.https_port}") >> waf >> alb
        certificate >> Edge(label="TLS", style="dashed") >> alb
        alb >> target_group
        canvas.same_rank(waf, certificate)
        canvas.same_rank(*nodes)
        for node in nodes:
            target_group >> Edge(style="invis") >> node
        target_group >> Edge(lhead=node_group.name, label=f"{tg.protocol} :{tg.port}") >> middle
        (
            target_group
            >> Edge(
                lhead=node_group.name,
                style="dashed",
                label=lines(t["health"], f":{tg.health_check_port}{tg.health_check_path}"),
            )
            >> middle
        )
        alb >> Edge(style="dotted", label=t["access_logs"]) >> logs
        canvas.same_rank(target_group, logs)
