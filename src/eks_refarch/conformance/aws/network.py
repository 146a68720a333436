"""Network rules: the VPC, its subnets per tier and AZ, NAT, endpoints and flow logs."""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.facts import (
    FlowLogs,
    NetworkInterfaces,
    Routing,
    VpcEndpoints,
    Vpcs,
)
from eks_refarch.conformance.aws.lookup import design_vpc, designed_subnets, no_design_vpc
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Remediation, Result, Severity, failed, passed
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.design.model import Subnet as DesignedSubnet
from eks_refarch.design.model import SubnetTier

VPC_DOCS = "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html"
PRIVATE_CLUSTER_DOCS = "https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html"
PRIVATE_TIERS: tuple[SubnetTier, ...] = ("private-app", "private-data")


def _missing_subnet(want: DesignedSubnet) -> Result:
    label = f"{want.tier} subnet {want.cidr}"
    return failed(label, f"{label} is missing")


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
    """Exactly one VPC has the designed CIDR block.

    Every subnet, route and security rule of the design is laid out inside this block; the
    other network checks find the design's VPC by it.
    """
    cidr = design.network.vpc_cidr
    found = facts[Vpcs].with_cidr(cidr)
    if len(found) == 1:
        yield passed(found[0].id, f"VPC {found[0].id} has the designed CIDR block {cidr}")
    elif not found:
        seen = ", ".join(f"{v.id} {'/'.join(v.cidrs)}" for v in facts[Vpcs].vpcs) or "none"
        yield failed(cidr, f"no VPC has the designed CIDR block {cidr}; VPCs seen: {seen}")
    else:
        ids = ", ".join(v.id for v in found)
        yield failed(
            cidr,
            f"{len(found)} VPCs have the designed CIDR block {cidr} ({ids}); the design has one",
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
        yield no_design_vpc(design)
        return
    for want, seen in designed_subnets(vpcs, vpc, design, ("public", *PRIVATE_TIERS)):
        label = f"{want.tier} subnet {want.cidr}"
        if seen is None:
            yield failed(label, f"{label} ({want.az}) is designed but not in VPC {vpc.id}")
        elif seen.az != want.az:
            yield failed(seen.id, f"{label} is in {seen.az}; the design puts it in {want.az}")
        else:
            yield passed(seen.id, f"{label} is in {seen.az} as designed")


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
        yield no_design_vpc(design)
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
            listed = ", ".join(
                f"{n.id} ({n.instance_id or n.type}{', ' + n.description if n.description else ''})"
                for n in others
            )
            yield failed(
                seen.id,
                f"public subnet {seen.id} ({seen.az}) holds more than the ALB "
                f"{design.edge.alb.name} and the NAT gateway: {listed}",
            )
        else:
            yield passed(
                seen.id,
                f"public subnet {seen.id} ({seen.az}) holds only the ALB and the NAT gateway",
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
        yield no_design_vpc(design)
        return
    for want, seen in designed_subnets(vpcs, vpc, design, PRIVATE_TIERS):
        if seen is None:
            yield _missing_subnet(want)
        elif seen.map_public_ip_on_launch:
            yield failed(
                seen.id,
                f"{want.tier} subnet {seen.id} assigns public IPv4 "
                "addresses on launch; the design keeps it private",
            )
        else:
            yield passed(seen.id, f"{want.tier} subnet {seen.id} assigns no public IP on launch")


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
        yield no_design_vpc(design)
        return
    nats = {n.id: n for n in routing.nat_gateways}
    for want, seen in designed_subnets(vpcs, vpc, design, PRIVATE_TIERS):
        if seen is None:
            yield _missing_subnet(want)
            continue
        table = routing.table_for(seen)
        defaults = [
            r for r in (table.routes if table else ()) if r.destination in ("0.0.0.0/0", "::/0")
        ]
        to_igw = [r for r in defaults if r.target.startswith("igw-")]
        v4 = next((r for r in defaults if r.destination == "0.0.0.0/0"), None)
        where = f"{want.tier} subnet {seen.id} ({seen.az})"
        if to_igw:
            yield failed(
                seen.id,
                f"{where} routes {to_igw[0].destination} to internet gateway "
                f"{to_igw[0].target}; the design routes it through a NAT gateway",
            )
        elif v4 is None or not v4.target.startswith("nat-"):
            target = v4.target if v4 else "nothing"
            yield failed(
                seen.id,
                f"{where} routes 0.0.0.0/0 to {target}; the design routes it through a NAT gateway",
            )
        elif design.network.nat_gateways == "one-per-az" and (
            (nat := nats.get(v4.target)) is None
            or (nat_subnet := vpcs.subnet(nat.subnet_id)) is None
            or nat_subnet.az != seen.az
        ):
            yield failed(
                seen.id,
                f"{where} routes 0.0.0.0/0 to {v4.target}, which is not the "
                "NAT gateway of its own Availability Zone (the design has one per AZ)",
            )
        else:
            yield passed(seen.id, f"{where} routes 0.0.0.0/0 to NAT gateway {v4.target}")


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
        yield no_design_vpc(design)
        return
    public = {s.id: d for d, s in designed_subnets(vpcs, vpc, design, ("public",)) if s}
    available = [
        n for n in facts[Routing].nat_gateways if n.vpc_id == vpc.id and n.state == "available"
    ]
    if design.network.nat_gateways == "single":
        ids = ", ".join(n.id for n in available) or "none"
        result = passed if len(available) == 1 else failed
        yield result(
            vpc.id,
            f"VPC {vpc.id} has {len(available)} available NAT gateway(s) "
            f"({ids}); the design has a single one",
        )
        return
    for az in design.network.availability_zones:
        in_az = [n for n in available if n.subnet_id in public and public[n.subnet_id].az == az]
        ids = ", ".join(n.id for n in in_az) or "none"
        if len(in_az) == 1:
            yield passed(az, f"{az} has one NAT gateway ({ids}) in its public subnet")
        else:
            yield failed(
                az,
                f"{az} has {len(in_az)} available NAT gateways in its public "
                f"subnet ({ids}); the design has exactly one per Availability Zone",
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
        yield no_design_vpc(design)
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
        if ready:
            yield passed(ready[0].id, f"{label} {ready[0].id} is available in {vpc.id}")
        elif match:
            yield failed(match[0].id, f"{label} {match[0].id} is {match[0].state}, not available")
        else:
            yield failed(label, f"VPC {vpc.id} has no {kind.lower()} endpoint for {service}")


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
        yield no_design_vpc(design)
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
    if good:
        yield passed(vpc.id, f"VPC {vpc.id} logs {want.traffic_type} traffic to {want.log_group}")
    elif logs:
        seen = "; ".join(f"{f.id}: {f.traffic_type} to {f.log_group}, {f.status}" for f in logs)
        yield failed(
            vpc.id,
            f"VPC {vpc.id} has flow logs, but none is ACTIVE with "
            f"{want.traffic_type} traffic to {want.log_group}: {seen}",
        )
    else:
        yield failed(
            vpc.id,
            f"VPC {vpc.id} has no flow log; the design logs "
            f"{want.traffic_type} traffic to {want.log_group}",
        )
