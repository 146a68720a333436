"""The ingress gateway's exposure rules, read whole: status, resource and message of each result."""

from __future__ import annotations

from typing import Any

from eks_refarch.conformance.cluster.facts import Service, Services
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.manifests.names import HTTP_PORT_NAME, STATUS_PORT_NAME
from tests.conformance.cluster.kube import GW_LABELS, evaluate, facts_of, service
from tests.conformance.reading import english

PASS, FAIL = Status.PASS, Status.FAIL
AT = " (at test.yaml:1)"  # where tests.conformance.cluster.kube.obj says a manifest object is


def read(check: str, design: Design, *services: Service) -> list[tuple[Status, str, str]]:
    results = evaluate(check, facts_of((Services, Services(services))), design)
    return [(r.status, r.resource, english(r.message)) for r in results]


def port(name: str, node_port: int, target_port: int | str) -> dict[str, Any]:
    return {"name": name, "port": 80, "targetPort": target_port, "nodePort": node_port}


def designed_ports(design: Design) -> list[dict[str, Any]]:
    gw = design.mesh.ingress_gateway
    return [
        port(HTTP_PORT_NAME, gw.node_ports.http, gw.http_target_port),
        port(STATUS_PORT_NAME, gw.node_ports.status, gw.status_target_port),
    ]


def gateway_svc(
    design: Design,
    *,
    namespace: str | None = None,
    type_: str | None = None,
    ports: list[dict[str, Any]] | None = None,
) -> Service:
    gw = design.mesh.ingress_gateway
    return service(
        gw.name,
        namespace or gw.namespace,
        type_=type_ or gw.service_type,
        ports=ports or designed_ports(design),
        selector=GW_LABELS,
    )


def not_found(design: Design) -> str:
    namespace = design.mesh.ingress_gateway.namespace
    return f"not found: expected the ingress gateway Service in namespace {namespace}"


def test_the_gateway_service_type_is_judged_and_named(design: Design) -> None:
    gw = design.mesh.ingress_gateway
    resource = f"Service {gw.namespace}/{gw.name}"
    check = "istio_gateway_service_nodeport"
    assert read(check, design) == [(FAIL, resource, not_found(design))]
    assert read(check, design, gateway_svc(design, namespace="elsewhere")) == [
        (FAIL, resource, f"{not_found(design)} (found Service elsewhere/{gw.name} instead)")
    ]
    assert read(check, design, gateway_svc(design, type_="ClusterIP")) == [
        (
            FAIL,
            resource,
            f"type is ClusterIP, expected {gw.service_type} "
            f"(mesh.ingress_gateway.service_type){AT}",
        )
    ]
    assert read(check, design, gateway_svc(design)) == [
        (PASS, resource, f"type {gw.service_type}, as designed")
    ]


def test_without_the_gateway_service_both_designed_ports_fail(design: Design) -> None:
    gw = design.mesh.ingress_gateway
    base = f"Service {gw.namespace}/{gw.name} port"
    assert read("istio_gateway_nodeports_designed", design) == [
        (FAIL, f"{base} {HTTP_PORT_NAME}", not_found(design)),
        (FAIL, f"{base} {STATUS_PORT_NAME}", not_found(design)),
    ]


def test_each_designed_port_is_judged_on_its_node_port_and_target_port(design: Design) -> None:
    gw = design.mesh.ingress_gateway
    base = f"Service {gw.namespace}/{gw.name} port"
    http, status = gw.node_ports.http, gw.node_ports.status
    wrong = gateway_svc(
        design,
        ports=[
            port(HTTP_PORT_NAME, http + 1, gw.http_target_port + 1),
            port(STATUS_PORT_NAME, status + 1, gw.status_target_port),
        ],
    )
    assert read("istio_gateway_nodeports_designed", design, wrong) == [
        (
            FAIL,
            f"{base} {HTTP_PORT_NAME}",
            f"nodePort is {http + 1}, expected {http} (mesh.ingress_gateway.node_ports.http); "
            f"targetPort is {gw.http_target_port + 1}, expected {gw.http_target_port}{AT}",
        ),
        (
            FAIL,
            f"{base} {STATUS_PORT_NAME}",
            f"nodePort is {status + 1}, expected {status} "
            f"(mesh.ingress_gateway.node_ports.status){AT}",
        ),
    ]
    assert read("istio_gateway_nodeports_designed", design, gateway_svc(design)) == [
        (PASS, f"{base} {HTTP_PORT_NAME}", f"nodePort {http} -> targetPort {gw.http_target_port}"),
        (
            PASS,
            f"{base} {STATUS_PORT_NAME}",
            f"nodePort {status} -> targetPort {gw.status_target_port}",
        ),
    ]


def test_a_named_target_port_is_not_compared_and_an_unnamed_port_is_shown(
    design: Design,
) -> None:
    gw = design.mesh.ingress_gateway
    base = f"Service {gw.namespace}/{gw.name} port"
    svc = gateway_svc(
        design,
        ports=[
            {"port": 80, "targetPort": gw.http_target_port, "nodePort": gw.node_ports.http},
            port(STATUS_PORT_NAME, gw.node_ports.status, "status"),
        ],
    )
    assert read("istio_gateway_nodeports_designed", design, svc) == [
        (
            FAIL,
            f"{base} {HTTP_PORT_NAME}",
            f"no port named {HTTP_PORT_NAME!r}; the Service's ports are (unnamed), "
            f"{STATUS_PORT_NAME}{AT}",
        ),
        (
            PASS,
            f"{base} {STATUS_PORT_NAME}",
            f"nodePort {gw.node_ports.status} -> targetPort status",
        ),
    ]


def test_load_balancer_services_fail_one_by_one_and_none_pass_once(design: Design) -> None:
    web = service("web", "shop")
    balanced = service("lb", "shop", type_="LoadBalancer")
    gateway = design.mesh.ingress_gateway.name
    check = "k8s_services_no_loadbalancer"
    assert (
        read(check, design, web, balanced, balanced)
        == [
            (
                FAIL,
                "Service shop/lb",
                "type LoadBalancer; expected no LoadBalancer Services (traffic enters through the "
                f"ALB and the {gateway} NodePort){AT}",
            )
        ]
        * 2
    )
    assert read(check, design, web, gateway_svc(design)) == [
        (PASS, "Services", "2 Services, none of type LoadBalancer")
    ]
    assert read(check, design) == [(PASS, "Services", "0 Services, none of type LoadBalancer")]
