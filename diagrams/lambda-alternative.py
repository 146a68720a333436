"""View lambda-alternative: the same product as Lambda functions that never call one another:
each call of the design becomes an event on a bus, delivered to the callee's queue."""

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
        # A REST API, not an HTTP API: AWS WAF protects REST APIs only.
        "api": "API Gateway\nREST API",
        "functions": "Lambda functions",
        "bus": "event bus",
        "queue": "queue",
        "event": "event",
        "rule": "rule",
        "legend": "Event-driven: no function calls another. What the design makes a call "
        "becomes an event on EventBridge, which a rule delivers to the callee's SQS queue.",
    },
    "ja": {
        "api": "API Gateway\nREST API",
        "functions": "Lambda 関数",
        "bus": "イベントバス",
        "queue": "キュー",
        "event": "イベント",
        "rule": "ルール",
        "legend": "イベント駆動型。関数が別の関数を呼ぶことはない。設計で呼び出しだったものは "
        "EventBridge のイベントになり、ルールが呼ばれる側の SQS キューに届ける。",
    },
}


def draw(design: Design, canvas: Canvas) -> None:
    t = canvas.words(LABELS)
    # Every dependency on another service becomes an event for that service's queue.
    consumers = list(
        dict.fromkeys(
            dependency
            for spec in design.microservices
            for dependency in spec.depends_on
            if dependency not in design.data_store_names
        )
    )

    with canvas.diagram(direction="TB", note=t["legend"]):
        users = Users(t["users"], nodeid="users")
        dns = Route53(lines("Route 53", design.edge.dns.record), nodeid="route53")

        with Cluster(f"{t['region']} {design.product.region}", kind="region"):
            waf = WAF(lines("WAF", design.edge.waf.name), nodeid="waf")
            api = APIGateway(t["api"], nodeid="api-gateway")
            functions = {
                spec.name: Lambda(spec.name, nodeid=f"function-{spec.name}")
                for spec in design.microservices
            }
            bus = Eventbridge(
                lines("EventBridge", f"{design.product.name} {t['bus']}"), nodeid="event-bus"
            )
            queues = {
                name: SQS(lines("SQS", f"{name} {t['queue']}"), nodeid=f"queue-{name}")
                for name in consumers
            }
            with Cluster(f"VPC {design.network.vpc_cidr}", kind="vpc"):
                stores = data_stores(design)

        users >> dns >> Edge(label=f"HTTPS :{design.edge.alb.https_port}") >> waf >> api
        # Top to bottom: the functions that only publish, the bus, the queues in the
        # design's order (ordering=out), and under each queue the function it feeds.
        # Routes to a consumer and events from one go against that flow and do not
        # decide the rows.
        for spec in design.microservices:
            if spec.route is not None:
                consumer = spec.name in queues
                label = spec.route.path
                (
                    api
                    >> Edge(label=label, constraint=str(not consumer).lower())
                    >> functions[spec.name]
                )
        canvas.keep_order(bus)
        for name, queue in queues.items():
            bus >> Edge(label=t["rule"]) >> queue >> functions[name]
        for spec in design.microservices:
            if any(d in queues for d in spec.depends_on):
                back = "false" if spec.name in queues else "true"
                functions[spec.name] >> Edge(label=t["event"], constraint=back) >> bus
            for dependency in spec.depends_on:
                if dependency in stores:
                    functions[spec.name] >> Edge(style="dashed") >> stores[dependency]
