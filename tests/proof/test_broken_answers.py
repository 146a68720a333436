"""A broken answer is never a verdict: an endpoint answering HTTP 200 with a truncated XML
or JSON body, an empty document without the fields refarch needs, or an error page, makes
exactly the checks that needed the answer `error`, naming the operation and the endpoint,
and the run exits 2 (the endpoint's fault), never 1 (a verdict) and never 4 (a bug)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from eks_refarch.conformance.aws.context import IAM_ACTION_OVERRIDES
from eks_refarch.errors import EXIT_ERRORED
from tests.helpers import LoopbackServer, threaded
from tests.proof.conftest import (
    ANYONE,
    AWS_CHECKS,
    POLICY_ACTIONS,
    CliRun,
    ProofAccount,
    credentials,
    needing,
    refarch_check,
)
from tests.proof.faultproxy import Fault, FaultProxy, Reply, fault_proxy

TRUNCATED = {
    "xml": Reply(
        200,
        "text/xml",
        '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/"><vpcSet><item><vpcId>vpc-1</vpc',
    ),
    "json": Reply(
        200, "application/x-amz-json-1.1", '{"Keys": [{"KeyId": "1234abcd", "KeyArn": "arn:aws:k'
    ),
    "html-200": Reply(200, "text/html", "<!DOCTYPE html><html><body>Captive portal</body></html>"),
}
# The operation, under its signing name, that each IAM action of the policy authorises.
OPERATIONS = {
    action: next(
        (f"{s}:{op}" for (s, op), a in IAM_ACTION_OVERRIDES.items() if a == action), action
    )
    for action in POLICY_ACTIONS
}
# What an empty document means when AWS itself answers one: GetWebACLForResource answers
# {} for a resource that no web ACL protects, so the verdict is a fail, not an error.
# The web ACL check then judges the ACL that has the designed name, which WAF did describe.
EMPTY_IS_AN_ANSWER = {
    "wafv2:GetWebACLForResource": {
        "wafv2_web_acl_associated_with_alb": "fail",
        "wafv2_web_acl_managed_rule_groups_present": "pass",
    }
}


class _Everything(BaseHTTPRequestHandler):
    reply: Reply
    claimed: int = 0  # a Content-Length larger than the body: the answer is cut short

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = self.reply.body.encode()
        self.send_response(self.reply.status)
        self.send_header("Content-Type", self.reply.content_type)
        self.send_header("Content-Length", str(max(len(data), self.claimed)))
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(params=[*sorted(TRUNCATED), "cut-short"])
def broken_endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fake AWS endpoint answering every request with one broken 200 body (or a whole
    body that the connection ends before its announced length)."""
    if request.param == "cut-short":
        attributes = {"reply": Reply(200, "text/xml", "<Response><Vpcs>"), "claimed": 4096}
    else:
        attributes = {"reply": TRUNCATED[request.param]}
    handler = type("Handler", (_Everything,), attributes)
    with threaded(LoopbackServer(("127.0.0.1", 0), handler)) as url:
        yield url


def assert_only_errors(run: CliRun, url: str) -> None:
    assert run.code == EXIT_ERRORED, run.stderr
    assert "Traceback" not in run.stderr
    assert {f["check"] for f in run.findings} == AWS_CHECKS
    for finding in run.findings:
        assert finding["status"] == "error", finding
        assert "internal error" not in finding["message"]
        assert url in finding["message"] or "not tried" in finding["message"], finding


def test_an_endpoint_answering_200_with_broken_bodies_errors_every_check_and_exits_2(
    broken_endpoint: str,
) -> None:
    with credentials(ANYONE):
        run = refarch_check(
            "--endpoint-url", broken_endpoint, "--format", "json", "--max-attempts", "1"
        )
    assert_only_errors(run, broken_endpoint)
    named = [
        f
        for f in run.findings
        if "cannot be read" in f["message"] or "needs a working endpoint" in f["message"]
    ]
    assert named, "no finding names the broken answer"


@pytest.fixture(scope="module")
def proxy(proof_account: ProofAccount) -> Iterator[FaultProxy]:
    with fault_proxy(proof_account.url) as running, credentials(ANYONE):
        yield running


# One operation of each protocol: EC2, query, JSON, REST-JSON and REST-XML.
PER_PROTOCOL = (
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListeners",
    "kms:ListAliases",
    "eks:DescribeCluster",
    "route53:ListHostedZones",
)


@pytest.mark.parametrize("operation", PER_PROTOCOL)
@pytest.mark.parametrize("kind", ["xml", "json"])
def test_a_truncated_answer_errors_exactly_the_checks_that_needed_it(
    proxy: FaultProxy, operation: str, kind: str
) -> None:
    proxy.clear()
    proxy.faults[operation] = Fault(math.inf, TRUNCATED[kind])
    run = refarch_check("--endpoint-url", proxy.url, "--format", "json", "--max-attempts", "1")
    action = next(a for a, op in OPERATIONS.items() if op == operation)
    affected = needing(action)
    assert run.code == EXIT_ERRORED, run.stderr
    errored = {f["check"] for f in run.findings if f["status"] == "error"}
    assert errored == affected
    for finding in run.findings:
        if finding["check"] in affected:
            assert f"(needs a well-formed answer from {proxy.url})" in finding["message"]
            assert f"{action} was answered with a body that cannot be read" in finding["message"]
        else:
            assert finding["status"] in ("pass", "skip"), finding


def _empty(operation: str) -> Reply:
    """A well-formed document with nothing in it, in the operation's protocol."""
    service, name = operation.split(":")
    if service in (
        "ec2",
        "elasticloadbalancing",
        "rds",
        "elasticache",
        "autoscaling",
        "iam",
        "sts",
    ):
        return Reply(200, "text/xml", f"<{name}Response><{name}Result/></{name}Response>")
    if service in ("route53", "s3"):
        return Reply(200, "application/xml", f"<{name}Response/>")
    return Reply(200, "application/x-amz-json-1.1", "{}")


@pytest.mark.parametrize("operation", sorted(set(OPERATIONS.values())))
def test_an_answer_without_the_needed_fields_is_never_a_verdict(
    proxy: FaultProxy, operation: str
) -> None:
    proxy.clear()
    proxy.faults[operation] = Fault(math.inf, _empty(operation))
    action = next(a for a, op in OPERATIONS.items() if op == operation)
    affected = needing(action)
    run = refarch_check(
        "--endpoint-url",
        proxy.url,
        "--format",
        "json",
        "--max-attempts",
        "1",
        "--only",
        ",".join(sorted(affected)),
    )
    expected = EMPTY_IS_AN_ANSWER.get(operation, {})
    assert proxy.injected[operation] >= 1, f"{operation} was never asked"
    assert "Traceback" not in run.stderr
    for finding in run.findings:
        status = expected.get(finding["check"], "error")
        if status == "error":
            assert finding["status"] == "error", finding
            assert "internal error" not in finding["message"], finding
            assert f"a complete answer from {proxy.url}" in finding["message"], finding
        else:
            assert finding["status"] == status, finding
    assert run.code != 4


@pytest.mark.parametrize("operation", PER_PROTOCOL)
def test_a_server_error_page_is_the_endpoints_fault_never_a_bug(
    proxy: FaultProxy, operation: str
) -> None:
    proxy.clear()
    page = Reply(502, "text/html", "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>")
    proxy.faults[operation] = Fault(math.inf, page)
    run = refarch_check("--endpoint-url", proxy.url, "--format", "json", "--max-attempts", "1")
    action = next(a for a, op in OPERATIONS.items() if op == operation)
    affected = needing(action)
    assert run.code == EXIT_ERRORED, run.stderr
    assert {f["check"] for f in run.findings if f["status"] == "error"} == affected
    for finding in run.findings:
        if finding["check"] in affected:
            assert f"(needs a working endpoint ({proxy.url}))" in finding["message"], finding
            assert "HTTP 502" in finding["message"]
