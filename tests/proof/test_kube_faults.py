"""The Kubernetes side fails as the AWS side does: a hung API server ends the run within
2 x the read timeout (one for the cluster's lists, one for the nodes' list) plus a margin,
every cluster and node check `error` naming the server; a garbage body is named as such;
a 5xx page is the server's fault. None of them is a verdict or an internal error."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.errors import EXIT_ERRORED
from tests.conformance.cluster.apiserver import kubeconfig
from tests.helpers import LoopbackServer, threaded
from tests.proof.conftest import CliRun, refarch_check

REGISTRY = load_builtin_checks()
KUBE_CHECKS = {c.id for c in REGISTRY.checks() if c.sources in ({Source.CLUSTER}, {Source.NODES})}
READ = 1.0
# The bound: 2 x the read timeout, plus 10 s for everything that is not waiting.
BOUND = 2 * READ + 10


def kube_check(tmp_path: Path, server: str, *extra: str) -> CliRun:
    config = kubeconfig(tmp_path, server)
    return refarch_check(
        "--kubeconfig",
        str(config),
        "--connect-timeout",
        str(READ),
        "--read-timeout",
        str(READ),
        "--format",
        "json",
        *extra,
    )


@pytest.fixture
def hung_server() -> Iterator[str]:
    """Accepts connections (the kernel's backlog does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_a_hung_api_server_ends_the_run_in_bound_every_check_naming_it(
    tmp_path: Path, hung_server: str
) -> None:
    run = kube_check(tmp_path, hung_server)
    print(f"hung API server: {run.seconds:.2f} s (bound {BOUND:.1f} s)")
    assert run.seconds < BOUND
    assert run.code == EXIT_ERRORED, run.stderr
    assert {f["check"] for f in run.findings} == KUBE_CHECKS
    for finding in run.findings:
        assert finding["status"] == "error", finding
        assert f"a reachable API server at {hung_server}" in finding["message"], finding
    timed_out = [f for f in run.findings if "timed out" in f["message"]]
    not_tried = [f for f in run.findings if "not tried" in f["message"]]
    assert timed_out
    assert not_tried  # the later lists were not sent to a server that had not answered


class _Answers(BaseHTTPRequestHandler):
    status = 200
    content_type = "text/html"
    body = b"<html><body>Welcome to nginx!</body></html>"

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(
    params=[
        (200, "text/html", b"<html><body>Welcome to nginx!</body></html>", "(garbage)"),
        (200, "application/json", b'{"kind": "NamespaceList", "items": [{"metad', "(garbage)"),
        (200, "application/json", b'{"kind": "Status"}', "answered JSON that is not a list"),
        (502, "text/html", b"<html>Bad Gateway</html>", "HTTP 502"),
    ],
    ids=["html-page", "truncated-json", "json-without-items", "bad-gateway"],
)
def answering(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    status, content_type, body, says = request.param
    handler = type(
        "Handler", (_Answers,), {"status": status, "content_type": content_type, "body": body}
    )
    with threaded(LoopbackServer(("127.0.0.1", 0), handler)) as url:
        yield url, says


def test_a_garbage_or_failing_api_server_errors_every_check_and_is_never_a_bug(
    tmp_path: Path, answering: tuple[str, str]
) -> None:
    url, says = answering
    run = kube_check(tmp_path, url)
    assert run.code == EXIT_ERRORED, run.stderr
    assert "Traceback" not in run.stderr
    for finding in run.findings:
        assert finding["status"] == "error", finding
        assert "internal error" not in finding["message"], finding
        assert url in finding["message"], finding
    assert any(says in f["message"] for f in run.findings)
