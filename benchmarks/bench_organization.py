"""Benchmark: an emulated Organization checked through a proxy that delays every request.

Run with `.venv/bin/python benchmarks/bench_organization.py [ACCOUNTS] [DELAY_MS]` from
the repository root (defaults 50 and 200). It starts a moto server (its own process),
builds an Organization of ACCOUNTS member accounts in it (`refarch demo provision
--accounts`, every 5th drifted), and puts a loopback proxy in front of it that holds
every request DELAY_MS before forwarding it, as a far-away API would. Then, side by side
in one run, two `refarch check` processes through the proxy:

- one account (an accounts file naming the first member), with --stats for its
  critical path: the longest chain of requests that had to follow one another;
- every account (--organization --concurrency 16).

Each process's wall time and peak RSS are measured by the parent (os.wait4), so neither
the emulator nor the proxy is counted. Targets: one account at most 4 x DELAY x its
critical path + 1 s; all accounts at most 8 x the one-account time; peak RSS of all
accounts at most 1.5 x that of one. Prints the figures; exits 1 when a target is missed.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from eks_refarch.demo.organization import AUDIT_ROLE, provision_organization
from eks_refarch.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from eks_refarch.design import load

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' own servers, when run as a script from anywhere
from tests.helpers import LoopbackServer, serving  # noqa: E402

BIN = Path(sys.executable).parent
CONCURRENCY = 16
EVERY = 5
# Hop-by-hop headers a proxy must not forward (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    rss_mib: float  # peak resident set size of the process
    exit_code: int
    stderr: str


@contextmanager
def delay_proxy(upstream: str, delay: float) -> Iterator[str]:
    """A loopback HTTP proxy that holds each request ``delay`` seconds, then forwards it."""
    target = urlsplit(upstream)
    local = threading.local()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            time.sleep(delay)
            connection = getattr(local, "connection", None)
            if connection is None:
                connection = local.connection = http.client.HTTPConnection(
                    target.hostname, target.port, timeout=60
                )
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
            except (OSError, http.client.HTTPException):
                local.connection = None
                raise
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        def log_message(self, *args: object) -> None:  # one line per request would flood
            pass

    # Not socketserver's backlog of 5: 16 accounts' collectors open more connections at
    # once, and the resets (retried by botocore) would be the proxy's doing, not latency.
    server = LoopbackServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def measure(args: list[str], env: dict[str, str]) -> Measured:
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(BIN / "refarch"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(wall, usage.ru_maxrss / 1024, process.returncode, stderr)


def main(accounts: int, delay_ms: int) -> int:
    design = load(REPO / "architecture.yaml")
    delay = delay_ms / 1000
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": DEMO_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": DEMO_SECRET_KEY,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_PROFILE", None)
    moto = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p"]
    with (
        serving(lambda port: [*moto, str(port)], "/moto-api/data.json") as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        started = time.perf_counter()
        members = provision_organization(url, design, accounts, every=EVERY)
        print(f"provisioned {accounts} accounts in {time.perf_counter() - started:.0f} s")
        first = members[0]
        accounts_file = Path(tmp) / "one.yaml"
        accounts_file.write_text(
            f'accounts:\n  - id: "{first.id}"\n    name: {first.name}\n    role: {AUDIT_ROLE}\n'
        )
        with delay_proxy(url, delay) as proxy:
            common = ["--endpoint-url", proxy, "--format", "json", "--lang", "en"]
            one = measure(
                [
                    "check",
                    "--accounts",
                    str(accounts_file),
                    "--stats",
                    *common,
                    "-o",
                    f"{tmp}/1.json",
                ],
                env,
            )
            every = measure(
                [
                    "check",
                    "--organization",
                    "--role-name",
                    AUDIT_ROLE,
                    "--concurrency",
                    str(CONCURRENCY),
                    *common,
                    "-o",
                    f"{tmp}/all.json",
                ],
                env,
            )
        report = json.loads(Path(f"{tmp}/all.json").read_text())
    chain_match = re.search(r"critical path (\d+) calls", one.stderr)
    calls_match = re.search(r"; (\d+) API calls;", one.stderr)
    if chain_match is None or calls_match is None:
        print(one.stderr, file=sys.stderr)
        return 1
    chain, calls = int(chain_match[1]), int(calls_match[1])
    failed = {(f["account"], f["check"]) for f in report["findings"] if f["status"] == "fail"}
    planted = {(m.id, m.check) for m in members if m.check}
    one_bound = 4 * delay * chain + 1
    rows = [
        (
            "one account",
            f"{one.wall:.2f} s",
            f"<= 4 x {delay_ms} ms x {chain} + 1 s = {one_bound:.2f} s",
            one.wall <= one_bound,
        ),
        (
            f"{accounts} accounts, --concurrency {CONCURRENCY}",
            f"{every.wall:.2f} s",
            f"<= 8 x {one.wall:.2f} s = {8 * one.wall:.2f} s",
            every.wall <= 8 * one.wall,
        ),
        ("peak RSS, one account", f"{one.rss_mib:.0f} MiB", "", True),
        (
            f"peak RSS, {accounts} accounts",
            f"{every.rss_mib:.0f} MiB",
            f"<= 1.5 x {one.rss_mib:.0f} MiB = {1.5 * one.rss_mib:.0f} MiB",
            every.rss_mib <= 1.5 * one.rss_mib,
        ),
        (
            "planted drifts reported",
            f"{len(failed & planted)}/{len(planted)}",
            "exactly those fail",
            failed == planted,
        ),
    ]
    print(one.stderr)  # the one account's --stats: each operation, and its critical path
    print(f"one account: {calls} API calls, critical path {chain} calls, {delay_ms} ms per request")
    for name, value, target, ok in rows:
        print(f"{'ok  ' if ok else 'MISS'} {name:<32} {value:>10}  {target}")
    print(f"exit codes: one account {one.exit_code}, all accounts {every.exit_code}")
    # The machine's load: on a shared runner the same run takes longer.
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(
        main(
            int(sys.argv[1]) if len(sys.argv) > 1 else 50,
            int(sys.argv[2]) if len(sys.argv) > 2 else 200,
        )
    )
