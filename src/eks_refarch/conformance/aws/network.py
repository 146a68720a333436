"""Network rules: the VPC, its subnets per tier and AZ (and the ones the design does not
list), NAT, endpoints and flow logs."""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.facts import (
    CacheGroups,
    DbClusters,
    FlowLogs,
    NetworkInterfaces,
    NodeGroups,
    Route,
    RouteTable,
    Routing,
    Subnet,
    Vpc,
    VpcEndpoints,
    Vpcs,
)
from eks_refarch.conformance.aws.lookup import (
    ambiguous_vpcs,
    choose_vpc,
    design_vpc,
    designed_subnets,
    leaves_private_space,
    no_design_vpc,
)
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Remediation, Result, Severity, errored, failed, passed
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.design.model import Subnet as DesignedSubnet
from eks_refarch.design.model import SubnetTier
from eks_refarch.i18n import Text, joined, msg

VPC_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html"
PRIVATE_CLUSTER_DOCS = "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html"
PRIVATE_TIERS: tuple[SubnetTier, ...] = ("private-app", "private-data")


def _missing_subnet(want: DesignedSubnet) -> Result:
    label = f"{want.tier} subnet {want.cidr}"
    return failed(label, msg("{tier} subnet {cidr} is missing", tier=want.tier, cidr=want.cidr))


def internet_routes(table: RouteTable | None, vpc: Vpc) -> list[Route]:
    """The table's routes that send some address outside private space to an internet
    gateway, however the range is split (0.0.0.0/1 and 128.0.0.0/1 are the internet too)."""
    return [
        r
        for r in (table.routes if table else ())
        if r.target.startswith("igw-") and leaves_private_space(r.destination, vpc.cidrs)
    ]


def _routes(routes: list[Route]) -> Text:
    return joined(
        msg("{destination} to {target}", destination=r.destination, target=r.target) for r in routes
    )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create the VPC with the designed CIDR block, or correct the design if the "
        "account is right.",
        terraform="aws_vpc.cidr_block = network.vpc_cidr",
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html",),
    decision="ADR-0005",
    needs=[Vpcs],
)
def vpc_cidr_matches_design(facts: Facts, design: Design) -> Iterator[Result]:
    """The design's VPC has the designed CIDR block.

    Every subnet, route and security rule of the design is laid out inside this block; the
    other network checks find the design's VPC by it. Another VPC with the same block (a
    copy, another team's) is told apart by what it holds: the designed ALB or cluster.
    """
    cidr = design.network.vpc_cidr
    vpcs = facts[Vpcs]
    choice = choose_vpc(vpcs, design)
    if choice.vpc is not None and choice.reason is not None:
        yield passed(
            choice.vpc.id,
            msg(
                "VPC {vpc} has the designed CIDR block {cidr} ({reason})",
                vpc=choice.vpc.id,
                cidr=cidr,
                reason=choice.reason,
            ),
        )
    elif choice.vpc is not None:
        yield passed(
            choice.vpc.id,
            msg("VPC {vpc} has the designed CIDR block {cidr}", vpc=choice.vpc.id, cidr=cidr),
        )
    elif choice.candidates:
        yield errored(cidr, ambiguous_vpcs(choice, cidr))
    else:
        seen = joined(msg("{vpc} {cidrs}", vpc=v.id, cidrs="/".join(v.cidrs)) for v in vpcs.vpcs)
        yield failed(
            cidr,
            msg(
                "no VPC has the designed CIDR block {cidr}; VPCs seen: {seen}",
                cidr=cidr,
                seen=seen if vpcs.vpcs else msg("none"),
            ),
        )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create each missing subnet with the designed CIDR block in the designed "
        "Availability Zone (VPC console > Subnets > Create subnet).",
        terraform="aws_subnet.cidr_block and aws_subnet.availability_zone, one per "
        "network.subnets entry",
    ),
    references=(VPC_DOCS,),
    decision="ADR-0005",
    needs=[Vpcs],
)
def vpc_subnets_match_design(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed subnet exists with its CIDR block in its Availability Zone.

    The design spreads each tier (public, private-app, private-data) over its Availability
    Zones so that losing one zone leaves the others serving.
    """
    vpcs = facts[Vpcs]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    for want, seen in designed_subnets(vpcs, vpc, design, ("public", *PRIVATE_TIERS)):
        label = f"{want.tier} subnet {want.cidr}"
        said = {"tier": want.tier, "cidr": want.cidr}
        if seen is None:
            yield failed(
                label,
                msg(
                    "{tier} subnet {cidr} ({az}) is designed but not in VPC {vpc}",
                    az=want.az,
                    vpc=vpc.id,
                    **said,
                ),
            )
        elif seen.az != want.az:
            yield failed(
                seen.id,
                msg(
                    "{tier} subnet {cidr} is in {seen}; the design puts it in {az}",
                    seen=seen.az,
                    az=want.az,
                    **said,
                ),
            )
        else:
            yield passed(
                seen.id, msg("{tier} subnet {cidr} is in {az} as designed", az=seen.az, **said)
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Move anything other than the ALB and the NAT gateways out of the public "
        "subnets: instances and interface endpoints belong in the private-app tier.",
        terraform="aws_instance.subnet_id / aws_vpc_endpoint.subnet_ids = private-app subnets",
    ),
    references=(VPC_DOCS, PRIVATE_CLUSTER_DOCS),
    decision="ADR-0005",
    needs=[Vpcs, Routing, NetworkInterfaces],
)
def vpc_public_subnets_hold_only_edge(facts: Facts, design: Design) -> Iterator[Result]:
    """Only the ALB and the NAT gateways have network interfaces in the public subnets.

    A public subnet routes to the internet gateway; anything else placed there is one
    security-group mistake away from being reachable from the internet.
    """
    vpcs = facts[Vpcs]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    nat_interfaces = {i for n in facts[Routing].nat_gateways for i in n.interface_ids}
    alb_prefix = f"ELB app/{design.edge.alb.name}/"
    for want, seen in designed_subnets(vpcs, vpc, design, ("public",)):
        if seen is None:
            yield _missing_subnet(want)
            continue
        others = [
            n
            for n in facts[NetworkInterfaces].interfaces
            if n.subnet_id == seen.id
            and n.id not in nat_interfaces
            and not n.description.startswith(alb_prefix)
        ]
        if others:
            yield failed(
                seen.id,
                msg(
                    "public subnet {subnet} ({az}) holds more than the ALB {alb} and the NAT "
                    "gateway: {others}",
                    subnet=seen.id,
                    az=seen.az,
                    alb=design.edge.alb.name,
                    others=joined(
                        f"{n.id} ({n.instance_id or n.type}"
                        f"{', ' + n.description if n.description else ''})"
                        for n in others
                    ),
                ),
            )
        else:
            yield passed(
                seen.id,
                msg(
                    "public subnet {subnet} ({az}) holds only the ALB and the NAT gateway",
                    subnet=seen.id,
                    az=seen.az,
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Turn off 'Auto-assign public IPv4 address' on the subnet (VPC console > "
        "Subnets > Edit subnet settings).",
        terraform="aws_subnet.map_public_ip_on_launch = false",
    ),
    references=(VPC_DOCS, PRIVATE_CLUSTER_DOCS),
    decision="ADR-0005",
    needs=[Vpcs],
)
def vpc_private_subnets_no_public_ip(facts: Facts, design: Design) -> Iterator[Result]:
    """Private subnets give no public IP address to what launches in them.

    Nodes and data stores are reached through the ALB and the VPC only; a public address
    would make them reachable around it.
    """
    vpcs = facts[Vpcs]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    for want, seen in designed_subnets(vpcs, vpc, design, PRIVATE_TIERS):
        if seen is None:
            yield _missing_subnet(want)
        elif seen.map_public_ip_on_launch:
            yield failed(
                seen.id,
                msg(
                    "{tier} subnet {subnet} assigns public IPv4 addresses on launch; the "
                    "design keeps it private",
                    tier=want.tier,
                    subnet=seen.id,
                ),
            )
        else:
            yield passed(
                seen.id,
                msg(
                    "{tier} subnet {subnet} assigns no public IP on launch",
                    tier=want.tier,
                    subnet=seen.id,
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Point the private route table's 0.0.0.0/0 route at the NAT gateway of the "
        "same Availability Zone, never at the internet gateway.",
        terraform='aws_route.nat_gateway_id (destination_cidr_block = "0.0.0.0/0") in the '
        "private route tables",
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",),
    decision="ADR-0005",
    needs=[Vpcs, Routing],
)
def vpc_private_subnets_route_through_nat(facts: Facts, design: Design) -> Iterator[Result]:
    """Private subnets' default route goes to a NAT gateway, not to an internet gateway.

    Nodes reach the internet (for what the VPC endpoints do not serve) outbound only; a
    default route to the internet gateway would make the subnet public in all but name.
    """
    vpcs = facts[Vpcs]
    routing = facts[Routing]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    nats = {n.id: n for n in routing.nat_gateways}
    for want, seen in designed_subnets(vpcs, vpc, design, PRIVATE_TIERS):
        if seen is None:
            yield _missing_subnet(want)
            continue
        table = routing.table_for(seen)
        to_igw = internet_routes(table, vpc)
        v4 = next(
            (r for r in (table.routes if table else ()) if r.destination == "0.0.0.0/0"), None
        )
        where = msg("{tier} subnet {subnet} ({az})", tier=want.tier, subnet=seen.id, az=seen.az)
        if to_igw:
            yield failed(
                seen.id,
                msg(
                    "{where} routes {routes}, to the internet; the design routes it through a "
                    "NAT gateway",
                    where=where,
                    routes=_routes(to_igw),
                ),
            )
        elif v4 is None or not v4.target.startswith("nat-"):
            yield failed(
                seen.id,
                msg(
                    "{where} routes 0.0.0.0/0 to {target}; the design routes it through a "
                    "NAT gateway",
                    where=where,
                    target=v4.target if v4 else msg("nothing"),
                ),
            )
        elif design.network.nat_gateways == "one-per-az" and (
            (nat := nats.get(v4.target)) is None
            or (nat_subnet := vpcs.subnet(nat.subnet_id)) is None
            or nat_subnet.az != seen.az
        ):
            yield failed(
                seen.id,
                msg(
                    "{where} routes 0.0.0.0/0 to {target}, which is not the NAT gateway of "
                    "its own Availability Zone (the design has one per AZ)",
                    where=where,
                    target=v4.target,
                ),
            )
        else:
            yield passed(
                seen.id,
                msg(
                    "{where} routes 0.0.0.0/0 to NAT gateway {target}",
                    where=where,
                    target=v4.target,
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create one NAT gateway in the public subnet of each Availability Zone "
        "(VPC console > NAT gateways), and delete extra ones.",
        terraform="aws_nat_gateway.subnet_id, one per public subnet",
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",),
    decision="ADR-0005",
    needs=[Vpcs, Routing],
)
def vpc_nat_gateways_one_per_az(facts: Facts, design: Design) -> Iterator[Result]:
    """Each Availability Zone has its own NAT gateway, in its public subnet.

    With one NAT gateway per zone, losing a zone does not cut the other zones' nodes off
    from the internet, and no traffic crosses zones to leave the VPC.
    """
    vpcs = facts[Vpcs]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    public = {s.id: d for d, s in designed_subnets(vpcs, vpc, design, ("public",)) if s}
    available = [
        n for n in facts[Routing].nat_gateways if n.vpc_id == vpc.id and n.state == "available"
    ]
    if design.network.nat_gateways == "single":
        result = passed if len(available) == 1 else failed
        yield result(
            vpc.id,
            msg(
                "VPC {vpc} has {count} available NAT gateway(s) ({ids}); the design has a "
                "single one",
                vpc=vpc.id,
                count=len(available),
                ids=joined(n.id for n in available) if available else msg("none"),
            ),
        )
        return
    for az in design.network.availability_zones:
        in_az = [n for n in available if n.subnet_id in public and public[n.subnet_id].az == az]
        ids = joined(n.id for n in in_az) if in_az else msg("none")
        if len(in_az) == 1:
            yield passed(
                az, msg("{az} has one NAT gateway ({ids}) in its public subnet", az=az, ids=ids)
            )
        else:
            yield failed(
                az,
                msg(
                    "{az} has {count} available NAT gateways in its public subnet ({ids}); "
                    "the design has exactly one per Availability Zone",
                    az=az,
                    count=len(in_az),
                    ids=ids,
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create the missing VPC endpoint (VPC console > Endpoints > Create endpoint): "
        "gateway endpoints on the private route tables, interface endpoints in the "
        "private-app subnets with private DNS on.",
        terraform="aws_vpc_endpoint.service_name and vpc_endpoint_type, one per "
        "network.vpc_endpoints entry",
    ),
    references=(
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
        PRIVATE_CLUSTER_DOCS,
    ),
    decision="ADR-0005",
    needs=[Vpcs, VpcEndpoints],
)
def vpc_endpoints_present(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed VPC endpoints exist in the VPC and are available.

    Nodes pull images from ECR, fetch credentials from STS and ship logs without leaving
    the VPC, which a private cluster needs and which keeps that traffic off the NAT bill.
    """
    vpc = design_vpc(facts[Vpcs], design)
    if vpc is None:
        yield no_design_vpc(facts[Vpcs], design)
        return
    endpoints = [e for e in facts[VpcEndpoints].endpoints if e.vpc_id == vpc.id]
    wanted = [("Gateway", s) for s in design.network.vpc_endpoints.gateway] + [
        ("Interface", s) for s in design.network.vpc_endpoints.interface
    ]
    for kind, service in wanted:
        label = f"{service} ({kind.lower()} endpoint)"
        match = [
            e
            for e in endpoints
            if e.service_name.startswith("com.amazonaws.")
            and e.service_name.endswith(f".{service}")
            and e.type.lower() == kind.lower()
        ]
        ready = [e for e in match if e.state == "available"]
        said = {"service": service, "kind": kind.lower()}
        if ready:
            yield passed(
                ready[0].id,
                msg(
                    "{service} ({kind} endpoint) {endpoint} is available in {vpc}",
                    endpoint=ready[0].id,
                    vpc=vpc.id,
                    **said,
                ),
            )
        elif match:
            yield failed(
                match[0].id,
                msg(
                    "{service} ({kind} endpoint) {endpoint} is {state}, not available",
                    endpoint=match[0].id,
                    state=match[0].state,
                    **said,
                ),
            )
        else:
            yield failed(
                label, msg("VPC {vpc} has no {kind} endpoint for {service}", vpc=vpc.id, **said)
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create a flow log on the VPC with the designed traffic type, delivered to "
        "the designed CloudWatch Logs group (VPC console > Flow logs > Create).",
        terraform="aws_flow_log.vpc_id, traffic_type and log_destination",
    ),
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",),
    decision="ADR-0005",
    needs=[Vpcs, FlowLogs],
)
def vpc_flow_logs_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The VPC's flow logs are on, with the designed traffic type and log group.

    Flow logs are the only record of which addresses talked to the nodes and data stores;
    without them an incident cannot be traced at the network layer.
    """
    vpc = design_vpc(facts[Vpcs], design)
    if vpc is None:
        yield no_design_vpc(facts[Vpcs], design)
        return
    want = design.network.flow_logs
    logs = [f for f in facts[FlowLogs].flow_logs if f.resource_id == vpc.id]
    good = [
        f
        for f in logs
        if f.traffic_type == want.traffic_type
        and f.log_group == want.log_group
        and f.status == "ACTIVE"
    ]
    said = {"vpc": vpc.id, "traffic": want.traffic_type, "group": want.log_group}
    if good:
        yield passed(vpc.id, msg("VPC {vpc} logs {traffic} traffic to {group}", **said))
    elif logs:
        seen = joined(
            (
                msg(
                    "{log}: {traffic} to {group}, {status}",
                    log=f.id,
                    traffic=f.traffic_type,
                    group=f.log_group,
                    status=f.status,
                )
                for f in logs
            ),
            style="clauses",
        )
        yield failed(
            vpc.id,
            msg(
                "VPC {vpc} has flow logs, but none is ACTIVE with {traffic} traffic to {group}: "
                "{seen}",
                seen=seen,
                **said,
            ),
        )
    else:
        yield failed(
            vpc.id,
            msg("VPC {vpc} has no flow log; the design logs {traffic} traffic to {group}", **said),
        )


def node_security_groups(nodes: NodeGroups) -> set[str]:
    """The security groups the designed cluster's node groups put on their nodes."""
    groups: set[str] = set()
    for group in nodes.groups:
        if group.launch_template:
            groups.update(group.launch_template.security_group_ids)
        if group.remote_access_group:
            groups.add(group.remote_access_group)
    return groups


def _holdings(subnet: Subnet, facts: Facts) -> tuple[list[str], list[str]]:
    """(what of the nodes, what of the data) the subnet holds or may be given."""
    nodes = facts[NodeGroups]
    node_groups = node_security_groups(nodes)
    interfaces = [n for n in facts[NetworkInterfaces].interfaces if n.subnet_id == subnet.id]
    held_nodes = [f"node group {g.name}" for g in nodes.groups if subnet.id in g.subnet_ids]
    held_nodes += [
        f"{n.instance_id or n.id} ({', '.join(sorted(set(n.groups) & node_groups))})"
        for n in interfaces
        if set(n.groups) & node_groups
    ]
    groups = {
        **{f"DB subnet group {k}": v for k, v in facts[DbClusters].subnet_groups.items()},
        **{f"cache subnet group {k}": v for k, v in facts[CacheGroups].subnet_groups.items()},
    }
    held_data = [name for name, subnets in groups.items() if subnet.id in subnets]
    held_data += [
        f"{n.id} ({n.description})"
        for n in interfaces
        if n.description.startswith(("RDSNetworkInterface", "ElastiCache"))
    ]
    return held_nodes, held_data


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Route the subnet's internet traffic through a NAT gateway (or remove the "
        "route), or move the nodes and data stores out of it; then add the subnet to the "
        "design or delete it.",
        terraform="aws_route (no gateway_id = aws_internet_gateway for the subnet's table); "
        "network.subnets in the design",
    ),
    references=(VPC_DOCS, PRIVATE_CLUSTER_DOCS),
    decision="ADR-0005",
    needs=[Vpcs, Routing, NetworkInterfaces, NodeGroups, DbClusters, CacheGroups],
)
def vpc_undeclared_subnets_keep_nodes_and_data_off_internet(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """No subnet the design does not list gives the nodes or the data a route to the internet.

    A subnet added beside the design's, routed to the internet gateway, is a way around the
    ALB for whatever runs in it. Each undeclared subnet of the design's VPC is reported with
    its routes, its public-IP setting and what it holds; it fails when it holds nodes (or a
    node group may launch into it) or data (or a DB or cache subnet group includes it).
    """
    vpcs = facts[Vpcs]
    vpc = design_vpc(vpcs, design)
    if vpc is None:
        yield no_design_vpc(vpcs, design)
        return
    designed = {s.cidr for s in design.network.subnets}
    undeclared = [s for s in vpcs.in_vpc(vpc.id) if s.cidr not in designed]
    if not undeclared:
        yield passed(vpc.id, msg("VPC {vpc} has only the designed subnets", vpc=vpc.id))
        return
    routing = facts[Routing]
    for subnet in undeclared:
        table = routing.table_for(subnet)
        to_internet = internet_routes(table, vpc)
        others = [r for r in (table.routes if table else ()) if r.target != "local"]
        held_nodes, held_data = _holdings(subnet, facts)
        held: list[Text] = []
        if held_nodes:
            held.append(msg("nodes: {which}", which=joined(held_nodes)))
        if held_data:
            held.append(msg("data: {which}", which=joined(held_data)))
        described = msg(
            "undeclared subnet {subnet} ({cidr}, {az}) routes {routes}, {public}, and holds {held}",
            subnet=subnet.id,
            cidr=subnet.cidr,
            az=subnet.az,
            routes=_routes(others) if others else msg("nothing beyond the VPC"),
            public=msg("assigns public IPv4 addresses on launch")
            if subnet.map_public_ip_on_launch
            else msg("assigns no public IP on launch"),
            held=joined(held, style="clauses") if held else msg("none of the nodes or data"),
        )
        if to_internet and held:
            yield failed(
                subnet.id,
                msg(
                    "{described}: a route from the internet to them around the ALB",
                    described=described,
                ),
            )
        else:
            yield passed(subnet.id, described)
