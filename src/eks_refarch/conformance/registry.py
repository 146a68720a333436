"""The check and collector registries: metadata declared once, next to the code.

A check's id is its rule function's name, its title the docstring's first line and its
rationale the rest; ``ja=CheckText(...)`` gives the same title, rationale and remediation
steps in Japanese, for the Japanese pages of the site. A collector declares the fact
type it returns (its return annotation), the source it reads and the permissions it
uses; the IAM policy and the Kubernetes ClusterRole are derived from those declarations.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from eks_refarch.conformance.model import (
    CheckSpec,
    CheckText,
    Remediation,
    Result,
    Severity,
    Source,
)

F = TypeVar("F", bound=Callable[..., Any])

CHECK_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+){2,}")
ADR_ID = re.compile(r"ADR-\d{4}")
# Hiragana, katakana or a CJK ideograph: English pasted into ja= has none of them.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


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
        # Required: None only so that a missing one fails naming the check, not the call.
        ja: CheckText | None = None,
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
            japanese = _require_japanese(check_id, ja, english_rationale=rationale.strip())
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
                ja=japanese,
                rule=func,
                module=func.__module__,
            )
            return func

        return register

    def collector(self, *, source: Source, actions: Iterable[str]) -> Callable[[F], F]:
        """Register ``(context, design) -> Kind`` as the one way to gather ``Kind``."""
        declared = tuple(actions)

        def register(func: F) -> F:
            kind = typing.get_type_hints(func).get("return")
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


def _require_japanese(check_id: str, ja: CheckText | None, *, english_rationale: str) -> CheckText:
    if ja is None:
        raise ValueError(
            f"check {check_id!r} needs its Japanese text: "
            "ja=CheckText(title=..., rationale=..., steps=...)"
        )
    for name in ("title", "steps"):
        if not JAPANESE.search(getattr(ja, name)):
            raise ValueError(f"check {check_id!r}: ja.{name} must be written in Japanese")
    if bool(english_rationale) != bool(ja.rationale.strip()):
        raise ValueError(
            f"check {check_id!r}: ja.rationale must be given exactly when the docstring "
            "has a rationale"
        )
    if ja.rationale and not JAPANESE.search(ja.rationale):
        raise ValueError(f"check {check_id!r}: ja.rationale must be written in Japanese")
    return ja


REGISTRY = Registry()
check = REGISTRY.check
collector = REGISTRY.collector

_loaded = False
# They register nothing and import an extra's library as they load (the Kubernetes
# client, testinfra, pytest): the catalog loads on the base install without them.
_NEEDS_AN_EXTRA = frozenset(
    f"eks_refarch.conformance.{name}"
    for name in ("cluster.live", "nodes.configz", "nodes.hosts", "pytest_plugin")
)


def load_builtin_checks() -> Registry:
    """Import every module under eks_refarch.conformance so that all checks register."""
    global _loaded
    if not _loaded:
        package = importlib.import_module("eks_refarch.conformance")
        for module in pkgutil.walk_packages(package.__path__, prefix="eks_refarch.conformance."):
            if module.name not in _NEEDS_AN_EXTRA:
                importlib.import_module(module.name)
        _loaded = True
    return REGISTRY


__all__ = [
    "REGISTRY",
    "CollectorSpec",
    "Registry",
    "Result",
    "check",
    "collector",
    "load_builtin_checks",
]
