"""A fault-injecting HTTP proxy for tests: on 127.0.0.1, in front of a moto server, it
answers chosen operations as a throttling (or otherwise failing) AWS would.

An operation is named ``signing-name:Operation`` (``kms:ListAliases``,
``eks:DescribeCluster``), recognised the way AWS routes it: from ``X-Amz-Target`` (JSON
protocols), the ``Action=`` form field (query and EC2 protocols), or for REST protocols
the method and path matched against botocore's own model of the service. The signing
name comes from the request's SigV4 credential scope.
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import botocore.loaders
import botocore.model

from tests.helpers import LoopbackServer, threaded

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Fault:
    """Answer the next ``times`` calls of an operation with ``reply`` (``None``: throttle)."""

    times: float
    reply: Reply | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


def throttle_reply(protocol: str) -> Reply:
    """What AWS answers when it throttles, in the error shape of each protocol."""
    if protocol == "json":
        body = {"__type": "ThrottlingException", "message": "Rate exceeded"}
        return Reply(400, "application/x-amz-json-1.1", json.dumps(body))
    if protocol == "query":
        return Reply(
            400,
            "text/xml",
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            "<Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>",
        )
    if protocol == "ec2":
        return Reply(
            503,
            "text/xml",
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
            "exceeded.</Message></Error></Errors><RequestID>fault</RequestID></Response>",
        )
    # REST services answer 429. The code is none botocore lists as throttling, so only
    # the status says so, as it does for an API Gateway or a load balancer in front.
    if protocol == "rest-json":
        return Reply(
            429,
            "application/json",
            json.dumps({"message": "Too Many Requests"}),
            (("x-amzn-ErrorType", "TooManyRequests"),),
        )
    return Reply(
        429,
        "application/xml",
        "<ErrorResponse><Error><Code>TooManyRequests</Code><Message>Too Many Requests"
        "</Message></Error></ErrorResponse>",
    )


Route = tuple[str, re.Pattern[str], frozenset[str], str]


@functools.cache
def _routes(service: str) -> tuple[str, tuple[Route, ...]]:
    """A REST service's protocol and its (method, path pattern, query keys, operation)
    routes from botocore's model, the most specific first."""
    # A loader of its own: botocore's S3 client customisation strips "/{Bucket}" from the
    # request URIs of the model it loaded (handlers.remove_bucket_from_url_paths_from_model),
    # and a loader shared with clients (tests.proof.conftest shares one) hands that edited
    # model out again, so GetPublicAccessBlock would look like ListObjects.
    raw = botocore.loaders.create_loader().load_service_model(service, "service-2")
    model = botocore.model.ServiceModel(raw, service_name=service)
    routes: list[tuple[int, Route]] = []
    for name in model.operation_names:
        http_spec = model.operation_model(name).http
        path, _, query = http_spec["requestUri"].partition("?")
        pattern = ""
        for literal, placeholder in zip(
            _PLACEHOLDER.split(path), [*_PLACEHOLDER.findall(path), ""], strict=True
        ):
            pattern += re.escape(literal)
            if placeholder:
                pattern += ".+" if placeholder.endswith("+}") else "[^/]+"
        keys = frozenset(k.split("=", 1)[0] for k in query.split("&") if k)
        specificity = len(keys) * 1000 + len(_PLACEHOLDER.sub("", path))
        routes.append((specificity, (http_spec["method"], re.compile(pattern), keys, name)))
    routes.sort(key=lambda r: r[0], reverse=True)
    return model.protocol, tuple(route for _, route in routes)


def operation_of(request: Request) -> tuple[str, str]:
    """(``signing-name:Operation``, protocol) of a signed AWS request."""
    scope = _SCOPE.search(request.headers.get("authorization", ""))
    service = scope[1] if scope else "unknown"
    target = request.headers.get("x-amz-target")
    if target:
        return f"{service}:{target.rsplit('.', 1)[-1]}", "json"
    action = parse_qs(request.body.decode("utf-8", "replace")).get("Action")
    if action:
        return f"{service}:{action[0]}", "ec2" if service == "ec2" else "query"
    protocol, routes = _routes(service)
    for method, pattern, keys, name in routes:
        if (
            method == request.method
            and pattern.fullmatch(request.path)
            and keys <= set(request.query)
        ):
            return f"{service}:{name}", protocol
    return f"{service}:?", protocol


@dataclass
class FaultProxy:
    """Forwards to ``upstream``; ``faults`` maps an operation to what to answer instead."""

    upstream: str
    faults: dict[str, Fault] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def throttle(self, operation: str, times: float) -> None:
        self.faults[operation] = Fault(times)

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.seen.clear()
            self.injected.clear()

    def fault_for(self, request: Request) -> Reply | None:
        operation, protocol = operation_of(request)
        with self._lock:
            self.seen[operation] += 1
            fault = self.faults.get(operation)
            if fault is None or fault.times <= 0:
                return None
            fault.times -= 1
            self.injected[operation] += 1
        return fault.reply or throttle_reply(protocol)


def _handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    upstream = urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        def _relay(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = Request(
                self.command,
                url.path,
                parse_qs(url.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                body,
            )
            reply = proxy.fault_for(request)
            if reply is not None:
                self._send(
                    reply.status,
                    [("Content-Type", reply.content_type), *reply.headers],
                    reply.body.encode(),
                )
                return
            connection = http.client.HTTPConnection(
                str(upstream.hostname), upstream.port, timeout=30
            )
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                connection.request(self.command, self.path, body=body or None, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP_BY_HOP]
                self._send(answer.status, kept, data)
            finally:
                connection.close()

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _relay

        def _send(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the counters are what tests read."""

    return Handler


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream)
    with threaded(LoopbackServer(("127.0.0.1", 0), _handler(proxy))) as url:
        proxy.url = url
        yield proxy
