"""The check and collector registries: metadata declared once, next to the code.

A check's id is its rule function's name, its title the docstring's first line and its
rationale the rest; other languages find these texts in their catalog, under the check id
(see eks_refarch.i18n). A collector declares the fact
type it returns (its return annotation), the source it reads and the permissions it
uses; the IAM policy and the Kubernetes ClusterRole are derived from those declarations.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from eks_refarch.conformance.model import (
    CheckSpec,
    Remediation,
    Result,
    Severity,
    Source,
)

F = TypeVar("F", bound=Callable[..., Any])

CHECK_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+){2,}")
ADR_ID = re.compile(r"ADR-\d{4}")


@dataclass(frozen=True)
class CollectorSpec:
    """How one fact type is gathered, and what reading it requires."""

    kind: type[Any]
    source: Source
    actions: tuple[str, ...]
    func: Callable[..., Any]


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, CheckSpec] = {}
        self._collectors: dict[type[Any], CollectorSpec] = {}

    def check(
        self,
        *,
        severity: Severity,
        remediation: Remediation,
        references: Iterable[str],
        decision: str,
        needs: Iterable[type[Any]],
    ) -> Callable[[F], F]:
        """Register a rule ``(facts, design) -> Iterable[Result]`` as a check."""
        needed = tuple(needs)
        refs = tuple(references)

        def register(func: F) -> F:
            check_id = func.__name__
            if not CHECK_ID.fullmatch(check_id):
                raise ValueError(
                    f"check id {check_id!r} must read <service>_<resource>_<expected_state>"
                )
            if check_id in self._checks:
                previous = self._checks[check_id].module
                raise ValueError(f"duplicate check id {check_id!r} (also in {previous})")
            doc = inspect.getdoc(func)
            if not doc:
                raise ValueError(f"check {check_id!r} needs a docstring: title, then rationale")
            title, _, rationale = doc.partition("\n")
            if not ADR_ID.fullmatch(decision):
                raise ValueError(
                    f"check {check_id!r}: decision must be an ADR id, not {decision!r}"
                )
            if not needed:
                raise ValueError(f"check {check_id!r} needs at least one fact type")
            if not refs:
                raise ValueError(f"check {check_id!r} needs at least one reference URL")
            self._checks[check_id] = CheckSpec(
                id=check_id,
                title=title.strip(),
                rationale=rationale.strip(),
                severity=severity,
                remediation=remediation,
                references=refs,
                decision=decision,
                needs=needed,
                sources=frozenset(),  # resolved from collectors once all are registered
                rule=func,
                module=func.__module__,
            )
            return func

        return register

    def collector(self, *, source: Source, actions: Iterable[str]) -> Callable[[F], F]:
        """Register ``(context, design) -> Kind`` as the one way to gather ``Kind``."""
        declared = tuple(actions)

        def register(func: F) -> F:
            kind = _return_type(func)
            if not isinstance(kind, type):
                raise ValueError(f"collector {func.__qualname__} must annotate its return type")
            if kind in self._collectors:
                other = self._collectors[kind].func.__qualname__
                raise ValueError(f"{kind.__name__} already has a collector ({other})")
            if not declared:
                raise ValueError(f"collector {func.__qualname__} must declare its actions")
            self._collectors[kind] = CollectorSpec(kind, source, declared, func)
            return func

        return register

    def collector_for(self, kind: type[Any]) -> CollectorSpec:
        try:
            return self._collectors[kind]
        except KeyError:
            raise LookupError(f"no collector is registered for {kind.__name__}") from None

    def collectors(self) -> tuple[CollectorSpec, ...]:
        return tuple(self._collectors.values())

    def checks(self) -> tuple[CheckSpec, ...]:
        """Every check, sorted by id, with its sources resolved from its collectors."""
        return tuple(self.get(check_id) for check_id in sorted(self._checks))

    def get(self, check_id: str) -> CheckSpec:
        spec = self._checks[check_id]
        sources = frozenset(self.collector_for(kind).source for kind in spec.needs)
        if spec.sources != sources:
            spec = CheckSpec(**{**spec.__dict__, "sources": sources})
            self._checks[check_id] = spec
        return spec

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks


def _return_type(func: Callable[..., Any]) -> Any:
    """The evaluated return annotation alone: the context parameter's annotation may name a
    class imported only for type checkers (the AWS context, which would import boto3)."""
    annotation = func.__annotations__.get("return")
    if isinstance(annotation, str):
        try:
            return eval(annotation, func.__globals__)  # the annotation's own module namespace
        except NameError:
            return None
    return annotation


REGISTRY = Registry()
check = REGISTRY.check
collector = REGISTRY.collector

__all__ = [
    "REGISTRY",
    "CollectorSpec",
    "Registry",
    "Result",
    "check",
    "collector",
]
