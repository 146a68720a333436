"""Rules for the workloads the design owns: resource requests, non-root, readiness probes.

They judge the microservices' namespaces and the ingress gateway's, one finding per
workload; platform components come from upstream Helm charts with their own defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eks_refarch.conformance.cluster.facts import Container, Services, Workload, Workloads
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
from eks_refarch.i18n import Message, joined, msg

REQUESTS_DOCS = "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"
PSS_DOCS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
PROBE_DOCS = (
    "https://kubernetes.io/docs/tasks/configure-pod-container/"
    "configure-liveness-readiness-startup-probes/"
)
EKS_BP = "https://docs.aws.amazon.com/eks/latest/best-practices/introduction.html"


def owned_namespaces(design: Design) -> list[str]:
    return sorted(
        {m.namespace for m in design.microservices} | {design.mesh.ingress_gateway.namespace}
    )


def _judge(
    facts: Facts,
    design: Design,
    problems: Callable[[Workload], list[Message]],
    ok: Message,
) -> Iterator[Result]:
    namespaces = owned_namespaces(design)
    workloads = [w for w in facts[Workloads].items if w.meta.namespace in namespaces]
    for workload in workloads:
        found = problems(workload)
        if found:
            yield failed(str(workload.meta), workload.meta.located(joined(found, style="clauses")))
        else:
            yield passed(str(workload.meta), ok)
    if not workloads:
        yield skipped(
            "Workloads",
            msg("no workloads in the namespaces {namespaces}", namespaces=joined(namespaces)),
        )


def _missing_requests(workload: Workload) -> list[Message]:
    out = []
    for c in workload.containers:
        missing = [r for r in ("cpu", "memory") if r not in c.requests]
        if len(missing) == 2:
            out.append(
                msg("container {container} has no cpu or memory request", container=repr(c.name))
            )
        elif missing:
            out.append(
                msg(
                    "container {container} has no {resource} request",
                    container=repr(c.name),
                    resource=missing[0],
                )
            )
    return out


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Set cpu and memory requests on every container, from the design's "
        "microservices[*].resources.",
        kubernetes="spec.template.spec.containers[*].resources.requests",
    ),
    references=(REQUESTS_DOCS, EKS_BP),
    decision="ADR-0001",
    needs=[Workloads],
)
def k8s_workloads_requests_set(facts: Facts, design: Design) -> Iterator[Result]:
    """Every container of the design's workloads requests cpu and memory.

    Without requests the scheduler packs pods blindly, Karpenter cannot size nodes for
    them, and they are the first evicted under memory pressure.
    """
    yield from _judge(
        facts, design, _missing_requests, msg("every container requests cpu and memory")
    )


def _root_containers(workload: Workload) -> list[Message]:
    out = []
    for c in workload.containers:
        user = c.run_as_user if c.run_as_user is not None else workload.run_as_user
        non_root = c.run_as_non_root if c.run_as_non_root is not None else workload.run_as_non_root
        if user == 0:
            out.append(msg("container {container} runs as uid 0", container=repr(c.name)))
        elif user is None and not non_root:
            out.append(
                msg(
                    "container {container} sets neither runAsNonRoot: true nor a non-zero "
                    "runAsUser",
                    container=repr(c.name),
                )
            )
    return out


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Run as a non-root user: set runAsNonRoot: true (and a non-zero runAsUser if "
        "the image's user is not numeric) on the pod, and no runAsUser: 0 on any container.",
        kubernetes="spec.template.spec.securityContext.runAsNonRoot: true",
    ),
    references=(PSS_DOCS, EKS_BP),
    decision="ADR-0001",
    needs=[Workloads],
)
def k8s_workloads_non_root(facts: Facts, design: Design) -> Iterator[Result]:
    """Every container of the design's workloads runs as a non-root user.

    A process running as root in a container is root on the node if it escapes; the
    Restricted Pod Security Standard requires runAsNonRoot.
    """
    yield from _judge(facts, design, _root_containers, msg("every container runs as non-root"))


def _without_probe(workload: Workload) -> list[Message]:
    return [
        msg("container {container} has no readinessProbe", container=repr(c.name))
        for c in workload.containers
        if not c.init and not c.readiness_probe
    ]


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Add a readinessProbe (httpGet on a health path, or tcpSocket on the serving "
        "port) to every container.",
        kubernetes="spec.template.spec.containers[*].readinessProbe",
    ),
    references=(PROBE_DOCS, EKS_BP),
    decision="ADR-0001",
    needs=[Workloads],
)
def k8s_workloads_readiness_probe(facts: Facts, design: Design) -> Iterator[Result]:
    """Every container of the design's workloads has a readiness probe.

    Without one a pod receives traffic as soon as its process starts, so every rollout
    and restart sends requests to pods that cannot answer them yet.
    """
    yield from _judge(facts, design, _without_probe, msg("every container has a readinessProbe"))


def _same_quantity(a: str, b: str) -> bool:
    """ "100m" and "0.1" are the same cpu request; the client's parser knows the suffixes.

    Imported here so that the check catalog loads without the 'cluster' extra; the
    cluster sources require it before any cluster rule runs.
    """
    from kubernetes.utils.quantity import parse_quantity

    same: bool = parse_quantity(a) == parse_quantity(b)  # type: ignore[no-untyped-call]
    return same


def _main_container(workload: Workload, name: str) -> Container | None:
    containers = [c for c in workload.containers if not c.init]
    return next((c for c in containers if c.name == name), containers[0] if containers else None)


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Render the manifests from the design (refarch manifests render) or set the "
        "Deployment's replicas, requests and the Service's port to the designed values.",
        kubernetes="Deployment.spec.replicas, containers[*].resources.requests, Service.spec.ports",
    ),
    references=(REQUESTS_DOCS,),
    decision="ADR-0001",
    needs=[Workloads, Services],
)
def k8s_microservices_match_design(facts: Facts, design: Design) -> Iterator[Result]:
    """Every microservice runs as designed: Deployment, replicas, requests and Service port.

    The design's capacity plan and the routes assume these values; a drifted replica
    count or request changes both without anyone deciding it.
    """
    deployments = {
        (w.meta.namespace, w.meta.name): w
        for w in facts[Workloads].items
        if w.meta.kind == "Deployment"
    }
    services = {(s.meta.namespace, s.meta.name): s for s in facts[Services].items}
    for m in design.microservices:
        resource = f"microservice {m.namespace}/{m.name}"
        deployment = deployments.get((m.namespace, m.name))
        service = services.get((m.namespace, m.name))
        name = f"{m.namespace}/{m.name}"
        problems: list[Message] = []
        if deployment is None:
            problems.append(msg("no Deployment {deployment}", deployment=name))
        else:
            if deployment.replicas is None:
                problems.append(msg("replicas not set, expected {expected}", expected=m.replicas))
            elif deployment.replicas != m.replicas:
                problems.append(
                    msg(
                        "replicas {seen}, expected {expected}",
                        seen=deployment.replicas,
                        expected=m.replicas,
                    )
                )
            container = _main_container(deployment, m.name)
            designed = {"cpu": m.resources.cpu, "memory": m.resources.memory}
            for resource_name, quantity in designed.items():
                seen = container.requests.get(resource_name) if container else None
                if seen is None:
                    problems.append(
                        msg(
                            "no {resource} request, expected {expected}",
                            resource=resource_name,
                            expected=quantity,
                        )
                    )
                elif not _same_quantity(seen, quantity):
                    problems.append(
                        msg(
                            "{resource} request {seen}, expected {expected}",
                            resource=resource_name,
                            seen=seen,
                            expected=quantity,
                        )
                    )
        if service is None:
            problems.append(msg("no Service {service}", service=name))
        elif not any(p.port == m.port and p.name for p in service.ports):
            ports = [
                f"{p.port} ({p.name})" if p.name else msg("{port} (unnamed)", port=p.port)
                for p in service.ports
            ]
            problems.append(
                msg(
                    "Service has no named port {port}; its ports are {ports}",
                    port=m.port,
                    ports=joined(ports),
                )
            )
        if problems:
            found = joined(problems, style="clauses")
            yield failed(resource, deployment.meta.located(found) if deployment else found)
        else:
            yield passed(
                resource,
                msg(
                    "{replicas} replicas, requests cpu {cpu} memory {memory}, Service port {port}",
                    replicas=m.replicas,
                    cpu=m.resources.cpu,
                    memory=m.resources.memory,
                    port=m.port,
                ),
            )
