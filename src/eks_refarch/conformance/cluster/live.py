"""Kubernetes objects from a live cluster (``--kubeconfig FILE [--context C]``), read-only.

Only list calls are made, through the official client: the typed APIs for built-in
kinds and the CustomObjectsApi for Istio's and Argo CD's resources. Each list is paged
(``limit``/``continue``) and read once per run. A refusal becomes a CollectionError that
names the permission (``list peerauthentications.security.istio.io``), so only the checks
that needed it report ``error``.

The transport is the AWS side's: explicit connect and read timeouts (the run's
``--connect-timeout`` and ``--read-timeout``), no retry of a request that timed out, and
after the first request the API server did not answer, no other is sent to it, so a
server that accepts connections and never answers costs one read timeout, not one per
list. Bodies are read as JSON by this module, not by the client's models: a body that is
not the JSON list the API promises (a proxy's page, a truncated answer) is named as a
garbage answer from that server, never taken for a bug in refarch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.kube_config import KubeConfigLoader

from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.cluster.kinds import (
    DAEMONSETS,
    DEPLOYMENTS,
    NAMESPACES,
    NODES,
    SERVICES,
    STATEFULSETS,
    Kind,
    Permission,
)
from eks_refarch.conformance.cluster.source import KubeObject
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.i18n import Text, msg
from eks_refarch.yamlio import Document, load_document

PAGE_SIZE = 500


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection to the API server, and for its answer."""

    connect: float = AwsOptions.connect_timeout
    read: float = AwsOptions.read_timeout

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> Timeouts:
        """The run's ``--connect-timeout`` and ``--read-timeout``, where given."""
        given = {
            name: float(params[option])
            for name, option in (("connect", "connect_timeout"), ("read", "read_timeout"))
            if params.get(option) is not None
        }
        return cls(**given)

    @property
    def pair(self) -> tuple[float, float]:
        return (self.connect, self.read)


Page = Callable[[client.ApiClient, dict[str, Any]], Any]

# Built-in kinds are listed through their typed API, asked for the raw answer
# (_preload_content=False) so that this module reads the JSON itself.
_TYPED: dict[Kind, Page] = {
    NAMESPACES: lambda api, kw: client.CoreV1Api(api).list_namespace(**kw),
    NODES: lambda api, kw: client.CoreV1Api(api).list_node(**kw),
    SERVICES: lambda api, kw: client.CoreV1Api(api).list_service_for_all_namespaces(**kw),
    DEPLOYMENTS: lambda api, kw: client.AppsV1Api(api).list_deployment_for_all_namespaces(**kw),
    STATEFULSETS: lambda api, kw: client.AppsV1Api(api).list_stateful_set_for_all_namespaces(**kw),
    DAEMONSETS: lambda api, kw: client.AppsV1Api(api).list_daemon_set_for_all_namespaces(**kw),
}


class LiveSource:
    """Lists objects from the API server an ApiClient points at."""

    def __init__(self, api: client.ApiClient, timeouts: Timeouts | None = None) -> None:
        self.api = api
        self.timeouts = timeouts or Timeouts()
        # Why the server did not answer, once it did not: later requests are not sent.
        self._silent: CollectionError | None = None

    @property
    def host(self) -> str:
        return str(self.api.configuration.host)

    def list(self, kind: Kind) -> tuple[KubeObject, ...]:
        return tuple(
            KubeObject(kind=kind, data=item, origin="", observed=True) for item in self._items(kind)
        )

    def _items(self, kind: Kind) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "limit": PAGE_SIZE,
                "_request_timeout": self.timeouts.pair,
                "_preload_content": False,
            }
            if token:
                kwargs["_continue"] = token
            page = self.call(kind.list_permission, partial(self._page, kind, kwargs))
            yield from page["items"]
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return

    def _page(self, kind: Kind, kwargs: dict[str, Any]) -> Mapping[str, Any]:
        typed = _TYPED.get(kind)
        if typed is not None:
            response = typed(self.api, kwargs)
        else:
            response = client.CustomObjectsApi(self.api).list_cluster_custom_object(
                kind.group, kind.version, kind.plural, **kwargs
            )
        body = self.json_body(response, kind.path)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise CollectionError(
                _what(kind.list_permission),
                msg("a well-formed answer from the API server at {host}", host=self.host),
                msg(
                    "{path} answered JSON that is not a list of objects: {start}",
                    path=kind.path,
                    start=_start(json.dumps(body)),
                ),
            )
        return body

    def json_body(self, response: Any, path: str) -> Any:
        """The JSON document of a raw answer, or a CollectionError naming the garbage."""
        data = response.data
        try:
            return json.loads(data)
        except ValueError:
            raise CollectionError(
                path,
                msg("a well-formed answer from the API server at {host}", host=self.host),
                msg(
                    "{path} answered with a body that is not JSON (garbage): {start}",
                    path=path,
                    start=_start(data.decode("utf-8", "replace")),
                ),
            ) from None

    def call(
        self, permission: Permission, request: Callable[[], Any], what: str | None = None
    ) -> Any:
        """Run one API request, turning every way it can fail into a CollectionError."""
        what = what or _what(permission)
        if self._silent is not None:
            raise CollectionError(
                what,
                self._silent.missing,
                msg(
                    "not tried: the API server did not answer earlier in this run ({reason})",
                    reason=self._silent.reason,
                ),
            )
        try:
            return request()
        except ApiException as exc:
            raise refusal(what, permission, exc, self.host) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            error = CollectionError(
                what,
                msg("a reachable API server at {host}", host=self.host),
                self._why(exc),
            )
            self._silent = error  # refused or timed out: the next request would fare no better
            raise error from None

    def _why(self, exc: Exception) -> Text:
        cause = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
        if isinstance(cause, urllib3.exceptions.TimeoutError):
            return msg(
                "timed out ({error}); connect timeout {connect}s, read timeout {read}s",
                error=str(cause),
                connect=self.timeouts.connect,
                read=self.timeouts.read,
            )
        return msg("{error}: {detail}", error=type(cause).__name__, detail=str(cause))


def _what(permission: Permission) -> str:
    return permission.rbac_resource + (f".{permission.group}" if permission.group else "")


def _start(text: str) -> str:
    """The first characters of an answer, enough to recognise it."""
    flat = " ".join(text.split())
    return flat[:120] + ("…" if len(flat) > 120 else "")


def refusal(what: str, permission: Permission, exc: ApiException, host: str) -> CollectionError:
    """The CollectionError for an API error status, naming what would have allowed the read."""
    status = exc.status
    message = status_message(exc)
    if status == 403:
        return CollectionError(
            what, str(permission), msg("403 Forbidden: {message}", message=message)
        )
    if status == 401:
        return CollectionError(
            what,
            msg("valid credentials in the kubeconfig"),
            msg("401 Unauthorized: {message}", message=message),
        )
    if status == 404 and permission.group:
        return CollectionError(
            what,
            msg(
                "the {group} API (is its CustomResourceDefinition installed?)",
                group=permission.group,
            ),
            msg("404 Not Found: {message}", message=message),
        )
    if not status or status >= 500:
        # The server (or a proxy before it) failed; no permission would change that.
        return CollectionError(
            what,
            msg("a working API server at {host}", host=host),
            msg("HTTP {status}: {message}", status=status, message=message),
        )
    return CollectionError(
        what, str(permission), msg("HTTP {status}: {message}", status=status, message=message)
    )


def status_message(exc: ApiException) -> str:
    """The API server's own explanation (a Status object's message), else the reason."""
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return str(exc.reason or f"HTTP {exc.status}")
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return str(exc.reason)


def api_client(kubeconfig: Path, context: str | None) -> client.ApiClient:
    """An ApiClient for a kubeconfig file and context, or a UserInputError saying why not."""
    document = load_document(kubeconfig, what="kubeconfig")
    data = document.data
    if not isinstance(data, dict):
        raise UserInputError(
            [Problem(kubeconfig, document.line_of(()), (), "expected a kubeconfig mapping")]
        )
    shape = _shape_problems(kubeconfig, document)
    if shape:
        raise UserInputError(shape)
    contexts = [
        c.get("name") for c in data.get("contexts") or () if isinstance(c, dict) and "name" in c
    ]
    if context is not None and context not in contexts:
        raise UserInputError(
            [
                Problem(
                    kubeconfig,
                    document.line_of(("contexts",)),
                    ("--context",),
                    f"no context named {context!r}; the kubeconfig has {contexts}",
                )
            ]
        )
    configuration = client.Configuration()
    # No retries: a request that timed out is not sent again (see the module's docstring).
    configuration.retries = False
    try:
        # KubeConfigLoader directly, not new_client_from_config_dict: that helper passes
        # config_base_path=None, so relative certificate paths in the kubeconfig would
        # resolve against the working directory instead of the kubeconfig's own
        # directory, as kubectl resolves them.
        loader = KubeConfigLoader(  # type: ignore[no-untyped-call]
            config_dict=data,
            active_context=context,
            config_base_path=str(kubeconfig.resolve().parent),
        )
        loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
    except ConfigException as exc:
        raise UserInputError(
            [Problem(kubeconfig, None, (), f"unusable kubeconfig: {exc}")]
        ) from None
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        # The loader assumes a well-formed file (its ConfigNode says so) and calls string
        # and mapping methods on whatever value it finds; the shape checks above name
        # the common cases, and this names the file for the rest.
        raise UserInputError(
            [
                Problem(
                    kubeconfig,
                    None,
                    (),
                    f"unusable kubeconfig: the Kubernetes client could not read it "
                    f"({type(exc).__name__}: {exc})",
                )
            ]
        ) from None
    return client.ApiClient(configuration)


# Lists KubeConfigLoader looks entries up in by name, and the mapping each entry holds.
_NAMED_LISTS = {"clusters": "cluster", "contexts": "context", "users": "user"}


def _shape_problems(kubeconfig: Path, document: Document) -> list[Problem]:
    """Where the kubeconfig's structure is not what kubectl reads, by field and line."""
    data = document.data
    problems: list[Problem] = []

    def wrong(loc: tuple[str | int, ...], expected: str, found: object) -> None:
        message = f"expected {expected}, found {type(found).__name__}"
        problems.append(Problem(kubeconfig, document.line_of(loc), loc, message))

    current = data.get("current-context")
    if current is not None and not isinstance(current, str):
        wrong(("current-context",), "the name of a context", current)
    for key, inner in _NAMED_LISTS.items():
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            wrong((key,), f"a list of named {inner}s", items)
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                wrong((key, index), f"a mapping with a name and a {inner}", item)
            elif not isinstance(item.get("name"), str):
                wrong((key, index, "name"), f"the {inner}'s name", item.get("name"))
            elif inner in item and not isinstance(item[inner], dict):
                wrong((key, index, inner), "a mapping", item[inner])
    return problems


def live_source(
    kubeconfig: Path, context: str | None, timeouts: Timeouts | None = None
) -> LiveSource:
    return LiveSource(api_client(kubeconfig, context), timeouts)
