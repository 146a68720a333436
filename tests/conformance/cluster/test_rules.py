"""Cluster rules on literal facts: the cases the manifest mutations do not reach."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.facts import (
    Application,
    Applications,
    DestinationRule,
    DestinationRules,
    Gateway,
    Gateways,
    Malformed,
    Namespace,
    Namespaces,
    PeerAuthentication,
    PeerAuthentications,
    Service,
    Services,
    VirtualService,
    VirtualServices,
    Workload,
    Workloads,
)
from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.conformance.cluster.routing import gateway_key, host_matches, service_key
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import run
from eks_refarch.design import Design
from eks_refarch.i18n import LANGUAGES, render
from eks_refarch.manifests.names import COMPONENTS_ANNOTATION
from tests.conformance.cluster.kube import (
    evaluate,
    facts_of,
    gateway_service,
    obj,
    service,
    statuses,
)
from tests.conformance.reading import english
from tests.helpers import REPO

PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP


def peer(name: str, namespace: str, mode: str | None, **spec: Any) -> PeerAuthentication:
    if mode:
        spec["mtls"] = {"mode": mode}
    return PeerAuthentication.from_object(
        obj(kinds.PEER_AUTHENTICATIONS, name, namespace, spec=spec)
    )


def run_peers(check: str, design: Design, *items: PeerAuthentication) -> dict[str, Status]:
    return statuses(
        evaluate(check, facts_of((PeerAuthentications, PeerAuthentications(items))), design)
    )


# The gateway Service


def test_a_gateway_service_in_another_namespace_is_named_in_the_failure(design: Design) -> None:
    moved = gateway_service(namespace="istio-system")
    (result,) = evaluate(
        "istio_gateway_service_nodeport", facts_of((Services, Services((moved,)))), design
    )
    assert result.status is FAIL
    assert "found Service istio-system/istio-ingressgateway instead" in english(result.message)


@pytest.mark.parametrize(
    ("type_", "status"), [("NodePort", PASS), ("ClusterIP", FAIL), ("LoadBalancer", FAIL)]
)
def test_only_a_nodeport_gateway_service_passes(design: Design, type_: str, status: Status) -> None:
    facts = facts_of((Services, Services((gateway_service(type_=type_),))))
    (result,) = evaluate("istio_gateway_service_nodeport", facts, design)
    assert result.status is status


def test_a_renamed_port_and_a_wrong_target_port_are_both_reported(design: Design) -> None:
    svc = gateway_service(
        ports=[
            {"name": "http2", "port": 80, "targetPort": 8080, "nodePort": 30080},
            {"name": "status-port", "port": 15021, "targetPort": 15020, "nodePort": 30021},
        ]
    )
    results = evaluate(
        "istio_gateway_nodeports_designed", facts_of((Services, Services((svc,)))), design
    )
    by_port = {r.resource.rsplit(" ", 1)[1]: r for r in results}
    assert by_port["http"].status is FAIL
    assert "no port named 'http'; the Service's ports are http2, status-port" in english(
        by_port["http"].message
    )
    assert by_port["status-port"].status is FAIL
    assert "targetPort is 15020, expected 15021" in english(by_port["status-port"].message)


# Mutual TLS


def test_no_mesh_wide_peer_authentication_fails_and_a_selector_does_not_make_one(
    design: Design,
) -> None:
    scoped = peer("scoped", "istio-system", "STRICT", selector={"matchLabels": {"app": "x"}})
    results = evaluate(
        "istio_mtls_mesh_strict",
        facts_of((PeerAuthentications, PeerAuthentications((scoped,)))),
        design,
    )
    assert [r.status for r in results] == [FAIL]
    assert "Istio's default is PERMISSIVE" in english(results[0].message)


def test_an_unset_mesh_wide_mode_fails(design: Design) -> None:
    assert run_peers("istio_mtls_mesh_strict", design, peer("default", "istio-system", None)) == {
        "PeerAuthentication istio-system/default": FAIL
    }


def test_two_mesh_wide_peer_authentications_are_ambiguous(design: Design) -> None:
    found = run_peers(
        "istio_mtls_mesh_strict",
        design,
        peer("a", "istio-system", "STRICT"),
        peer("b", "istio-system", "STRICT"),
    )
    assert set(found.values()) == {FAIL}


@pytest.mark.parametrize(
    ("mode", "ports", "status"),
    [
        ("STRICT", {}, PASS),
        (None, {}, PASS),
        ("UNSET", {"8080": {"mode": "STRICT"}}, PASS),
        ("PERMISSIVE", {}, FAIL),
        ("DISABLE", {}, FAIL),
        (None, {"9090": {"mode": "PERMISSIVE"}}, FAIL),
    ],
)
def test_overrides_may_only_keep_or_inherit_the_designed_mode(
    design: Design, mode: str | None, ports: dict[str, Any], status: Status
) -> None:
    override = (
        peer("override", "web", mode, portLevelMtls=ports)
        if ports
        else peer("override", "web", mode)
    )
    found = run_peers(
        "istio_mtls_no_weaker_override", design, peer("default", "istio-system", "STRICT"), override
    )
    assert found == {"PeerAuthentication web/override": status}


def test_a_subset_that_disables_tls_is_found_with_its_place(design: Design) -> None:
    rule = DestinationRule.from_object(
        obj(
            kinds.DESTINATION_RULES,
            "dr",
            "web",
            spec={
                "host": "storefront",
                "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}},
                "subsets": [
                    {
                        "name": "v2",
                        "trafficPolicy": {
                            "portLevelSettings": [
                                {"port": {"number": 8080}, "tls": {"mode": "DISABLE"}}
                            ]
                        },
                    }
                ],
            },
        )
    )
    (result,) = evaluate(
        "istio_destinationrules_keep_mtls",
        facts_of((DestinationRules, DestinationRules((rule,)))),
        design,
    )
    assert result.status is FAIL
    assert "spec.subsets[0].trafficPolicy.portLevelSettings[0].tls.mode" in english(result.message)


# Injection


def namespace(name: str, **labels: str) -> Namespace:
    return Namespace.from_object(obj(kinds.NAMESPACES, name, labels=labels))


def test_injection_labels_are_judged_per_designed_namespace_and_everywhere_for_both(
    design: Design,
) -> None:
    items = (
        namespace("web", **{"istio-injection": "enabled"}),
        namespace("catalog", **{"istio-injection": "disabled"}),
        namespace("checkout", **{"istio.io/rev": "canary"}),
        namespace("tools", **{"istio-injection": "enabled", "istio.io/rev": "canary"}),
    )
    results = evaluate(
        "istio_namespaces_injection_labelled", facts_of((Namespaces, Namespaces(items))), design
    )
    found = statuses(results)
    assert found == {
        "Namespace web": PASS,
        "Namespace catalog": FAIL,
        "Namespace checkout": FAIL,
        "Namespace payments": FAIL,
        "Namespace tools": FAIL,
    }
    messages = {r.resource: english(r.message) for r in results}
    assert "found istio-injection=disabled" in messages["Namespace catalog"]
    assert "found no such label" in messages["Namespace checkout"]
    assert messages["Namespace payments"].startswith("not found")


def workload(
    kind: kinds.Kind,
    name: str,
    namespace: str,
    *,
    observed: bool = False,
    pod: dict[str, Any] | None = None,
    template_meta: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
    replicas: int | None = 2,
) -> Workload:
    spec: dict[str, Any] = {
        "template": {
            "metadata": template_meta or {},
            "spec": pod or {"containers": [{"name": name}]},
        }
    }
    if replicas is not None:
        spec["replicas"] = replicas
    body: dict[str, Any] = {"spec": spec}
    if status is not None:
        body["status"] = status
    return Workload.from_object(obj(kind, name, namespace, observed=observed, **body))


def test_an_opt_out_by_annotation_fails_but_not_outside_the_mesh(design: Design) -> None:
    out = {"annotations": {"sidecar.istio.io/inject": "false"}}
    items = (
        workload(kinds.DEPLOYMENTS, "cart", "checkout", template_meta=out),
        workload(kinds.DEPLOYMENTS, "tool", "monitoring", template_meta=out),
    )
    found = statuses(
        evaluate(
            "istio_workloads_injection_enabled", facts_of((Workloads, Workloads(items))), design
        )
    )
    assert found == {"Deployment checkout/cart": FAIL}


# Routing


@pytest.mark.parametrize(
    ("ref", "namespace", "key"),
    [
        ("mesh", "web", None),
        ("istio-ingress/gw", "web", ("istio-ingress", "gw")),
        ("gw", "web", ("web", "gw")),
        ("gw.istio-ingress.svc.cluster.local", "web", ("istio-ingress", "gw")),
    ],
)
def test_gateway_references_resolve_as_istio_resolves_them(
    ref: str, namespace: str, key: tuple[str, str] | None
) -> None:
    assert gateway_key(ref, namespace) == key


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("cart", ("web", "cart")),
        ("cart.checkout", ("checkout", "cart")),
        ("cart.checkout.svc", ("checkout", "cart")),
        ("cart.checkout.svc.cluster.local", ("checkout", "cart")),
        ("api.stripe.com", None),
    ],
)
def test_destination_hosts_resolve_to_services_or_are_external(
    host: str, key: tuple[str, str] | None
) -> None:
    assert service_key(host, "web") == key


@pytest.mark.parametrize(
    ("pattern", "host", "match"),
    [
        ("*", "shop.example.com", True),
        ("*.example.com", "shop.example.com", True),
        ("*.example.com", "example.com", False),
        ("shop.example.com", "shop.example.com", True),
        ("other.example.com", "shop.example.com", False),
    ],
)
def test_host_matching(pattern: str, host: str, match: bool) -> None:
    assert host_matches(pattern, host) is match


def gateway(name: str, namespace: str, selector: dict[str, str], hosts: list[str]) -> Gateway:
    return Gateway.from_object(
        obj(
            kinds.GATEWAYS,
            name,
            namespace,
            spec={
                "selector": selector,
                "servers": [
                    {"port": {"number": 8080, "name": "http", "protocol": "HTTP"}, "hosts": hosts}
                ],
            },
        )
    )


def vs(name: str, namespace: str, **spec: Any) -> VirtualService:
    return VirtualService.from_object(obj(kinds.VIRTUAL_SERVICES, name, namespace, spec=spec))


def bound(
    design: Design, *items: VirtualService, gateways: tuple[Gateway, ...]
) -> dict[str, Status]:
    facts = facts_of(
        (VirtualServices, VirtualServices(items)),
        (Gateways, Gateways(gateways)),
        (Services, Services((gateway_service(),))),
    )
    return statuses(evaluate("istio_virtualservices_bound_to_gateway", facts, design))


def test_a_wildcard_gateway_in_the_same_namespace_serves_a_short_reference(design: Design) -> None:
    gw = gateway("public", "web", {"istio": "ingressgateway"}, ["./*.example.com"])
    found = bound(
        design, vs("shop", "web", hosts=["shop.example.com"], gateways=["public"]), gateways=(gw,)
    )
    assert found == {"VirtualService web/shop": PASS}


def test_a_gateway_host_restricted_to_another_namespace_does_not_serve(design: Design) -> None:
    gw = gateway(
        "public", "istio-ingress", {"istio": "ingressgateway"}, ["catalog/shop.example.com"]
    )
    found = bound(
        design,
        vs("shop", "web", hosts=["shop.example.com"], gateways=["istio-ingress/public"]),
        gateways=(gw,),
    )
    assert found == {"VirtualService web/shop": FAIL}


def test_unbound_virtual_services_fail_only_for_routed_hosts(design: Design) -> None:
    found = bound(
        design,
        vs("shop", "web", hosts=["shop.example.com"]),
        vs("internal", "web", hosts=["storefront"]),
        gateways=(),
    )
    assert found == {"VirtualService web/shop": FAIL, "VirtualService web/internal": SKIP}


def test_an_orphan_delegate_fails(design: Design) -> None:
    found = bound(
        design,
        vs("cart", "checkout", http=[{"route": [{"destination": {"host": "cart"}}]}]),
        gateways=(),
    )
    assert found == {"VirtualService checkout/cart": FAIL}


def destinations(
    design: Design, *items: VirtualService, services: tuple[Service, ...]
) -> list[Any]:
    facts = facts_of((VirtualServices, VirtualServices(items)), (Services, Services(services)))
    return evaluate("istio_destinations_named_service_ports", facts, design)


def test_destinations_need_a_service_and_an_unambiguous_named_port(design: Design) -> None:
    two_ports = service(
        "cart", "checkout", ports=[{"name": "http", "port": 8080}, {"name": "grpc", "port": 9090}]
    )
    results = destinations(
        design,
        vs("a", "checkout", http=[{"route": [{"destination": {"host": "cart"}}]}]),
        vs("b", "checkout", http=[{"route": [{"destination": {"host": "missing"}}]}]),
        vs(
            "c",
            "checkout",
            tcp=[{"route": [{"destination": {"host": "cart", "port": {"number": 9090}}}]}],
        ),
        vs("d", "checkout", http=[{"route": [{"destination": {"host": "api.stripe.com"}}]}]),
        services=(two_ports,),
    )
    found = statuses(results)
    assert found == {
        "VirtualService checkout/a": FAIL,
        "VirtualService checkout/b": FAIL,
        "VirtualService checkout/c": PASS,
        "VirtualService checkout/d": SKIP,
    }
    messages = {r.resource: english(r.message) for r in results}
    assert (
        "no port given and Service checkout/cart has 2 ports"
        in messages["VirtualService checkout/a"]
    )
    assert "no Service checkout/missing" in messages["VirtualService checkout/b"]


def routes(design: Design, *items: VirtualService) -> dict[str, Any]:
    results = evaluate(
        "istio_routes_reach_microservices",
        facts_of((VirtualServices, VirtualServices(items))),
        design,
    )
    return {r.resource: r for r in results}


def root(**spec: Any) -> VirtualService:
    return vs(
        "root",
        "istio-ingress",
        hosts=["shop.example.com"],
        gateways=["istio-ingress/sakura-shop-gateway"],
        **spec,
    )


def to(name: str, namespace: str, port: int = 8080) -> dict[str, Any]:
    return {
        "route": [
            {
                "destination": {
                    "host": f"{name}.{namespace}.svc.cluster.local",
                    "port": {"number": port},
                }
            }
        ]
    }


def test_exact_regex_and_conditional_matches_are_followed_like_istio(design: Design) -> None:
    found = routes(
        design,
        root(
            http=[
                {
                    "match": [{"uri": {"prefix": "/api"}, "headers": {"x-canary": {"exact": "1"}}}],
                    **to("storefront", "web"),
                },
                {"match": [{"uri": {"exact": "/api/catalog"}}], **to("catalog", "catalog")},
                {"match": [{"uri": {"regex": "/api/(cart|orders)"}}], **to("cart", "checkout")},
                {"match": [{"uri": {"prefix": "/api/orders"}}], **to("orders", "checkout")},
                {"name": "rest", **to("storefront", "web")},
            ]
        ),
    )
    assert {k: r.status for k, r in found.items()} == {
        "route shop.example.com/": PASS,
        "route shop.example.com/api/catalog": PASS,
        "route shop.example.com/api/cart": PASS,
        "route shop.example.com/api/orders": FAIL,  # the regex above takes it to cart
    }
    assert "cart.checkout.svc.cluster.local:8080" in english(
        found["route shop.example.com/api/orders"].message
    )


def test_two_roots_for_one_host_are_ambiguous_and_a_redirect_is_no_route(design: Design) -> None:
    found = routes(design, root(http=[{"redirect": {"uri": "/"}}]))
    assert "answers with redirect" in english(found["route shop.example.com/"].message)
    twice = routes(
        design,
        root(http=[to("storefront", "web")]),
        vs(
            "again",
            "web",
            hosts=["shop.example.com"],
            gateways=["istio-ingress/sakura-shop-gateway"],
            http=[to("storefront", "web")],
        ),
    )
    assert "merges them in creation order" in english(twice["route shop.example.com/"].message)


def test_a_wrong_port_fails_the_route(design: Design) -> None:
    found = routes(design, root(http=[to("storefront", "web", port=9090)]))
    assert found["route shop.example.com/"].status is FAIL


# Platform components


def application(
    name: str,
    components: str,
    destination: str,
    *,
    observed: bool = False,
    status: dict[str, Any] | None = None,
) -> Application:
    body: dict[str, Any] = {"spec": {"destination": {"namespace": destination}}}
    if status:
        body["status"] = status
    return Application.from_object(
        obj(
            kinds.APPLICATIONS,
            name,
            "argocd",
            observed=observed,
            annotations={COMPONENTS_ANNOTATION: components},
            **body,
        ),
        COMPONENTS_ANNOTATION,
    )


def components(
    check: str, design: Design, workloads: tuple[Workload, ...], apps: tuple[Application, ...]
) -> dict[str, Any]:
    facts = facts_of((Workloads, Workloads(workloads)), (Applications, Applications(apps)))
    return {r.resource: r for r in evaluate(check, facts, design)}


def test_live_readiness_of_workloads_and_applications(design: Design) -> None:
    items = (
        workload(
            kinds.DEPLOYMENTS, "argocd-server", "argocd", observed=True, status={"readyReplicas": 2}
        ),
        workload(
            kinds.DEPLOYMENTS, "istiod", "istio-system", observed=True, status={"readyReplicas": 1}
        ),
        workload(
            kinds.DAEMONSETS,
            "karpenter",
            "karpenter",
            observed=True,
            replicas=None,
            status={"desiredNumberScheduled": 3, "numberReady": 3},
        ),
    )
    apps = (
        application(
            "loki",
            "loki",
            "logging",
            observed=True,
            status={"health": {"status": "Healthy"}, "sync": {"status": "Synced"}},
        ),
        application(
            "tempo",
            "tempo",
            "tracing",
            observed=True,
            status={"health": {"status": "Degraded"}, "sync": {"status": "Synced"}},
        ),
    )
    found = components("platform_components_ready", design, items, apps)
    assert found["component argo-cd"].status is PASS
    assert found["component istiod"].status is FAIL
    assert "1/2 replicas ready" in english(found["component istiod"].message)
    assert found["component loki"].status is PASS
    assert found["component tempo"].status is FAIL
    assert "health Degraded" in english(found["component tempo"].message)
    # Karpenter is designed as a Deployment: a DaemonSet of that name is not it.
    assert found["component karpenter"].status is FAIL


def test_manifests_without_status_get_one_skip_and_absent_components_still_fail(
    design: Design,
) -> None:
    apps = tuple(
        application(c.name, c.name, c.namespace)
        for c in design.platform.components
        if c.name != "kiali"
    )
    found = components("platform_components_ready", design, (), apps)
    assert found["component kiali"].status is FAIL
    skip = found["platform components"]
    assert skip.status is SKIP
    total = len(design.platform.components)
    assert f"{total - 1} of {total} components are present" in english(skip.message)
    assert set(found) == {"component kiali", "platform components"}


def test_a_component_in_the_wrong_namespace_is_named(design: Design) -> None:
    found = components(
        "platform_components_present",
        design,
        (workload(kinds.DEPLOYMENTS, "kiali", "monitoring"),),
        (application("grafana", "grafana", "default"),),
    )
    assert "found Deployment monitoring/kiali" in english(found["component kiali"].message)
    assert "found Application argocd/grafana -> default" in english(
        found["component grafana"].message
    )
    assert found["component kiali"].status is FAIL


# Workloads


@pytest.mark.parametrize(
    ("pod", "status"),
    [
        ({"securityContext": {"runAsNonRoot": True}, "containers": [{"name": "c"}]}, PASS),
        ({"containers": [{"name": "c", "securityContext": {"runAsUser": 1000}}]}, PASS),
        (
            {
                "securityContext": {"runAsNonRoot": True},
                "containers": [{"name": "c", "securityContext": {"runAsUser": 0}}],
            },
            FAIL,
        ),
        ({"containers": [{"name": "c"}]}, FAIL),
        (
            {
                "securityContext": {"runAsNonRoot": True},
                "initContainers": [{"name": "i", "securityContext": {"runAsNonRoot": False}}],
                "containers": [{"name": "c"}],
            },
            FAIL,
        ),
    ],
)
def test_non_root_is_judged_on_the_effective_security_context(
    design: Design, pod: dict[str, Any], status: Status
) -> None:
    facts = facts_of((Workloads, Workloads((workload(kinds.DEPLOYMENTS, "web", "web", pod=pod),))))
    assert statuses(evaluate("k8s_workloads_non_root", facts, design)) == {
        "Deployment web/web": status
    }


def test_init_containers_need_requests_but_no_readiness_probe(design: Design) -> None:
    pod = {
        "initContainers": [{"name": "migrate"}],
        "containers": [
            {
                "name": "c",
                "readinessProbe": {"tcpSocket": {"port": 8080}},
                "resources": {"requests": {"cpu": 1, "memory": "1Gi"}},
            }
        ],
    }
    facts = facts_of((Workloads, Workloads((workload(kinds.DEPLOYMENTS, "web", "web", pod=pod),))))
    assert statuses(evaluate("k8s_workloads_readiness_probe", facts, design)) == {
        "Deployment web/web": PASS
    }
    (result,) = evaluate("k8s_workloads_requests_set", facts, design)
    assert result.status is FAIL
    assert "container 'migrate' has no cpu or memory request" in english(result.message)


def test_quantities_compare_by_value(design: Design) -> None:
    pods = {
        m.name: {
            "containers": [
                {
                    "name": m.name,
                    "resources": {
                        "requests": {
                            "cpu": "0.2" if m.name == "storefront" else m.resources.cpu,
                            "memory": "268435456" if m.name == "storefront" else m.resources.memory,
                        }
                    },
                }
            ]
        }
        for m in design.microservices
    }
    items = tuple(
        workload(kinds.DEPLOYMENTS, m.name, m.namespace, pod=pods[m.name])
        for m in design.microservices
    )
    svcs = tuple(service(m.name, m.namespace) for m in design.microservices)
    facts = facts_of((Workloads, Workloads(items)), (Services, Services(svcs)))
    assert set(statuses(evaluate("k8s_microservices_match_design", facts, design)).values()) == {
        PASS
    }


def test_a_field_that_is_not_a_mapping_is_malformed_not_empty() -> None:
    pod = {"securityContext": "nonroot", "containers": [{"name": "c"}]}
    with pytest.raises(
        Malformed, match=r"spec\.template\.spec\.securityContext: expected a mapping"
    ):
        workload(kinds.DEPLOYMENTS, "web", "web", pod=pod)
    with pytest.raises(Malformed, match="spec: expected a mapping, found"):
        Service.from_object(obj(kinds.SERVICES, "s", "web", spec=["type", "LoadBalancer"]))


def test_an_invalid_regex_matches_nothing(design: Design) -> None:
    found = routes(
        design,
        root(
            http=[
                {"match": [{"uri": {"regex": "(["}}], **to("cart", "checkout")},
                to("storefront", "web"),
            ]
        ),
    )
    assert found["route shop.example.com/"].status is PASS


def test_every_result_on_the_shipped_manifests_names_its_resource_and_reads_whole(
    design: Design,
) -> None:
    """A reader acts on the resource a result names and on what its message says: neither
    may be empty, a placeholder left unfilled, or a value that was never set."""
    findings = run(design, {Source.CLUSTER: ManifestsSource(REPO / "manifests")}).findings
    assert findings
    for finding in findings:
        assert isinstance(finding.resource, str), finding
        assert finding.resource.strip(), finding
        assert "None" not in finding.resource, finding
        for lang in LANGUAGES:
            text = render(finding.message, lang)
            assert text.strip(), finding
            assert "None" not in text, (lang, text)
            assert "{" not in text, (lang, text)
