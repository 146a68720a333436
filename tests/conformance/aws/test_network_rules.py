"""Network rules on literal facts: each result's status, resource and whole message."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    CacheGroups,
    DbClusters,
    FlowLog,
    FlowLogs,
    NatGateway,
    NetworkInterface,
    NetworkInterfaces,
    NodeGroups,
    Route,
    RouteTable,
    Routing,
    Subnet,
    VpcEndpoint,
    VpcEndpoints,
    Vpcs,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from tests.conformance.aws.account import conforming
from tests.conformance.aws.test_rules import Facts_, evaluate, said

Seen = list[tuple[Status, str, str]]
PASS, FAIL, ERROR = Status.PASS, Status.FAIL, Status.ERROR


def judged(check_id: str, facts: Facts_, design: Design) -> Seen:
    return [(r.status, r.resource, said(r)) for r in evaluate(check_id, facts, design)]


def with_network(design: Design, **fields: Any) -> Design:
    network = design.network.model_copy(update=fields)
    return design.model_copy(update={"network": network})


def without_subnets(facts: Facts_, *ids: str) -> Facts_:
    vpcs = facts[Vpcs]
    return {**facts, Vpcs: replace(vpcs, subnets=tuple(s for s in vpcs.subnets if s.id not in ids))}


def subnet(facts: Facts_, subnet_id: str) -> Subnet:
    found: Subnet | None = facts[Vpcs].subnet(subnet_id)
    assert found is not None
    return found


def with_tables(facts: Facts_, *tables: RouteTable, drop: tuple[str, ...] = ()) -> Facts_:
    """Route tables added, and the named ones dropped."""
    routing = facts[Routing]
    kept = tuple(t for t in routing.route_tables if t.id not in drop)
    return {**facts, Routing: replace(routing, route_tables=(*tables, *kept))}


def with_interfaces(facts: Facts_, *interfaces: NetworkInterface) -> Facts_:
    held = facts[NetworkInterfaces]
    return {**facts, NetworkInterfaces: replace(held, interfaces=(*held.interfaces, *interfaces))}


def with_nats(facts: Facts_, *nats: NatGateway) -> Facts_:
    return {**facts, Routing: replace(facts[Routing], nat_gateways=nats)}


# vpc_cidr_matches_design


def test_cidr_passes_naming_the_vpc(design: Design) -> None:
    cidr = design.network.vpc_cidr
    assert judged("vpc_cidr_matches_design", conforming(), design) == [
        (PASS, "vpc-1", f"VPC vpc-1 has the designed CIDR block {cidr}")
    ]


def test_cidr_fails_naming_every_block_of_every_vpc_seen_or_none(design: Design) -> None:
    cidr = design.network.vpc_cidr
    facts = conforming()
    vpcs = facts[Vpcs]
    moved = replace(vpcs.vpcs[0], cidrs=("10.99.0.0/16", "10.98.0.0/16"))
    drifted = {**facts, Vpcs: replace(vpcs, vpcs=(moved, vpcs.vpcs[1]))}
    assert judged("vpc_cidr_matches_design", drifted, design) == [
        (
            FAIL,
            cidr,
            f"no VPC has the designed CIDR block {cidr}; VPCs seen: "
            "vpc-1 10.99.0.0/16/10.98.0.0/16, vpc-other 172.31.0.0/16",
        )
    ]
    empty = {**facts, Vpcs: replace(vpcs, vpcs=())}
    assert judged("vpc_cidr_matches_design", empty, design) == [
        (FAIL, cidr, f"no VPC has the designed CIDR block {cidr}; VPCs seen: none")
    ]


def test_cidr_of_two_look_alike_vpcs_is_an_error_on_the_cidr_unless_one_holds_the_design(
    design: Design,
) -> None:
    facts = conforming()
    vpcs = facts[Vpcs]
    twins = (replace(vpcs.vpcs[0], holds=()), replace(vpcs.vpcs[0], id="vpc-twin", holds=()))
    [(status, resource, _)] = judged(
        "vpc_cidr_matches_design", {**facts, Vpcs: replace(vpcs, vpcs=twins)}, design
    )
    assert (status, resource) == (ERROR, design.network.vpc_cidr)
    told_apart = (vpcs.vpcs[0], twins[1])
    [(status, resource, _)] = judged(
        "vpc_cidr_matches_design", {**facts, Vpcs: replace(vpcs, vpcs=told_apart)}, design
    )
    assert (status, resource) == (PASS, "vpc-1")


# vpc_subnets_match_design and the private-subnet checks' missing subnets


def test_subnets_each_judged_with_their_tier_cidr_and_az(design: Design) -> None:
    facts = without_subnets(conforming(), "subnet-app-c")
    facts = {
        **facts,
        Vpcs: replace(
            facts[Vpcs],
            subnets=tuple(
                replace(s, az="ap-northeast-1a") if s.id == "subnet-pub-d" else s
                for s in facts[Vpcs].subnets
            ),
        ),
    }
    expected: Seen = []
    for want in design.network.subnets:
        seen = next((s for s in facts[Vpcs].subnets if s.cidr == want.cidr), None)
        tier = f"{want.tier} subnet {want.cidr}"
        if seen is None:
            expected.append((FAIL, tier, f"{tier} ({want.az}) is designed but not in VPC vpc-1"))
        elif seen.az != want.az:
            expected.append(
                (FAIL, seen.id, f"{tier} is in {seen.az}; the design puts it in {want.az}")
            )
        else:
            expected.append((PASS, seen.id, f"{tier} is in {want.az} as designed"))
    assert [s for s, _, _ in expected].count(FAIL) == 2
    assert judged("vpc_subnets_match_design", facts, design) == expected


@pytest.mark.parametrize(
    ("check_id", "gone"),
    [
        ("vpc_public_subnets_hold_only_edge", "subnet-pub-a"),
        ("vpc_private_subnets_no_public_ip", "subnet-app-a"),
        ("vpc_private_subnets_route_through_nat", "subnet-data-a"),
    ],
)
def test_a_missing_subnet_fails_by_tier_and_cidr_and_the_others_are_still_judged(
    design: Design, check_id: str, gone: str
) -> None:
    cidr = subnet(conforming(), gone).cidr
    (want,) = [s for s in design.network.subnets if s.cidr == cidr]
    results = judged(check_id, without_subnets(conforming(), gone), design)
    label = f"{want.tier} subnet {want.cidr}"
    tiers = ("public",) if want.tier == "public" else ("private-app", "private-data")
    judged_cidrs = [s.cidr for s in design.network.subnets if s.tier in tiers]
    missing = (FAIL, label, f"{label} is missing")
    assert [r[0] is PASS or r == missing for r in results] == [True] * len(judged_cidrs)
    assert results[judged_cidrs.index(cidr)] == missing


# vpc_public_subnets_hold_only_edge


def test_public_subnet_names_every_interface_beyond_the_edge(design: Design) -> None:
    alb = design.edge.alb.name
    facts = with_interfaces(
        conforming(),
        NetworkInterface("eni-bastion", "subnet-pub-c", "interface", "", "i-9", "1.2.3.4"),
        NetworkInterface(
            "eni-ep", "subnet-pub-c", "vpc_endpoint", "VPC Endpoint Interface", None, None
        ),
        NetworkInterface("eni-alb", "subnet-pub-c", "interface", "ELB app/other-alb/2", None, None),
    )
    assert judged("vpc_public_subnets_hold_only_edge", facts, design) == [
        (
            PASS,
            "subnet-pub-a",
            "public subnet subnet-pub-a (ap-northeast-1a) holds only the ALB and the NAT gateway",
        ),
        (
            FAIL,
            "subnet-pub-c",
            f"public subnet subnet-pub-c (ap-northeast-1c) holds more than the ALB {alb} and "
            "the NAT gateway: eni-bastion (i-9), eni-ep (vpc_endpoint, VPC Endpoint Interface), "
            "eni-alb (interface, ELB app/other-alb/2)",
        ),
        (
            PASS,
            "subnet-pub-d",
            "public subnet subnet-pub-d (ap-northeast-1d) holds only the ALB and the NAT gateway",
        ),
    ]


# vpc_private_subnets_no_public_ip


def test_private_subnet_with_public_ips_fails_naming_tier_and_subnet(design: Design) -> None:
    facts = conforming()
    facts = {
        **facts,
        Vpcs: replace(
            facts[Vpcs],
            subnets=tuple(
                replace(s, map_public_ip_on_launch=True) if s.id == "subnet-data-c" else s
                for s in facts[Vpcs].subnets
            ),
        ),
    }
    results = judged("vpc_private_subnets_no_public_ip", facts, design)
    assert (
        FAIL,
        "subnet-data-c",
        "private-data subnet subnet-data-c assigns public IPv4 addresses on launch; the design "
        "keeps it private",
    ) in results
    assert (
        PASS,
        "subnet-app-a",
        "private-app subnet subnet-app-a assigns no public IP on launch",
    ) in results
    assert [s for s, _, _ in results].count(FAIL) == 1


# vpc_private_subnets_route_through_nat

APP_A = "private-app subnet subnet-app-a (ap-northeast-1a)"
THROUGH_NAT = "the design routes it through a NAT gateway"


def _app_a_routes(*routes: Route) -> Facts_:
    """subnet-app-a given a route table of its own with these routes (and the local one)."""
    facts = conforming()
    routing = facts[Routing]
    tables = tuple(
        replace(t, subnet_ids=tuple(i for i in t.subnet_ids if i != "subnet-app-a"))
        for t in routing.route_tables
    )
    own = RouteTable(
        "rtb-own", "vpc-1", False, ("subnet-app-a",), (Route("10.20.0.0/16", "local"), *routes)
    )
    return {**facts, Routing: replace(routing, route_tables=(own, *tables))}


def _app_a(facts: Facts_, design: Design) -> tuple[Status, str, str]:
    results = judged("vpc_private_subnets_route_through_nat", facts, design)
    (found,) = [r for r in results if r[1] == "subnet-app-a"]
    assert [s for s, i, _ in results if i != "subnet-app-a"] == [PASS] * (len(results) - 1)
    return found


@pytest.mark.parametrize(
    ("routes", "status", "text"),
    [
        ((Route("0.0.0.0/0", "nat-a"),), PASS, "routes 0.0.0.0/0 to NAT gateway nat-a"),
        (
            (Route("0.0.0.0/1", "igw-1"), Route("128.0.0.0/1", "igw-1")),
            FAIL,
            f"routes 0.0.0.0/1 to igw-1, 128.0.0.0/1 to igw-1, to the internet; {THROUGH_NAT}",
        ),
        ((), FAIL, f"routes 0.0.0.0/0 to nothing; {THROUGH_NAT}"),
        ((Route("0.0.0.0/0", "pcx-1"),), FAIL, f"routes 0.0.0.0/0 to pcx-1; {THROUGH_NAT}"),
        (
            (Route("0.0.0.0/0", "nat-c"),),
            FAIL,
            "routes 0.0.0.0/0 to nat-c, which is not the NAT gateway of its own Availability "
            "Zone (the design has one per AZ)",
        ),
        (
            (Route("0.0.0.0/0", "nat-gone"),),
            FAIL,
            "routes 0.0.0.0/0 to nat-gone, which is not the NAT gateway of its own "
            "Availability Zone (the design has one per AZ)",
        ),
        (
            # Routes to private space or to the VPC's own blocks are not the internet.
            (
                Route("0.0.0.0/0", "nat-a"),
                Route("192.168.0.0/16", "igw-1"),
                Route("203.0.113.0/24", "igw-1"),
            ),
            PASS,
            "routes 0.0.0.0/0 to NAT gateway nat-a",
        ),
    ],
    ids=["nat", "split-default", "no-default", "peering", "other-az", "unknown-nat", "own"],
)
def test_private_subnet_route_names_what_it_routes_to(
    design: Design, routes: tuple[Route, ...], status: Status, text: str
) -> None:
    facts = _app_a_routes(*routes)
    vpcs = facts[Vpcs]
    own = replace(vpcs.vpcs[0], cidrs=(*vpcs.vpcs[0].cidrs, "203.0.113.0/24"))
    facts = {**facts, Vpcs: replace(vpcs, vpcs=(own, *vpcs.vpcs[1:]))}
    assert _app_a(facts, design) == (status, "subnet-app-a", f"{APP_A} {text}")


def test_private_subnet_without_any_route_table_routes_nothing(design: Design) -> None:
    facts = _app_a_routes()
    facts = with_tables(facts, drop=("rtb-own", "rtb-main"))
    assert _app_a(facts, design) == (
        FAIL,
        "subnet-app-a",
        f"{APP_A} routes 0.0.0.0/0 to nothing; {THROUGH_NAT}",
    )


def test_private_subnet_route_to_a_nat_whose_subnet_is_unknown_fails(design: Design) -> None:
    facts = conforming()
    nats = tuple(
        replace(n, subnet_id="subnet-unknown") if n.id == "nat-a" else n
        for n in facts[Routing].nat_gateways
    )
    results = judged("vpc_private_subnets_route_through_nat", with_nats(facts, *nats), design)
    (app_a,) = [r for r in results if r[1] == "subnet-app-a"]
    assert app_a[0] is FAIL


def test_private_subnet_route_to_any_nat_passes_when_the_design_has_a_single_one(
    design: Design,
) -> None:
    single = with_network(design, nat_gateways="single")
    assert _app_a(_app_a_routes(Route("0.0.0.0/0", "nat-c")), single) == (
        PASS,
        "subnet-app-a",
        f"{APP_A} routes 0.0.0.0/0 to NAT gateway nat-c",
    )


# vpc_nat_gateways_one_per_az


def _nat(nat_id: str, subnet_id: str, state: str = "available", vpc: str = "vpc-1") -> NatGateway:
    return NatGateway(nat_id, vpc, subnet_id, state, (f"eni-{nat_id}",))


@pytest.mark.parametrize(
    ("nats", "status", "count", "ids"),
    [
        ((), FAIL, 0, "none"),
        ((("nat-a", "subnet-pub-a"),), PASS, 1, "nat-a"),
        ((("nat-a", "subnet-pub-a"), ("nat-c", "subnet-pub-c")), FAIL, 2, "nat-a, nat-c"),
    ],
    ids=["none", "one", "two"],
)
def test_single_nat_design_counts_the_available_nat_gateways_of_the_vpc(
    design: Design, nats: tuple[tuple[str, str], ...], status: Status, count: int, ids: str
) -> None:
    facts = with_nats(
        conforming(),
        *(_nat(i, s) for i, s in nats),
        _nat("nat-deleted", "subnet-pub-d", state="deleted"),
        _nat("nat-elsewhere", "subnet-pub-d", vpc="vpc-other"),
    )
    single = with_network(design, nat_gateways="single")
    assert judged("vpc_nat_gateways_one_per_az", facts, single) == [
        (
            status,
            "vpc-1",
            f"VPC vpc-1 has {count} available NAT gateway(s) ({ids}); the design has a single one",
        )
    ]


def test_one_nat_per_az_names_each_azs_gateways(design: Design) -> None:
    facts = with_nats(
        conforming(),
        _nat("nat-a", "subnet-pub-a"),
        _nat("nat-a2", "subnet-pub-a"),
        _nat("nat-private", "subnet-app-c"),
        _nat("nat-deleted", "subnet-pub-c", state="deleted"),
        _nat("nat-d", "subnet-pub-d"),
    )
    azs = design.network.availability_zones
    one_each = "the design has exactly one per Availability Zone"
    assert judged("vpc_nat_gateways_one_per_az", facts, design) == [
        (
            FAIL,
            azs[0],
            f"{azs[0]} has 2 available NAT gateways in its public subnet (nat-a, nat-a2); "
            f"{one_each}",
        ),
        (
            FAIL,
            azs[1],
            f"{azs[1]} has 0 available NAT gateways in its public subnet (none); {one_each}",
        ),
        (PASS, azs[2], f"{azs[2]} has one NAT gateway (nat-d) in its public subnet"),
    ]


# vpc_endpoints_present


def test_endpoints_each_named_available_pending_or_missing(design: Design) -> None:
    facts = conforming()
    endpoints = facts[VpcEndpoints].endpoints
    (gateway,) = design.network.vpc_endpoints.gateway
    first = design.network.vpc_endpoints.interface[0]
    region = "com.amazonaws.ap-northeast-1"
    kept = tuple(e for e in endpoints if not e.service_name.endswith((f".{gateway}", f".{first}")))
    facts = {
        **facts,
        VpcEndpoints: VpcEndpoints(
            (
                VpcEndpoint("vpce-pending", "vpc-1", f"{region}.{gateway}", "Gateway", "pending"),
                VpcEndpoint("vpce-failed", "vpc-1", f"{region}.{gateway}", "Gateway", "failed"),
                VpcEndpoint("vpce-as-gw", "vpc-1", f"{region}.{first}", "Gateway", "available"),
                VpcEndpoint("vpce-far", "vpc-other", f"{region}.{first}", "Interface", "available"),
                VpcEndpoint(
                    "vpce-market", "vpc-1", f"aws.sagemaker.{first}", "Interface", "available"
                ),
                *kept,
            )
        ),
    }
    results = judged("vpc_endpoints_present", facts, design)
    assert results[0] == (
        FAIL,
        "vpce-pending",
        f"{gateway} (gateway endpoint) vpce-pending is pending, not available",
    )
    assert results[1] == (
        FAIL,
        f"{first} (interface endpoint)",
        f"VPC vpc-1 has no interface endpoint for {first}",
    )
    assert results[2:] == [
        (
            PASS,
            e.id,
            f"{e.service_name.removeprefix(region + '.')} (interface endpoint) {e.id} is "
            "available in vpc-1",
        )
        for e in kept
    ]


# vpc_flow_logs_enabled


def test_flow_logs_name_the_vpc_the_design_and_every_log_seen(design: Design) -> None:
    want = design.network.flow_logs
    facts = conforming()
    logs = (
        FlowLog("fl-1", "vpc-1", "REJECT", "cloud-watch-logs", want.log_group, "ACTIVE"),
        FlowLog("fl-2", "vpc-1", want.traffic_type, "cloud-watch-logs", "/other", "ACTIVE"),
        FlowLog("fl-3", "vpc-1", want.traffic_type, "s3", want.log_group, "FAILED"),
        FlowLog("fl-4", "vpc-other", want.traffic_type, "s3", want.log_group, "ACTIVE"),
    )
    design_says = f"{want.traffic_type} traffic to {want.log_group}"
    assert judged("vpc_flow_logs_enabled", {**facts, FlowLogs: FlowLogs(logs)}, design) == [
        (
            FAIL,
            "vpc-1",
            f"VPC vpc-1 has flow logs, but none is ACTIVE with {design_says}: "
            f"fl-1: REJECT to {want.log_group}, ACTIVE; "
            f"fl-2: {want.traffic_type} to /other, ACTIVE; "
            f"fl-3: {want.traffic_type} to {want.log_group}, FAILED",
        )
    ]
    assert judged("vpc_flow_logs_enabled", {**facts, FlowLogs: FlowLogs(logs[3:])}, design) == [
        (FAIL, "vpc-1", f"VPC vpc-1 has no flow log; the design logs {design_says}")
    ]
    assert judged("vpc_flow_logs_enabled", facts, design) == [
        (PASS, "vpc-1", f"VPC vpc-1 logs {design_says}")
    ]


# vpc_undeclared_subnets_keep_nodes_and_data_off_internet

UNDECLARED = "vpc_undeclared_subnets_keep_nodes_and_data_off_internet"
AROUND = ": a route from the internet to them around the ALB"


def _extra(facts: Facts_, *routes: Route, public: bool = False, main: bool = False) -> Facts_:
    """subnet-extra (10.20.200.0/24, ap-northeast-1a) added with a table of these routes,
    or with none (then the VPC's main table, if any, is its own)."""
    vpcs = facts[Vpcs]
    extra = Subnet("subnet-extra", "vpc-1", "10.20.200.0/24", "ap-northeast-1a", public)
    facts = {**facts, Vpcs: replace(vpcs, subnets=(*vpcs.subnets, extra))}
    if main:
        return facts
    table = RouteTable(
        "rtb-extra", "vpc-1", False, ("subnet-extra",), (Route("10.20.0.0/16", "local"), *routes)
    )
    return with_tables(facts, table)


def _described(routes: str, public: str, held: str) -> str:
    return (
        f"undeclared subnet subnet-extra (10.20.200.0/24, ap-northeast-1a) routes {routes}, "
        f"{public}, and holds {held}"
    )


NO_IP = "assigns no public IP on launch"
PUBLIC_IP = "assigns public IPv4 addresses on launch"


def test_only_designed_subnets_pass_naming_the_vpc(design: Design) -> None:
    assert judged(UNDECLARED, conforming(), design) == [
        (PASS, "vpc-1", "VPC vpc-1 has only the designed subnets")
    ]


def test_an_undeclared_subnet_holding_nothing_passes_whatever_its_routes(design: Design) -> None:
    facts = _extra(conforming(), Route("0.0.0.0/0", "igw-1"), public=True)
    assert judged(UNDECLARED, facts, design) == [
        (
            PASS,
            "subnet-extra",
            _described("0.0.0.0/0 to igw-1", PUBLIC_IP, "none of the nodes or data"),
        )
    ]
    bare = with_tables(_extra(conforming(), main=True), drop=("rtb-main",))
    assert judged(UNDECLARED, bare, design) == [
        (
            PASS,
            "subnet-extra",
            _described("nothing beyond the VPC", NO_IP, "none of the nodes or data"),
        )
    ]


def _holding_everything(facts: Facts_) -> Facts_:
    """subnet-extra in a node group, DB and cache subnet groups, with a node (by its
    launch template's group and by its remote-access group), an RDS and a cache ENI."""
    nodes = facts[NodeGroups]
    core = replace(nodes.groups[0], remote_access_group="sg-remote")
    edge = replace(core, name="edge", subnet_ids=("subnet-extra",), launch_template=None)
    return with_interfaces(
        {
            **facts,
            NodeGroups: replace(nodes, groups=(core, edge)),
            DbClusters: replace(
                facts[DbClusters], subnet_groups={"orders": ("subnet-extra",), "x": ()}
            ),
            CacheGroups: replace(facts[CacheGroups], subnet_groups={"cart": ("subnet-extra",)}),
        },
        NetworkInterface(
            "eni-n1", "subnet-extra", "interface", "", "i-1", None, ("sg-x", "sg-nodes")
        ),
        NetworkInterface(
            "eni-n2", "subnet-extra", "interface", "", None, None, ("sg-remote", "sg-nodes")
        ),
        NetworkInterface("eni-other", "subnet-extra", "interface", "", "i-3", None, ("sg-x",)),
        NetworkInterface("eni-db", "subnet-extra", "interface", "RDSNetworkInterface", None, None),
        NetworkInterface("eni-cache", "subnet-extra", "interface", "ElastiCache cart", None, None),
        NetworkInterface("eni-far", "subnet-app-a", "interface", "RDSNetworkInterface", None, None),
    )


HELD = (
    "nodes: node group edge, i-1 (sg-nodes), eni-n2 (sg-nodes, sg-remote); "
    "data: DB subnet group orders, cache subnet group cart, eni-db (RDSNetworkInterface), "
    "eni-cache (ElastiCache cart)"
)


def test_an_undeclared_subnet_holding_nodes_and_data_names_them_all(design: Design) -> None:
    facts = _holding_everything(_extra(conforming(), Route("0.0.0.0/0", "igw-1"), public=True))
    assert judged(UNDECLARED, facts, design) == [
        (FAIL, "subnet-extra", _described("0.0.0.0/0 to igw-1", PUBLIC_IP, HELD) + AROUND)
    ]


def test_an_undeclared_subnet_holding_them_without_an_internet_route_passes(
    design: Design,
) -> None:
    facts = _holding_everything(_extra(conforming(), Route("0.0.0.0/0", "nat-a")))
    assert judged(UNDECLARED, facts, design) == [
        (PASS, "subnet-extra", _described("0.0.0.0/0 to nat-a", NO_IP, HELD))
    ]


@pytest.mark.parametrize(
    ("interface", "held"),
    [
        (
            NetworkInterface(
                "eni-db", "subnet-extra", "interface", "RDSNetworkInterface", None, None
            ),
            "data: eni-db (RDSNetworkInterface)",
        ),
        (
            NetworkInterface("eni-c", "subnet-extra", "interface", "ElastiCache x", None, None),
            "data: eni-c (ElastiCache x)",
        ),
        (
            NetworkInterface("eni-n", "subnet-extra", "interface", "", "i-7", None, ("sg-nodes",)),
            "nodes: i-7 (sg-nodes)",
        ),
    ],
    ids=["rds", "cache", "node"],
)
def test_one_interface_is_enough_to_fail_an_internet_routed_subnet(
    design: Design, interface: NetworkInterface, held: str
) -> None:
    facts = with_interfaces(_extra(conforming(), Route("0.0.0.0/0", "igw-1")), interface)
    assert judged(UNDECLARED, facts, design) == [
        (FAIL, "subnet-extra", _described("0.0.0.0/0 to igw-1", NO_IP, held) + AROUND)
    ]
