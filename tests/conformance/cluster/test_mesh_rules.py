"""The mesh rules' every result, read whole: status, resource and the values its message names."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.facts import (
    DestinationRule,
    DestinationRules,
    Namespaces,
    PeerAuthentication,
    PeerAuthentications,
    Workloads,
)
from eks_refarch.conformance.model import Result, Status
from eks_refarch.design import Design
from eks_refarch.manifests.names import INJECT_LABEL, INJECTION_LABELS, mesh_root_namespace
from tests.conformance.cluster.kube import evaluate, facts_of, obj
from tests.conformance.cluster.test_components_rules import read
from tests.conformance.cluster.test_rules import namespace, peer, workload

PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP
AT = " (at test.yaml:1)"  # where a manifest object of the tests is written


def peers(check: str, design: Design, *items: PeerAuthentication) -> list[Result]:
    return evaluate(check, facts_of((PeerAuthentications, PeerAuthentications(items))), design)


# The mesh-wide mode


def test_no_mesh_wide_peer_authentication_names_the_root_and_the_designed_mode(
    design: Design,
) -> None:
    root = mesh_root_namespace(design)
    assert read(peers("istio_mtls_mesh_strict", design)) == [
        (
            FAIL,
            f"PeerAuthentication {root}/*",
            f"no mesh-wide PeerAuthentication (one without a selector in {root}); expected "
            f"mtls mode {design.mesh.mtls} (mesh.mtls), Istio's default is PERMISSIVE",
        )
    ]


@pytest.mark.parametrize(
    ("mode", "status", "text"),
    [
        ("designed", PASS, "mtls mode {mtls}, mesh-wide"),
        (None, FAIL, "mtls mode UNSET, expected {mtls} (mesh.mtls)" + AT),
        ("DISABLE", FAIL, "mtls mode DISABLE, expected {mtls} (mesh.mtls)" + AT),
    ],
)
def test_the_mesh_wide_mode_is_named_with_the_designed_one(
    design: Design, mode: str | None, status: Status, text: str
) -> None:
    root = mesh_root_namespace(design)
    mtls = design.mesh.mtls
    pa = peer("default", root, mtls if mode == "designed" else mode)
    assert read(peers("istio_mtls_mesh_strict", design, pa)) == [
        (status, f"PeerAuthentication {root}/default", text.format(mtls=mtls))
    ]


def test_each_of_two_mesh_wide_peer_authentications_names_the_other(design: Design) -> None:
    root = mesh_root_namespace(design)
    mtls = design.mesh.mtls
    results = peers("istio_mtls_mesh_strict", design, peer("a", root, mtls), peer("b", root, mtls))
    assert read(results) == [
        (
            FAIL,
            f"PeerAuthentication {root}/{name}",
            f"one of 2 mesh-wide PeerAuthentications (also PeerAuthentication {root}/{other}); "
            "Istio uses the oldest, so which mode applies depends on creation time" + AT,
        )
        for name, other in (("a", "b"), ("b", "a"))
    ]


# Overrides


def test_no_override_passes_once(design: Design) -> None:
    root = mesh_root_namespace(design)
    default = peer("default", root, design.mesh.mtls)
    assert read(peers("istio_mtls_no_weaker_override", design, default)) == [
        (
            PASS,
            "PeerAuthentications",
            "no namespace- or workload-level PeerAuthentication overrides the mesh-wide mode",
        )
    ]


SELECTOR = {"matchLabels": {"app": "cart"}}


@pytest.mark.parametrize(
    ("mode", "spec", "status", "text"),
    [
        (None, {}, PASS, "namespace-level, mode UNSET: not weaker"),
        (None, {"selector": SELECTOR}, PASS, "workload-level, mode UNSET: not weaker"),
        ("STRICT", {"selector": SELECTOR}, PASS, "workload-level, mode STRICT: not weaker"),
        (
            "PERMISSIVE",
            {},
            FAIL,
            "namespace-level mtls mode PERMISSIVE overrides the mesh-wide {mtls} (mesh.mtls)" + AT,
        ),
        (
            "DISABLE",
            {"selector": SELECTOR, "portLevelMtls": {"9090": {"mode": "PERMISSIVE"}}},
            FAIL,
            "workload-level mtls mode DISABLE, port 9090 mode PERMISSIVE overrides the "
            "mesh-wide {mtls} (mesh.mtls)" + AT,
        ),
    ],
)
def test_an_override_names_its_level_and_each_weaker_mode(
    design: Design, mode: str | None, spec: dict[str, Any], status: Status, text: str
) -> None:
    mtls = design.mesh.mtls
    assert mtls == "STRICT", "the cases above are written for a STRICT mesh"
    default = peer("default", mesh_root_namespace(design), mtls)
    override = peer("override", "web", mode, **spec)
    assert read(peers("istio_mtls_no_weaker_override", design, default, override)) == [
        (status, "PeerAuthentication web/override", text.format(mtls=mtls))
    ]


# DestinationRules


def destination_rule(name: str, tls: str) -> DestinationRule:
    spec = {"host": "storefront", "trafficPolicy": {"tls": {"mode": tls}}}
    return DestinationRule.from_object(obj(kinds.DESTINATION_RULES, name, "web", spec=spec))


def test_destination_rules_name_their_host_and_where_tls_is_off(design: Design) -> None:
    items = (destination_rule("on", "ISTIO_MUTUAL"), destination_rule("off", "DISABLE"))
    facts = facts_of((DestinationRules, DestinationRules(items)))
    assert read(evaluate("istio_destinationrules_keep_mtls", facts, design)) == [
        (PASS, "DestinationRule web/on", "host storefront: mesh TLS left on"),
        (
            FAIL,
            "DestinationRule web/off",
            "tls mode DISABLE for host storefront at spec.trafficPolicy.tls.mode; expected "
            "ISTIO_MUTUAL or no tls setting" + AT,
        ),
    ]


def test_no_destination_rules_pass_once(design: Design) -> None:
    facts = facts_of((DestinationRules, DestinationRules(())))
    assert read(evaluate("istio_destinationrules_keep_mtls", facts, design)) == [
        (PASS, "DestinationRules", "no DestinationRules, so none turns mesh TLS off")
    ]


# Injection labels


def test_each_designed_namespace_is_judged_and_others_only_for_both_labels(
    design: Design,
) -> None:
    injection = design.mesh.injection
    expected = f"{injection.label}={injection.label_value}"
    first, second = INJECTION_LABELS
    missing, both, wrong, unlabelled, *rest = injection.namespaces
    right = {injection.label: injection.label_value}
    two = {first: "enabled", second: "canary"}
    items = (
        namespace(both, **two),
        namespace(wrong, **{injection.label: "wrong"}),
        namespace(unlabelled),
        *(namespace(name, **right) for name in rest),
        # Outside the design: one label is no finding, both labels are.
        namespace("labelled", **right),
        namespace("tools", **two),
    )
    results = evaluate(
        "istio_namespaces_injection_labelled", facts_of((Namespaces, Namespaces(items))), design
    )
    assert read(results) == [
        (FAIL, f"Namespace {missing}", f"not found; expected it labelled {expected}"),
        (
            FAIL,
            f"Namespace {both}",
            f"has both {first} and {second}; expected only {expected}" + AT,
        ),
        (
            FAIL,
            f"Namespace {wrong}",
            f"expected {expected} (mesh.injection), found {injection.label}=wrong" + AT,
        ),
        (
            FAIL,
            f"Namespace {unlabelled}",
            f"expected {expected} (mesh.injection), found no such label" + AT,
        ),
        *((PASS, f"Namespace {name}", f"labelled {expected}") for name in rest),
        (
            FAIL,
            "Namespace tools",
            f"has both {first} and {second}; expected at most one" + AT,
        ),
    ]


def test_a_rightly_labelled_namespace_passes(design: Design) -> None:
    injection = design.mesh.injection
    expected = f"{injection.label}={injection.label_value}"
    items = tuple(
        namespace(name, **{injection.label: injection.label_value}) for name in injection.namespaces
    )
    results = evaluate(
        "istio_namespaces_injection_labelled", facts_of((Namespaces, Namespaces(items))), design
    )
    assert read(results) == [
        (PASS, f"Namespace {name}", f"labelled {expected}") for name in injection.namespaces
    ]


# Opting out of injection


@pytest.mark.parametrize(
    ("labels", "annotations", "status", "text"),
    [
        ({}, {}, PASS, "no opt-out from sidecar injection"),
        ({INJECT_LABEL: "true"}, {"other": "false"}, PASS, "no opt-out from sidecar injection"),
        (
            {INJECT_LABEL: "False"},
            {},
            FAIL,
            f'pod template label {INJECT_LABEL}: "false" opts out of injection in a meshed '
            "namespace" + AT,
        ),
        (
            {},
            {INJECT_LABEL: "false"},
            FAIL,
            f'pod template annotation {INJECT_LABEL}: "false" opts out of injection in a '
            "meshed namespace" + AT,
        ),
        (
            {INJECT_LABEL: "false"},
            {INJECT_LABEL: "FALSE"},
            FAIL,
            f'pod template label and annotation {INJECT_LABEL}: "false" opt out of injection '
            "in a meshed namespace" + AT,
        ),
    ],
)
def test_an_opt_out_names_where_it_is_written(
    design: Design, labels: dict[str, str], annotations: dict[str, str], status: Status, text: str
) -> None:
    meshed = design.mesh.injection.namespaces[0]
    meta = {"labels": labels, "annotations": annotations}
    items = (workload(kinds.DEPLOYMENTS, "app", meshed, template_meta=meta),)
    results = evaluate(
        "istio_workloads_injection_enabled", facts_of((Workloads, Workloads(items))), design
    )
    assert read(results) == [(status, f"Deployment {meshed}/app", text)]


def test_no_workload_in_the_injected_namespaces_is_one_skip_naming_them(design: Design) -> None:
    items = (workload(kinds.DEPLOYMENTS, "tool", "outside-the-mesh"),)
    results = evaluate(
        "istio_workloads_injection_enabled", facts_of((Workloads, Workloads(items))), design
    )
    namespaces = ", ".join(sorted(design.mesh.injection.namespaces))
    assert read(results) == [
        (SKIP, "Workloads", f"no workloads in the injected namespaces {namespaces}")
    ]
