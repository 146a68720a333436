"""Rules that relate one part of the design to another.

Each returns located problems (a path into the document and a message), so that an
error points at the line to fix, not at the top of the file.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from eks_refarch.design.model import EXTERNAL_PARTIES, Design

Loc = tuple[str | int, ...]
Issue = tuple[Loc, str]


def cross_check(design: Design) -> list[Issue]:
    """Every cross-field problem of a design that passed field validation."""
    issues: list[Issue] = []
    for rule in (
        _subnets,
        _node_ports,
        _unique_names,
        _owners,
        _kms_references,
        _audit_trail,
        _edge,
        _endpoint,
        _injection,
        _microservice_references,
        _platform_references,
        _decisions,
    ):
        issues.extend(rule(design))
    return issues


def _duplicates(values: Iterable[str]) -> set[str]:
    return {value for value, n in Counter(values).items() if n > 1}


def _subnets(design: Design) -> Iterator[Issue]:
    net = design.network
    vpc = ipaddress.IPv4Network(net.vpc_cidr)
    zones = net.availability_zones
    for z in sorted(_duplicates(zones)):
        yield ("network", "availability_zones"), f"availability zone {z!r} is listed twice"
    seen: list[tuple[int, ipaddress.IPv4Network]] = []
    for i, subnet in enumerate(net.subnets):
        cidr = ipaddress.IPv4Network(subnet.cidr)
        loc: Loc = ("network", "subnets", i, "cidr")
        if not cidr.subnet_of(vpc):
            yield loc, f"subnet {cidr} is not inside the VPC CIDR {vpc}"
        for j, other in seen:
            if cidr.overlaps(other):
                yield loc, f"subnet {cidr} overlaps network.subnets[{j}] ({other})"
        seen.append((i, cidr))
        if subnet.az not in zones:
            yield (
                ("network", "subnets", i, "az"),
                f"expected one of the availability zones {list(zones)}, found {subnet.az!r}",
            )
    for tier in ("public", "private-app", "private-data"):
        for az in zones:
            found = [i for i, s in enumerate(net.subnets) if s.tier == tier and s.az == az]
            if not found:
                yield (
                    ("network", "subnets"),
                    f"no {tier} subnet in {az} (expected one per tier per AZ)",
                )
            for extra in found[1:]:
                yield (
                    ("network", "subnets", extra),
                    f"a second {tier} subnet in {az} (expected one per tier per AZ; "
                    f"the first is network.subnets[{found[0]}])",
                )


def _node_ports(design: Design) -> Iterator[Issue]:
    ports = design.mesh.ingress_gateway.node_ports
    if ports.http == ports.status:
        yield (
            ("mesh", "ingress_gateway", "node_ports", "status"),
            f"expected a nodePort distinct from node_ports.http, found {ports.status} for both",
        )


def _unique_names(design: Design) -> Iterator[Issue]:
    groups: list[tuple[Loc, list[str], str]] = [
        (("platform", "components"), [c.name for c in design.platform.components], "component"),
        (("microservices",), [m.name for m in design.microservices], "microservice"),
        (("eks", "node_groups"), [n.name for n in design.eks.node_groups], "node group"),
        (("data", "databases"), [d.name for d in design.data.databases], "database"),
        (("data", "caches"), [c.name for c in design.data.caches], "cache"),
        (("data", "buckets"), [b.name for b in design.data.buckets], "bucket"),
        (("data", "secrets"), [s.name for s in design.data.secrets], "secret"),
        (("security", "kms_keys"), [k.alias for k in design.security.kms_keys], "KMS alias"),
        (("decisions",), [d.id for d in design.decisions], "decision id"),
    ]
    # The field that holds the name, where it is not called "name".
    keys = {"KMS alias": "alias", "decision id": "id"}
    for loc, names, what in groups:
        for name in sorted(_duplicates(names)):
            index = [i for i, n in enumerate(names) if n == name][1]
            yield (*loc, index, keys.get(what, "name")), f"{what} name {name!r} is used twice"
    # Components, services and data stores share one namespace of names, because
    # dependencies and diagrams refer to them by name alone.
    owners: dict[str, str] = {}
    for loc, names, what in groups[:2] + groups[3:5]:
        for i, name in enumerate(names):
            if name in owners and owners[name] != what:
                yield (*loc, i, "name"), f"name {name!r} is already used by a {owners[name]}"
            owners.setdefault(name, what)


def _owners(design: Design) -> Iterator[Issue]:
    known = set(design.owners)
    sections: dict[str, str] = {
        "network": design.network.owner,
        "security": design.security.owner,
        "edge": design.edge.owner,
        "eks": design.eks.owner,
        "mesh": design.mesh.owner,
        "platform": design.platform.owner,
        "data": design.data.owner,
        "registry": design.registry.owner,
    }
    for section, owner in sections.items():
        if owner not in known:
            yield (section, "owner"), f"expected one of the owners {sorted(known)}, found {owner!r}"


def _kms_references(design: Design) -> Iterator[Issue]:
    aliases = {k.alias for k in design.security.kms_keys}
    refs: list[tuple[Loc, str]] = [
        (("eks", "secrets_encryption", "kms_key"), design.eks.secrets_encryption.kms_key),
        (("registry", "kms_key"), design.registry.kms_key),
        (("security", "audit_trail", "kms_key"), design.security.audit_trail.kms_key),
    ]
    refs += [
        (("data", "databases", i, "kms_key"), d.kms_key)
        for i, d in enumerate(design.data.databases)
    ]
    refs += [
        (("data", "secrets", i, "kms_key"), s.kms_key) for i, s in enumerate(design.data.secrets)
    ]
    for loc, alias in refs:
        if alias not in aliases:
            yield (
                loc,
                f"expected a KMS alias declared in security.kms_keys {sorted(aliases)}, "
                f"found {alias!r}",
            )


def _audit_trail(design: Design) -> Iterator[Issue]:
    buckets = [b.name for b in design.data.buckets]
    trail = design.security.audit_trail
    if trail.bucket not in buckets:
        yield (
            ("security", "audit_trail", "bucket"),
            f"expected a bucket declared in data.buckets {buckets}, found {trail.bucket!r}",
        )


def _in_zone(host: str, zone: str) -> bool:
    return host == zone or host.endswith("." + zone)


def _edge(design: Design) -> Iterator[Issue]:
    edge = design.edge
    buckets = {b.name for b in design.data.buckets}
    if edge.alb.access_logs.bucket not in buckets:
        yield (
            ("edge", "alb", "access_logs", "bucket"),
            f"expected a bucket declared in data.buckets {sorted(buckets)}, "
            f"found {edge.alb.access_logs.bucket!r}",
        )
    if edge.alb.scheme == "internet-facing" and edge.alb.subnet_tier != "public":
        yield (
            ("edge", "alb", "subnet_tier"),
            f"an internet-facing ALB needs the public tier, found {edge.alb.subnet_tier!r}",
        )
    if edge.alb.https_port == edge.alb.http_redirect_port:
        yield ("edge", "alb", "http_redirect_port"), "expected a port distinct from https_port"
    if not _in_zone(edge.dns.record, edge.dns.zone):
        yield (
            ("edge", "dns", "record"),
            f"expected a name inside the zone {edge.dns.zone!r}, found {edge.dns.record!r}",
        )
    names = (edge.certificate.domain, *edge.certificate.subject_alternative_names)
    for i, m in enumerate(design.microservices):
        if m.route is None:
            continue
        if not _in_zone(m.route.host, edge.dns.zone):
            yield (
                ("microservices", i, "route", "host"),
                f"expected a host inside the zone {edge.dns.zone!r}, found {m.route.host!r}",
            )
        if not any(_covers(n, m.route.host) for n in names):
            yield (
                ("microservices", i, "route", "host"),
                f"host {m.route.host!r} is not covered by the certificate's names {list(names)}",
            )
    routes = [f"{m.route.host}{m.route.path}" for m in design.microservices if m.route is not None]
    for route in sorted(_duplicates(routes)):
        yield ("microservices",), f"route {route} is served by two microservices"


def _covers(name: str, host: str) -> bool:
    if name.startswith("*."):
        rest = host.split(".", 1)
        return len(rest) == 2 and rest[1] == name[2:]
    return name == host


def _endpoint(design: Design) -> Iterator[Issue]:
    ep = design.eks.endpoint
    loc: Loc = ("eks", "endpoint")
    if not (ep.private_access or ep.public_access):
        yield loc, "expected private_access or public_access (or both) to be true"
    if not ep.public_access and ep.public_access_cidrs:
        yield (*loc, "public_access_cidrs"), "expected no CIDRs while public_access is false"
    if ep.public_access and not ep.public_access_cidrs:
        yield (
            (*loc, "public_access_cidrs"),
            "expected the CIDRs allowed to reach the public endpoint "
            "(an open endpoint is not a design)",
        )
    for i, cidr in enumerate(ep.public_access_cidrs):
        if ipaddress.IPv4Network(cidr).prefixlen == 0:
            yield (*loc, "public_access_cidrs", i), "expected a restricted CIDR, found 0.0.0.0/0"


def _injection(design: Design) -> Iterator[Issue]:
    inj = design.mesh.injection
    if inj.label == "istio.io/rev" and inj.revision is None:
        yield (
            ("mesh", "injection", "revision"),
            "expected a revision when the label is istio.io/rev",
        )
    if inj.label == "istio-injection" and inj.revision is not None:
        yield (
            ("mesh", "injection", "revision"),
            "expected no revision with the istio-injection label",
        )
    labelled = set(inj.namespaces)
    for i, m in enumerate(design.microservices):
        if m.namespace not in labelled:
            yield (
                ("microservices", i, "namespace"),
                f"namespace {m.namespace!r} is not injection-labelled "
                f"(expected it in mesh.injection.namespaces {sorted(labelled)})",
            )
    gateway_ns = design.mesh.ingress_gateway.namespace
    if gateway_ns in labelled:
        yield (
            ("mesh", "injection", "namespaces"),
            f"the ingress gateway namespace {gateway_ns!r} runs its own Envoy "
            "and must not be injection-labelled",
        )


def _microservice_references(design: Design) -> Iterator[Issue]:
    services = {m.name for m in design.microservices}
    targets = services | set(design.data_store_names)
    for i, m in enumerate(design.microservices):
        for j, dep in enumerate(m.depends_on):
            loc: Loc = ("microservices", i, "depends_on", j)
            if dep == m.name:
                yield loc, f"microservice {m.name!r} depends on itself"
            elif dep not in targets:
                yield (
                    loc,
                    f"expected a microservice or data store name {sorted(targets)}, found {dep!r}",
                )
    for i, secret in enumerate(design.data.secrets):
        for j, user in enumerate(secret.used_by):
            if user not in services:
                yield (
                    ("data", "secrets", i, "used_by", j),
                    f"expected a microservice name {sorted(services)}, found {user!r}",
                )


def _platform_references(design: Design) -> Iterator[Issue]:
    components = {c.name for c in design.platform.components}
    allowed = components | set(EXTERNAL_PARTIES)
    for i, c in enumerate(design.platform.components):
        for field in ("watches", "feeds"):
            for j, ref in enumerate(getattr(c, field)):
                if ref not in allowed:
                    yield (
                        ("platform", "components", i, field, j),
                        f"expected a component name or one of {list(EXTERNAL_PARTIES)}, "
                        f"found {ref!r}",
                    )


def _decisions(design: Design) -> Iterator[Issue]:
    ids = {d.id for d in design.decisions}
    for i, c in enumerate(design.platform.components):
        if c.decision not in ids:
            yield (
                ("platform", "components", i, "decision"),
                f"expected a decision id declared in decisions {sorted(ids)}, found {c.decision!r}",
            )
    tree = design.model_dump(mode="json")
    for i, d in enumerate(design.decisions):
        for j, ref in enumerate(d.governs):
            if resolve(tree, ref) is _MISSING:
                yield (
                    ("decisions", i, "governs", j),
                    f"expected a path into the design such as 'edge.alb' or 'platform.argo-cd', "
                    f"found {ref!r}, which does not resolve",
                )


_MISSING = object()


def resolve(tree: Any, ref: str) -> Any:
    """Follow a dotted design path; list items are selected by their name, id or alias.

    ``platform.argo-cd`` is the component named argo-cd: ``platform`` holds ``components``,
    the one list of that section, so it may be left out.
    """
    node = tree
    for part in ref.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
            continue
        if isinstance(node, dict):
            lists = [v for v in node.values() if isinstance(v, list)]
            node = lists[0] if len(lists) == 1 else node
        if isinstance(node, list):
            match = [
                item
                for item in node
                if isinstance(item, dict)
                and part in (item.get("name"), item.get("id"), item.get("alias"))
            ]
            if match:
                node = match[0]
                continue
        return _MISSING
    return node
