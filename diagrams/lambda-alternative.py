"""View lambda-alternative: the same product as Lambda functions joined by events and queues."""

from __future__ import annotations

from diagrams.aws.compute import Lambda
from diagrams.aws.integration import SQS, Eventbridge
from diagrams.aws.network import APIGateway, Route53
from diagrams.aws.security import WAF
from diagrams.onprem.client import Users

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, data_stores, lines

LABELS = {
    "en": {
        "api": "API Gateway\nHTTP API",
        "functions": "Lambda functions",
        "events": "Events",
        "bus": "event bus",
        "queue": "queue",
        "invoke": "invoke",
        "event": "event",
        "rule": "rule",
        "legend": "event-driven: a call to a service with no public route becomes an event "
        "on EventBridge, delivered through an SQS queue",
    },
    "ja": {
        "api": "API Gateway\nHTTP API",
        "functions": "Lambda 関数",
        "events": "イベント",
        "bus": "イベントバス",
        "queue": "キュー",
        "invoke": "呼び出し",
        "event": "イベント",
        "rule": "ルール",
        "legend": "イベント駆動型。公開ルートのないサービスへの呼び出しは EventBridge の"
        "イベントになり、SQS キューを経て届く",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    routed = {spec.name for spec in design.routed_microservices}
    # A dependency on a service nobody reaches from outside is work that can wait: it
    # becomes an event. A dependency on a routed service stays a synchronous call.
    consumers = list(
        dict.fromkeys(
            dependency
            for spec in design.microservices
            for dependency in spec.depends_on
            if dependency not in design.data_store_names and dependency not in routed
        )
    )

    with canvas.diagram(direction="LR", note=t["legend"]):
        users = Users(t["users"], nodeid="users")
        dns = Route53(lines("Route 53", design.edge.dns.record), nodeid="route53")

        with Cluster(f"{t['region']} {design.product.region}"):
            waf = WAF(lines("WAF", design.edge.waf.name), nodeid="waf")
            api = APIGateway(t["api"], nodeid="api-gateway")
            with Cluster(t["functions"]):
                functions = {
                    spec.name: Lambda(spec.name, nodeid=f"function-{spec.name}")
                    for spec in design.microservices
                }
            with Cluster(t["events"]):
                bus = Eventbridge(
                    lines("EventBridge", f"{design.product.name} {t['bus']}"), nodeid="event-bus"
                )
                queues = {
                    name: SQS(lines("SQS", f"{name} {t['queue']}"), nodeid=f"queue-{name}")
                    for name in consumers
                }
            with Cluster(f"VPC {design.network.vpc_cidr}"), Cluster(t["private-data"]):
                stores = data_stores(design)

        users >> dns >> waf >> Edge(label=f"HTTPS :{design.edge.alb.https_port}") >> api
        for spec in design.routed_microservices:
            api >> Edge(label=spec.route.path) >> functions[spec.name]
        for spec in design.microservices:
            for dependency in spec.depends_on:
                if dependency in stores:
                    functions[spec.name] >> Edge(style="dashed") >> stores[dependency]
                elif dependency in queues:
                    functions[spec.name] >> Edge(label=t["event"]) >> bus
                else:
                    functions[spec.name] >> Edge(label=t["invoke"]) >> functions[dependency]
        for name, queue in queues.items():
            bus >> Edge(label=t["rule"]) >> queue >> functions[name]
