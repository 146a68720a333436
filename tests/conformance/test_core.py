"""The conformance core: registration rules, fact gathering, error mapping, exit codes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from eks_refarch.conformance.facts import CollectionError, Facts, NotApplicable
from eks_refarch.conformance.model import (
    CheckText,
    Remediation,
    Result,
    Rule,
    Severity,
    Source,
    Status,
    failed,
    passed,
)
from eks_refarch.conformance.registry import Registry
from eks_refarch.conformance.runner import in_threads, run
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_ERRORED, EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, UserInputError
from tests.conformance.reading import english, japanese

FIX = Remediation(steps="Do the thing.", terraform="aws_thing.enabled = true")
REFS = ("https://docs.aws.amazon.com/",)


@dataclass(frozen=True)
class Widgets:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Gadgets:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Pods:
    names: tuple[str, ...]


def minimal_check(
    registry: Registry,
    *needs: type[Any],
    decision: str = "ADR-0001",
) -> Callable[[Rule], Rule]:
    """``registry.check`` with the least metadata a check may have, for registration tests."""
    return registry.check(
        severity=Severity.LOW,
        remediation=FIX,
        references=REFS,
        decision=decision,
        needs=needs,
    )


class FakeAccount:
    """A collector context that counts reads and can be told to deny one of them."""

    def __init__(self, deny: str | None = None) -> None:
        self.deny = deny
        self.reads: list[str] = []

    def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
        self.reads.append(what)
        if what == self.deny:
            raise CollectionError(what, f"fake:List{what.title()}", "AccessDenied")
        return names


def make_registry() -> Registry:
    reg = Registry()

    @reg.collector(source=Source.AWS, actions=("fake:ListWidgets",))
    def widgets(ctx: FakeAccount, design: Design) -> Widgets:
        return Widgets(ctx.read("widgets", ("w1", "w2")))

    @reg.collector(source=Source.AWS, actions=("fake:ListGadgets",))
    def gadgets(ctx: FakeAccount, design: Design) -> Gadgets:
        return Gadgets(ctx.read("gadgets", ("g1",)))

    @reg.collector(source=Source.CLUSTER, actions=("list pods",))
    def pods(ctx: Any, design: Design) -> Pods:
        return Pods(("p1",))

    @reg.check(
        severity=Severity.HIGH,
        remediation=FIX,
        references=REFS,
        decision="ADR-0001",
        needs=[Widgets],
    )
    def fake_widget_is_shiny(facts: Facts, design: Design) -> Iterator[Result]:
        """Widgets are shiny.

        Dull widgets scare customers.
        """
        for name in facts[Widgets].names:
            yield passed(name, "shiny") if name == "w1" else failed(name, "dull")

    @reg.check(
        severity=Severity.LOW,
        remediation=FIX,
        references=REFS,
        decision="ADR-0002",
        needs=[Widgets, Gadgets],
    )
    def fake_gadget_matches_widgets(facts: Facts, design: Design) -> Iterator[Result]:
        """Gadgets match widgets."""
        yield passed(facts[Gadgets].names[0], f"matches {len(facts[Widgets].names)} widgets")

    @reg.check(
        severity=Severity.MEDIUM,
        remediation=FIX,
        references=REFS,
        decision="ADR-0003",
        needs=[Pods],
    )
    def fake_pod_is_running(facts: Facts, design: Design) -> Iterator[Result]:
        """Pods run."""
        yield passed("p1", "running")

    return reg


def test_title_and_rationale_come_from_the_docstring() -> None:
    spec = make_registry().get("fake_widget_is_shiny")
    assert spec.title == "Widgets are shiny."
    assert spec.rationale == "Dull widgets scare customers."
    assert spec.sources == {Source.AWS}


def test_text_gives_the_english_metadata_and_falls_back_to_it_without_a_translation() -> None:
    spec = make_registry().get("fake_widget_is_shiny")
    english = CheckText("Widgets are shiny.", "Dull widgets scare customers.", "Do the thing.")
    assert spec.text("en") == english
    # No catalog holds this test's check: Japanese readers see the English text.
    assert spec.text("ja") == english
    with pytest.raises(ValueError, match="no catalog for language 'fr'"):
        spec.text("fr")


def test_duplicate_check_id_fails_at_registration() -> None:
    reg = make_registry()
    with pytest.raises(ValueError, match="duplicate check id 'fake_pod_is_running'"):

        @minimal_check(reg, Pods)
        def fake_pod_is_running(facts: Facts, design: Design) -> list[Result]:
            """Again."""
            return []


@pytest.mark.parametrize(
    ("name", "doc", "decision", "message"),
    [
        ("shiny", "Doc.", "ADR-0001", "must read <service>_<resource>_<expected_state>"),
        ("fake_thing_is_ok", None, "ADR-0001", "needs a docstring"),
        ("fake_thing_is_ok", "Doc.", "adr-1", "decision must be an ADR id"),
    ],
)
def test_malformed_checks_fail_at_registration(
    name: str, doc: str | None, decision: str, message: str
) -> None:
    def rule(facts: Facts, design: Design) -> list[Result]:
        return []

    rule.__name__ = name
    rule.__doc__ = doc
    with pytest.raises(ValueError, match=message):
        minimal_check(Registry(), Pods, decision=decision)(rule)


def test_each_fact_is_collected_once_and_findings_carry_severity(design: Design) -> None:
    account = FakeAccount()
    result = run(design, {Source.AWS: account}, registry=make_registry())
    assert account.reads == ["widgets", "gadgets"]
    assert [(f.check, f.resource, f.status, f.severity) for f in result.findings] == [
        ("fake_gadget_matches_widgets", "g1", Status.PASS, Severity.LOW),
        ("fake_widget_is_shiny", "w1", Status.PASS, Severity.HIGH),
        ("fake_widget_is_shiny", "w2", Status.FAIL, Severity.HIGH),
    ]
    assert result.exit_code == EXIT_FAILED


def test_a_denied_read_errors_exactly_the_checks_that_need_it(design: Design) -> None:
    result = run(design, {Source.AWS: FakeAccount(deny="gadgets")}, registry=make_registry())
    by_check = {f.check: f for f in result.findings}
    error = by_check["fake_gadget_matches_widgets"]
    assert error.status is Status.ERROR
    assert english(error.message) == (
        "could not verify: gadgets: AccessDenied (needs fake:ListGadgets)"
    )
    # The sentence is the catalog's; what was read and the permission stay as they are.
    assert "gadgets: AccessDenied" in japanese(error.message)
    assert "fake:ListGadgets" in japanese(error.message)
    assert by_check["fake_widget_is_shiny"].status is not Status.ERROR
    assert [c.error is not None for c in result.collections] == [False, True]


def test_errors_without_failures_exit_2(design: Design) -> None:
    result = run(
        design,
        {Source.AWS: FakeAccount(deny="gadgets")},
        registry=make_registry(),
        only=["fake_gadget_matches_widgets"],
    )
    assert result.exit_code == EXIT_ERRORED


def test_only_layers_with_a_source_run(design: Design) -> None:
    result = run(design, {Source.CLUSTER: object()}, registry=make_registry())
    assert {f.check for f in result.findings} == {"fake_pod_is_running"}
    assert result.exit_code == EXIT_OK


def test_an_explicitly_requested_check_without_its_source_is_skipped_with_the_reason(
    design: Design,
) -> None:
    result = run(
        design, {Source.CLUSTER: object()}, registry=make_registry(), only=["fake_widget_is_shiny"]
    )
    (finding,) = result.findings
    assert (finding.check, finding.status, finding.resource, finding.severity) == (
        "fake_widget_is_shiny",
        Status.SKIP,
        "-",  # no resource was read
        Severity.HIGH,
    )
    assert "AWS credentials" in english(finding.message)


def test_a_requested_node_check_without_nodes_names_both_ways_to_reach_them(
    design: Design,
) -> None:
    result = run(design, {Source.CLUSTER: object()}, only=["kubelet_anonymous_auth_disabled"])
    (finding,) = result.findings
    assert finding.status is Status.SKIP
    assert english(finding.message) == (
        "not run: needs --hosts (or --kubeconfig, through the API server)"
    )


def test_unknown_check_ids_are_usage_errors(design: Design) -> None:
    with pytest.raises(UserInputError, match="--only: unknown check id 'nope'"):
        run(design, {Source.AWS: FakeAccount()}, registry=make_registry(), only=["nope"])


def test_a_rule_that_raises_or_returns_nothing_is_an_error_not_a_pass(design: Design) -> None:
    reg = Registry()

    @reg.collector(source=Source.AWS, actions=("fake:ListWidgets",))
    def widgets(ctx: FakeAccount, design: Design) -> Widgets:
        return Widgets(())

    @minimal_check(reg, Widgets)
    def fake_widget_rule_raises(facts: Facts, design: Design) -> list[Result]:
        """Raises."""
        raise ZeroDivisionError("boom")

    @minimal_check(reg, Widgets)
    def fake_widget_rule_is_silent(facts: Facts, design: Design) -> list[Result]:
        """Says nothing."""
        return []

    result = run(design, {Source.AWS: FakeAccount()}, registry=reg)
    messages = {f.check: (f.status, english(f.message)) for f in result.findings}
    assert messages["fake_widget_rule_raises"][0] is Status.ERROR
    assert "ZeroDivisionError: boom" in messages["fake_widget_rule_raises"][1]
    assert messages["fake_widget_rule_is_silent"][0] is Status.ERROR
    assert "no result" in messages["fake_widget_rule_is_silent"][1]
    # A rule that raised is refarch's own bug: the run says so with exit 4.
    assert result.internal_errors == ("fake_widget_rule_raises",)
    assert result.exit_code == EXIT_INTERNAL


def test_a_collector_bug_becomes_an_error_for_its_checks_only(design: Design) -> None:
    reg = make_registry()

    class Broken(FakeAccount):
        def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
            if what == "gadgets":
                raise KeyError("Gadgets")
            return super().read(what, names)

    result = run(design, {Source.AWS: Broken()}, registry=reg)
    statuses = {f.check: f.status for f in result.findings}
    assert statuses["fake_gadget_matches_widgets"] is Status.ERROR
    assert statuses["fake_widget_is_shiny"] is Status.FAIL
    # A collector that crashed is refarch's bug, whatever else failed: exit 4, not 1.
    assert result.internal_errors == ("fake_gadget_matches_widgets",)
    assert result.exit_code == EXIT_INTERNAL


def test_a_collection_error_is_the_worlds_fault_and_never_exit_4(design: Design) -> None:
    reg = make_registry()

    class Unreadable(FakeAccount):
        def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
            if what == "gadgets":
                raise CollectionError(
                    "fake ListGadgets", "a well-formed answer from the endpoint", "garbage"
                )
            return super().read(what, names)

    result = run(design, {Source.AWS: Unreadable()}, registry=reg)
    assert result.internal_errors == ()
    assert result.exit_code == EXIT_FAILED  # the widget check still fails on its own


def test_facts_lookup_names_an_undeclared_need() -> None:
    with pytest.raises(KeyError, match="Gadgets was not collected"):
        Facts({})[Gadgets]


def test_a_fact_the_source_cannot_have_skips_its_checks_with_every_reason(
    design: Design,
) -> None:
    reg = make_registry()

    class Module(FakeAccount):
        """A source (a Terraform module, say) that declares widgets but not gadgets."""

        def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
            if what == "gadgets":
                self.reads.append(what)
                raise NotApplicable("gadget g1", "gadgets exist only once deployed")
            return super().read(what, names)

    @minimal_check(reg, Gadgets)
    def fake_gadget_is_counted(facts: Facts, design: Design) -> list[Result]:
        """Counts gadgets."""
        return [passed("gadgets", str(len(facts[Gadgets].names)))]

    account = Module()
    result = run(design, {Source.AWS: account}, registry=reg)
    (skipped,) = [f for f in result.findings if f.check == "fake_gadget_matches_widgets"]
    assert (skipped.status, skipped.resource, skipped.severity) == (
        Status.SKIP,
        "gadget g1",
        Severity.LOW,
    )
    assert english(skipped.message) == "not applicable: gadgets exist only once deployed"
    assert sorted(account.reads) == ["gadgets", "widgets"]  # each read once, a skip too
    counted = next(f for f in result.findings if f.check == "fake_gadget_is_counted")
    assert counted.status is Status.SKIP
    assert result.internal_errors == ()
    assert result.exit_code == EXIT_FAILED  # the widget check still judged (w2 is dull)


def test_findings_carry_the_rules_resources_messages_and_the_checks_severity(
    design: Design,
) -> None:
    result = run(design, {Source.AWS: FakeAccount()}, registry=make_registry())
    shiny = [f for f in result.findings if f.check == "fake_widget_is_shiny"]
    assert [(f.status, f.resource, english(f.message), f.severity) for f in shiny] == [
        (Status.PASS, "w1", "shiny", Severity.HIGH),
        (Status.FAIL, "w2", "dull", Severity.HIGH),
    ]


def test_an_error_names_what_could_not_be_read_and_a_rule_bug_names_no_resource(
    design: Design,
) -> None:
    reg = make_registry()

    @minimal_check(reg, Pods)
    def fake_pod_rule_raises(facts: Facts, design: Design) -> list[Result]:
        """Raises."""
        raise ZeroDivisionError("boom")

    @minimal_check(reg, Pods)
    def fake_pod_rule_is_silent(facts: Facts, design: Design) -> list[Result]:
        """Says nothing."""
        return []

    result = run(
        design, {Source.AWS: FakeAccount(deny="gadgets"), Source.CLUSTER: None}, registry=reg
    )
    by_check = {f.check: f for f in result.findings}
    denied = by_check["fake_gadget_matches_widgets"]
    assert (denied.status, denied.resource, denied.severity) == (
        Status.ERROR,
        "gadgets",
        Severity.LOW,
    )
    for check in ("fake_pod_rule_raises", "fake_pod_rule_is_silent"):
        assert (by_check[check].resource, by_check[check].severity) == ("-", Severity.LOW)
    assert english(by_check["fake_pod_rule_raises"].message) == (
        "internal error in the rule (ZeroDivisionError: boom); this is a bug in refarch, "
        "please report it"
    )
    assert result.internal_errors == ("fake_pod_rule_raises",)


def test_a_rule_is_given_the_design(design: Design) -> None:
    reg = Registry()

    @reg.collector(source=Source.AWS, actions=("fake:ListWidgets",))
    def widgets(ctx: FakeAccount, design: Design) -> Widgets:
        return Widgets(())

    @minimal_check(reg, Widgets)
    def fake_widget_names_the_product(facts: Facts, design: Design) -> list[Result]:
        """Names the product."""
        return [passed(design.product.name, "named")]

    (finding,) = run(design, {Source.AWS: FakeAccount()}, registry=reg).findings
    assert finding.resource == design.product.name


def test_the_run_measures_its_own_duration(design: Design) -> None:
    result = run(design, {Source.AWS: FakeAccount()}, registry=make_registry())
    assert 0 <= result.seconds < 60  # a run of fakes; the bound only catches a wrong sign


def test_the_run_records_each_collection_its_facts_and_its_progress(design: Design) -> None:
    said: list[str] = []
    result = run(
        design,
        {Source.AWS: FakeAccount(deny="gadgets"), Source.CLUSTER: None},
        registry=make_registry(),
        on_progress=said.append,
    )
    records = {r.kind: r for r in result.collections}
    assert {k: (r.source, r.error) for k, r in records.items()} == {
        "Widgets": (Source.AWS, None),
        "Gadgets": (
            Source.AWS,
            str(CollectionError("gadgets", "fake:ListGadgets", "AccessDenied")),
        ),
        "Pods": (Source.CLUSTER, None),
    }
    assert all(0 <= r.seconds < 60 for r in records.values())
    assert result.facts == {Widgets: Widgets(("w1", "w2")), Pods: Pods(("p1",))}
    assert [c.id for c in result.checks] == sorted(c.id for c in result.checks)
    assert "collecting Widgets" in said
    assert "checking fake_widget_is_shiny" in said


def test_a_collector_bug_is_recorded_as_an_internal_error_naming_the_exception(
    design: Design,
) -> None:
    class Broken(FakeAccount):
        def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
            raise KeyError("Widgets")

    result = run(design, {Source.AWS: Broken()}, registry=make_registry())
    (record,) = [r for r in result.collections if r.kind == "Widgets"]
    assert record.error is not None
    assert "internal error KeyError: 'Widgets'" in record.error
    (finding,) = [f for f in result.findings if f.check == "fake_widget_is_shiny"]
    assert (finding.resource, finding.severity) == ("Widgets", Severity.HIGH)
    assert "a fix in refarch" in english(finding.message)


def test_a_check_whose_facts_are_all_inapplicable_gives_each_reason_as_a_clause(
    design: Design,
) -> None:
    class Module(FakeAccount):
        """A source with neither widgets nor gadgets, for a reason of its own each."""

        def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
            raise NotApplicable(f"{what} here", f"{what} are made at runtime")

    result = run(
        design,
        {Source.AWS: Module()},
        registry=make_registry(),
        only=["fake_gadget_matches_widgets"],
    )
    (skipped,) = result.findings
    assert (skipped.status, skipped.resource) == (Status.SKIP, "widgets here")
    assert english(skipped.message) == (
        "not applicable: widgets are made at runtime; gadgets are made at runtime"
    )
    # Each read is on record, as read without error: the source answered "not here".
    assert sorted((c.kind, c.error) for c in result.collections) == [
        ("Gadgets", None),
        ("Widgets", None),
    ]


class Meeting:
    """A collector context whose reads wait for each other: two reads meet only if they
    run at once. It counts the reads in flight, and the most at one time."""

    def __init__(self, concurrent: bool | None) -> None:
        if concurrent is not None:
            self.concurrent = concurrent
        self.barrier = threading.Barrier(2, timeout=2)
        self.lock = threading.Lock()
        self.inside = self.most = 0

    def read(self, what: str, names: tuple[str, ...]) -> tuple[str, ...]:
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            self.barrier.wait()  # raises BrokenBarrierError when nobody comes
        except threading.BrokenBarrierError:
            return ()
        finally:
            with self.lock:
                self.inside -= 1
        return names


def meeting_registry() -> Registry:
    """Two AWS collectors that read what the design names, and a check that needs both."""
    reg = Registry()

    @reg.collector(source=Source.AWS, actions=("fake:ListWidgets",))
    def widgets(ctx: Meeting, design: Design) -> Widgets:
        return Widgets(ctx.read("widgets", (design.eks.version_floor,)))

    @reg.collector(source=Source.AWS, actions=("fake:ListGadgets",))
    def gadgets(ctx: Meeting, design: Design) -> Gadgets:
        return Gadgets(ctx.read("gadgets", (design.eks.version_floor,)))

    @minimal_check(reg, Widgets, Gadgets)
    def fake_reads_came_back(facts: Facts, design: Design) -> Iterator[Result]:
        """Both reads came back."""
        yield passed("pair", f"{facts[Widgets].names} {facts[Gadgets].names}")

    return reg


@pytest.mark.parametrize("concurrent", [True, False, None], ids=["shared", "unsafe", "unsaid"])
def test_collectors_share_only_a_context_that_says_it_is_safe_to_share(
    design: Design, concurrent: bool | None
) -> None:
    context = Meeting(concurrent)
    said: list[str] = []
    result = run(
        design, {Source.AWS: context}, registry=meeting_registry(), on_progress=said.append
    )
    (finding,) = result.findings
    assert finding.status is Status.PASS  # each collector read the design
    floor = (design.eks.version_floor,)
    if concurrent:  # both reads met, so each returned its names
        assert english(finding.message) == f"{floor} {floor}"
    else:  # one read at a time: neither met the other
        assert context.most == 1
        assert english(finding.message) == "() ()"
    assert sorted(r.kind for r in result.collections if r.source is Source.AWS) == [
        "Gadgets",
        "Widgets",
    ]
    assert {"collecting Gadgets", "collecting Widgets"} <= set(said)


def test_in_threads_runs_at_most_limit_at_once_and_keeps_the_items_order() -> None:
    barrier = threading.Barrier(2, timeout=2)
    lock = threading.Lock()
    inside = [0, 0]  # now, most

    def meet(item: int) -> int:
        with lock:
            inside[0] += 1
            inside[1] = max(inside)
        barrier.wait()  # two at once, or BrokenBarrierError
        time.sleep(0.05)  # long enough for a third call, had the pool room for one
        with lock:
            inside[0] -= 1
        return item * 10

    assert in_threads(meet, [1, 2, 3, 4], 2) == [10, 20, 30, 40]
    assert inside[1] == 2
    with pytest.raises(threading.BrokenBarrierError):
        in_threads(meet, [1, 2], 1)  # one at a time: the first call waits alone


def test_in_threads_raises_without_waiting_for_the_calls_in_flight() -> None:
    release, finished = threading.Event(), threading.Event()

    started = threading.Event()

    def call(item: int) -> int:
        if item == 0:
            started.wait(timeout=10)  # raise only once the other call is in flight
            raise KeyboardInterrupt
        started.set()
        release.wait(timeout=10)
        finished.set()
        return item

    with pytest.raises(KeyboardInterrupt):
        in_threads(call, [0, 1], 2)
    assert not finished.is_set()  # still in flight when in_threads gave up on it
    release.set()


def test_a_run_that_need_not_keep_its_facts_keeps_none(design: Design) -> None:
    kept = run(design, {Source.AWS: FakeAccount()}, registry=make_registry())
    dropped = run(design, {Source.AWS: FakeAccount()}, registry=make_registry(), keep_facts=False)
    assert set(kept.facts) == {Widgets, Gadgets}
    assert dropped.facts == {}
    assert dropped.findings == kept.findings
