"""Typed, frozen cluster facts: just the fields the rules read, from either source.

Each fact is built from a KubeObject by a ``from_object`` constructor that checks the
type of every field it reads; a field of the wrong type (a label written as a YAML
boolean, ports that are not a list) raises Malformed, a CollectionError naming the
object, its file and line, and the field, so the checks that needed it report
``error`` instead of judging a misread object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from eks_refarch.conformance.cluster.kinds import DAEMONSETS
from eks_refarch.conformance.cluster.source import KubeObject
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.i18n import Message, Text, msg


class Malformed(CollectionError):
    """An object whose field has a type Kubernetes would not accept."""

    def __init__(self, obj: KubeObject, path: str, expected: Text, found: Any) -> None:
        meta = obj.data.get("metadata") or {}
        name = f"{meta.get('namespace') or ''}/{meta.get('name')}".lstrip("/")
        seen = f"{found!r:.80}"
        values = {"path": path, "expected": expected, "found": seen}
        super().__init__(
            f"{obj.kind.kind} {name}",
            msg("a well-formed object"),
            msg("{origin}: {path}: expected {expected}, found {found}", origin=obj.origin, **values)
            if obj.origin
            else msg("{path}: expected {expected}, found {found}", **values),
        )


A_MAPPING, A_STRING = msg("a mapping"), msg("a string")
_NAMES = {
    dict: A_MAPPING,
    list: msg("a list"),
    str: A_STRING,
    int: msg("an integer"),
    bool: msg("true/false"),
}


def _either(names: list[Text]) -> Text:
    return reduce(
        lambda first, second: msg("{first} or {second}", first=first, second=second), names
    )


class Fields:
    """Typed reads from one object, or from a mapping nested inside it."""

    def __init__(self, obj: KubeObject, data: Mapping[str, Any] | None = None, at: str = ""):
        self.obj = obj
        self.data = obj.data if data is None else data
        self.at = at

    def _get(self, keys: tuple[str, ...], expected: type | tuple[type, ...]) -> Any:
        value: Any = self.data
        path = self.at
        for key in keys:
            if not isinstance(value, Mapping):
                raise Malformed(self.obj, path, A_MAPPING, value)
            path = f"{path}.{key}" if path else key
            value = value.get(key)
            if value is None:
                return None
        # bool is an int in Python; Kubernetes does not accept true for a port.
        wrong_bool = isinstance(value, bool) and bool not in _as_tuple(expected)
        if wrong_bool or not isinstance(value, expected):
            names = _either([_NAMES.get(t, t.__name__) for t in _as_tuple(expected)])
            raise Malformed(self.obj, path, names, value)
        return value

    def _path(self, keys: tuple[str, ...]) -> str:
        return ".".join(k for k in (self.at, *keys) if k)

    def text(self, *keys: str) -> str | None:
        value: str | None = self._get(keys, str)
        return value

    def integer(self, *keys: str) -> int | None:
        value: int | None = self._get(keys, int)
        return value

    def flag(self, *keys: str) -> bool | None:
        value: bool | None = self._get(keys, bool)
        return value

    def int_or_str(self, *keys: str) -> int | str | None:
        value: int | str | None = self._get(keys, (int, str))
        return value

    def present(self, *keys: str) -> bool:
        return self._get(keys, (dict, list, str, int, bool, float)) is not None

    def sub(self, *keys: str) -> Fields:
        value = self._get(keys, dict) or {}
        return Fields(self.obj, value, self._path(keys))

    def each(self, *keys: str) -> Iterator[Fields]:
        items = self._get(keys, list) or []
        base = self._path(keys)
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise Malformed(self.obj, f"{base}[{i}]", A_MAPPING, item)
            yield Fields(self.obj, item, f"{base}[{i}]")

    def strings(self, *keys: str) -> tuple[str, ...]:
        items = self._get(keys, list) or []
        base = self._path(keys)
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise Malformed(self.obj, f"{base}[{i}]", A_STRING, item)
        return tuple(items)

    def string_map(self, *keys: str) -> dict[str, str]:
        mapping = self._get(keys, dict) or {}
        base = self._path(keys)
        for key, value in mapping.items():
            if not isinstance(value, str):
                raise Malformed(self.obj, f"{base}[{key!r}]", A_STRING, value)
        return dict(mapping)

    def quantities(self, *keys: str) -> dict[str, str]:
        """A resource list: quantities may be written as numbers (``cpu: 1``)."""
        mapping = self._get(keys, dict) or {}
        base = self._path(keys)
        out = {}
        for key, value in mapping.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise Malformed(self.obj, f"{base}[{key!r}]", msg("a quantity"), value)
            out[str(key)] = str(value)
        return out


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


@dataclass(frozen=True)
class Meta:
    """Identity and labels of one object, and where it was read from."""

    kind: str
    namespace: str  # empty for cluster-scoped kinds
    name: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    origin: str  # "file:line" for a manifest, empty for a live object

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.namespace}/{self.name}"
            if self.namespace
            else (f"{self.kind} {self.name}")
        )

    def located(self, message: Text) -> Text:
        """``message``, followed for a manifest by where the object is written, which is
        where the reader changes it: ``... (at manifests/x.yaml:3)``."""
        if not self.origin:
            return message
        return msg("{message} (at {origin})", message=message, origin=self.origin)

    @classmethod
    def of(cls, obj: KubeObject) -> Meta:
        f = Fields(obj)
        return cls(
            kind=obj.kind.kind,
            namespace=f.text("metadata", "namespace") or "",
            name=f.text("metadata", "name") or "",
            labels=f.string_map("metadata", "labels"),
            annotations=f.string_map("metadata", "annotations"),
            origin=obj.origin,
        )


@dataclass(frozen=True)
class Namespace:
    meta: Meta

    @classmethod
    def from_object(cls, obj: KubeObject) -> Namespace:
        return cls(Meta.of(obj))


@dataclass(frozen=True)
class ServicePort:
    name: str
    port: int | None
    target_port: int | str | None
    node_port: int | None
    protocol: str


@dataclass(frozen=True)
class Service:
    meta: Meta
    type: str
    ports: tuple[ServicePort, ...]
    selector: Mapping[str, str]

    @classmethod
    def from_object(cls, obj: KubeObject) -> Service:
        spec = Fields(obj).sub("spec")
        ports = tuple(
            ServicePort(
                name=p.text("name") or "",
                port=p.integer("port"),
                target_port=p.int_or_str("targetPort"),
                node_port=p.integer("nodePort"),
                protocol=p.text("protocol") or "TCP",
            )
            for p in spec.each("ports")
        )
        return cls(
            meta=Meta.of(obj),
            type=spec.text("type") or "ClusterIP",
            ports=ports,
            selector=spec.string_map("selector"),
        )

    def port_named(self, name: str) -> ServicePort | None:
        return next((p for p in self.ports if p.name == name), None)


@dataclass(frozen=True)
class Container:
    name: str
    init: bool
    requests: Mapping[str, str]
    readiness_probe: bool
    run_as_non_root: bool | None
    run_as_user: int | None

    @classmethod
    def read(cls, c: Fields, init: bool) -> Container:
        return cls(
            name=c.text("name") or "",
            init=init,
            requests=c.quantities("resources", "requests"),
            readiness_probe=c.present("readinessProbe"),
            run_as_non_root=c.flag("securityContext", "runAsNonRoot"),
            run_as_user=c.integer("securityContext", "runAsUser"),
        )


@dataclass(frozen=True)
class Workload:
    """A Deployment, StatefulSet or DaemonSet and its pod template."""

    meta: Meta
    replicas: int | None  # None for a DaemonSet
    pod_labels: Mapping[str, str]
    pod_annotations: Mapping[str, str]
    run_as_non_root: bool | None  # pod-level securityContext
    run_as_user: int | None
    containers: tuple[Container, ...]
    # None when no status was observed (manifests); otherwise whether it is ready.
    ready: bool | None
    readiness: Text  # "2/2 replicas ready", for messages

    @classmethod
    def from_object(cls, obj: KubeObject) -> Workload:
        f = Fields(obj)
        spec = f.sub("spec")
        template = spec.sub("template")
        pod = template.sub("spec")
        containers = tuple(Container.read(c, False) for c in pod.each("containers")) + tuple(
            Container.read(c, True) for c in pod.each("initContainers")
        )
        daemon = obj.kind == DAEMONSETS
        replicas = None if daemon else spec.integer("replicas")
        ready, readiness = _readiness(obj, f.sub("status"), daemon, replicas)
        return cls(
            meta=Meta.of(obj),
            replicas=replicas,
            pod_labels=template.string_map("metadata", "labels"),
            pod_annotations=template.string_map("metadata", "annotations"),
            run_as_non_root=pod.flag("securityContext", "runAsNonRoot"),
            run_as_user=pod.integer("securityContext", "runAsUser"),
            containers=containers,
            ready=ready,
            readiness=readiness,
        )


NO_STATUS = msg("no status observed")


def _readiness(
    obj: KubeObject, status: Fields, daemon: bool, replicas: int | None
) -> tuple[bool | None, Message]:
    if not obj.observed:
        return None, NO_STATUS
    if daemon:
        desired = status.integer("desiredNumberScheduled") or 0
        ready = status.integer("numberReady") or 0
        return ready >= desired, msg("{ready}/{desired} pods ready", ready=ready, desired=desired)
    desired = 1 if replicas is None else replicas  # the API's default
    ready = status.integer("readyReplicas") or 0
    return ready >= desired, msg("{ready}/{desired} replicas ready", ready=ready, desired=desired)


@dataclass(frozen=True)
class PeerAuthentication:
    meta: Meta
    selector: Mapping[str, str] | None  # None: applies to its whole namespace
    mode: str | None  # None or UNSET: inherits from the parent scope
    port_modes: Mapping[str, str]

    @classmethod
    def from_object(cls, obj: KubeObject) -> PeerAuthentication:
        spec = Fields(obj).sub("spec")
        selector = spec.string_map("selector", "matchLabels") if spec.present("selector") else None
        port_modes = {}
        levels = spec.sub("portLevelMtls")
        for port, setting in levels.data.items():
            where = f"{levels.at}[{port!r}]"
            if not isinstance(setting, Mapping):
                raise Malformed(obj, where, A_MAPPING, setting)
            port_modes[str(port)] = Fields(obj, setting, where).text("mode") or "UNSET"
        return cls(Meta.of(obj), selector, spec.text("mtls", "mode"), port_modes)


@dataclass(frozen=True)
class DestinationRule:
    meta: Meta
    host: str
    tls_modes: tuple[tuple[str, str], ...]  # (where in the spec, mode)

    @classmethod
    def from_object(cls, obj: KubeObject) -> DestinationRule:
        spec = Fields(obj).sub("spec")
        modes = list(_policy_tls(spec.sub("trafficPolicy")))
        for subset in spec.each("subsets"):
            modes += _policy_tls(subset.sub("trafficPolicy"))
        return cls(Meta.of(obj), spec.text("host") or "", tuple(modes))


def _policy_tls(policy: Fields) -> Iterator[tuple[str, str]]:
    mode = policy.text("tls", "mode")
    if mode:
        yield f"{policy.at}.tls.mode", mode
    for port in policy.each("portLevelSettings"):
        mode = port.text("tls", "mode")
        if mode:
            yield f"{port.at}.tls.mode", mode


@dataclass(frozen=True)
class GatewayServer:
    port: int | None
    protocol: str
    hosts: tuple[str, ...]


@dataclass(frozen=True)
class Gateway:
    meta: Meta
    selector: Mapping[str, str]
    servers: tuple[GatewayServer, ...]

    @classmethod
    def from_object(cls, obj: KubeObject) -> Gateway:
        spec = Fields(obj).sub("spec")
        servers = tuple(
            GatewayServer(
                s.integer("port", "number"), s.text("port", "protocol") or "", s.strings("hosts")
            )
            for s in spec.each("servers")
        )
        return cls(Meta.of(obj), spec.string_map("selector"), servers)


@dataclass(frozen=True)
class Destination:
    host: str
    port: int | None


@dataclass(frozen=True)
class UriMatch:
    kind: str | None  # prefix, exact or regex; None when the match has no uri condition
    value: str
    conditional: bool  # also requires headers, methods, ...: not taken by a plain request


@dataclass(frozen=True)
class HttpRoute:
    name: str
    matches: tuple[UriMatch, ...]  # empty: matches every request
    delegate: tuple[str, str] | None  # (namespace, name) of a delegate VirtualService
    destinations: tuple[Destination, ...]
    action: str  # "route", "delegate", "redirect" or "directResponse"


@dataclass(frozen=True)
class VirtualService:
    meta: Meta
    hosts: tuple[str, ...]
    gateways: tuple[str, ...]
    http: tuple[HttpRoute, ...]
    other_destinations: tuple[Destination, ...]  # from tcp and tls routes

    @property
    def is_delegate(self) -> bool:
        """A delegate has no hosts: it is reached only through a root's delegate route."""
        return not self.hosts

    @classmethod
    def from_object(cls, obj: KubeObject) -> VirtualService:
        meta = Meta.of(obj)
        spec = Fields(obj).sub("spec")
        routes = tuple(_http_route(r, meta.namespace) for r in spec.each("http"))
        others = tuple(
            d for section in ("tcp", "tls") for r in spec.each(section) for d in _destinations(r)
        )
        return cls(meta, spec.strings("hosts"), spec.strings("gateways"), routes, others)


def _destinations(route: Fields) -> tuple[Destination, ...]:
    return tuple(
        Destination(d.text("destination", "host") or "", d.integer("destination", "port", "number"))
        for d in route.each("route")
    )


def _http_route(route: Fields, namespace: str) -> HttpRoute:
    matches = []
    for m in route.each("match"):
        uri = m.sub("uri")
        kind = next((k for k in ("prefix", "exact", "regex") if uri.present(k)), None)
        value = uri.text(kind) if kind else None
        extra = set(m.data) - {"uri", "name", "ignoreUriCase"}
        matches.append(UriMatch(kind, value or "", conditional=bool(extra)))
    delegate = None
    action = "route"
    if route.present("delegate"):
        delegate = (
            route.text("delegate", "namespace") or namespace,
            route.text("delegate", "name") or "",
        )
        action = "delegate"
    elif route.present("redirect"):
        action = "redirect"
    elif route.present("directResponse"):
        action = "directResponse"
    return HttpRoute(
        name=route.text("name") or "",
        matches=tuple(matches),
        delegate=delegate,
        destinations=_destinations(route),
        action=action,
    )


@dataclass(frozen=True)
class Application:
    """An Argo CD Application, and the design components it says it installs."""

    meta: Meta
    components: tuple[str, ...]
    destination_namespace: str
    ready: bool | None  # None when no status was observed
    readiness: Text

    @classmethod
    def from_object(cls, obj: KubeObject, components_annotation: str) -> Application:
        f = Fields(obj)
        meta = Meta.of(obj)
        listed = meta.annotations.get(components_annotation, "")
        components = tuple(c.strip() for c in listed.split(",") if c.strip())
        if obj.observed:
            health = f.text("status", "health", "status") or "Unknown"
            sync = f.text("status", "sync", "status") or "Unknown"
            ready: bool | None = health == "Healthy" and sync == "Synced"
            readiness: Text = msg("health {health}, sync {sync}", health=health, sync=sync)
        else:
            ready, readiness = None, NO_STATUS
        return cls(
            meta,
            components,
            f.text("spec", "destination", "namespace") or "",
            ready,
            readiness,
        )


@dataclass(frozen=True)
class Namespaces:
    items: tuple[Namespace, ...]


@dataclass(frozen=True)
class Services:
    items: tuple[Service, ...]


@dataclass(frozen=True)
class Workloads:
    items: tuple[Workload, ...]


@dataclass(frozen=True)
class PeerAuthentications:
    items: tuple[PeerAuthentication, ...]


@dataclass(frozen=True)
class DestinationRules:
    items: tuple[DestinationRule, ...]


@dataclass(frozen=True)
class Gateways:
    items: tuple[Gateway, ...]


@dataclass(frozen=True)
class VirtualServices:
    items: tuple[VirtualService, ...]


@dataclass(frozen=True)
class Applications:
    items: tuple[Application, ...]
