"""Fault injection: throttling within and beyond the retry budget, an endpoint that refuses
connections or never answers, an error page without an error code, an empty account, and
a Kubernetes API that forbids one resource.

The Kubernetes 403 for one resource is proved by
tests/conformance/cluster/test_live.py::test_a_forbidden_list_errors_only_the_checks_that_need_it
(exactly those checks `error`, naming ``list peerauthentications.security.istio.io``).
It shows "the others run" only through the set of failures; the last test here adds
that every other cluster check's findings are exactly those of an unrefused run.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from eks_refarch.conformance.aws.context import iam_action_of
from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_ERRORED, EXIT_FAILED
from tests.conformance.cluster.apiserver import serve
from tests.conformance.cluster.test_live import run_live
from tests.helpers import free_port
from tests.proof.conftest import (
    ANYONE,
    AWS_CHECKS,
    REGISTRY,
    CliRun,
    ProofAccount,
    credentials,
    moto_process,
    needing,
    refarch_check,
)
from tests.proof.faultproxy import Fault, FaultProxy, Reply, fault_proxy

# One operation per protocol: JSON, query, EC2 and REST (which answers 429).
THROTTLED = (
    ("kms", "ListAliases"),
    ("rds", "DescribeDBClusters"),
    ("ec2", "DescribeVpcs"),
    ("eks", "DescribeCluster"),
)
ATTEMPTS = 3
# Beyond the budget one retry shows it as well as two, and waits a third as long.
BEYOND = 2
# A run's own cost besides waiting: clients, the report. About 0.6 s measured here; the
# margin is for a loaded CI machine. The bounds guard against waiting once per call (some
# 30 operations x 3 attempts x 0.3 s, about 30 s for the silent endpoint), not a speed target.
OVERHEAD = 4.0
# botocore's backoff before a retry that is not for throttling: at most 50 ms x 2**i.
FIRST_BACKOFF = 0.05


def stats_rows(stderr: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(service, operation) -> (calls, retries) from the --stats table."""
    rows = {}
    for line in stderr.splitlines():
        cells = [c.strip() for c in line.split("│")[1:5]]
        if len(cells) == 4 and cells[2].isdigit():
            rows[(cells[0], cells[1])] = (int(cells[2]), int(cells[3]))
    return rows


@pytest.fixture(scope="module")
def proxy(proof_account: ProofAccount) -> Iterator[FaultProxy]:
    with fault_proxy(proof_account.url) as running, credentials(ANYONE):
        yield running


@pytest.fixture(scope="module")
def unfaulted(proxy: FaultProxy) -> CliRun:
    """A run through the proxy with no fault: what every faulted run is compared with."""
    proxy.clear()
    run = refarch_check("--endpoint-url", proxy.url, "--format", "json")
    assert {f["check"] for f in run.findings} == AWS_CHECKS
    assert all(f["status"] in ("pass", "skip") for f in run.findings)
    return run


def test_throttling_within_the_retry_budget_is_retried_and_changes_no_finding(
    proxy: FaultProxy, unfaulted: CliRun
) -> None:
    proxy.clear()
    for service, operation in THROTTLED:
        proxy.throttle(f"{service}:{operation}", ATTEMPTS - 1)
    run = refarch_check(
        "--endpoint-url", proxy.url, "--format", "json", "--max-attempts", str(ATTEMPTS), "--stats"
    )
    assert run.code == unfaulted.code
    assert run.findings == unfaulted.findings
    rows = stats_rows(run.stderr)
    for service, operation in THROTTLED:
        assert proxy.injected[f"{service}:{operation}"] == ATTEMPTS - 1
        assert rows[(service, operation)] == (1, ATTEMPTS - 1)  # one call, retried twice
    print(f"throttled run: {run.seconds:.1f} s")


@pytest.mark.parametrize(("service", "operation"), THROTTLED)
def test_throttling_beyond_the_budget_errors_exactly_the_checks_needing_it(
    proxy: FaultProxy, unfaulted: CliRun, service: str, operation: str
) -> None:
    proxy.clear()
    proxy.throttle(f"{service}:{operation}", math.inf)
    run = refarch_check(
        "--endpoint-url", proxy.url, "--format", "json", "--max-attempts", str(BEYOND)
    )
    action = iam_action_of(service, operation)
    affected = needing(action)
    assert run.code == EXIT_ERRORED
    assert proxy.injected[f"{service}:{operation}"] == BEYOND  # asked once, never again
    errored = [f for f in run.findings if f["status"] == "error"]
    assert {f["check"] for f in errored} == affected
    for finding in errored:
        assert f"throttled after {BEYOND} attempts (needs {action})" in finding["message"]
    others = [f for f in run.findings if f["check"] not in affected]
    assert others == [f for f in unfaulted.findings if f["check"] not in affected]


def test_an_error_page_without_an_error_code_is_named_by_its_status(
    proxy: FaultProxy, unfaulted: CliRun
) -> None:
    """The shape moto 5.2.5 gives a Route 53 denial, and a proxy's page might: botocore
    parses no code from it."""
    proxy.clear()
    page = Reply(
        403,
        "text/xml",
        "<ErrorResponse><Errors><Error><Code>AccessDenied</Code></Error></Errors></ErrorResponse>",
    )
    proxy.faults["route53:ListHostedZones"] = Fault(math.inf, page)
    run = refarch_check("--endpoint-url", proxy.url, "--format", "json", "--max-attempts", "1")
    affected = needing("route53:ListHostedZones")
    assert run.code == EXIT_ERRORED, run.stderr
    assert proxy.injected["route53:ListHostedZones"] == 1
    errored = [f for f in run.findings if f["status"] == "error"]
    assert {f["check"] for f in errored} == affected
    for finding in errored:
        assert (
            "AccessDenied: HTTP 403 with no error code in the response "
            "(needs route53:ListHostedZones)" in finding["message"]
        )
    others = [f for f in run.findings if f["check"] not in affected]
    assert others == [f for f in unfaulted.findings if f["check"] not in affected]


def unanswered(run: CliRun, url: str, reason: str) -> None:
    """Every check errors naming the endpoint; one call found it silent, no other was sent."""
    assert run.code == EXIT_ERRORED, run.stderr
    assert {f["check"] for f in run.findings} == AWS_CHECKS
    for finding in run.findings:
        assert finding["status"] == "error"
        assert f"(needs a reachable endpoint ({url}" in finding["message"]
    assert sum(reason in f["message"] for f in run.findings) >= 1
    assert "; 1 API calls;" in run.stderr


def run_against(url: str, *timeouts: str) -> CliRun:
    with credentials(ANYONE):
        return refarch_check(
            "--endpoint-url",
            url,
            "--format",
            "json",
            "--stats",
            "--max-attempts",
            str(ATTEMPTS),
            *timeouts,
        )


def test_a_closed_port_errors_every_check_naming_the_endpoint_within_the_bound() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    connect = 0.2
    run = run_against(url, "--connect-timeout", str(connect))
    unanswered(run, url, "unreachable")
    bound = ATTEMPTS * connect + FIRST_BACKOFF * (2**ATTEMPTS - 1) + OVERHEAD
    print(f"closed port: {run.seconds:.2f} s (bound {bound:.2f} s)")
    assert run.seconds < bound


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A port that completes TCP handshakes (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_an_endpoint_that_never_answers_errors_every_check_within_the_read_timeout_bound(
    silent_server: str,
) -> None:
    read = 0.3
    run = run_against(silent_server, "--connect-timeout", str(read), "--read-timeout", str(read))
    unanswered(run, silent_server, "timed out")
    bound = ATTEMPTS * read + FIRST_BACKOFF * (2**ATTEMPTS - 1) + OVERHEAD
    print(f"silent endpoint: {run.seconds:.2f} s (bound {bound:.2f} s)")
    assert run.seconds >= ATTEMPTS * read  # it did wait for each attempt
    assert run.seconds < bound


# In an account with nothing in it, the checks that do not fail, and why.
EMPTY_ACCOUNT_NOT_FAILED = {
    # No load balancer at all: none but the designed one faces the internet.
    "elbv2_internet_facing_only_designed_alb": ("pass", "(narrow it with --scope vpc) are: none"),
    # moto 5.2.5 answers the EKS add-on API 404 whether or not the cluster exists.
    "eks_addons_installed": ("skip", "does not implement eks:ListAddons"),
}


def test_an_empty_account_fails_every_check_that_finds_nothing_and_nothing_crashes() -> None:
    with moto_process() as url, credentials(ANYONE):
        run = refarch_check("--endpoint-url", url, "--format", "json")
    assert run.code == EXIT_FAILED, run.stderr
    assert {f["check"] for f in run.findings} == AWS_CHECKS
    assert "Traceback" not in run.stderr
    for finding in run.findings:
        status, says = EMPTY_ACCOUNT_NOT_FAILED.get(finding["check"], ("fail", None))
        assert finding["status"] == status, finding
        if says is None:  # a failure gives its reason
            assert finding["message"].strip(), finding
        else:
            assert says in finding["message"], finding
        assert "internal error" not in finding["message"]
        assert "emulator gap" not in finding["message"] or status == "skip", finding


def test_a_forbidden_list_leaves_every_other_cluster_check_as_it_was(
    tmp_path: Path, design: Design
) -> None:
    forbidden = {
        spec.id
        for spec in REGISTRY.checks()
        if any(
            str(kinds.PEER_AUTHENTICATIONS.list_permission) in REGISTRY.collector_for(k).actions
            for k in spec.needs
        )
    }
    with serve() as server:
        before = run_live(tmp_path, design, server)
    with serve(refuse={kinds.PEER_AUTHENTICATIONS.path: 403}) as server:
        after = run_live(tmp_path, design, server)
    errored = {f.check for f in after.findings if f.status is Status.ERROR}
    assert errored == forbidden & {f.check for f in before.findings}
    assert [f for f in after.findings if f.check not in errored] == [
        f for f in before.findings if f.check not in errored
    ]
