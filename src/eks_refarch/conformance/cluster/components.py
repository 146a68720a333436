"""Rules for the platform components (ADR-0003): each present in its namespace, and ready.

A component is present when its designed workload (Deployment or StatefulSet) is in
its designed namespace, or, in manifests where Helm charts are not rendered, when an
Argo CD Application that names it installs into that namespace. Readiness is only
known where status was observed, on a live cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eks_refarch.conformance.cluster.facts import Application, Applications, Workload, Workloads
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
from eks_refarch.design.model import Component
from eks_refarch.i18n import Message, joined, msg
from eks_refarch.manifests.names import COMPONENTS_ANNOTATION

ARGO_DOCS = (
    "https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications"
)


@dataclass(frozen=True)
class _Found:
    workload: Workload | None
    application: Application | None
    elsewhere: tuple[str, ...]  # the same workload or Application, in another namespace


def _find(component: Component, facts: Facts) -> _Found:
    wanted = (component.workload.kind, component.workload.name)
    workloads = [w for w in facts[Workloads].items if (w.meta.kind, w.meta.name) == wanted]
    apps = [a for a in facts[Applications].items if component.name in a.components]
    workload = next((w for w in workloads if w.meta.namespace == component.namespace), None)
    app = next((a for a in apps if a.destination_namespace == component.namespace), None)
    elsewhere = tuple(
        [str(w.meta) for w in workloads if w is not workload]
        + [f"{a.meta} -> {a.destination_namespace}" for a in apps if a is not app]
    )
    return _Found(workload, app, elsewhere)


def _absent(component: Component, found: _Found) -> Message:
    values = {
        "kind": component.workload.kind,
        "workload": component.workload.name,
        "namespace": component.namespace,
        "annotation": f"{COMPONENTS_ANNOTATION}: {component.name}",
    }
    if found.elsewhere:
        return msg(
            "not found: expected {kind} {workload} in namespace {namespace}, or an Argo CD "
            "Application annotated {annotation} with destination namespace {namespace} "
            "(found {elsewhere})",
            elsewhere=joined(found.elsewhere),
            **values,
        )
    return msg(
        "not found: expected {kind} {workload} in namespace {namespace}, or an Argo CD "
        "Application annotated {annotation} with destination namespace {namespace}",
        **values,
    )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Install the component with its Argo CD Application "
        "(manifests/platform/applications.yaml) into the designed namespace.",
        kubernetes="Application.spec.destination.namespace",
    ),
    references=(ARGO_DOCS,),
    decision="ADR-0003",
    needs=[Workloads, Applications],
)
def platform_components_present(facts: Facts, design: Design) -> Iterator[Result]:
    """Every platform component of the design is present in its designed namespace.

    The design's infrastructure domain (GitOps, mesh, observability, secrets,
    autoscaling) only exists if each component is deployed where the others expect it.
    """
    for component in design.platform.components:
        resource = f"component {component.name}"
        found = _find(component, facts)
        if found.workload is not None:
            yield passed(resource, msg("{workload} found", workload=str(found.workload.meta)))
        elif found.application is not None:
            yield passed(
                resource,
                msg(
                    "installed by Argo CD {application} into {namespace}",
                    application=str(found.application.meta),
                    namespace=component.namespace,
                ),
            )
        else:
            yield failed(resource, _absent(component, found))


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Look at the component's pods (kubectl -n <namespace> get pods, describe) or "
        "its Application's health and sync status in Argo CD.",
    ),
    references=(ARGO_DOCS,),
    decision="ADR-0003",
    needs=[Workloads, Applications],
)
def platform_components_ready(facts: Facts, design: Design) -> Iterator[Result]:
    """Every platform component of the design is ready.

    Present but not ready is not running: a component whose replicas are not ready,
    or whose Application is not Healthy and Synced, is not doing its job.
    """
    found = {component.name: _find(component, facts) for component in design.platform.components}
    subjects = {name: f.workload or f.application for name, f in found.items()}
    present = [subject for subject in subjects.values() if subject is not None]
    # Manifests carry no status: one skip says so, rather than one per component.
    unobserved = bool(present) and all(subject.ready is None for subject in present)
    for component in design.platform.components:
        resource = f"component {component.name}"
        subject = subjects[component.name]
        if subject is None:
            yield failed(resource, _absent(component, found[component.name]))
        elif subject.ready is None:
            if not unobserved:
                yield skipped(
                    resource,
                    msg(
                        "{subject} is present, but no status was observed, so its readiness "
                        "is not known",
                        subject=str(subject.meta),
                    ),
                )
        elif subject.ready:
            yield passed(
                resource,
                msg(
                    "{subject}: {readiness}", subject=str(subject.meta), readiness=subject.readiness
                ),
            )
        else:
            yield failed(
                resource,
                msg(
                    "{subject} is not ready: {readiness}",
                    subject=str(subject.meta),
                    readiness=subject.readiness,
                ),
            )
    if unobserved:
        yield skipped(
            "platform components",
            msg(
                "{present} of {components} components are present, but none has an observed "
                "status: readiness is only known on a live cluster (--kubeconfig)",
                present=len(present),
                components=len(subjects),
            ),
        )
