"""Every check a decision record lists reads a field of the design that the record decides.

A decision record lists the checks that name it (``decision=`` beside each rule). That
list is only honest if each of those checks reads what the decision governs: the fields
the rule reads from the design are found in its source, following the functions it
hands the design to, and each must fall under one of the decision's ``governs`` paths.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import CheckSpec
from eks_refarch.design import Design

CHECKS = load_builtin_checks().checks()

# Checks that compare the cluster with a rule of their decision rather than with a value
# of the design: they read nothing from it, and say here which rule they hold.
INVARIANTS = {
    "istio_destinationrules_keep_mtls": "ADR-0004: no DestinationRule may turn mesh TLS off",
    "istio_destinations_named_service_ports": "ADR-0004: the mesh routes HTTP only to named "
    "ports of existing Services",
}


def _chain(node: ast.expr, root: str) -> list[str] | None:
    """``design.edge.alb.name`` -> ``["edge", "alb", "name"]`` when rooted at ``root``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id == root and parts:
        return parts[::-1]
    return None


def _reads(func: Callable[..., Any], param: str, seen: set[Any]) -> Iterator[str]:
    """The design paths ``func`` reads through its parameter ``param``, and through every
    function it passes that parameter to (the rule's helpers, the lookups)."""
    key = (func, param)
    if key in seen:
        return
    seen.add(key)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(
            getattr(node, "parent", None), ast.Attribute
        ):
            chain = _chain(node, param)
            if chain:
                yield ".".join(chain)
        if isinstance(node, ast.Call):
            callee = _resolve(func, node.func)
            if callee is None:
                continue
            params = _parameters(callee)
            for i, arg in enumerate(node.args):
                if isinstance(arg, ast.Name) and arg.id == param and i < len(params):
                    yield from _reads(callee, params[i], seen)
            for keyword in node.keywords:
                named = isinstance(keyword.value, ast.Name) and keyword.value.id == param
                if named and keyword.arg:
                    yield from _reads(callee, keyword.arg, seen)


def _resolve(func: Callable[..., Any], node: ast.expr) -> Callable[..., Any] | None:
    scope = getattr(inspect.unwrap(func), "__globals__", {})
    if isinstance(node, ast.Name):
        found = scope.get(node.id)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        found = getattr(scope.get(node.value.id), node.attr, None)
    else:
        return None
    return found if inspect.isfunction(found) else None


def _parameters(func: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(func).parameters)


def _with_parents(tree: ast.AST) -> None:
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child.parent = parent  # type: ignore[attr-defined]


def read_paths(spec: CheckSpec) -> set[str]:
    """Every design path a check's rule reads, such as ``registry.scan_on_push``."""
    original = ast.parse

    def parse(source: str, *args: Any, **kwargs: Any) -> ast.Module:
        tree: ast.Module = original(source, *args, **kwargs)
        _with_parents(tree)
        return tree

    ast.parse = parse  # type: ignore[assignment]
    try:
        return set(_reads(spec.rule, "design", set()))
    finally:
        ast.parse = original


def _governed(design: Design, path: str) -> str:
    """A decision's path as the rules read it: ``platform.argo-cd`` is read through
    ``platform.components``; every other path is an attribute path already."""
    section, _, rest = path.partition(".")
    if section == "platform" and rest and rest not in type(design.platform).model_fields:
        return "platform.components"
    return path


def _covers(governed: str, read: str) -> bool:
    return read == governed or read.startswith(governed + ".") or governed.startswith(read + ".")


@pytest.mark.parametrize("spec", CHECKS, ids=[c.id for c in CHECKS])
def test_each_check_reads_a_field_its_decision_governs(spec: CheckSpec, design: Design) -> None:
    reads = read_paths(spec)
    if spec.id in INVARIANTS:
        assert not reads, f"{spec.id} reads {sorted(reads)}: take it off the invariants"
        assert INVARIANTS[spec.id].startswith(spec.decision + ":")
        return
    assert reads, f"{spec.id} reads nothing from the design"
    governs = [_governed(design, g) for g in design.decision(spec.decision).governs]
    assert any(_covers(g, r) for g in governs for r in reads), (
        f"{spec.id} is listed by {spec.decision}, which governs {governs}, "
        f"but reads only {sorted(reads)}"
    )


def test_the_reader_finds_reads_through_helpers() -> None:
    by_id = {c.id: c for c in CHECKS}
    assert "nodes.kubelet.expected" in read_paths(by_id["kubelet_anonymous_auth_disabled"])
    assert "registry.scan_on_push" in read_paths(by_id["ecr_repositories_scan_on_push"])
