"""Helpers for cluster tests: literal Kubernetes objects, facts from them, rules run on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from eks_refarch.conformance.cluster.kinds import Kind
from eks_refarch.conformance.cluster.source import KubeObject
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Result, Status
from eks_refarch.conformance.registry import load_builtin_checks
from eks_refarch.design import Design

T = TypeVar("T")


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
    return list(load_builtin_checks().get(check_id).rule(facts, design))


def statuses(results: list[Result]) -> dict[str, Status]:
    return {r.resource: r.status for r in results}


def build(items: list[KubeObject], make: Callable[[KubeObject], T]) -> tuple[T, ...]:
    return tuple(make(o) for o in items)
