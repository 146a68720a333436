"""Pure lookups that join AWS facts to the design: the design's VPC, subnets by CIDR, keys
by alias, and which address ranges are the internet.

The design names no AWS ids; it names CIDRs, names and aliases. These helpers are the one
place where an id seen in the account is matched to the element of the design it plays,
and where a look-alike (another team's VPC with the same CIDR block) is told apart from
it by evidence, or named as a candidate when it cannot be.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce

from eks_refarch.conformance.aws.facts import Alb, KmsKeys, Subnet, Vpc, Vpcs
from eks_refarch.conformance.model import Result, errored, failed
from eks_refarch.design import Design
from eks_refarch.design.model import Subnet as DesignedSubnet
from eks_refarch.design.model import SubnetTier
from eks_refarch.i18n import Message, Text, joined, msg

# Address space that never routes to the internet: RFC 1918, shared address space
# (RFC 6598), link-local and loopback, and their IPv6 counterparts (unique local,
# link-local, loopback). Everything else, however it is split, is the internet.
PRIVATE_SPACE = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "169.254.0.0/16",
    "127.0.0.0/8",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class VpcChoice:
    """The design's VPC, the VPCs that have its CIDR block, and why one was chosen."""

    vpc: Vpc | None
    candidates: tuple[Vpc, ...]
    reason: Message | None = None  # set when one was chosen among several


def choose_vpc(vpcs: Vpcs, design: Design) -> VpcChoice:
    """The VPC with the designed CIDR block; among several, the one that holds the designed
    ALB or cluster (and only one does)."""
    found = vpcs.with_cidr(design.network.vpc_cidr)
    if len(found) < 2:
        return VpcChoice(found[0] if found else None, found)
    holding = [v for v in found if v.holds]
    if len(holding) == 1:
        chosen = holding[0]
        return VpcChoice(
            chosen,
            found,
            msg(
                "chosen among {candidates}, which all have it, because it holds {evidence}",
                candidates=joined(v.id for v in found),
                evidence=joined(chosen.holds),
            ),
        )
    return VpcChoice(None, found)


def design_vpc(vpcs: Vpcs, design: Design) -> Vpc | None:
    """The design's VPC, or None when there is none or it cannot be told apart."""
    return choose_vpc(vpcs, design).vpc


def no_design_vpc(vpcs: Vpcs, design: Design) -> Result:
    """The result of a check that needs the design's VPC and has none to judge."""
    cidr = design.network.vpc_cidr
    choice = choose_vpc(vpcs, design)
    if len(choice.candidates) > 1:
        return errored(cidr, ambiguous_vpcs(choice, cidr))
    return failed(
        cidr,
        msg(
            "no VPC has the designed CIDR block {cidr}, so its subnets cannot be told "
            "apart (see vpc_cidr_matches_design)",
            cidr=cidr,
        ),
    )


def undecided_vpc(vpcs: Vpcs, design: Design) -> Result | None:
    """An `error` result when several VPCs could be the design's, else None. Checks that
    place subnets in tiers say this first: with the VPC undecided no subnet has a tier,
    and "outside its tier" would be a failure that only the ambiguity caused."""
    choice = choose_vpc(vpcs, design)
    if choice.vpc is None and len(choice.candidates) > 1:
        return errored(design.network.vpc_cidr, ambiguous_vpcs(choice, design.network.vpc_cidr))
    return None


def ambiguous_vpcs(choice: VpcChoice, cidr: str) -> Message:
    described = [
        msg("{vpc} (holds {evidence})", vpc=v.id, evidence=joined(v.holds))
        if v.holds
        else msg("{vpc} (holds neither the designed ALB nor the cluster)", vpc=v.id)
        for v in choice.candidates
    ]
    return msg(
        "{count} VPCs have the designed CIDR block {cidr}: {candidates}; refarch cannot "
        "tell which one is the design's",
        count=len(choice.candidates),
        cidr=cidr,
        candidates=joined(described),
    )


def designed_subnets(
    vpcs: Vpcs, vpc: Vpc, design: Design, tiers: Iterable[SubnetTier]
) -> list[tuple[DesignedSubnet, Subnet | None]]:
    """Each designed subnet of ``tiers`` with the subnet of the same CIDR in ``vpc``."""
    wanted = set(tiers)
    by_cidr = {s.cidr: s for s in vpcs.in_vpc(vpc.id)}
    return [(d, by_cidr.get(d.cidr)) for d in design.network.subnets if d.tier in wanted]


def tier_of(subnet_id: str, vpcs: Vpcs, design: Design) -> str | None:
    """The designed tier of a subnet, matched by CIDR inside the design's VPC."""
    vpc = design_vpc(vpcs, design)
    subnet = vpcs.subnet(subnet_id)
    if vpc is None or subnet is None or subnet.vpc_id != vpc.id:
        return None
    return next((d.tier for d in design.network.subnets if d.cidr == subnet.cidr), None)


def describe_subnets(subnet_ids: Iterable[str], vpcs: Vpcs, design: Design) -> Text:
    """``subnet-1 (public, ap-northeast-1a), subnet-9 (not a designed subnet)`` for messages."""
    parts: list[Text] = []
    for subnet_id in subnet_ids:
        subnet = vpcs.subnet(subnet_id)
        tier = tier_of(subnet_id, vpcs, design)
        if tier and subnet:
            parts.append(msg("{subnet} ({tier}, {az})", subnet=subnet_id, tier=tier, az=subnet.az))
        else:
            parts.append(msg("{subnet} (not a designed subnet)", subnet=subnet_id))
    return joined(parts) if parts else msg("none")


def key_matches(reference: str | None, alias: str, keys: KmsKeys) -> bool:
    """Whether a KMS key reference (id, ARN, alias) is the key behind the designed alias."""
    wanted = keys.aliases.get(alias)
    return wanted is not None and keys.key_id(reference) == wanted


def describe_key(reference: str | None, keys: KmsKeys) -> Text:
    """A key reference as a reader knows it: its alias when it has one."""
    if not reference:
        return msg("the AWS managed key")
    key_id = keys.key_id(reference)
    names = sorted(a for a, k in keys.aliases.items() if k == key_id)
    return msg("{key} ({aliases})", key=reference, aliases=joined(names)) if names else reference


def on_off(value: bool) -> Message:
    return msg("on") if value else msg("off")


def missing_alb(alb: Alb) -> Result:
    """The result of a check on the designed ALB when it was not found."""
    if alb.candidates:
        return errored(
            alb.name,
            msg(
                "no load balancer is named {name}, the designed ALB, and several could be it: "
                "{candidates}",
                name=alb.name,
                candidates=joined(alb.candidates),
            ),
        )
    return failed(
        alb.name, msg("no load balancer is named {name}, the designed ALB", name=alb.name)
    )


def leaves_private_space(cidr: str, own: Iterable[str] = ()) -> bool:
    """Whether any address of ``cidr`` is outside private space and the ``own`` ranges
    (the VPC's blocks): ``0.0.0.0/1`` does, as does ``203.0.113.7/32``; ``10.0.0.0/8``
    does not. A range that does not parse is taken for the internet."""
    try:
        network: Network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return True
    inside = [
        block
        for block in map(_network, (*PRIVATE_SPACE, *own))
        if block is not None and block.version == network.version
    ]
    return bool(reduce(_without, inside, [network]))


def _network(cidr: str) -> Network | None:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def _without(remaining: list[Network], block: Network) -> list[Network]:
    """``remaining`` minus ``block``, as a list of networks."""
    left: list[Network] = []
    for net in remaining:
        if net.subnet_of(block):  # type: ignore[arg-type]
            continue
        if block.subnet_of(net):  # type: ignore[arg-type]
            left.extend(net.address_exclude(block))  # type: ignore[arg-type]
        else:
            left.append(net)
    return left
