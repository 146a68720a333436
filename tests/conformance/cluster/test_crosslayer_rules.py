"""The target group against the gateway Service, each result read whole: resource, ports, names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eks_refarch.conformance.aws.facts import AlbTargetGroups, TargetGroup
from eks_refarch.conformance.cluster.facts import Services
from eks_refarch.conformance.model import Result, Status
from eks_refarch.design import Design
from eks_refarch.manifests.names import HTTP_PORT_NAME, STATUS_PORT_NAME
from tests.conformance.cluster.kube import evaluate, facts_of, gateway_service
from tests.conformance.cluster.test_crosslayer import CHECK, TG, groups
from tests.conformance.reading import english

OTHER = replace(TG, arn=TG.arn.replace("/1", "/2"), name="spare-gateway")


def judged(
    design: Design, *forwarded: TargetGroup, services: Services | None = None
) -> list[Result]:
    if services is None:
        services = Services((gateway_service(),))
    return evaluate(
        CHECK, facts_of((AlbTargetGroups, groups(*forwarded)), (Services, services)), design
    )


def service_name(design: Design) -> str:
    gw = design.mesh.ingress_gateway
    return f"{gw.namespace}/{gw.name}"


def test_each_forwarded_group_that_matches_passes_naming_its_ports_and_the_service(
    design: Design,
) -> None:
    results = judged(design, TG, OTHER)
    assert [(r.status, r.resource) for r in results] == [
        (Status.PASS, TG.arn),
        (Status.PASS, OTHER.arn),
    ]
    want = design.edge.target_group
    for result, tg in zip(results, (TG, OTHER), strict=True):
        assert english(result.message) == (
            f"target group {tg.name} forwards to port {want.port} and health-checks port "
            f"{want.health_check_port}: the {HTTP_PORT_NAME} and {STATUS_PORT_NAME} nodePorts "
            f"of Service {service_name(design)}"
        )


def test_both_ports_off_fail_once_naming_both_problems(design: Design) -> None:
    want = design.edge.target_group
    moved = replace(TG, port=31080, health_check_port="31021")
    (result,) = judged(design, moved)
    assert result.status is Status.FAIL
    assert result.resource == TG.arn
    service = f"Service {service_name(design)}"
    assert english(result.message) == (
        f"target group {TG.name} forwards to port 31080, but the {HTTP_PORT_NAME} nodePort of "
        f"{service} is {want.port}; health-checks port 31021, but the {STATUS_PORT_NAME} "
        f"nodePort of {service} is {want.health_check_port} (at {gateway_service().meta.origin})"
    )


def test_only_the_group_that_differs_fails(design: Design) -> None:
    moved = replace(OTHER, port=31080)
    results = judged(design, TG, moved)
    assert [(r.status, r.resource) for r in results] == [
        (Status.PASS, TG.arn),
        (Status.FAIL, OTHER.arn),
    ]
    assert english(results[1].message).startswith(
        f"target group {OTHER.name} forwards to port 31080, but"
    )


def test_no_forwarded_group_fails_on_the_designed_alb(design: Design) -> None:
    (result,) = judged(design)
    assert result.status is Status.FAIL
    assert result.resource == design.edge.alb.name
    assert english(result.message) == (
        f"the HTTPS listener of ALB {design.edge.alb.name} forwards to no target group, so "
        "there is nothing to compare with the gateway's nodePorts"
    )


def test_without_the_gateway_service_each_group_fails_naming_its_port(design: Design) -> None:
    results = judged(design, TG, replace(OTHER, port=31080), services=Services(()))
    assert [(r.status, r.resource) for r in results] == [
        (Status.FAIL, TG.arn),
        (Status.FAIL, OTHER.arn),
    ]
    for result, (name, port) in zip(
        results, ((TG.name, TG.port), (OTHER.name, 31080)), strict=True
    ):
        assert english(result.message) == (
            f"target group {name} forwards to port {port}, but there is no gateway Service "
            f"{service_name(design)} whose nodePort it could be"
        )


@pytest.mark.parametrize("missing", [HTTP_PORT_NAME, STATUS_PORT_NAME])
def test_a_gateway_service_without_one_of_its_named_ports_fails_on_that_port(
    design: Design, missing: str
) -> None:
    ports = [
        {"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080},
        {"name": "status-port", "port": 15021, "targetPort": 15021, "nodePort": 30021},
    ]
    kept = [p for p in ports if p["name"] != missing]
    (result,) = judged(design, TG, services=Services((gateway_service(ports=kept),)))
    assert result.status is Status.FAIL
    assert result.resource == TG.arn
    said = english(result.message)
    assert f"but the {missing} nodePort of Service {service_name(design)} is none" in said
    (other,) = {HTTP_PORT_NAME, STATUS_PORT_NAME} - {missing}
    assert f"the {other} nodePort" not in said


def test_a_port_missing_on_both_sides_is_no_match(design: Design) -> None:
    """A target group without a port (lambda targets) against a Service without the named
    ports: nothing matches, though both sides lack the same thing."""
    portless = replace(TG, port=None, health_check_port="traffic-port")
    unnamed = gateway_service(ports=[{"name": "web", "port": 80, "targetPort": 8080}])
    (result,) = judged(design, portless, services=Services((unnamed,)))
    assert result.status is Status.FAIL
    service = f"Service {service_name(design)}"
    assert english(result.message) == (
        f"target group {TG.name} forwards to port none, but the {HTTP_PORT_NAME} nodePort of "
        f"{service} is none; health-checks port none, but the {STATUS_PORT_NAME} nodePort of "
        f"{service} is none (at {unnamed.meta.origin})"
    )
    (alone,) = judged(design, portless, services=Services(()))
    assert english(alone.message) == (
        f"target group {TG.name} forwards to port none, but there is no gateway Service "
        f"{service_name(design)} whose nodePort it could be"
    )
