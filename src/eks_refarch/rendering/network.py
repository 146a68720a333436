"""The AWS network drawn by Availability Zone: the design's network view, and the frame of the
as-built picture, which marks on the same layout what a run observed.

Availability Zones are columns in the design's order, the subnet tiers rows in every
column in the same order (public, private-app, private-data), so each zone's egress
runs straight up its own column to its NAT gateway and out through the internet gateway
on the VPC's top edge.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from diagrams.aws.compute import EC2, ECR
from diagrams.aws.management import Cloudwatch
from diagrams.aws.network import IGW, Endpoint, NATGateway, PrivateSubnet, PublicSubnet
from diagrams.aws.security import IAMAWSSts
from diagrams.aws.storage import S3
from diagrams.onprem.network import Internet

from eks_refarch.design import Design
from eks_refarch.design.model import Subnet
from eks_refarch.rendering.kit import Canvas, Cluster, Edge, Labels, data_stores, lines

TIERS = ("public", "private-app", "private-data")
ENDPOINTS_IN_A_ROW = 3

LABELS: Labels = {
    "en": {
        "internet": "Internet",
        "igw": "internet gateway",
        "nat": "NAT gateway",
        "tiers": {
            "public": "public",
            "private-app": "private: app",
            "private-data": "private: data",
        },
        "stores": "data stores (subnet groups over the data subnets)",
        "endpoints": "VPC endpoints",
        "gateway": "gateway",
        "interface": "interface",
        "egress": "egress",
        "private_access": "images, tokens, logs\n(no internet)",
        "flow_logs": "flow logs",
        "services": "AWS services",
        "note": "Each Availability Zone is a column; each node's traffic to the internet "
        "leaves through the NAT gateway of its own zone.",
    },
    "ja": {
        "internet": "インターネット",
        "igw": "インターネットゲートウェイ",
        "nat": "NAT ゲートウェイ",
        "tiers": {
            "public": "パブリック",
            "private-app": "プライベート\n（アプリ）",
            "private-data": "プライベート\n（データ）",
        },
        "stores": "データストア（データ用サブネットにまたがる）",
        "endpoints": "VPC エンドポイント",
        "gateway": "ゲートウェイ型",
        "interface": "インターフェース型",
        "egress": "外向き通信",
        "private_access": "イメージ、トークン、ログ\n（インターネットを経由しない）",
        "flow_logs": "フローログ",
        "services": "AWS のサービス",
        "note": "アベイラビリティーゾーンを列に並べる。各ノードからインターネットへの通信は、"
        "同じゾーンの NAT ゲートウェイから出る。",
    },
}

# What each VPC endpoint reaches, by the endpoint's service name.
ENDPOINT_SERVICES: dict[str, Callable[..., Any]] = {
    "s3": S3,
    "ecr.api": ECR,
    "ecr.dkr": ECR,
    "sts": IAMAWSSts,
    "logs": Cloudwatch,
}
SERVICE_NAMES = {"s3": "S3", "ecr": "ECR", "sts": "STS", "logs": "CloudWatch Logs"}


class Overlay(Protocol):
    """What a picture drawn on this frame adds to it (the as-built picture). Each method
    draws nodes in the cluster that is open when it is called, and returns them."""

    def vpc_top(self) -> list[Any]:
        """Beside the internet gateway, in the VPC's top row."""

    def vpc_second_row(self) -> list[Any]:
        """Under the top row, across the VPC, above the zones."""

    def zone(self, az: str) -> list[Any]:
        """At the foot of a zone's column."""

    def endpoints(self) -> list[Any]:
        """Among the VPC endpoints."""

    def region(self) -> None:
        """Below the VPC, in place of the row of AWS services the endpoints reach."""


@dataclass
class NetworkDrawing:
    """The nodes and clusters of one drawn network, for the picture that adds to it."""

    words: dict[str, Any]
    region: Any = None
    vpc: Any = None
    igw: Any = None
    nats: dict[str, Any] = field(default_factory=dict)  # by AZ
    nodes: dict[str, Any] = field(default_factory=dict)  # by AZ
    subnets: dict[str, Any] = field(default_factory=dict)  # by CIDR
    endpoints: dict[str, Any] = field(default_factory=dict)  # by service name
    services: dict[str, Any] = field(default_factory=dict)
    stores: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, list[Any]] = field(default_factory=dict)  # by AZ, top to bottom
    # The node right above the zones, whose edges into them keep them in order.
    anchor: Any = None


def draw_network(design: Design, canvas: Canvas, overlay: Overlay | None = None) -> NetworkDrawing:
    """Draw the design's network on ``canvas`` (within its diagram) and return its parts;
    ``overlay`` adds to it (see :class:`Overlay`)."""
    t = canvas.words(LABELS)
    network = design.network
    node_group = next(g for g in design.eks.node_groups if g.attach_to_target_group)
    nat_azs = network.availability_zones[: 1 if network.nat_gateways == "single" else None]
    drawn = NetworkDrawing(t)

    # The internet is no resource: the as-built picture leaves it out.
    internet = Internet(t["internet"], nodeid="internet") if overlay is None else None
    with Cluster(f"{t['region']} {design.product.region}", kind="region") as drawn.region:
        with Cluster(f"VPC {network.vpc_cidr}", kind="vpc") as drawn.vpc:
            drawn.igw = IGW(t["igw"], nodeid="igw")
            drawn.anchor = drawn.igw
            if overlay is not None:
                canvas.same_rank(drawn.igw, *overlay.vpc_top())
                second = overlay.vpc_second_row()
                if second:
                    canvas.same_rank(*second)
                    drawn.igw >> Edge(style="invis") >> second[0]
                    drawn.anchor = second[0]
            for az in network.availability_zones:
                column = drawn.columns.setdefault(az, [])
                with Cluster(az, kind="az"):
                    for tier in TIERS:
                        subnet = subnet_in(design, tier, az)
                        public = tier == "public"
                        icon = PublicSubnet if public else PrivateSubnet
                        with Cluster(t["tiers"][tier], kind="public" if public else "private"):
                            drawn.subnets[subnet.cidr] = icon(
                                subnet.cidr, nodeid=f"subnet-{subnet.cidr}"
                            )
                            column.append(drawn.subnets[subnet.cidr])
                            if tier == "public" and az in nat_azs:
                                drawn.nats[az] = NATGateway(t["nat"], nodeid=f"nat-{az}")
                                column.append(drawn.nats[az])
                            if tier == node_group.subnet_tier:
                                drawn.nodes[az] = EC2(
                                    lines(
                                        t["node_group"],
                                        f"{node_group.name} {node_group.instance_types[0]}",
                                    ),
                                    nodeid=f"node-{az}",
                                )
                                column.append(drawn.nodes[az])
                    if overlay is not None:
                        column += overlay.zone(az)
            with Cluster(t["stores"]):
                drawn.stores = data_stores(design)
            with Cluster(t["endpoints"]) as endpoints:
                for kind, names in (
                    ("gateway", network.vpc_endpoints.gateway),
                    ("interface", network.vpc_endpoints.interface),
                ):
                    for name in names:
                        drawn.endpoints[name] = Endpoint(
                            lines(name, t[kind]), nodeid=f"vpce-{name}"
                        )
                if overlay is not None:
                    for extra in overlay.endpoints():
                        drawn.endpoints[extra.nodeid] = extra
        if overlay is not None:
            overlay.region()
            _columns(design, canvas, drawn)
            return drawn
        with Cluster(t["services"]):
            for name in drawn.endpoints:
                service = name.split(".")[0]
                if service in SERVICE_NAMES and service not in drawn.services:
                    label = SERVICE_NAMES[service]
                    if service == "logs":
                        label = lines(label, network.flow_logs.log_group)
                    drawn.services[service] = ENDPOINT_SERVICES[name](
                        label, nodeid=f"service-{service}"
                    )

    _columns(design, canvas, drawn)
    # Egress runs up the picture: each edge is drawn from above with its arrow reversed.
    assert internet is not None
    internet << Edge(label=t["egress"]) << drawn.igw
    for az, node in drawn.nodes.items():
        nat = drawn.nats.get(az, next(iter(drawn.nats.values())))
        drawn.igw << Edge(style="dashed") << nat
        nat << Edge(style="dashed", label=t["egress"]) << node
    first_node = next(iter(drawn.nodes.values()))
    first_endpoint = next(iter(drawn.endpoints.values()))
    first_node >> Edge(lhead=endpoints.name, label=t["private_access"]) >> first_endpoint
    for name, endpoint in drawn.endpoints.items():
        reached = drawn.services.get(name.split(".")[0])
        if reached is not None:
            endpoint >> reached
    # The services below the last row of endpoints, not beside the VPC.
    lowest = list(drawn.endpoints.values())[-1]
    for service in drawn.services.values():
        lowest >> Edge(style="invis") >> service
    canvas.same_rank(*drawn.services.values())
    logs = drawn.services.get("logs")
    if logs is not None:
        (
            drawn.subnets[network.subnets[-1].cidr]
            >> Edge(ltail=drawn.vpc.name, style="dotted", label=t["flow_logs"])
            >> logs
        )
    return drawn


def subnet_in(design: Design, tier: str, az: str) -> Subnet:
    """The design's one subnet of ``tier`` in ``az`` (the design's cross-checks ensure it)."""
    return next(s for s in design.network.subnets if s.tier == tier and s.az == az)


def _columns(design: Design, canvas: Canvas, drawn: NetworkDrawing) -> None:
    """Hold each zone's tiles in one column, the zones in the design's order, and below
    them the data stores, then the endpoints.

    Invisible edges stack a zone's tiles top to bottom, and the anchor's edges into the
    columns (the internet gateway's, or the row's below it), drawn in the zones' order,
    fix that order (ordering=out); rows of ``rank=same`` put the same tier's subnets of
    every zone side by side.
    """
    canvas.keep_order(drawn.anchor)
    for column in drawn.columns.values():
        drawn.anchor >> Edge(style="invis") >> column[0]
        for above, below in itertools.pairwise(column):
            above >> Edge(style="invis", weight="10") >> below
    for tier in TIERS:
        azs = design.network.availability_zones
        canvas.same_rank(*(drawn.subnets[subnet_in(design, tier, az).cidr] for az in azs))
    middle = list(drawn.columns.values())[len(drawn.columns) // 2][-1]
    for store in drawn.stores.values():
        middle >> Edge(style="invis") >> store
    canvas.same_rank(*drawn.stores.values())
    # The endpoints in rows of a few, so that their row is no wider than the zones.
    above = [list(drawn.stores.values())[len(drawn.stores) // 2]]
    endpoints = list(drawn.endpoints.values())
    for start in range(0, len(endpoints), ENDPOINTS_IN_A_ROW):
        row = endpoints[start : start + ENDPOINTS_IN_A_ROW]
        for endpoint in row:
            above[0] >> Edge(style="invis") >> endpoint
        canvas.same_rank(*row)
        above = row
