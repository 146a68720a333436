"""Rules for ingress routing: VirtualServices bound to the ingress gateway, reaching real Services.

The gateway pods are the ones behind the gateway Service (the Service the ALB's
nodePort leads to); a Gateway resource "selects the ingress gateway" when every label
it selects on is one of that Service's selector labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from eks_refarch.conformance.cluster.facts import (
    Destination,
    Gateway,
    Gateways,
    HttpRoute,
    Service,
    Services,
    VirtualService,
    VirtualServices,
)
from eks_refarch.conformance.cluster.gateway import gateway_service
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    failed,
    passed,
    skipped,
)
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.design.model import Microservice
from eks_refarch.i18n import Message, Text, joined, msg
from eks_refarch.manifests.names import CLUSTER_DOMAIN, gateway_ref, routed_hosts

VS_DOCS = "https://istio.io/latest/docs/reference/config/networking/virtual-service/"
GATEWAY_DOCS = "https://istio.io/latest/docs/reference/config/networking/gateway/"
PROTOCOL_DOCS = (
    "https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/"
)
MESH = "mesh"


def gateway_key(ref: str, namespace: str) -> tuple[str, str] | None:
    """A VirtualService's gateway reference as (namespace, name); None for ``mesh``.

    ``name`` alone means the VirtualService's own namespace; ``namespace/name`` is
    explicit; the legacy ``name.namespace.svc.cluster.local`` form is accepted too.
    """
    if ref == MESH:
        return None
    if "/" in ref:
        ns, _, name = ref.partition("/")
        return ns, name
    parts = ref.split(".")
    if len(parts) > 1:
        return parts[1], parts[0]
    return namespace, ref


def service_key(host: str, namespace: str) -> tuple[str, str] | None:
    """A destination host as the (namespace, name) of a cluster Service; None if external."""
    if "." not in host:
        return namespace, host
    parts = host.split(".")
    if len(parts) == 2 or ".".join(parts[2:]) in ("svc", CLUSTER_DOMAIN):
        return parts[1], parts[0]
    return None


def host_matches(pattern: str, host: str) -> bool:
    """Istio's host matching: exact, ``*``, or a ``*.suffix`` wildcard."""
    if pattern == "*" or pattern == host:
        return True
    return pattern.startswith("*.") and host.endswith(pattern[1:])


def serves(gateway: Gateway, host: str, vs_namespace: str) -> bool:
    """Whether one of the Gateway's servers lists ``host`` for a VirtualService's namespace."""
    for server in gateway.servers:
        for entry in server.hosts:
            ns, _, pattern = entry.rpartition("/")
            if ns in ("", "*") or (ns == "." and vs_namespace == gateway.meta.namespace):
                if host_matches(pattern, host):
                    return True
            elif ns == vs_namespace and host_matches(pattern, host):
                return True
    return False


def _selects(gateway: Gateway, pod_labels: Mapping[str, str]) -> bool:
    selector = gateway.selector
    return bool(selector) and all(pod_labels.get(k) == v for k, v in selector.items())


def _labels(labels: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}"


def _bound_gateways(vs: VirtualService) -> list[tuple[str, str]]:
    keys = [gateway_key(ref, vs.meta.namespace) for ref in vs.gateways]
    return [k for k in keys if k is not None]


def _find_vs(items: tuple[VirtualService, ...], key: tuple[str, str]) -> VirtualService | None:
    return next((v for v in items if (v.meta.namespace, v.meta.name) == key), None)


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Bind the VirtualService to the designed Gateway (gateway namespace/name) and "
        "make that Gateway select the ingress gateway pods and list the host.",
        kubernetes="VirtualService.spec.gateways: [<mesh.ingress_gateway.namespace>/"
        "<mesh.ingress_gateway.gateway_resource>]",
    ),
    references=(VS_DOCS, GATEWAY_DOCS),
    decision="ADR-0002",
    needs=[VirtualServices, Gateways, Services],
)
def istio_virtualservices_bound_to_gateway(facts: Facts, design: Design) -> Iterator[Result]:
    """Every VirtualService host is served by a Gateway that selects the ingress gateway.

    A VirtualService bound to a Gateway that does not exist, that selects other pods
    (an egress gateway, say) or that does not list the host configures nothing on the
    ingress gateway: requests from the ALB for that host get a 404.
    """
    items = facts[VirtualServices].items
    gateways = {(g.meta.namespace, g.meta.name): g for g in facts[Gateways].items}
    service = gateway_service(facts[Services], design)
    gw = design.mesh.ingress_gateway
    routed = set(routed_hosts(design))
    for vs in items:
        resource = str(vs.meta)
        if vs.is_delegate:
            roots = [
                str(r.meta)
                for r in items
                if not r.is_delegate  # Istio follows one level of delegation only
                for route in r.http
                if route.delegate == (vs.meta.namespace, vs.meta.name)
            ]
            if roots:
                yield passed(
                    resource,
                    msg("a delegate, reached through {roots}", roots=joined(sorted(set(roots)))),
                )
            else:
                yield failed(
                    resource,
                    vs.meta.located(
                        msg(
                            "a delegate (no hosts) that no root VirtualService delegates to: "
                            "nothing routes to it"
                        )
                    ),
                )
            continue
        bound = _bound_gateways(vs)
        if not bound:
            unbound = sorted(routed & set(vs.hosts))
            if unbound:
                yield failed(
                    resource,
                    vs.meta.located(
                        msg(
                            "serves the routed host(s) {hosts} but is bound to no gateway; "
                            "expected {gateway}",
                            hosts=joined(unbound),
                            gateway=gateway_ref(design),
                        )
                    ),
                )
            else:
                yield skipped(resource, msg("mesh-internal: bound to no gateway"))
            continue
        if service is None:
            gateway_service_name = f"{gw.namespace}/{gw.name}"
            yield failed(
                resource,
                msg(
                    "cannot tell which pods are the ingress gateway: Service {service} not found",
                    service=gateway_service_name,
                ),
            )
            continue
        problems: list[Message] = []
        served: dict[str, str] = {}
        for key in bound:
            ref = "/".join(key)
            gateway = gateways.get(key)
            if gateway is None:
                problems.append(msg("Gateway {gateway} not found", gateway=ref))
            elif not _selects(gateway, service.selector):
                problems.append(
                    msg(
                        "Gateway {gateway} selects {selector}, not the ingress gateway pods "
                        "{labels}",
                        gateway=ref,
                        selector=_labels(gateway.selector),
                        labels=_labels(service.selector),
                    )
                )
            else:
                for host in vs.hosts:
                    if serves(gateway, host, vs.meta.namespace):
                        served.setdefault(host, ref)
        unserved = [h for h in vs.hosts if h not in served]
        if unserved:
            detail = (
                joined(problems, style="clauses")
                if problems
                else msg("no bound Gateway lists them")
            )
            yield failed(
                resource,
                vs.meta.located(
                    msg(
                        "host(s) {hosts} not served by a Gateway that selects the ingress "
                        "gateway: {detail}",
                        hosts=joined(unserved),
                        detail=detail,
                    )
                ),
            )
        else:
            via = [
                msg("{host} by Gateway {gateway}", host=h, gateway=ref) for h, ref in served.items()
            ]
            yield passed(resource, msg("served on the ingress gateway: {via}", via=joined(via)))


def _port_problem(destination: Destination, service: Service) -> Message | None:
    if destination.port is None:
        if len(service.ports) != 1:
            return msg(
                "no port given and {service} has {count} ports",
                service=str(service.meta),
                count=len(service.ports),
            )
        port = service.ports[0]
    else:
        match = next((p for p in service.ports if p.port == destination.port), None)
        if match is None:
            return msg(
                "{service} has no port {port} (ports {ports})",
                service=str(service.meta),
                port=destination.port,
                ports=joined(p.port for p in service.ports),
            )
        port = match
    if not port.name:
        return msg(
            "{service} port {port} has no name (Istio selects the protocol from the port name "
            "or appProtocol)",
            service=str(service.meta),
            port=port.port,
        )
    return None


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Point each route at an existing Service and port, and name the Service's port "
        "after its protocol (http, grpc, tcp...).",
        kubernetes="Service.spec.ports[*].name, VirtualService...route[*].destination",
    ),
    references=(VS_DOCS, PROTOCOL_DOCS),
    decision="ADR-0004",
    needs=[VirtualServices, Services],
)
def istio_destinations_named_service_ports(facts: Facts, design: Design) -> Iterator[Result]:
    """Every routed destination is an existing Service with a named port.

    A route to a missing Service answers 503 (no healthy upstream); an unnamed port
    makes Istio treat HTTP as opaque TCP, losing retries, routing and telemetry.
    """
    services = {(s.meta.namespace, s.meta.name): s for s in facts[Services].items}
    items = facts[VirtualServices].items
    for vs in items:
        destinations = [d for r in vs.http for d in r.destinations] + list(vs.other_destinations)
        problems: list[Message] = []
        reached: list[Message] = []
        external: list[str] = []
        for route in vs.http:
            if route.delegate is not None:
                target = _find_vs(items, route.delegate)
                ref = "/".join(route.delegate)
                if target is None or not target.is_delegate:
                    problems.append(
                        msg(
                            "route {route} delegates to {delegate}: no such delegate",
                            route=repr(route.name),
                            delegate=ref,
                        )
                    )
                else:
                    reached.append(msg("delegate {delegate}", delegate=ref))
        for destination in destinations:
            key = service_key(destination.host, vs.meta.namespace)
            if key is None:
                external.append(destination.host)
                continue
            service = services.get(key)
            if service is None:
                problems.append(
                    msg(
                        "{host}: no Service {service}",
                        host=destination.host,
                        service="/".join(key),
                    )
                )
                continue
            problem = _port_problem(destination, service)
            if problem:
                problems.append(msg("{host}: {problem}", host=destination.host, problem=problem))
            else:
                reached.append(msg("Service {service} (named port)", service="/".join(key)))
        if problems:
            yield failed(str(vs.meta), vs.meta.located(joined(problems, style="clauses")))
        elif reached:
            yield passed(
                str(vs.meta),
                msg("routes to {destinations}", destinations=joined(sorted(set(reached), key=str))),
            )
        elif external:
            yield skipped(
                str(vs.meta),
                msg("routes only to hosts outside the cluster {hosts}", hosts=joined(external)),
            )
        else:
            yield skipped(str(vs.meta), msg("no route destinations"))
    if not facts[VirtualServices].items:
        yield skipped("VirtualServices", msg("no VirtualServices"))


@dataclass(frozen=True)
class _Hop:
    vs: VirtualService
    route: HttpRoute


def _regex_matches(pattern: str, path: str) -> bool:
    try:
        return re.fullmatch(pattern, path) is not None
    except re.error:  # Istio would reject the VirtualService; no request matches it
        return False


def _first_match(vs: VirtualService, path: str) -> HttpRoute | None:
    for route in vs.http:
        if not route.matches:
            return route
        for match in route.matches:
            if match.conditional:
                continue
            if (
                match.kind is None
                or (match.kind == "prefix" and path.startswith(match.value))
                or (match.kind == "exact" and path == match.value)
                or (match.kind == "regex" and _regex_matches(match.value, path))
            ):
                return route
    return None


def _hop(hop: _Hop) -> dict[str, Text]:
    name = hop.route.name
    return {"vs": str(hop.vs.meta), "route": repr(name) if name else msg("(unnamed)")}


def _describe(hops: list[_Hop]) -> Message:
    """The routes a request takes, ``VirtualService a/b route 'x' -> ...``, first hop first."""
    *before, last = hops
    path = msg("{vs} route {route}", **_hop(last))
    for hop in reversed(before):
        path = msg("{vs} route {route} -> {rest}", rest=path, **_hop(hop))
    return path


def _trace(
    microservice: Microservice,
    host: str,
    path: str,
    design: Design,
    items: tuple[VirtualService, ...],
) -> Result:
    resource = f"route {host}{path}"
    designed_gateway = gateway_ref(design)
    target = gateway_key(designed_gateway, "")
    roots = [
        v
        for v in items
        if target in _bound_gateways(v) and any(host_matches(h, host) for h in v.hosts)
    ]
    if not roots:
        return failed(
            resource,
            msg(
                "no VirtualService binds {host} to the gateway {gateway}; expected it to reach "
                "{microservice}",
                host=host,
                gateway=designed_gateway,
                microservice=microservice.name,
            ),
        )
    if len(roots) > 1:
        return failed(
            resource,
            msg(
                "{count} VirtualServices bind {host} to {gateway} ({names}); Istio merges them "
                "in creation order, so which route wins is not fixed",
                count=len(roots),
                host=host,
                gateway=designed_gateway,
                names=joined(str(r.meta) for r in roots),
            ),
        )
    hops: list[_Hop] = []
    vs = roots[0]
    while True:
        route = _first_match(vs, path)
        if route is None:
            return failed(
                resource,
                vs.meta.located(
                    msg(
                        "no route of {vs} matches the path {path}",
                        vs=str(vs.meta),
                        path=path,
                    )
                ),
            )
        hops.append(_Hop(vs, route))
        if route.delegate is None:
            break
        ref = "/".join(route.delegate)
        if len(hops) > 1:  # Istio follows one level of delegation only
            return failed(
                resource,
                vs.meta.located(
                    msg(
                        "{hops} delegates again, to {delegate}; Istio follows only one level "
                        "of delegation",
                        hops=_describe(hops),
                        delegate=ref,
                    )
                ),
            )
        delegate = _find_vs(items, route.delegate)
        if delegate is None or not delegate.is_delegate:
            return failed(
                resource,
                msg(
                    "{hops} delegates to {delegate}, which is not a delegate VirtualService",
                    hops=_describe(hops),
                    delegate=ref,
                ),
            )
        vs = delegate
    if route.action != "route" or not route.destinations:
        return failed(
            resource,
            msg(
                "{hops} answers with {action}, not a route",
                hops=_describe(hops),
                action=route.action,
            ),
        )
    wrong = [
        d
        for d in route.destinations
        if service_key(d.host, vs.meta.namespace) != (microservice.namespace, microservice.name)
        or d.port not in (None, microservice.port)
    ]
    name = f"{microservice.namespace}/{microservice.name}"
    expected = msg("Service {service} port {port}", service=name, port=microservice.port)
    if wrong:
        return failed(
            resource,
            hops[0].vs.meta.located(
                msg(
                    "{hops} sends {path} to {seen}; expected {expected}",
                    hops=_describe(hops),
                    path=path,
                    seen=joined(f"{d.host}:{d.port}" for d in wrong),
                    expected=expected,
                )
            ),
        )
    return passed(
        resource, msg("{hops} reaches {expected}", hops=_describe(hops), expected=expected)
    )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Bind one VirtualService per host to the designed Gateway and order its routes "
        "longest prefix first (refarch manifests render writes it with delegates).",
        kubernetes="VirtualService.spec.http[*].match / delegate / route",
    ),
    references=(
        VS_DOCS,
        "https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate",
    ),
    decision="ADR-0002",
    needs=[VirtualServices],
)
def istio_routes_reach_microservices(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed route (host and path) reaches its microservice through the ingress gateway.

    Istio takes the first matching route, so a "/" route placed before "/api/cart"
    sends cart's traffic to the storefront. The rule follows the routes as Istio would
    for a request to each designed path, delegates included.
    """
    items = facts[VirtualServices].items
    for microservice in design.routed_microservices:
        if microservice.route is not None:
            route = microservice.route
            yield _trace(microservice, route.host, route.path, design, items)
