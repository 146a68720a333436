"""The workload rules' every result, read whole: status, resource and the values it names."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.facts import Service, Services, Workload, Workloads
from eks_refarch.conformance.model import Result, Status
from eks_refarch.design import Design
from tests.conformance.cluster.kube import evaluate, facts_of, service
from tests.conformance.cluster.test_components_rules import read
from tests.conformance.cluster.test_rules import workload

PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP
AT = " (at test.yaml:1)"  # where a manifest object of the tests is written


def owned(design: Design) -> list[str]:
    """The namespaces whose workloads the design owns: the microservices' and the gateway's."""
    return sorted(
        {m.namespace for m in design.microservices} | {design.mesh.ingress_gateway.namespace}
    )


def judged(check: str, design: Design, *items: Workload) -> list[Result]:
    return evaluate(check, facts_of((Workloads, Workloads(items))), design)


def pod(*containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"containers": list(containers), **spec}


def requests(**values: str) -> dict[str, Any]:
    return {"resources": {"requests": values}}


@pytest.mark.parametrize(
    "check",
    ["k8s_workloads_requests_set", "k8s_workloads_non_root", "k8s_workloads_readiness_probe"],
)
def test_no_owned_workload_is_one_skip_naming_the_namespaces(design: Design, check: str) -> None:
    outside = workload(kinds.DEPLOYMENTS, "tool", "outside")
    assert read(judged(check, design, outside)) == [
        (SKIP, "Workloads", f"no workloads in the namespaces {', '.join(owned(design))}")
    ]


def test_every_container_without_a_request_is_named_with_what_it_lacks(design: Design) -> None:
    first, second = owned(design)[:2]
    lacking = pod(
        {"name": "a", **requests(cpu="1")},
        {"name": "b", **requests(memory="1Gi")},
        {"name": "c"},
        initContainers=[{"name": "i", **requests(cpu="1", memory="1Gi")}],
    )
    results = judged(
        "k8s_workloads_requests_set",
        design,
        workload(kinds.DEPLOYMENTS, "lacking", first, pod=lacking),
        workload(
            kinds.STATEFULSETS,
            "full",
            second,
            pod=pod({"name": "d", **requests(cpu="1", memory="1Gi")}),
        ),
        workload(kinds.DEPLOYMENTS, "tool", "outside", pod=lacking),
    )
    assert read(results) == [
        (
            FAIL,
            f"Deployment {first}/lacking",
            "container 'a' has no memory request; container 'b' has no cpu request; "
            "container 'c' has no cpu or memory request" + AT,
        ),
        (PASS, f"StatefulSet {second}/full", "every container requests cpu and memory"),
    ]


def test_every_root_container_is_named_with_how_it_runs_as_root(design: Design) -> None:
    first, second, third = owned(design)[:3]
    results = judged(
        "k8s_workloads_non_root",
        design,
        workload(
            kinds.DEPLOYMENTS,
            "uid0",
            first,
            # The pod's runAsUser applies to a container that sets none.
            pod=pod(
                {"name": "a"},
                {"name": "b", "securityContext": {"runAsUser": 1000}},
                securityContext={"runAsUser": 0},
            ),
        ),
        workload(kinds.DEPLOYMENTS, "unset", second, pod=pod({"name": "c"}, {"name": "d"})),
        workload(
            kinds.DEPLOYMENTS,
            "nonroot",
            third,
            pod=pod({"name": "e"}, securityContext={"runAsNonRoot": True}),
        ),
    )
    neither = "sets neither runAsNonRoot: true nor a non-zero runAsUser"
    assert read(results) == [
        (FAIL, f"Deployment {first}/uid0", "container 'a' runs as uid 0" + AT),
        (
            FAIL,
            f"Deployment {second}/unset",
            f"container 'c' {neither}; container 'd' {neither}" + AT,
        ),
        (PASS, f"Deployment {third}/nonroot", "every container runs as non-root"),
    ]


def test_every_container_without_a_readiness_probe_is_named(design: Design) -> None:
    first, second = owned(design)[:2]
    probe = {"readinessProbe": {"tcpSocket": {"port": 8080}}}
    results = judged(
        "k8s_workloads_readiness_probe",
        design,
        workload(
            kinds.DEPLOYMENTS,
            "none",
            first,
            pod=pod({"name": "a"}, {"name": "b"}, initContainers=[{"name": "i"}]),
        ),
        workload(kinds.DEPLOYMENTS, "probed", second, pod=pod({"name": "c", **probe})),
    )
    assert read(results) == [
        (
            FAIL,
            f"Deployment {first}/none",
            "container 'a' has no readinessProbe; container 'b' has no readinessProbe" + AT,
        ),
        (PASS, f"Deployment {second}/probed", "every container has a readinessProbe"),
    ]


def test_each_microservice_names_every_drifted_value(design: Design) -> None:
    """One microservice per way to drift, each message read whole."""
    right, absent, unset, drifted, *rest = design.microservices
    wrong_cpu = "1"
    assert wrong_cpu not in {m.resources.cpu for m in design.microservices}

    def designed(m: Any) -> dict[str, Any]:
        return requests(cpu=m.resources.cpu, memory=m.resources.memory)

    workloads = (
        # A sidecar first, without requests: the container named after the microservice
        # is the one judged.
        workload(
            kinds.DEPLOYMENTS,
            right.name,
            right.namespace,
            pod=pod({"name": "proxy"}, {"name": right.name, **designed(right)}),
            replicas=right.replicas,
        ),
        # No container of its name: the first one is judged.
        workload(
            kinds.DEPLOYMENTS,
            unset.name,
            unset.namespace,
            pod=pod({"name": "other", **requests(cpu=wrong_cpu)}),
            replicas=None,
        ),
        # Only an init container: nothing is judged as the main one.
        workload(
            kinds.DEPLOYMENTS,
            drifted.name,
            drifted.namespace,
            pod=pod(initContainers=[{"name": drifted.name, **designed(drifted)}]),
            replicas=drifted.replicas + 1,
        ),
        *(
            workload(
                kinds.DEPLOYMENTS,
                m.name,
                m.namespace,
                pod=pod({"name": m.name, **designed(m)}),
                replicas=m.replicas,
            )
            for m in rest
        ),
    )
    services: tuple[Service, ...] = (
        service(right.name, right.namespace, ports=[{"name": "http", "port": right.port}]),
        service(
            unset.name,
            unset.namespace,
            ports=[{"name": "http", "port": unset.port + 1}, {"port": unset.port}],
        ),
        service(drifted.name, drifted.namespace, ports=[{"name": "http", "port": drifted.port}]),
        *(service(m.name, m.namespace, ports=[{"name": "http", "port": m.port}]) for m in rest),
    )
    facts = facts_of((Workloads, Workloads(workloads)), (Services, Services(services)))
    results = evaluate("k8s_microservices_match_design", facts, design)

    def ok(m: Any) -> str:
        return (
            f"{m.replicas} replicas, requests cpu {m.resources.cpu} memory "
            f"{m.resources.memory}, Service port {m.port}"
        )

    assert read(results) == [
        (PASS, f"microservice {right.namespace}/{right.name}", ok(right)),
        (
            FAIL,
            f"microservice {absent.namespace}/{absent.name}",
            f"no Deployment {absent.namespace}/{absent.name}; "
            f"no Service {absent.namespace}/{absent.name}",
        ),
        (
            FAIL,
            f"microservice {unset.namespace}/{unset.name}",
            f"replicas not set, expected {unset.replicas}; "
            f"cpu request {wrong_cpu}, expected {unset.resources.cpu}; "
            f"no memory request, expected {unset.resources.memory}; "
            f"Service has no named port {unset.port}; its ports are "
            f"{unset.port + 1} (http), {unset.port} (unnamed)" + AT,
        ),
        (
            FAIL,
            f"microservice {drifted.namespace}/{drifted.name}",
            f"replicas {drifted.replicas + 1}, expected {drifted.replicas}; "
            f"no cpu request, expected {drifted.resources.cpu}; "
            f"no memory request, expected {drifted.resources.memory}" + AT,
        ),
        *((PASS, f"microservice {m.namespace}/{m.name}", ok(m)) for m in rest),
    ]
