"""Rules for the mesh's mutual TLS (ADR-0004): mesh-wide mode, no weaker overrides, injection.

Strict mTLS only protects traffic between pods that have a sidecar, so the injection
rules belong here: a namespace without the label, or a workload that opts out, is a
hole in the mesh however strict the PeerAuthentication is.
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.cluster.facts import (
    DestinationRules,
    Namespaces,
    PeerAuthentication,
    PeerAuthentications,
    Workloads,
)
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
from eks_refarch.manifests.names import INJECT_LABEL, INJECTION_LABELS, mesh_root_namespace

PEER_AUTH_DOCS = "https://istio.io/latest/docs/reference/config/security/peer_authentication/"
MTLS_DOCS = "https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/"
INJECTION_DOCS = "https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/"

# Weaker than each designed mode. UNSET inherits, so it is never weaker by itself.
_WEAKER = {"STRICT": {"PERMISSIVE", "DISABLE"}, "PERMISSIVE": {"DISABLE"}}


def _mesh_wide(items: tuple[PeerAuthentication, ...], design: Design) -> list[PeerAuthentication]:
    root = mesh_root_namespace(design)
    return [p for p in items if p.meta.namespace == root and p.selector is None]


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Apply one PeerAuthentication without a selector in the mesh root namespace, "
        "with the designed mode (manifests/mesh/peer-authentication.yaml).",
        # Placeholders, not values: the root namespace (the mesh component's) and the
        # mode are the design's, and a failing finding's message shows both.
        kubernetes="PeerAuthentication <mesh root namespace>/default spec.mtls.mode: <mesh.mtls>",
    ),
    references=(PEER_AUTH_DOCS, MTLS_DOCS),
    decision="ADR-0004",
    needs=[PeerAuthentications],
)
def istio_mtls_mesh_strict(facts: Facts, design: Design) -> Iterator[Result]:
    """A mesh-wide PeerAuthentication sets the designed mutual TLS mode.

    Without one, Istio's default is PERMISSIVE: sidecars accept plain text, so a pod
    outside the mesh can talk to any service unauthenticated.
    """
    root = mesh_root_namespace(design)
    expected = design.mesh.mtls
    mesh_wide = _mesh_wide(facts[PeerAuthentications].items, design)
    if not mesh_wide:
        yield failed(
            f"PeerAuthentication {root}/*",
            msg(
                "no mesh-wide PeerAuthentication (one without a selector in {root}); expected "
                "mtls mode {expected} (mesh.mtls), Istio's default is PERMISSIVE",
                root=root,
                expected=expected,
            ),
        )
        return
    for pa in mesh_wide:
        mode = pa.mode or "UNSET"
        if len(mesh_wide) > 1:
            others = [str(p.meta) for p in mesh_wide if p is not pa]
            yield failed(
                str(pa.meta),
                pa.meta.located(
                    msg(
                        "one of {count} mesh-wide PeerAuthentications (also {others}); Istio "
                        "uses the oldest, so which mode applies depends on creation time",
                        count=len(mesh_wide),
                        others=joined(others),
                    )
                ),
            )
        elif mode != expected:
            yield failed(
                str(pa.meta),
                pa.meta.located(
                    msg(
                        "mtls mode {mode}, expected {expected} (mesh.mtls)",
                        mode=mode,
                        expected=expected,
                    )
                ),
            )
        else:
            yield passed(str(pa.meta), msg("mtls mode {mode}, mesh-wide", mode=mode))


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Delete the namespace- or workload-level PeerAuthentication, or set its mode "
        "(and every portLevelMtls mode) to the designed mode or UNSET.",
        kubernetes="PeerAuthentication.spec.mtls.mode / spec.portLevelMtls[*].mode",
    ),
    references=(PEER_AUTH_DOCS,),
    decision="ADR-0004",
    needs=[PeerAuthentications],
)
def istio_mtls_no_weaker_override(facts: Facts, design: Design) -> Iterator[Result]:
    """No namespace- or workload-level PeerAuthentication weakens the mesh-wide mode.

    A narrower PeerAuthentication wins over the mesh-wide one, so one PERMISSIVE or
    DISABLE in a namespace silently reopens plain text for every pod it selects.
    """
    weaker = _WEAKER.get(design.mesh.mtls, set())
    mesh_wide = _mesh_wide(facts[PeerAuthentications].items, design)
    overrides = [p for p in facts[PeerAuthentications].items if p not in mesh_wide]
    for pa in overrides:
        workload_level = pa.selector is not None
        found = [msg("mtls mode {mode}", mode=pa.mode)] if pa.mode in weaker else []
        found += [
            msg("port {port} mode {mode}", port=port, mode=mode)
            for port, mode in pa.port_modes.items()
            if mode in weaker
        ]
        if found:
            values = {"found": joined(found), "mesh": design.mesh.mtls}
            yield failed(
                str(pa.meta),
                pa.meta.located(
                    msg(
                        "workload-level {found} overrides the mesh-wide {mesh} (mesh.mtls)",
                        **values,
                    )
                    if workload_level
                    else msg(
                        "namespace-level {found} overrides the mesh-wide {mesh} (mesh.mtls)",
                        **values,
                    )
                ),
            )
        else:
            mode = pa.mode or "UNSET"
            yield passed(
                str(pa.meta),
                msg("workload-level, mode {mode}: not weaker", mode=mode)
                if workload_level
                else msg("namespace-level, mode {mode}: not weaker", mode=mode),
            )
    if not overrides:
        yield passed(
            "PeerAuthentications",
            msg("no namespace- or workload-level PeerAuthentication overrides the mesh-wide mode"),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Remove the tls block (Istio then uses ISTIO_MUTUAL automatically) or set its "
        "mode to ISTIO_MUTUAL.",
        kubernetes="DestinationRule.spec.trafficPolicy.tls.mode: ISTIO_MUTUAL",
    ),
    references=(
        "https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings-TLSmode",
    ),
    decision="ADR-0004",
    needs=[DestinationRules],
)
def istio_destinationrules_keep_mtls(facts: Facts, design: Design) -> Iterator[Result]:
    """No DestinationRule turns mesh TLS off.

    A DestinationRule with tls mode DISABLE makes clients send plain text; under a
    STRICT PeerAuthentication that traffic is refused, otherwise it travels unprotected.
    """
    rules = facts[DestinationRules].items
    for rule in rules:
        off = [where for where, mode in rule.tls_modes if mode == "DISABLE"]
        if off:
            yield failed(
                str(rule.meta),
                rule.meta.located(
                    msg(
                        "tls mode DISABLE for host {host} at {fields}; expected ISTIO_MUTUAL or "
                        "no tls setting",
                        host=rule.host,
                        fields=joined(off),
                    )
                ),
            )
        else:
            yield passed(str(rule.meta), msg("host {host}: mesh TLS left on", host=rule.host))
    if not rules:
        yield passed("DestinationRules", msg("no DestinationRules, so none turns mesh TLS off"))


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Label each microservice namespace for injection with exactly one of the two "
        "labels, then restart its workloads so that their pods get a sidecar.",
        kubernetes="Namespace.metadata.labels: istio-injection=enabled (or istio.io/rev=<rev>)",
    ),
    references=(INJECTION_DOCS,),
    decision="ADR-0004",
    needs=[Namespaces],
)
def istio_namespaces_injection_labelled(facts: Facts, design: Design) -> Iterator[Result]:
    """Every microservice namespace is labelled for sidecar injection, and none has both labels.

    Pods without a sidecar are outside the mesh: STRICT mTLS then refuses their calls.
    With both istio-injection and istio.io/rev on a namespace, istio-injection wins and
    the revision is silently ignored.
    """
    injection = design.mesh.injection
    expected = f"{injection.label}={injection.label_value}"
    first, second = INJECTION_LABELS
    by_name = {n.meta.name: n for n in facts[Namespaces].items}
    for name in injection.namespaces:
        namespace = by_name.get(name)
        resource = f"Namespace {name}"
        if namespace is None:
            yield failed(
                resource, msg("not found; expected it labelled {expected}", expected=expected)
            )
            continue
        labels = namespace.meta.labels
        both = all(label in labels for label in INJECTION_LABELS)
        value = labels.get(injection.label)
        if both:
            yield failed(
                resource,
                namespace.meta.located(
                    msg(
                        "has both {first} and {second}; expected only {expected}",
                        first=first,
                        second=second,
                        expected=expected,
                    )
                ),
            )
        elif value != injection.label_value:
            seen = f"{injection.label}={value}"
            wrong = (
                msg(
                    "expected {expected} (mesh.injection), found {seen}",
                    expected=expected,
                    seen=seen,
                )
                if value is not None
                else msg(
                    "expected {expected} (mesh.injection), found no such label", expected=expected
                )
            )
            yield failed(resource, namespace.meta.located(wrong))
        else:
            yield passed(resource, msg("labelled {expected}", expected=expected))
    for namespace in facts[Namespaces].items:
        labels = namespace.meta.labels
        if namespace.meta.name not in injection.namespaces and all(
            label in labels for label in INJECTION_LABELS
        ):
            yield failed(
                str(namespace.meta),
                namespace.meta.located(
                    msg(
                        "has both {first} and {second}; expected at most one",
                        first=first,
                        second=second,
                    )
                ),
            )


def _opt_out(label: bool, annotation: bool) -> Message | None:
    """What in a pod template opts it out of injection, if anything does."""
    if label and annotation:
        return msg(
            'pod template label and annotation {key}: "false" opt out of injection in a '
            "meshed namespace",
            key=INJECT_LABEL,
        )
    if label:
        return msg(
            'pod template label {key}: "false" opts out of injection in a meshed namespace',
            key=INJECT_LABEL,
        )
    if annotation:
        return msg(
            'pod template annotation {key}: "false" opts out of injection in a meshed namespace',
            key=INJECT_LABEL,
        )
    return None


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps='Remove the sidecar.istio.io/inject: "false" label or annotation from the '
        "pod template.",
        kubernetes="spec.template.metadata.labels[sidecar.istio.io/inject]",
    ),
    references=(INJECTION_DOCS,),
    decision="ADR-0004",
    needs=[Workloads],
)
def istio_workloads_injection_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """No workload in an injected namespace opts out of the sidecar.

    A pod template labelled or annotated sidecar.istio.io/inject: "false" runs without
    a proxy in a namespace the design puts in the mesh.
    """
    injected = set(design.mesh.injection.namespaces)
    workloads = [w for w in facts[Workloads].items if w.meta.namespace in injected]
    for workload in workloads:
        label, annotation = (
            values.get(INJECT_LABEL, "").lower() == "false"
            for values in (workload.pod_labels, workload.pod_annotations)
        )
        opt_out = _opt_out(label, annotation)
        if opt_out is not None:
            yield failed(str(workload.meta), workload.meta.located(opt_out))
        else:
            yield passed(str(workload.meta), msg("no opt-out from sidecar injection"))
    if not workloads:
        yield skipped(
            "Workloads",
            msg(
                "no workloads in the injected namespaces {namespaces}",
                namespaces=joined(sorted(injected)),
            ),
        )
