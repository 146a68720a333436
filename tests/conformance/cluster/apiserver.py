"""A stand-in Kubernetes API server on 127.0.0.1 that serves the synthesized responses.

It answers GET requests from files under api/ (see api/README.md: synthesized, not
recorded), checks the bearer token, can be told to refuse chosen paths with the API
server's own Status objects, and records every request so tests can assert what a run
asked for and with which HTTP methods.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpers import LoopbackServer, threaded

RESPONSES = Path(__file__).parent / "api"
TOKEN = "synthetic-test-token"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]


@dataclass
class FakeApiServer:
    """Serves ``RESPONSES``; ``refuse`` maps a path to the status code to answer with."""

    refuse: dict[str, int] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def status(self, code: int, path: str) -> dict[str, Any]:
        reason = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "NotFound",
            405: "MethodNotAllowed",
            500: "InternalError",
        }[code]
        resource = path.rstrip("/").rsplit("/", 1)[-1]
        message = {
            403: f'{resource} is forbidden: User "system:serviceaccount:refarch:checker" '
            f'cannot list resource "{resource}" at the cluster scope',
            404: "the server could not find the requested resource",
            500: "error dialing backend: dial tcp 10.20.48.10:10250: i/o timeout",
        }.get(code, reason)
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": code,
        }


def _handler(server: FakeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            server.requests.append(Request(self.command, url.path, query))
            if self.command != "GET":
                self._send(405, server.status(405, url.path))
            elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                self._send(401, server.status(401, url.path))
            elif url.path in server.refuse:
                code = server.refuse[url.path]
                self._send(code, server.status(code, url.path))
            else:
                token = query.get("continue", [""])[0]
                name = url.path.lstrip("/") + (f".{token}" if token else "") + ".json"
                file = RESPONSES / name
                if file.is_file():
                    self._send(200, json.loads(file.read_text(encoding="utf-8")))
                else:
                    self._send(404, server.status(404, url.path))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded requests are what the tests look at."""

    return Handler


@contextmanager
def serve(refuse: dict[str, int] | None = None) -> Iterator[FakeApiServer]:
    fake = FakeApiServer(refuse=dict(refuse or {}))
    with threaded(LoopbackServer(("127.0.0.1", 0), _handler(fake))) as url:
        fake.url = url
        yield fake


def kubeconfig(directory: Path, server: str, token: str = TOKEN) -> Path:
    """A kubeconfig with one context, "synthetic", pointing at ``server``."""
    path = directory / "kubeconfig"
    path.write_text(
        f"""\
apiVersion: v1
kind: Config
current-context: synthetic
clusters:
- name: synthetic
  cluster:
    server: {server}
contexts:
- name: synthetic
  context:
    cluster: synthetic
    user: checker
users:
- name: checker
  user:
    token: {token}
""",
        encoding="utf-8",
    )
    return path
