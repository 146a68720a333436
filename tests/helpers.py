"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

REPO = Path(__file__).resolve().parents[1]
SHIPPED_DESIGN = REPO / "architecture.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a test cannot silently edit nothing."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the design"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line number of the only line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"expected exactly one line with {needle!r}, found {hits}"
    return hits[0]


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(command: Callable[[int], list[str]], ready: str) -> Iterator[str]:
    """``command(port)`` as a process on a free loopback port, until the block ends;
    yields its URL once GET ``ready`` answers."""
    port = free_port()
    process = subprocess.Popen(
        command(port), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}{ready}", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # werkzeug waits for open keep-alive connections
            process.kill()
            process.wait()


class LoopbackServer(ThreadingHTTPServer):
    """A test's HTTP server. socketserver listens with a backlog of 5, and a parallel
    refarch run opens more connections than that at once: the kernel then resets some
    (measured: 8 of 300 requests, 60 at a time), which a run with --max-attempts 1
    reports as errors that the test did not inject."""

    request_queue_size = 128


@contextmanager
def threaded(server: ThreadingHTTPServer) -> Iterator[str]:
    """Serve on a thread until the block ends; yields the server's URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's headless Chromium, with the flags the machine's notes give, and ``extra_args``.

    Playwright's own browser download does not work here; it adds --headless and a fresh
    --user-data-dir of its own (it refuses one in the arguments).
    """
    chromium = Path("/usr/bin/chromium")
    assert chromium.is_file(), (
        f"{chromium} is missing: run `make setup` (scripts/bootstrap.sh installs chromium)"
    )
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        *extra_args,
    ]
    return playwright.chromium.launch(executable_path=str(chromium), args=args)


def iam_user(iam: Any, name: str, document: str) -> tuple[str, str]:
    """An IAM user holding one inline policy ``document``; its access key id and secret."""
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def run_with_dummy_aws(command: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``command`` as a process with dummy AWS keys and no AWS profile or config files, so
    nothing it does can reach a real account with this machine's credentials."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "dummy-test-key",
        "AWS_SECRET_ACCESS_KEY": "dummy-test-key",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    env.pop("AWS_PROFILE", None)
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False
    )


def pytest_checks(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`pytest checks/` as a separate process, with ``env`` added to this one's environment."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "checks/", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )
