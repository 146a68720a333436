"""The embedded demo account: a moto server on 127.0.0.1 and its reset/auth controls."""

from __future__ import annotations

import logging
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer

from eks_refarch.conformance.aws.context import is_loopback
from eks_refarch.errors import Problem, UserInputError

# Credentials the demo gives itself. They only ever reach a loopback emulator, so no
# user credentials (and no real account) can be touched by the demo.
DEMO_ACCESS_KEY = "AKIAREFARCHDEMO00000"
DEMO_SECRET_KEY = "refarch-demo-secret-key-not-a-real-one"


def require_loopback(endpoint_url: str, option: str = "--endpoint-url") -> str:
    """Refuse any endpoint whose host is not localhost, 127.0.0.0/8 or ::1."""
    if not is_loopback(endpoint_url):
        raise UserInputError(
            [
                Problem(
                    None,
                    None,
                    (option,),
                    f"{endpoint_url!r} is not a loopback address (127.0.0.0/8, ::1 or "
                    "localhost); the demo only provisions into a local emulator",
                )
            ]
        )
    return endpoint_url.rstrip("/")


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 at a free port, for the duration of the block."""
    # werkzeug logs every request to stderr, which would bury the report.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _post(endpoint_url: str, path: str, body: bytes = b"") -> None:
    request = urllib.request.Request(
        require_loopback(endpoint_url) + path,
        data=body,
        method="POST",
        # moto reads reset-auth's body as plain text; a form-encoded body arrives empty.
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def reset(endpoint_url: str) -> None:
    """Empty the emulator: every backend back to its initial state, IAM enforcement off."""
    set_auth(endpoint_url, enforced=False)
    _post(endpoint_url, "/moto-api/reset")


def set_auth(endpoint_url: str, *, enforced: bool) -> None:
    """Switch moto's IAM enforcement: on checks every request's actions against IAM."""
    _post(endpoint_url, "/moto-api/reset-auth", b"0" if enforced else b"inf")
