"""Collectors in parallel: the same findings and calls as one at a time, an identical call
in flight from two collectors sent once, and the critical path recorded."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from eks_refarch.conformance import runner
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.model import Source
from eks_refarch.demo.provision import Account
from tests.demo.fixtures import fresh_context


def _calls(context: AwsContext) -> dict[tuple[str, str], int]:
    return {key: stats.calls for key, stats in context.stats.operations.items()}


def test_parallel_run_equals_sequential_run(
    demo_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = demo_account.design
    parallel_context = fresh_context(demo_account)
    parallel = runner.run(design, {Source.AWS: parallel_context})
    monkeypatch.setattr(runner, "COLLECTOR_THREADS", 1)
    sequential_context = fresh_context(demo_account)
    sequential = runner.run(design, {Source.AWS: sequential_context})

    assert parallel.findings == sequential.findings  # same verdicts, in the same order
    assert [c.kind for c in parallel.collections] == [c.kind for c in sequential.collections]
    assert _calls(parallel_context) == _calls(sequential_context)
    assert parallel_context.stats.cache_hits == sequential_context.stats.cache_hits
    # The critical path is one collector's chain (with the calls it waited for), not the
    # sum of every collector's calls, whether collectors run at once or one at a time.
    total = parallel_context.stats.total_calls
    assert 1 <= len(sequential_context.stats.critical_path) < total
    path = parallel_context.stats.critical_path
    assert 1 <= len(path) < total
    assert all(":" in operation for operation, _ in path)


def test_a_call_in_flight_is_sent_once(monkeypatch: pytest.MonkeyPatch) -> None:
    context = AwsContext(AwsOptions(region="eu-west-1"))
    sent: list[str] = []
    started = threading.Event()

    def slow_invoke(service: str, method: str, params: dict[str, Any], paginate: bool) -> Any:
        sent.append(method)
        started.set()
        time.sleep(0.3)  # long enough for the second caller to arrive while in flight
        return {"Vpcs": []}

    monkeypatch.setattr(context, "_invoke", slow_invoke)
    answers: list[Any] = []

    def ask() -> None:
        answers.append(context.call("ec2", "describe_vpcs"))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask)
    second.start()
    first.join(5)
    second.join(5)

    assert sent == ["describe_vpcs"]
    assert len(answers) == 2
    assert answers[0] == answers[1] == {"Vpcs": []}
    assert context.stats.cache_hits == 1


def test_a_bug_in_flight_reaches_every_waiter_and_is_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = AwsContext(AwsOptions(region="eu-west-1"))
    started = threading.Event()
    calls: list[int] = []

    def broken(service: str, method: str, params: dict[str, Any], paginate: bool) -> Any:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        raise RuntimeError("bug")

    monkeypatch.setattr(context, "_invoke", broken)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            context.call("ec2", "describe_vpcs")
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask)]
    threads[0].start()
    assert started.wait(5)
    threads.append(threading.Thread(target=ask))
    threads[1].start()
    for thread in threads:
        thread.join(5)
    assert len(errors) == 2
    assert len(calls) == 1
    with pytest.raises(RuntimeError):
        context.call("ec2", "describe_vpcs")  # asked again: a bug is not an answer
    assert len(calls) == 2
