"""Pure lookups that join AWS facts to the design: subnets by CIDR, keys by alias.

The design names no AWS ids; it names CIDRs, names and aliases. These helpers are the one
place where an id seen in the account is matched to the element of the design it plays.
"""

from __future__ import annotations

from collections.abc import Iterable

from eks_refarch.conformance.aws.facts import KmsKeys, Subnet, Vpc, Vpcs
from eks_refarch.conformance.model import Result, failed
from eks_refarch.design import Design
from eks_refarch.design.model import Subnet as DesignedSubnet
from eks_refarch.design.model import SubnetTier


def design_vpc(vpcs: Vpcs, design: Design) -> Vpc | None:
    """The one VPC that holds the designed CIDR block, or None when there is not exactly one."""
    found = vpcs.with_cidr(design.network.vpc_cidr)
    return found[0] if len(found) == 1 else None


def no_design_vpc(design: Design) -> Result:
    return failed(
        design.network.vpc_cidr,
        f"no single VPC has the designed CIDR block {design.network.vpc_cidr}, so its "
        "subnets cannot be told apart (see vpc_cidr_matches_design)",
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


def describe_subnets(subnet_ids: Iterable[str], vpcs: Vpcs, design: Design) -> str:
    """``subnet-1 (public, ap-northeast-1a), subnet-9 (not in the design)`` for messages."""
    parts = []
    for subnet_id in subnet_ids:
        subnet = vpcs.subnet(subnet_id)
        tier = tier_of(subnet_id, vpcs, design)
        where = f"{tier}, {subnet.az}" if tier and subnet else "not a designed subnet"
        parts.append(f"{subnet_id} ({where})")
    return ", ".join(parts) or "none"


def key_matches(reference: str | None, alias: str, keys: KmsKeys) -> bool:
    """Whether a KMS key reference (id, ARN, alias) is the key behind the designed alias."""
    wanted = keys.aliases.get(alias)
    return wanted is not None and keys.key_id(reference) == wanted


def describe_key(reference: str | None, keys: KmsKeys) -> str:
    """A key reference as a reader knows it: its alias when it has one."""
    if not reference:
        return "the AWS managed key"
    key_id = keys.key_id(reference)
    names = sorted(a for a, k in keys.aliases.items() if k == key_id)
    return f"{reference} ({', '.join(names)})" if names else reference
