"""Helpers for cluster tests: literal Kubernetes objects, facts from them, rules run on them."""

from __future__ import annotations

from typing import Any

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.facts import Service
from eks_refarch.conformance.cluster.kinds import Kind
from eks_refarch.conformance.cluster.source import KubeObject
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Result, Status
from eks_refarch.design import Design
from tests.conformance.reading import read_in_japanese

GW_LABELS = {"app": "istio-ingressgateway", "istio": "ingressgateway"}


def obj(
    kind: Kind,
    name: str,
    namespace: str | None = None,
    *,
    observed: bool = False,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    **body: Any,
) -> KubeObject:
    """A KubeObject as a source would return it; ``body`` holds spec, status, ..."""
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    if labels:
        metadata["labels"] = labels
    if annotations:
        metadata["annotations"] = annotations
    data = {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": metadata, **body}
    return KubeObject(
        kind=kind, data=data, origin="" if observed else "test.yaml:1", observed=observed
    )


def facts_of(*pairs: tuple[type[Any], Any]) -> Facts:
    return Facts(dict(pairs))


def evaluate(check_id: str, facts: Facts, design: Design) -> list[Result]:
    """The rule's results, each of whose messages is checked to read in Japanese."""
    results = list(load_builtin_checks().get(check_id).rule(facts, design))
    read_in_japanese(results)
    return results


def statuses(results: list[Result]) -> dict[str, Status]:
    return {r.resource: r.status for r in results}


def service(
    name: str,
    namespace: str,
    *,
    type_: str = "ClusterIP",
    ports: Any = None,
    selector: dict[str, str] | None = None,
) -> Service:
    spec: dict[str, Any] = {"type": type_, "ports": ports or [{"name": "http", "port": 8080}]}
    if selector:
        spec["selector"] = selector
    return Service.from_object(obj(kinds.SERVICES, name, namespace, spec=spec))


def gateway_service(**overrides: Any) -> Service:
    ports = overrides.pop(
        "ports",
        [
            {"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080},
            {"name": "status-port", "port": 15021, "targetPort": 15021, "nodePort": 30021},
        ],
    )
    return service(
        "istio-ingressgateway",
        overrides.pop("namespace", "istio-ingress"),
        type_=overrides.pop("type_", "NodePort"),
        ports=ports,
        selector=GW_LABELS,
    )
