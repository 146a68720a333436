"""The ingress routing rules, read whole: status, resource and message of each result."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.cluster.facts import (
    Gateway,
    Gateways,
    Service,
    Services,
    VirtualService,
    VirtualServices,
)
from eks_refarch.conformance.cluster.routing import gateway_key
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.design.model import Microservice
from eks_refarch.manifests.names import gateway_ref, routed_hosts
from tests.conformance.cluster.kube import GW_LABELS, evaluate, facts_of, service
from tests.conformance.cluster.test_gateway_rules import AT, gateway_svc
from tests.conformance.cluster.test_rules import gateway, vs
from tests.conformance.reading import english

PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP
Read = list[tuple[Status, str, str]]
GW_PODS = "{app: istio-ingressgateway, istio: ingressgateway}"  # GW_LABELS as the rule shows them


def read(check: str, design: Design, *facts: tuple[type[Any], Any]) -> Read:
    results = evaluate(check, facts_of(*facts), design)
    return [(r.status, r.resource, english(r.message)) for r in results]


def routed(design: Design) -> list[Microservice]:
    """The routed microservices, longest path first: the order a VirtualService lists them."""
    return sorted(design.routed_microservices, key=lambda m: -len(where(m)[1]))


def where(m: Microservice) -> tuple[str, str]:
    assert m.route is not None
    return m.route.host, m.route.path


def to(m: Microservice, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    destination = {"host": host or f"{m.name}.{m.namespace}", "port": {"number": port or m.port}}
    return {"route": [{"destination": destination}]}


def trace(design: Design, *items: VirtualService) -> Read:
    return read(
        "istio_routes_reach_microservices", design, (VirtualServices, VirtualServices(items))
    )


def root(design: Design, *http: dict[str, Any], name: str = "root") -> VirtualService:
    gw = design.mesh.ingress_gateway
    hosts = routed_hosts(design)
    return vs(name, gw.namespace, hosts=hosts, gateways=[gateway_ref(design)], http=list(http))


# istio_routes_reach_microservices


def test_each_designed_route_is_followed_through_its_delegate(design: Design) -> None:
    """Each designed path is taken by a prefix route of the root after a conditional match of
    the same route is passed over, then by the unnamed route of a delegate in the
    microservice's namespace whose short host is that namespace's Service."""
    gns = design.mesh.ingress_gateway.namespace
    services = routed(design)
    http = [
        {
            "name": m.name,
            "match": [
                {"uri": {"prefix": where(m)[1]}, "headers": {"x-canary": {"exact": "1"}}},
                {"uri": {"prefix": where(m)[1]}},
            ],
            "delegate": {"name": m.name, "namespace": m.namespace},
        }
        for m in services
    ]
    delegates = [vs(m.name, m.namespace, http=[to(m, host=m.name)]) for m in services]
    other_host = vs("other", gns, hosts=["other.invalid"], gateways=[gateway_ref(design)])
    internal = vs("internal", gns, hosts=list(routed_hosts(design)), http=[])
    found = trace(design, other_host, internal, root(design, *http), *delegates)
    assert found == [
        (
            PASS,
            f"route {''.join(where(m))}",
            f"VirtualService {gns}/root route {m.name!r} -> VirtualService {m.namespace}/{m.name} "
            f"route (unnamed) reaches Service {m.namespace}/{m.name} port {m.port}",
        )
        for m in design.routed_microservices
    ]


def test_a_match_without_a_uri_takes_every_path(design: Design) -> None:
    gns = design.mesh.ingress_gateway.namespace
    first = routed(design)[0]
    found = trace(design, root(design, {"match": [{"name": "all"}], **to(first)}))
    host, path = where(first)
    assert (
        PASS,
        f"route {host}{path}",
        f"VirtualService {gns}/root route (unnamed) reaches Service {first.namespace}/"
        f"{first.name} port {first.port}",
    ) in found


def test_a_route_without_a_virtual_service_or_with_two_fails_naming_them(design: Design) -> None:
    ref = gateway_ref(design)
    gns = design.mesh.ingress_gateway.namespace
    assert trace(design) == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"no VirtualService binds {where(m)[0]} to the gateway {ref}; expected it to reach "
            f"{m.name}",
        )
        for m in design.routed_microservices
    ]
    twice = trace(design, root(design), root(design, name="again"))
    assert twice == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"2 VirtualServices bind {where(m)[0]} to {ref} (VirtualService {gns}/root, "
            f"VirtualService {gns}/again); Istio merges them in creation order, so which route "
            "wins is not fixed",
        )
        for m in design.routed_microservices
    ]


def test_a_path_no_route_matches_fails_at_the_root(design: Design) -> None:
    gns = design.mesh.ingress_gateway.namespace
    found = trace(design, root(design, {"match": [{"uri": {"exact": "/nowhere"}}]}))
    assert found == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"no route of VirtualService {gns}/root matches the path {where(m)[1]}{AT}",
        )
        for m in design.routed_microservices
    ]


# "missing": another delegate that exists is not taken for it; "hosted": a VirtualService
# with hosts is a root, not a delegate.
@pytest.mark.parametrize("target", ["missing", "hosted"])
def test_a_delegate_route_to_no_delegate_fails(design: Design, target: str) -> None:
    gns = design.mesh.ingress_gateway.namespace
    spare = vs("spare", gns, http=[to(routed(design)[0])])
    hosted = vs("hosted", gns, hosts=["hosted.invalid"], http=[to(routed(design)[0])])
    go = root(design, {"name": "go", "delegate": {"name": target}})
    found = trace(design, spare, hosted, go)
    assert found == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"VirtualService {gns}/root route 'go' delegates to {gns}/{target}, which is not a "
            "delegate VirtualService",
        )
        for m in design.routed_microservices
    ]


def test_a_delegate_that_delegates_again_is_not_followed(design: Design) -> None:
    """Istio follows one level of delegation only: a second one routes nothing."""
    gns = design.mesh.ingress_gateway.namespace
    first = routed(design)[0]
    go = root(design, {"name": "go", "delegate": {"name": "d1"}})
    d1 = vs("d1", gns, http=[{"delegate": {"name": "d2"}}])
    d2 = vs("d2", gns, http=[to(first)])
    found = trace(design, go, d1, d2)
    assert found == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"VirtualService {gns}/root route 'go' -> VirtualService {gns}/d1 route (unnamed) "
            f"delegates again, to {gns}/d2; Istio follows only one level of delegation{AT}",
        )
        for m in design.routed_microservices
    ]


@pytest.mark.parametrize("route", [{"redirect": {"uri": "/"}}, {}])
def test_a_route_that_sends_nowhere_fails_with_its_action(
    design: Design, route: dict[str, Any]
) -> None:
    gns = design.mesh.ingress_gateway.namespace
    action = "redirect" if route else "route"
    found = trace(design, root(design, {"name": "away", **route}))
    assert found == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"VirtualService {gns}/root route 'away' answers with {action}, not a route",
        )
        for m in design.routed_microservices
    ]


def test_a_route_to_another_service_or_port_names_what_it_reached(design: Design) -> None:
    gns = design.mesh.ingress_gateway.namespace
    first = routed(design)[0]
    found = trace(design, root(design, {"name": "one", **to(first, port=first.port + 1)}))
    seen = f"{first.name}.{first.namespace}:{first.port + 1}"
    assert found == [
        (
            FAIL,
            f"route {''.join(where(m))}",
            f"VirtualService {gns}/root route 'one' sends {where(m)[1]} to {seen}; expected "
            f"Service {m.namespace}/{m.name} port {m.port}{AT}",
        )
        for m in design.routed_microservices
    ]


@pytest.mark.parametrize(
    ("ref", "namespace", "key"),
    [
        ("gw.istio-ingress", "web", ("istio-ingress", "gw")),
        ("istio-ingress/gw", "web", ("istio-ingress", "gw")),
    ],
)
def test_a_gateway_reference_with_one_dot_or_a_slash_names_its_namespace(
    ref: str, namespace: str, key: tuple[str, str]
) -> None:
    assert gateway_key(ref, namespace) == key


# istio_destinations_named_service_ports


def destinations(*items: VirtualService, services: tuple[Service, ...], design: Design) -> Read:
    return read(
        "istio_destinations_named_service_ports",
        design,
        (VirtualServices, VirtualServices(items)),
        (Services, Services(services)),
    )


def dest(host: str, port: int | None = None) -> dict[str, Any]:
    destination: dict[str, Any] = {"host": host}
    if port is not None:
        destination["port"] = {"number": port}
    return {"route": [{"destination": destination}]}


def test_destinations_are_named_each_with_what_reaches_them_or_not(design: Design) -> None:
    services = (
        service("cart", "checkout", ports=[{"name": "http", "port": 8080}, {"port": 9090}]),
        service("storefront", "web"),
        service("unnamed", "web", ports=[{"port": 8080}]),
    )
    delegate = vs("d", "web", http=[dest("storefront", 8080)])
    good = vs(
        "a",
        "web",
        hosts=["a.invalid"],
        http=[
            {"name": "to-d", "delegate": {"name": "d"}},
            dest("cart.checkout", 8080),
            dest("storefront"),
            dest("storefront.web.svc.cluster.local"),
        ],
    )
    bad = vs(
        "b",
        "web",
        hosts=["b.invalid"],
        http=[
            {"name": "lost", "delegate": {"name": "missing"}},
            {"name": "root", "delegate": {"name": "a"}},
            dest("api.example.org"),
            dest("ghost"),
            dest("cart.checkout", 9999),
            dest("unnamed"),
        ],
    )
    outside = vs(
        "c",
        "web",
        hosts=["c.invalid"],
        http=[dest("api.example.org")],
        tcp=[dest("db.example.net", 5432)],
    )
    nowhere = vs("e", "web", hosts=["e.invalid"], http=[{"redirect": {"uri": "/"}}])
    found = destinations(delegate, good, bad, outside, nowhere, services=services, design=design)
    assert found == [
        (PASS, "VirtualService web/d", "routes to Service web/storefront (named port)"),
        (
            PASS,
            "VirtualService web/a",
            "routes to Service checkout/cart (named port), Service web/storefront (named port), "
            "delegate web/d",
        ),
        (
            FAIL,
            "VirtualService web/b",
            "route 'lost' delegates to web/missing: no such delegate; route 'root' delegates to "
            "web/a: no such delegate; ghost: no Service web/ghost; cart.checkout: Service "
            "checkout/cart has no port 9999 (ports 8080, 9090); unnamed: Service web/unnamed "
            "port 8080 has no name (Istio selects the protocol from the port name or "
            f"appProtocol){AT}",
        ),
        (
            SKIP,
            "VirtualService web/c",
            "routes only to hosts outside the cluster api.example.org, db.example.net",
        ),
        (SKIP, "VirtualService web/e", "no route destinations"),
    ]
    assert destinations(services=services, design=design) == [
        (SKIP, "VirtualServices", "no VirtualServices")
    ]


# istio_virtualservices_bound_to_gateway


def bound(design: Design, *items: VirtualService, gateways: tuple[Gateway, ...] = ()) -> Read:
    return read(
        "istio_virtualservices_bound_to_gateway",
        design,
        (VirtualServices, VirtualServices(items)),
        (Gateways, Gateways(gateways)),
        (Services, Services((gateway_svc(design),))),
    )


def test_each_virtual_service_is_served_or_told_why_not(design: Design) -> None:
    gw = design.mesh.ingress_gateway
    gns, ref = gw.namespace, gateway_ref(design)
    host = routed_hosts(design)[0]
    ingress = {"istio": GW_LABELS["istio"]}
    gateways = (
        gateway(gw.gateway_resource, gns, ingress, [host]),
        gateway("g-star", gns, ingress, [f"*/{host}"]),
        gateway("g-web", gns, ingress, [f"web/{host}"]),
        gateway("g-dot", gns, ingress, [f"./{host}"]),
        gateway("egress", gns, {"istio": "egressgateway", "app": "egress"}, [host]),
    )

    def on(name: str, namespace: str, *refs: str, **spec: Any) -> VirtualService:
        return vs(name, namespace, hosts=[host], gateways=list(refs), **spec)

    found = bound(
        design,
        vs("d", "web", http=[dest("storefront")]),
        on("plain", "web", ref, http=[{"delegate": {"name": "d"}}]),
        on("star", "web", f"g-star.{gns}", http=[{"delegate": {"name": "d"}}]),
        on("own", "web", f"{gns}/g-web"),
        on("dot", "web", f"{gns}/g-dot"),
        on("local", gns, "g-web"),
        on("two", "web", f"{gns}/nope", f"{gns}/egress"),
        vs("lonely", "web", http=[dest("storefront")]),
        vs("nested", "web", http=[{"delegate": {"name": "lonely"}}]),
        on("unbound", "web"),
        vs("internal", "web", hosts=["internal.web"], gateways=["mesh"]),
        gateways=gateways,
    )
    unserved = f"host(s) {host} not served by a Gateway that selects the ingress gateway:"
    assert found == [
        (
            PASS,
            "VirtualService web/d",
            "a delegate, reached through VirtualService web/plain, VirtualService web/star",
        ),
        (
            PASS,
            "VirtualService web/plain",
            f"served on the ingress gateway: {host} by Gateway {ref}",
        ),
        (
            PASS,
            "VirtualService web/star",
            f"served on the ingress gateway: {host} by Gateway {gns}/g-star",
        ),
        (
            PASS,
            "VirtualService web/own",
            f"served on the ingress gateway: {host} by Gateway {gns}/g-web",
        ),
        (FAIL, "VirtualService web/dot", f"{unserved} no bound Gateway lists them{AT}"),
        (FAIL, f"VirtualService {gns}/local", f"{unserved} no bound Gateway lists them{AT}"),
        (
            FAIL,
            "VirtualService web/two",
            f"{unserved} Gateway {gns}/nope not found; Gateway {gns}/egress selects "
            f"{{app: egress, istio: egressgateway}}, not the ingress gateway pods {GW_PODS}{AT}",
        ),
        (
            FAIL,
            "VirtualService web/lonely",
            "a delegate (no hosts) that no root VirtualService delegates to: nothing routes to "
            f"it{AT}",
        ),
        (
            FAIL,
            "VirtualService web/nested",
            "a delegate (no hosts) that no root VirtualService delegates to: nothing routes to "
            f"it{AT}",
        ),
        (
            FAIL,
            "VirtualService web/unbound",
            f"serves the routed host(s) {host} but is bound to no gateway; expected {ref}{AT}",
        ),
        (SKIP, "VirtualService web/internal", "mesh-internal: bound to no gateway"),
    ]


def test_without_the_gateway_service_no_bound_virtual_service_can_be_judged(
    design: Design,
) -> None:
    gw = design.mesh.ingress_gateway
    items = (
        vs("a", "web", hosts=["a.invalid"], gateways=[gateway_ref(design)]),
        vs("b", "web", hosts=["b.invalid"], gateways=[gateway_ref(design)]),
    )
    facts = (
        (VirtualServices, VirtualServices(items)),
        (Gateways, Gateways(())),
        (Services, Services(())),
    )
    assert read("istio_virtualservices_bound_to_gateway", design, *facts) == [
        (
            FAIL,
            f"VirtualService web/{name}",
            "cannot tell which pods are the ingress gateway: Service "
            f"{gw.namespace}/{gw.name} not found",
        )
        for name in ("a", "b")
    ]
