"""The AWS collector context: one read-only boto3 session with a per-run cache and call stats.

Collectors never hold a boto3 client. They ask the context for an operation by its
Python method name (``ctx.call("eks", "describe_cluster", name=...)``), and the context

- refuses anything that is not a read (Describe/List/Get), and the few reads that
  return credentials or secret material, before a client is even created;
- paginates with botocore's own paginators wherever one exists;
- answers an identical call from the run's cache, so two collectors that both need the
  load balancers cause one DescribeLoadBalancers, and a denial is not asked twice;
- is shared by collectors running in threads: a call that another collector already has
  in flight is waited for, not sent again, so a parallel run makes exactly the calls a
  sequential one does;
- records the critical path, the longest chain of requests that had to follow one
  another (a collector's own calls, and the in-flight calls it waited for): under a slow
  API, a parallel run's wall time approaches that chain, not the sum of all calls;
- counts calls, attempts and seconds per operation through botocore's event hooks, so
  retries are visible in ``--stats``;
- stops asking an endpoint that did not answer (refused, or timed out on every attempt):
  the run's later calls to it fail at once, naming it, so a dead endpoint costs one
  call's attempts rather than every call's (18 operations x 5 attempts x a 30 s read
  timeout would be 45 minutes);
- turns botocore errors into ``CollectionError`` naming the IAM action, derived from the
  client's service model, and why it failed. An error is never a verdict;
- refuses to turn a broken answer into facts: a body that does not parse (a truncated
  XML or JSON document, an HTML page with HTTP 200) and a field the collector needs but
  the answer lacks are both ``CollectionError``s naming the operation and the endpoint,
  and so are HTTP 5xx answers: the endpoint's fault, never a verdict and never a bug
  report against refarch.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, overload
from urllib.parse import urlsplit

import boto3
import botocore.credentials
import botocore.exceptions
import botocore.parsers
import botocore.session
from botocore import xform_name
from botocore.config import Config
from botocore.endpoint import MAX_POOL_CONNECTIONS
from botocore.retries.standard import ThrottledRetryableChecker

from eks_refarch.conformance.aws.outcomes import Absent, EndpointGap
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.i18n import Message, Text, msg

READ_PREFIXES = ("Describe", "List", "Get")
# Reads that hand out credentials or secret material. No check needs them, and a
# conformance tool that could print a secret is one nobody should grant access to.
REFUSED_READS = frozenset(
    {
        "GetSecretValue",
        "BatchGetSecretValue",
        "GetRandomPassword",
        "GetAuthorizationToken",
        "GetSessionToken",
        "GetFederationToken",
        "GetParameter",
        "GetParameters",
        "GetParametersByPath",
        "GetObject",
        "GetCredentialsForIdentity",
        "GetPasswordData",
    }
)
# IAM names a few actions differently from the API operation they authorise; the
# service model cannot know that. Only operations this package calls are listed.
IAM_ACTION_OVERRIDES = {("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock"}

ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
        "403",
    }
)
CREDENTIALS_REJECTED = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AuthFailure",
    }
)
# botocore's own list of throttling codes, so "throttled" means what its retry logic means.
THROTTLED = frozenset(ThrottledRetryableChecker._THROTTLED_ERROR_CODES)
# How an emulator says "I do not implement this operation": moto answers 404 with the
# bare code "404" ("Not yet implemented") for unknown REST routes such as eks:ListAddons,
# and 500/501 "NotImplemented" for stubs such as wafv2:ListResourcesForWebACL. AWS never
# answers a modelled operation with a bare numeric code, and these are only recognised
# when an --endpoint-url is set.
NOT_IMPLEMENTED = frozenset({"404", "501", "NotImplemented", "NotImplementedError"})


# The endpoint did not answer at all, after every attempt botocore made.
UNANSWERED = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ReadTimeoutError,
)


# Protocols whose answers are JSON documents. botocore reads an unparseable JSON body as
# {"message": <body>} (parsers.BaseJSONParser._parse_body_as_json) and then finds none of
# the output's members in it, so a truncated answer would look like an empty one.
JSON_PROTOCOLS = frozenset({"json", "rest-json"})


class ReadOnlyViolation(Exception):
    """A collector asked for an operation that is not a plain read. A bug, never allowed."""


class UnreadableAnswer(Exception):
    """An answer with a success status whose body is not the document its protocol says."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"HTTP {status}: {detail}")


@dataclass(frozen=True)
class Origin:
    """Which read an answer came from, so that a missing field can say so."""

    what: Message
    operation: str  # signing-name:Operation, e.g. ec2:DescribeVpcs
    endpoint: Text


class IncompleteAnswer(CollectionError):
    """The answer lacks a field the collector needs: the endpoint's fault, never a verdict."""

    def __init__(self, origin: Origin, field_path: str) -> None:
        super().__init__(
            origin.what,
            msg("a complete answer from {endpoint}", endpoint=origin.endpoint),
            msg(
                "{operation} answered without the field {field}",
                operation=origin.operation,
                field=field_path,
            ),
        )


def _wrap(value: Any, origin: Origin, path: str) -> Any:
    if isinstance(value, Mapping):
        return Answer(value, origin, path)
    if isinstance(value, list | tuple):
        return AnswerList(value, origin, path)
    return value


class Answer(Mapping[str, Any]):
    """A parsed answer, read-only. ``answer["Key"]`` is a field the collector needs: when
    the endpoint left it out, reading it raises ``IncompleteAnswer`` naming the operation,
    the endpoint and the field, instead of a KeyError that would look like a bug in refarch
    (or an absent list that would look like an empty account). ``answer.get("Key")`` is a
    field AWS itself may leave out."""

    __slots__ = ("_data", "_origin", "_path")

    def __init__(self, data: Mapping[str, Any], origin: Origin, path: str = "") -> None:
        self._data = data
        self._origin = origin
        self._path = path

    def __getitem__(self, key: str) -> Any:
        try:
            value = self._data[key]
        except KeyError:
            raise IncompleteAnswer(self._origin, self._path + key) from None
        return _wrap(value, self._origin, f"{self._path}{key}.")

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        # Not Mapping.get: that one reads self[key], which raises IncompleteAnswer.
        if key not in self._data:
            return default
        return _wrap(self._data[key], self._origin, f"{self._path}{key}.")

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def require_any(self, *keys: str) -> None:
        """Raise IncompleteAnswer unless at least one of ``keys`` is in the answer: for an
        answer that AWS gives in one of several shapes."""
        if not any(key in self._data for key in keys):
            raise IncompleteAnswer(self._origin, " or ".join(self._path + k for k in keys))

    def __repr__(self) -> str:
        return f"Answer({self._data!r})"

    def __eq__(self, other: object) -> bool:
        data = other._data if isinstance(other, Answer) else other
        return self._data == data if isinstance(data, Mapping) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


class AnswerList(Sequence[Any]):
    """A list inside an ``Answer``: its items are wrapped the same way."""

    __slots__ = ("_items", "_origin", "_path")

    def __init__(self, items: Sequence[Any], origin: Origin, path: str) -> None:
        self._items = items
        self._origin = origin
        self._path = path

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return AnswerList(self._items[index], self._origin, self._path)
        where = f"{self._path.rstrip('.')}[{index}]"
        try:
            item = self._items[index]
        except IndexError:
            raise IncompleteAnswer(self._origin, where) from None
        return _wrap(item, self._origin, where + ".")

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        # Not Sequence.__iter__: that one stops at the IndexError that __getitem__ turns
        # into IncompleteAnswer.
        for index, item in enumerate(self._items):
            yield _wrap(item, self._origin, f"{self._path.rstrip('.')}[{index}].")

    def __repr__(self) -> str:
        return f"AnswerList({self._items!r})"

    def __eq__(self, other: object) -> bool:
        items = other._items if isinstance(other, AnswerList) else other
        return list(self._items) == list(items) if isinstance(items, list | tuple) else False

    __hash__ = None  # type: ignore[assignment]


@dataclass
class OperationStats:
    calls: int = 0
    attempts: int = 0
    seconds: float = 0.0

    @property
    def retries(self) -> int:
        return max(self.attempts - self.calls, 0)


@dataclass
class CallStats:
    """(service, operation) -> calls, attempts and seconds, filled by botocore's events.

    Keyed by API rather than by IAM action: elbv2 and the Classic ELB API share the action
    elasticloadbalancing:DescribeLoadBalancers but are two operations.
    """

    operations: dict[tuple[str, str], OperationStats] = field(default_factory=dict)
    cache_hits: int = 0
    # The longest chain of requests that followed one another: (service:Operation, seconds).
    critical_path: tuple[tuple[str, float], ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def of(self, service: str, operation: str) -> OperationStats:
        return self.operations.setdefault((service, operation), OperationStats())

    def chained(self, chain: Sequence[tuple[str, float]]) -> None:
        """Keep ``chain`` as the critical path when it is the longest seen (by requests,
        then by seconds)."""
        with self.lock:
            if (len(chain), _total(chain)) > (
                len(self.critical_path),
                _total(self.critical_path),
            ):
                self.critical_path = tuple(chain)

    def actions(self) -> set[str]:
        """The IAM actions of every operation called, for proving declared permissions."""
        return {iam_action_of(service, operation) for service, operation in self.operations}

    def rows(self) -> list[tuple[str, str, int, int, float]]:
        """(service, operation, calls, retries, seconds), sorted by service and operation."""
        return [
            (service, operation, s.calls, s.retries, s.seconds)
            for (service, operation), s in sorted(self.operations.items())
        ]

    @property
    def total_calls(self) -> int:
        return sum(s.calls for s in self.operations.values())


def _total(chain: Sequence[tuple[str, float]]) -> float:
    return sum(seconds for _, seconds in chain)


_STARTED = "refarch_started"
# The requests the current collector made or waited for, one after another, and the
# AwsContext they were made through. The runner starts each collector in an empty
# context (contextvars), so each collector's chain is its own; calls made one after
# another through one AwsContext outside the runner share one chain, which is right too.
_CHAIN: ContextVar[tuple[object, list[tuple[str, float]]] | None] = ContextVar(
    "refarch_chain", default=None
)

# The AwsContext whose call botocore is making in this thread (set by AwsContext._invoke):
# the clients' event handlers report to it, and a shared client signs as its role.
_CALLER: ContextVar[AwsContext | None] = ContextVar("refarch_caller", default=None)


def _chain(owner: object) -> list[tuple[str, float]]:
    current = _CHAIN.get()
    if current is None or current[0] is not owner:
        current = (owner, [])
        _CHAIN.set(current)
    return current[1]


class AwsContext:
    """A read-only view of one account and region, shared by every AWS collector in a run."""

    concurrent = True  # safe to share between collector threads (the runner reads this)

    def __init__(
        self,
        options: AwsOptions,
        session_factory: Callable[[AwsOptions], Any] | None = None,
    ) -> None:
        self.options = options
        self.stats = CallStats()
        self._session_factory = session_factory or _session
        self._session: Any = None  # a boto3 session, or anything with its client()
        self._session_error: CollectionError | None = None  # a role that could not be assumed
        self._clients: dict[str, Any] = {}
        self._cache: dict[tuple[str, str, str, bool], Any] = {}
        # Calls being made right now, and the requests each took once finished: a second
        # collector asking the same waits for the first one's answer.
        self._in_flight: dict[tuple[str, str, str, bool], Future[Any]] = {}
        self._requests: dict[tuple[str, str, str, bool], list[tuple[str, float]]] = {}
        self._lock = threading.Lock()  # the cache and the calls in flight
        self._chain_owner = object()  # whose chain a collector's calls extend (see _CHAIN)
        self._client_lock = threading.Lock()  # the clients and the session
        self._silent: dict[str, CollectionError] = {}  # endpoint URL -> why it did not answer
        self._contacted: dict[str, threading.Event] = {}  # endpoint URL -> first call done
        # Per thread, service -> the operation whose answer botocore last began to parse;
        # cleared when a call starts and when _invoke returns. An exception raised while it
        # is set came from reading the endpoint's answer (botocore's parsers raise KeyError
        # on shapes they do not expect), so it is the endpoint's fault, not refarch's.
        self._local = threading.local()

    @property
    def region(self) -> str:
        return self.options.region

    @property
    def endpoint(self) -> Text:
        return self.options.endpoint_url or msg(
            "the AWS endpoints of {region}", region=self.options.region
        )

    # The two ways a collector reads.
    def call(
        self, service: str, method: str, *, absent: tuple[str, ...] = (), **params: Any
    ) -> Answer:
        """One read. Raises ``Absent`` when AWS answers with one of the ``absent`` error
        codes (such as ResourceNotFoundException): a missing resource is a fact, not an
        error, and the collector says what it means."""
        return self._cached(service, method, params, absent, False)

    def paginate(
        self, service: str, method: str, *, absent: tuple[str, ...] = (), **params: Any
    ) -> Answer:
        """Every page of a list, merged by botocore's paginator into one response."""
        return self._cached(service, method, params, absent, True)

    # Internals.
    def _cached(
        self,
        service: str,
        method: str,
        params: Mapping[str, Any],
        absent: tuple[str, ...],
        paginate: bool,
    ) -> Answer:
        _require_read(service, method)
        key = (service, method, json.dumps(params, sort_keys=True, default=str), paginate)
        with self._lock:
            done = key in self._cache
            waiting = self._in_flight.get(key) if not done else None
            if done or waiting is not None:
                with self.stats.lock:
                    self.stats.cache_hits += 1
            else:
                mine: Future[Any] = Future()
                self._in_flight[key] = mine
        if done:
            outcome = self._cache[key]
        elif waiting is not None:
            outcome = waiting.result()
            # The wait is part of this collector's chain: it could not go on without it.
            chain = _chain(self._chain_owner)
            chain.extend(self._requests.get(key, ()))
            self.stats.chained(chain)
        else:
            chain = _chain(self._chain_owner)
            before = len(chain)
            try:
                outcome = self._invoke(service, method, dict(params), paginate)
            except BaseException as exc:  # a bug: the waiters see it too, and it is not kept
                with self._lock:
                    del self._in_flight[key]
                mine.set_exception(exc)
                raise
            with self._lock:
                self._requests[key] = chain[before:]
                self._cache[key] = outcome
                del self._in_flight[key]
            mine.set_result(outcome)
        if isinstance(outcome, botocore.exceptions.ClientError):
            if _code(outcome) in absent:
                raise Absent(_code(outcome))
            raise self._translate(service, method, outcome)
        if isinstance(outcome, Exception):
            raise outcome
        return Answer(outcome, self._origin(service, method))

    def _origin(self, service: str, method: str) -> Origin:
        client = self._clients.get(service)
        endpoint = client.meta.endpoint_url if client is not None else self.endpoint
        return Origin(self._what(service, method), iam_action(service, method), endpoint)

    def _what(self, service: str, method: str) -> Message:
        return msg(
            "{service} {operation} in {region}",
            service=service,
            operation=_operations(service)[1][method],
            region=self.options.region,
        )

    def _invoke(self, service: str, method: str, params: dict[str, Any], paginate: bool) -> Any:
        # Whose call this is, for the clients' event handlers and for a shared client's
        # signature (see RoleClients): botocore runs both in this thread, within the call.
        caller = _CALLER.set(self)
        try:
            return self._invoke_as_caller(service, method, params, paginate)
        finally:
            _CALLER.reset(caller)

    def _invoke_as_caller(
        self, service: str, method: str, params: dict[str, Any], paginate: bool
    ) -> Any:
        endpoint = None
        first: threading.Event | None = None
        try:
            client = self._client(service)
            endpoint = client.meta.endpoint_url
            first = self._first_contact(endpoint)
            silent = self._silent.get(endpoint)
            if silent is not None:
                return CollectionError(
                    self._what(service, method),
                    silent.missing,
                    msg(
                        "not tried: {endpoint} did not answer earlier in this run ({reason})",
                        endpoint=endpoint,
                        reason=silent.reason,
                    ),
                )
            if paginate:
                if not client.can_paginate(method):
                    raise ValueError(f"{service}.{method} has no paginator; use call()")
                return client.get_paginator(method).paginate(**params).build_full_result()
            return getattr(client, method)(**params)
        except botocore.exceptions.ClientError as exc:
            return exc  # kept in the cache so a denied read is asked once
        except (
            botocore.exceptions.BotoCoreError,
            botocore.parsers.ResponseParserError,
            UnreadableAnswer,
            CollectionError,
        ) as exc:
            error = self._translate(service, method, exc, endpoint)
            if endpoint and isinstance(error, CollectionError) and isinstance(exc, UNANSWERED):
                self._silent.setdefault(endpoint, error)
            return error
        except Exception as exc:
            if self._parsing().get(service) != _operations(service)[1][method]:
                raise  # not while reading an answer: a bug, and the runner says so
            detail = f"{type(exc).__name__}: {exc}"
            return self._translate(service, method, UnreadableAnswer(200, detail), endpoint)
        finally:
            self._parsing().pop(service, None)
            if first is not None:
                first.set()

    def close(self) -> None:
        """Drop the run's clients and answers: a run over many accounts would otherwise
        keep each finished account's until the cyclic garbage collector gets to them
        (each client's event handlers refer back to this context)."""
        with self._client_lock:
            if isinstance(self._session, AssumedSession):
                self._session.close()  # the shared clients stay for the other accounts
            else:
                for client in self._clients.values():
                    client.close()
            self._clients.clear()
        with self._lock:
            self._cache.clear()
            self._requests.clear()

    def _first_contact(self, endpoint: str) -> threading.Event | None:
        """Until an endpoint has answered once, one call at a time goes to it: the first
        returns an Event to set when it is done, the others wait for it. Then a dead
        endpoint costs one call's attempts, not one per collector running at that moment."""
        with self._lock:
            state = self._contacted.get(endpoint)
            if state is None:
                first = self._contacted[endpoint] = threading.Event()
                return first
        state.wait()
        return None

    def _parsing(self) -> dict[str, str]:
        parsing: dict[str, str] | None = getattr(self._local, "parsing", None)
        if parsing is None:
            parsing = self._local.parsing = {}
        return parsing

    def _client(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is not None:  # made already: no waiting behind another service's making
            return client
        with self._client_lock:
            if service not in self._clients:
                session = self.session()
                if isinstance(session, AssumedSession):
                    client = session.client(service)  # shared, and instrumented already
                else:
                    with CLIENT_CREATION:  # boto3 sessions are not thread-safe; clients are
                        client = session.client(
                            service,
                            region_name=self.options.region,
                            endpoint_url=self.options.endpoint_url,
                            config=_config(self.options),
                        )
                    instrument(client)
                self._clients[service] = client
            return self._clients[service]

    def session(self) -> Any:
        """The run's session, made once; a role that could not be assumed is tried once
        and then the same CollectionError for every call of the run."""
        if self._session_error is not None:
            raise self._session_error
        if self._session is None:
            try:
                self._session = self._session_factory(self.options)
            except CollectionError as exc:
                self._session_error = exc
                raise
        return self._session

    def _translate(
        self, service: str, method: str, exc: Exception, endpoint: str | None = None
    ) -> Exception:
        what = self._what(service, method)
        if isinstance(exc, CollectionError):
            return exc
        action = iam_action(service, method)
        where = endpoint or self.endpoint
        if isinstance(exc, UnreadableAnswer | botocore.parsers.ResponseParserError):
            detail = exc.detail if isinstance(exc, UnreadableAnswer) else str(exc).split("\n")[0]
            return CollectionError(
                what,
                msg("a well-formed answer from {endpoint}", endpoint=where),
                msg(
                    "{operation} was answered with a body that cannot be read: {detail}",
                    operation=action,
                    detail=detail,
                ),
            )
        if isinstance(exc, botocore.exceptions.ClientError):
            code = _code(exc)
            message = exc.response.get("Error", {}).get("Message", "")
            metadata = exc.response.get("ResponseMetadata", {})
            attempts = metadata.get("RetryAttempts", 0) + 1
            status = metadata.get("HTTPStatusCode")
            page = message.lstrip().startswith("<")
            if not code:
                # botocore found no error code in the body: an error envelope it does not
                # expect (moto 5.2.5 wraps Route 53 errors as EC2's, <Errors><Error>) or a
                # proxy's own page. The HTTP status is then all that is known, and a 403
                # still means the request was refused.
                code = str(status or "")
                message = message or f"HTTP {status} with no error code in the response"
            if self.options.endpoint_url and code in NOT_IMPLEMENTED:
                # A server without the route answers with an HTML page: keep only its status.
                said = "" if page else f": {message}"
                return EndpointGap(action, self.options.endpoint_url, f"HTTP {status}{said}")
            if code in ACCESS_DENIED or "AccessDenied" in message:
                return CollectionError(
                    what,
                    action,
                    msg("AccessDenied: {message}", message=message) if message else "AccessDenied",
                )
            if code in CREDENTIALS_REJECTED:
                return CollectionError(
                    what,
                    action,
                    msg(
                        "the credentials were rejected ({code}: {message})",
                        code=code,
                        message=message,
                    ),
                )
            # botocore also retries any 429 whose code the operation does not model.
            if code in THROTTLED or status == 429:
                return CollectionError(
                    what, action, msg("throttled after {attempts} attempts", attempts=attempts)
                )
            if isinstance(status, int) and status >= 500:
                # The endpoint failed, not the request: no permission would change it.
                said = (
                    f"HTTP {status}" if page or not message else f"HTTP {status} {code}: {message}"
                )
                return CollectionError(
                    what,
                    msg("a working endpoint ({endpoint})", endpoint=where),
                    msg(
                        "{operation} failed at the endpoint ({said}) after {attempts} attempts",
                        operation=action,
                        said=said,
                        attempts=attempts,
                    ),
                )
            return CollectionError(
                what,
                action,
                msg(
                    "{code}: {message} after {attempts} attempts",
                    code=code,
                    message=message,
                    attempts=attempts,
                ),
            )
        if isinstance(
            exc, botocore.exceptions.ConnectTimeoutError | botocore.exceptions.ReadTimeoutError
        ):
            return CollectionError(
                what,
                msg("a reachable endpoint ({endpoint})", endpoint=self.endpoint),
                msg(
                    "timed out ({error}); connect timeout {connect}s, read timeout {read}s",
                    error=str(exc),
                    connect=self.options.connect_timeout,
                    read=self.options.read_timeout,
                ),
            )
        if isinstance(exc, botocore.exceptions.EndpointConnectionError):
            return CollectionError(
                what,
                msg("a reachable endpoint ({endpoint})", endpoint=exc.kwargs.get("endpoint_url")),
                msg("unreachable"),
            )
        if isinstance(
            exc, botocore.exceptions.HTTPClientError | botocore.exceptions.ConnectionError
        ):
            # The connection broke mid-answer (closed early, a body shorter than its
            # Content-Length, a proxy or TLS failure): the endpoint's side, not a permission.
            return CollectionError(
                what,
                msg("a working endpoint ({endpoint})", endpoint=where),
                msg("{error}: {detail}", error=type(exc).__name__, detail=str(exc)),
            )
        if isinstance(
            exc,
            botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError,
        ):
            return CollectionError(
                what, action, msg("no AWS credentials were found in the boto3 credential chain")
            )
        return CollectionError(
            what, action, msg("{error}: {detail}", error=type(exc).__name__, detail=str(exc))
        )


def instrument(client: Any) -> None:
    """Count calls, attempts and seconds, and watch answers being parsed, for whichever
    AwsContext makes each call (_CALLER): the handlers are registered once per client, so
    a client shared by many accounts' contexts reports to each the calls it made."""
    service = client.meta.service_model.service_name
    json_answers = client.meta.service_model.resolved_protocol in JSON_PROTOCOLS

    def before_call(context: dict[str, Any], **_: Any) -> None:
        caller = _CALLER.get()
        if caller is None:
            return
        context[_STARTED] = time.perf_counter()
        caller._parsing().pop(service, None)

    def finished(context: dict[str, Any], event_name: str, **_: Any) -> None:
        # after-call fires on every answer, after-call-error when no answer came (or
        # when it could not be parsed: _parsing then stays set for _invoke to see).
        caller = _CALLER.get()
        if caller is None:
            return
        operation = event_name.rsplit(".", 1)[-1]
        seconds = time.perf_counter() - context.get(_STARTED, time.perf_counter())
        with caller.stats.lock:
            stats = caller.stats.of(service, operation)
            stats.calls += 1
            stats.seconds += seconds
        chain = _chain(caller._chain_owner)
        chain.append((f"{service}:{operation}", seconds))
        caller.stats.chained(chain)

    def before_send(event_name: str, **_: Any) -> None:
        # Fired once per HTTP attempt, so attempts minus calls are the retries.
        caller = _CALLER.get()
        if caller is None:
            return
        with caller.stats.lock:
            caller.stats.of(service, event_name.rsplit(".", 1)[-1]).attempts += 1

    def before_parse(response_dict: dict[str, Any], operation_model: Any, **_: Any) -> None:
        caller = _CALLER.get()
        if caller is None:
            return
        caller._parsing()[service] = operation_model.name
        # XML protocols raise ResponseParserError on a broken body themselves; a JSON
        # protocol would read one as an answer without fields (see JSON_PROTOCOLS).
        status = response_dict.get("status_code", 0)
        body = response_dict.get("body") or b""
        if not json_answers or not 200 <= status < 300 or not body.strip():
            return
        try:
            json.loads(body)
        except ValueError as exc:
            raise UnreadableAnswer(status, f"the body is not a JSON document ({exc})") from None

    def no_retry_of_a_gap(response: Any = None, **_: Any) -> bool | None:
        # An emulator's "not implemented" answer will not change on a retry: without
        # this, botocore retries its HTTP 500 with backoff (seconds each time) on the
        # run's critical path. False vetoes the retry: botocore's endpoint takes the
        # first non-None answer to needs-retry, and this handler is registered first.
        caller = _CALLER.get()
        if caller is not None and caller.options.endpoint_url and response is not None:
            code = response[1].get("Error", {}).get("Code")
            if code in NOT_IMPLEMENTED:
                return False
        return None

    events = client.meta.events
    events.register_first(
        f"needs-retry.{client.meta.service_model.service_id.hyphenize()}", no_retry_of_a_gap
    )
    events.register("before-call", before_call)
    events.register("after-call", finished)
    events.register("after-call-error", finished)
    events.register("before-send", before_send)
    events.register("before-parse", before_parse)


def _require_read(service: str, method: str) -> None:
    operation = _operations(service)[1].get(method, method)
    if not operation.startswith(READ_PREFIXES) or operation in REFUSED_READS:
        raise ReadOnlyViolation(
            f"{method} is not a read this tool may call: conformance checks only "
            "Describe, List and Get, and never read secret material"
        )


def _config(options: AwsOptions) -> Config:
    """Every client's retries, timeouts and user agent, the role's STS client included."""
    return Config(
        # total_max_attempts, not max_attempts: botocore reads Config's max_attempts as the
        # number of retries and adds one (botocore/args.py), while --max-attempts counts the
        # first attempt too, as AWS_MAX_ATTEMPTS does.
        retries={"mode": options.retry_mode, "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        user_agent_extra="eks-refarch-check",
        # An emulator serves every bucket at one host; virtual-host style needs DNS.
        s3={"addressing_style": "path"} if options.endpoint_url else None,
    )


def _code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _session(options: AwsOptions) -> Any:
    """A boto3 session from the standard chain, switched to ``role_arn`` when one is given."""
    return assumed(boto3.Session(profile_name=options.profile, region_name=options.region), options)


# boto3 sessions are not thread-safe, so every client is made under this lock.
CLIENT_CREATION = threading.RLock()


class RoleClients:
    """One client per service and region, shared by every account of a run, each call
    signed as the role of the account whose collector makes it.

    Clients of its own cost each account about 5 MB and 33,000 objects for the cyclic
    garbage collector to walk while the account is in flight: 50 emulated accounts, 16
    at a time, spent 10 s of their 25 s CPU in full collections and peaked at 330 MiB
    against 196 MiB for one account (shared: 2 s, 241 MiB). botocore's clients are
    thread-safe, and a request's credentials are read when it is signed
    (``get_frozen_credentials``), so a shared client signs each call with those of the
    calling AwsContext (``_CALLER``); a call with no caller is refused, never signed as
    somebody else. Adaptive retries keep a rate limiter per client, and AWS throttles
    per account, so under ``--retry-mode adaptive`` each account has its own clients.
    """

    def __init__(self, options: AwsOptions, pool_size: int = MAX_POOL_CONNECTIONS) -> None:
        self._options = options
        self._core = botocore.session.Session(profile=options.profile)
        self._core.register_component("credential_provider", _CallersCredentialResolver())
        self._session = boto3.Session(botocore_session=self._core)
        # Collectors of every account in flight may use one client at once: give the
        # shared client the connections each account's own client had (botocore's
        # default), or urllib3 warns "Connection pool is full" and reconnects.
        self._config = _config(options).merge(Config(max_pool_connections=pool_size))
        self._clients: dict[tuple[str, str, object], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str, owner: object) -> Any:
        own = owner if self._options.retry_mode == "adaptive" else None
        key = (service, region, own)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            if key not in self._clients:
                with CLIENT_CREATION:
                    client = self._session.client(
                        service,
                        region_name=region,
                        endpoint_url=self._options.endpoint_url,
                        config=self._config,
                    )
                instrument(client)
                self._clients[key] = client
            return self._clients[key]

    def release(self, owner: object) -> None:
        """Close the clients only ``owner`` used (under adaptive retries)."""
        with self._lock:
            for key in [key for key in self._clients if key[2] is owner]:
                self._clients.pop(key).close()

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


# botocore has no type hints; a subclass, so that anything asking "is this Credentials?" agrees.
class _CallersCredentials(botocore.credentials.Credentials):  # type: ignore[misc]
    """The credentials of the AwsContext whose call is being signed, read at each use."""

    def __init__(self) -> None:  # nothing of its own: every field is the caller's
        self.method = "assume-role"

    def get_frozen_credentials(self) -> botocore.credentials.ReadOnlyCredentials:
        caller = _CALLER.get()
        session = caller._session if caller is not None else None
        if not isinstance(session, AssumedSession):
            raise RuntimeError("a shared client was called outside an account's call")
        return session.credentials

    # Read by botocore outside signing (the endpoint rules' account id, for one).
    access_key = property(lambda self: self.get_frozen_credentials().access_key)
    secret_key = property(lambda self: self.get_frozen_credentials().secret_key)
    token = property(lambda self: self.get_frozen_credentials().token)
    account_id = property(lambda self: self.get_frozen_credentials().account_id)


class _CallersCredentialResolver:
    """What botocore's session asks for its credentials (the credential_provider
    component): the shared clients' are always the caller's."""

    def load_credentials(self) -> botocore.credentials.Credentials:
        return _CallersCredentials()


class AssumedSession:
    """An account's role: its temporary credentials, and the shared clients that sign
    with them (RoleClients)."""

    def __init__(
        self,
        clients: RoleClients,
        region: str,
        credentials: Mapping[str, str],
        *,
        owns_clients: bool = False,
    ) -> None:
        self._clients = clients
        self._region = region
        self._owns_clients = owns_clients  # made for this role alone: closed with it
        self.credentials = botocore.credentials.ReadOnlyCredentials(
            credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        )

    def client(self, service: str) -> Any:
        return self._clients.client(service, self._region, self)

    def close(self) -> None:
        if self._owns_clients:
            self._clients.close()
        else:
            self._clients.release(self)


def assumed(base: boto3.Session, options: AwsOptions, clients: RoleClients | None = None) -> Any:
    """``base`` itself, or the role ``options.role_arn`` when one is given, its calls made
    through ``clients`` (made for this one role when not given)."""
    if not options.role_arn:
        return base
    with CLIENT_CREATION:
        sts = base.client(
            "sts",
            region_name=options.region,
            endpoint_url=options.endpoint_url,
            config=_config(options),
        )
    action = "sts:AssumeRole"
    what = msg("the role {role}", role=options.role_arn)
    try:
        extra = {"ExternalId": options.external_id} if options.external_id else {}
        creds = sts.assume_role(RoleArn=options.role_arn, RoleSessionName="refarch-check", **extra)[
            "Credentials"
        ]
        if clients is None:
            return AssumedSession(RoleClients(options), options.region, creds, owns_clients=True)
        return AssumedSession(clients, options.region, creds)
    except botocore.exceptions.ClientError as exc:
        raise CollectionError(
            what, action, msg("{code}: {error}", code=_code(exc), error=str(exc))
        ) from exc
    except (botocore.exceptions.BotoCoreError, botocore.parsers.ResponseParserError) as exc:
        raise CollectionError(
            what, action, msg("{error}: {detail}", error=type(exc).__name__, detail=str(exc))
        ) from exc
    except (KeyError, TypeError) as exc:
        # A 200 answer without credentials in it: the endpoint's fault, named as such.
        raise CollectionError(
            what,
            msg("a complete answer from {endpoint}", endpoint=sts.meta.endpoint_url),
            msg("{operation} answered without the field {field}", operation=action, field=exc),
        ) from exc
    finally:
        sts.close()


def _operations(service: str) -> tuple[str, dict[str, str]]:
    """The service's signing name and its method -> operation map, read offline.

    Read once under a lock: functools.cache does not stop threads that miss at the same
    moment from each computing the value, and a many-account run starts hundreds of
    collectors at once. Unlocked, each of them loaded the EC2 model into a botocore
    session of its own: 50 emulated accounts, 16 at a time, took 87 s and peaked at
    1.1 GiB; with the lock, 31 s and 0.3 GiB."""
    with _OPERATIONS_LOCK:
        return _read_operations(service)


_OPERATIONS_LOCK = threading.Lock()


@functools.cache
def _read_operations(service: str) -> tuple[str, dict[str, str]]:
    model = _offline_session().get_service_model(service)
    return model.signing_name, {xform_name(op): op for op in model.operation_names}


@functools.cache
def _offline_session() -> botocore.session.Session:
    """One botocore session for reading service models (each new one scans the data
    directories again); only ever used under _OPERATIONS_LOCK."""
    return botocore.session.get_session()


def iam_action(service: str, method: str) -> str:
    """``elbv2``, ``describe_load_balancers`` -> ``elasticloadbalancing:DescribeLoadBalancers``."""
    return iam_action_of(service, _operations(service)[1][method])


def iam_action_of(service: str, operation: str) -> str:
    """``elbv2``, ``DescribeLoadBalancers`` -> ``elasticloadbalancing:DescribeLoadBalancers``."""
    prefix = _operations(service)[0]
    return IAM_ACTION_OVERRIDES.get((service, operation), f"{prefix}:{operation}")


def is_loopback(url: str) -> bool:
    """True when ``url``'s host is localhost or a loopback address (127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
