"""The cross-layer rule on literal facts: the target group (AWS) against the gateway Service."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eks_refarch.conformance.aws.facts import AlbTargetGroups, TargetGroup
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster.facts import Services
from eks_refarch.conformance.model import Source, Status
from eks_refarch.design import Design
from tests.conformance.aws import account
from tests.conformance.aws.account import TARGET_GROUP
from tests.conformance.cluster.kube import evaluate, facts_of, gateway_service
from tests.conformance.reading import english

CHECK = "elbv2_target_group_matches_gateway_service"
TG = TARGET_GROUP


def groups(*forwarded: TargetGroup) -> AlbTargetGroups:
    """The conforming account's target groups, forwarding to ``forwarded``."""
    conforming: AlbTargetGroups = account.conforming()[AlbTargetGroups]
    return replace(conforming, forwarded=forwarded)


def test_it_runs_only_when_aws_and_the_cluster_are_both_given() -> None:
    assert load_builtin_checks().get(CHECK).sources == {Source.AWS, Source.CLUSTER}


def test_matching_ports_pass_and_name_both_sides(design: Design) -> None:
    (result,) = evaluate(
        CHECK,
        facts_of((AlbTargetGroups, groups(TG)), (Services, Services((gateway_service(),)))),
        design,
    )
    assert result.status is Status.PASS
    assert "forwards to port 30080 and health-checks port 30021" in english(result.message)
    assert "Service istio-ingress/istio-ingressgateway" in english(result.message)


@pytest.mark.parametrize(
    ("tg", "message"),
    [
        (
            replace(TG, port=31080),
            "forwards to port 31080, but the http nodePort of Service "
            "istio-ingress/istio-ingressgateway is 30080",
        ),
        (
            replace(TG, health_check_port="traffic-port"),
            "health-checks port 30080, but the status-port nodePort of Service "
            "istio-ingress/istio-ingressgateway is 30021",
        ),
    ],
)
def test_a_port_that_differs_fails_with_both_numbers(
    design: Design, tg: TargetGroup, message: str
) -> None:
    (result,) = evaluate(
        CHECK,
        facts_of((AlbTargetGroups, groups(tg)), (Services, Services((gateway_service(),)))),
        design,
    )
    assert result.status is Status.FAIL
    assert message in english(result.message)


def test_the_cluster_side_is_what_is_deployed_not_the_design(design: Design) -> None:
    moved = gateway_service(
        ports=[
            {"name": "http", "port": 80, "targetPort": 8080, "nodePort": 31080},
            {"name": "status-port", "port": 15021, "targetPort": 15021, "nodePort": 30021},
        ]
    )
    (result,) = evaluate(
        CHECK, facts_of((AlbTargetGroups, groups(TG)), (Services, Services((moved,)))), design
    )
    assert result.status is Status.FAIL
    assert "forwards to port 30080, but the http nodePort" in english(result.message)
    assert "is 31080" in english(result.message)


def test_nothing_to_compare_is_a_failure_that_says_which_side_is_missing(design: Design) -> None:
    (no_tg,) = evaluate(
        CHECK,
        facts_of((AlbTargetGroups, groups()), (Services, Services((gateway_service(),)))),
        design,
    )
    assert no_tg.status is Status.FAIL
    assert "forwards to no target group" in english(no_tg.message)
    (no_svc,) = evaluate(
        CHECK, facts_of((AlbTargetGroups, groups(TG)), (Services, Services(()))), design
    )
    assert no_svc.status is Status.FAIL
    assert "no gateway Service istio-ingress/istio-ingressgateway" in english(no_svc.message)
