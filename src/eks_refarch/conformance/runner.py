"""Run checks: gather each needed fact once, evaluate pure rules, return findings.

The imperative shell of the conformance suite. Collectors do the I/O and may fail;
their failures become `error` findings for exactly the checks that needed them.

Collectors run concurrently in a bounded thread pool, since under a real API's latency
a run would otherwise take the sum of its calls; a context that is not safe to share
between threads (``concurrent`` absent or false) has its collectors run one at a time.
Rules run afterwards, in check order, so findings come out in the same order every time.

Who is at fault decides the exit code. A ``CollectionError`` is the world's: a missing
permission, an endpoint that did not answer, or answered a 5xx, a body that does not
parse, an answer without a field the collector needs. It makes a check `error` (exit 2
unless something failed). Any other exception from a collector or a rule is refarch's
own bug: the check is `error` as well, so no other check is hidden, but the run exits 4
so that a script does not read "could not verify" where it should read "report a bug".
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.facts import CollectionError, Facts, NotApplicable, could_not_verify
from eks_refarch.conformance.model import CheckSpec, Finding, Result, Source, Status
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design
from eks_refarch.errors import (
    EXIT_ERRORED,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_OK,
    Problem,
    UserInputError,
)
from eks_refarch.i18n import joined, msg

T = TypeVar("T")
R = TypeVar("R")

# Collectors in flight at once in one run: more than the built-in AWS collectors, so
# that none waits for a thread while another waits for an answer.
COLLECTOR_THREADS = 32

SOURCE_OPTIONS = {
    Source.AWS: msg("AWS credentials (the default)"),
    Source.CLUSTER: msg("--kubeconfig or --manifests"),
    Source.NODES: msg("--hosts (or --kubeconfig, through the API server)"),
}


@dataclass(frozen=True)
class CollectionRecord:
    """How gathering one fact type went: for --stats and for the report's error lines."""

    kind: str
    source: Source
    seconds: float
    error: str | None


@dataclass(frozen=True)
class RunResult:
    findings: tuple[Finding, ...]
    checks: tuple[CheckSpec, ...]
    collections: tuple[CollectionRecord, ...]
    seconds: float
    # The facts the run collected, by fact type: what the as-built picture is drawn from.
    facts: Mapping[type[Any], Any] = field(default_factory=dict)
    # Checks that could not be judged because of a bug in refarch (not the endpoint's fault).
    internal_errors: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return exit_code(self.findings, internal=bool(self.internal_errors))


def exit_code(findings: Collection[Finding], *, internal: bool) -> int:
    """4 for a bug in refarch, else 1 when something failed, 2 when something could not be
    verified, 0 otherwise: for one run, or for many accounts' runs together."""
    if internal:
        return EXIT_INTERNAL
    statuses = {f.status for f in findings}
    if Status.FAIL in statuses:
        return EXIT_FAILED
    if Status.ERROR in statuses:
        return EXIT_ERRORED
    return EXIT_OK


def select(
    registry: Registry, sources: Collection[Source], only: Collection[str] | None
) -> tuple[list[CheckSpec], list[Finding]]:
    """The checks to run, and skip findings for requested checks whose source is absent."""
    if only:
        unknown = sorted(set(only) - {c.id for c in registry.checks()})
        if unknown:
            raise UserInputError(
                [Problem(None, None, ("--only",), f"unknown check id {u!r}") for u in unknown]
            )
    runnable: list[CheckSpec] = []
    skips: list[Finding] = []
    for spec in registry.checks():
        if only and spec.id not in only:
            continue
        missing = sorted(spec.sources - set(sources))
        if not missing:
            runnable.append(spec)
        elif only:
            needs = joined(SOURCE_OPTIONS[s] for s in missing)
            skips.append(
                Finding(
                    spec.id,
                    Status.SKIP,
                    "-",
                    msg("not run: needs {sources}", sources=needs),
                    spec.severity,
                )
            )
    return runnable, skips


def run(
    design: Design,
    contexts: Mapping[Source, Any],
    *,
    registry: Registry | None = None,
    only: Collection[str] | None = None,
    on_progress: Callable[[str], None] | None = None,
    keep_facts: bool = True,
) -> RunResult:
    """Evaluate every check whose sources are in ``contexts`` (source -> collector context).

    ``keep_facts=False`` drops the facts once the rules have judged them (a run over many
    accounts keeps only their findings)."""
    registry = registry or load_builtin_checks()
    started = time.perf_counter()
    specs, findings = select(registry, contexts.keys(), only)
    kinds = list(dict.fromkeys(kind for spec in specs for kind in spec.needs))
    gathered_all = _gather_all(kinds, registry, contexts, design, on_progress)
    outcomes = dict(zip(kinds, gathered_all, strict=True))
    gathered = {k: o.value for k, o in outcomes.items() if o.kind == "fact"}
    failures = {k: o.value for k, o in outcomes.items() if o.kind == "failure"}
    inapplicable = {k: o.value for k, o in outcomes.items() if o.kind == "inapplicable"}
    bugs = {k for k, o in outcomes.items() if o.bug}
    internal: list[str] = []
    for spec in specs:
        if on_progress:
            on_progress(f"checking {spec.id}")
        judged, rule_bug = _evaluate(spec, gathered, failures, inapplicable, design)
        findings.extend(judged)
        if rule_bug or bugs & set(spec.needs):
            internal.append(spec.id)

    return RunResult(
        findings=tuple(findings),
        checks=tuple(specs),
        collections=tuple(o.record for o in outcomes.values()),
        seconds=time.perf_counter() - started,
        facts=dict(gathered) if keep_facts else {},
        internal_errors=tuple(internal),
    )


@dataclass(frozen=True)
class _Outcome:
    kind: str  # fact, failure or inapplicable
    value: Any
    record: CollectionRecord
    bug: bool = False


def _gather_all(
    kinds: list[type[Any]],
    registry: Registry,
    contexts: Mapping[Source, Any],
    design: Design,
    on_progress: Callable[[str], None] | None,
) -> list[_Outcome]:
    """Every fact type's outcome, in the order of ``kinds``, gathered concurrently."""
    # One lock per context that is not safe to share: its collectors take turns.
    turns = {
        source: threading.Lock()
        for source, context in contexts.items()
        if not getattr(context, "concurrent", False)
    }

    def gather(kind: type[Any]) -> _Outcome:
        spec = registry.collector_for(kind)
        lock = turns.get(spec.source)
        if lock is None:
            return _gather(kind, spec.func, contexts[spec.source], spec.source, design, on_progress)
        with lock:
            return _gather(kind, spec.func, contexts[spec.source], spec.source, design, on_progress)

    # Each collector in a context of its own (no context variables), so that what a
    # source's context records per collector (the AWS chain of calls) stays its own.
    return in_threads(
        lambda kind: contextvars.Context().run(gather, kind), kinds, COLLECTOR_THREADS
    )


def in_threads(func: Callable[[T], R], items: Sequence[T], limit: int) -> list[R]:
    """``func`` of each item, at most ``limit`` at a time, in the items' order.

    On Ctrl-C the pool is left without waiting for the calls in flight (they may wait on
    a read timeout); the command line then exits at once (eks_refarch.cli.main)."""
    if len(items) <= 1 or limit <= 1:
        return [func(item) for item in items]
    pool = ThreadPoolExecutor(min(limit, len(items)), "refarch")
    try:
        results = list(pool.map(func, items))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _gather(
    kind: type[Any],
    func: Callable[[Any, Design], Any],
    context: Any,
    source: Source,
    design: Design,
    on_progress: Callable[[str], None] | None,
) -> _Outcome:
    if on_progress:
        on_progress(f"collecting {kind.__name__}")
    t0 = time.perf_counter()

    def record(error: str | None) -> CollectionRecord:
        return CollectionRecord(kind.__name__, source, time.perf_counter() - t0, error)

    try:
        value = func(context, design)
    except CollectionError as exc:
        return _Outcome("failure", exc, record(str(exc)))
    except NotApplicable as exc:
        return _Outcome("inapplicable", exc, record(None))
    except Exception as exc:  # a collector bug must not hide every other check
        failure = CollectionError(
            kind.__name__,
            msg("a fix in refarch"),
            msg("internal error {error}: {detail}", error=type(exc).__name__, detail=str(exc)),
        )
        return _Outcome("failure", failure, record(str(failure)), bug=True)
    return _Outcome("fact", value, record(None))


def _evaluate(
    spec: CheckSpec,
    gathered: Mapping[type[Any], Any],
    failures: Mapping[type[Any], CollectionError],
    inapplicable: Mapping[type[Any], NotApplicable],
    design: Design,
) -> tuple[list[Finding], bool]:
    """The check's findings, and whether refarch's own rule failed to judge."""
    errors = [failures[kind] for kind in spec.needs if kind in failures]
    if errors:
        message = could_not_verify(errors)
        return [Finding(spec.id, Status.ERROR, str(errors[0].what), message, spec.severity)], False
    skips = [inapplicable[kind] for kind in spec.needs if kind in inapplicable]
    if skips:
        message = msg(
            "not applicable: {reasons}", reasons=joined((s.reason for s in skips), style="clauses")
        )
        return [Finding(spec.id, Status.SKIP, skips[0].what, message, spec.severity)], False
    facts = Facts({kind: gathered[kind] for kind in spec.needs})
    try:
        results: list[Result] = list(spec.rule(facts, design))
    except Exception as exc:  # reported, never swallowed: the check shows as error
        bug = msg(
            "internal error in the rule ({error}: {detail}); this is a bug in refarch, "
            "please report it",
            error=type(exc).__name__,
            detail=str(exc),
        )
        return [Finding(spec.id, Status.ERROR, "-", bug, spec.severity)], True
    if not results:
        empty = msg(
            "the rule returned no result (a bug in refarch: every check must judge at least "
            "one resource)"
        )
        # Reported, but not as a crash: nothing was misread, the rule only had nothing to say.
        return [Finding(spec.id, Status.ERROR, "-", empty, spec.severity)], False
    return [
        Finding(spec.id, r.status, r.resource, r.message, spec.severity) for r in results
    ], False
