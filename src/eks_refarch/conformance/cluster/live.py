"""Kubernetes objects from a live cluster (``--kubeconfig FILE [--context C]``), read-only.

Only list calls are made, through the official client: the typed APIs for built-in
kinds and the CustomObjectsApi for Istio's and Argo CD's resources. Each list is paged
(``limit``/``continue``) and read once per run. A refusal becomes a CollectionError that
names the permission (``list peerauthentications.security.istio.io``), so only the checks
that needed it report ``error``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.kube_config import KubeConfigLoader

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
from eks_refarch.yamlio import Document, load_document

PAGE_SIZE = 500
# (connect, read) seconds: a run should say "unreachable" rather than hang.
TIMEOUT = (5.0, 60.0)

Page = Callable[[client.ApiClient, dict[str, Any]], Any]

# Built-in kinds are listed through their typed API; the response is a model object
# that sanitize_for_serialization turns back into the API's JSON shape.
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

    def __init__(self, api: client.ApiClient) -> None:
        self.api = api

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
            kwargs: dict[str, Any] = {"limit": PAGE_SIZE, "_request_timeout": TIMEOUT}
            if token:
                kwargs["_continue"] = token
            page = self.call(kind.list_permission, partial(self._page, kind, kwargs))
            yield from page.get("items") or ()
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return

    def _page(self, kind: Kind, kwargs: dict[str, Any]) -> Mapping[str, Any]:
        typed = _TYPED.get(kind)
        if typed is not None:
            # The client ships py.typed, but these helpers carry no annotations.
            result = self.api.sanitize_for_serialization(  # type: ignore[no-untyped-call]
                typed(self.api, kwargs)
            )
        else:
            result = client.CustomObjectsApi(self.api).list_cluster_custom_object(
                kind.group, kind.version, kind.plural, **kwargs
            )
        if not isinstance(result, dict):
            raise CollectionError(
                kind.plural, str(kind.list_permission), f"unexpected response {result!r:.200}"
            )
        return result

    def call(self, permission: Permission, request: Callable[[], Any]) -> Any:
        """Run one API request, turning every way it can fail into a CollectionError."""
        what = permission.rbac_resource + (f".{permission.group}" if permission.group else "")
        try:
            return request()
        except ApiException as exc:
            raise refusal(what, permission, exc) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise CollectionError(
                what, f"a reachable API server at {self.host}", f"{type(exc).__name__}: {exc}"
            ) from None


def refusal(what: str, permission: Permission, exc: ApiException) -> CollectionError:
    """The CollectionError for an API error status, naming what would have allowed the read."""
    status = exc.status
    message = status_message(exc)
    if status == 403:
        return CollectionError(what, str(permission), f"403 Forbidden: {message}")
    if status == 401:
        return CollectionError(
            what, "valid credentials in the kubeconfig", f"401 Unauthorized: {message}"
        )
    if status == 404 and permission.group:
        return CollectionError(
            what,
            f"the {permission.group} API (is its CustomResourceDefinition installed?)",
            f"404 Not Found: {message}",
        )
    return CollectionError(what, str(permission), f"HTTP {status}: {message}")


def status_message(exc: ApiException) -> str:
    """The API server's own explanation (a Status object's message), else the reason."""
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return str(exc.reason)
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


def live_source(kubeconfig: Path, context: str | None) -> LiveSource:
    return LiveSource(api_client(kubeconfig, context))
