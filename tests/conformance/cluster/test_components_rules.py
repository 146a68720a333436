"""The platform component rules' every result, read whole: status, resource and message."""

from __future__ import annotations

from typing import Any

from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.facts import Application, Applications, Workload, Workloads
from eks_refarch.conformance.model import Result, Status
from eks_refarch.design import Design
from eks_refarch.design.model import Component
from eks_refarch.manifests.names import COMPONENTS_ANNOTATION
from tests.conformance.cluster.kube import evaluate, facts_of
from tests.conformance.cluster.test_rules import application, workload
from tests.conformance.reading import english

PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP


def read(results: list[Result]) -> list[tuple[Status, str, str]]:
    """What a reader sees of each result: its status, its resource and its message."""
    return [(r.status, r.resource, english(r.message)) for r in results]


def by_resource(results: list[Result]) -> dict[str, tuple[Status, str]]:
    return {resource: (status, text) for status, resource, text in read(results)}


def kind_of(component: Component) -> kinds.Kind:
    return next(k for k in kinds.WORKLOAD_KINDS if k.kind == component.workload.kind)


def designed_workload(component: Component, **body: Any) -> Workload:
    """The component's workload where the design puts it (two replicas wanted)."""
    return workload(kind_of(component), component.workload.name, component.namespace, **body)


def absent(component: Component) -> str:
    c = component
    return (
        f"not found: expected {c.workload.kind} {c.workload.name} in namespace {c.namespace}, "
        f"or an Argo CD Application annotated {COMPONENTS_ANNOTATION}: {c.name} with "
        f"destination namespace {c.namespace}"
    )


def meta(c: Component) -> str:
    """How a component's designed workload is named."""
    return f"{c.workload.kind} {c.namespace}/{c.workload.name}"


def all_absent(design: Design) -> dict[str, tuple[Status, str]]:
    return {f"component {c.name}": (FAIL, absent(c)) for c in design.platform.components}


def judge(
    check: str, design: Design, workloads: tuple[Workload, ...], apps: tuple[Application, ...]
) -> list[Result]:
    facts = facts_of((Workloads, Workloads(workloads)), (Applications, Applications(apps)))
    return evaluate(check, facts, design)


def test_presence_names_the_workload_or_the_application_found(design: Design) -> None:
    first, second, third = design.platform.components[:3]
    items = (
        designed_workload(first),
        # Elsewhere only: the same workload in another namespace is named, not taken.
        workload(kind_of(third), third.workload.name, "elsewhere"),
    )
    apps = (
        application("second-app", second.name, second.namespace),
        # Both an installing Application and the workload: the workload is named.
        application("first-app", first.name, first.namespace),
        application("third-app", third.name, "default"),
    )
    found = by_resource(judge("platform_components_present", design, items, apps))
    assert found == all_absent(design) | {
        f"component {first.name}": (PASS, f"{meta(first)} found"),
        f"component {second.name}": (
            PASS,
            f"installed by Argo CD Application argocd/second-app into {second.namespace}",
        ),
        f"component {third.name}": (
            FAIL,
            f"{absent(third)} (found {third.workload.kind} elsewhere/{third.workload.name}, "
            "Application argocd/third-app -> default)",
        ),
    }


def test_readiness_names_the_subject_and_its_readiness(design: Design) -> None:
    ready, unready, unobserved, app_ready = design.platform.components[:4]
    items = (
        designed_workload(ready, observed=True, status={"readyReplicas": 2}),
        designed_workload(unready, observed=True, status={"readyReplicas": 1}),
        designed_workload(unobserved),
    )
    apps = (
        application(
            "app",
            app_ready.name,
            app_ready.namespace,
            observed=True,
            status={"health": {"status": "Healthy"}, "sync": {"status": "Synced"}},
        ),
    )
    found = by_resource(judge("platform_components_ready", design, items, apps))
    # No "platform components" skip: some status was observed, so the one component
    # without is skipped on its own.
    assert found == all_absent(design) | {
        f"component {ready.name}": (PASS, f"{meta(ready)}: 2/2 replicas ready"),
        f"component {unready.name}": (FAIL, f"{meta(unready)} is not ready: 1/2 replicas ready"),
        f"component {unobserved.name}": (
            SKIP,
            f"{meta(unobserved)} is present, but no status was observed, so its readiness is "
            "not known",
        ),
        f"component {app_ready.name}": (
            PASS,
            "Application argocd/app: health Healthy, sync Synced",
        ),
    }


def test_no_component_present_fails_each_without_a_skip_for_status(design: Design) -> None:
    assert read(judge("platform_components_ready", design, (), ())) == [
        (FAIL, f"component {c.name}", absent(c)) for c in design.platform.components
    ]
