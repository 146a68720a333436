"""The Kubernetes kinds the cluster checks read, and the permissions reading them takes.

A permission is written ``<verb> <resource>[/<subresource>][.<group>]``, as kubectl
names resources (``list deployments.apps``, ``get nodes/proxy``). Collectors declare
their reads in that form, and ``Permission.parse`` turns each back into the apiGroup,
resource and verb of an RBAC rule, so a read-only ClusterRole can be derived from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

READ_VERBS = frozenset({"get", "list", "watch"})

_PERMISSION = re.compile(
    r"(?P<verb>[a-z]+) (?P<resource>[a-z0-9-]+)(/(?P<subresource>[a-z0-9-]+))?"
    r"(\.(?P<group>[a-z0-9.-]+))?"
)


@dataclass(frozen=True)
class Permission:
    """One RBAC permission: a verb on a resource (and subresource) of an API group."""

    verb: str
    resource: str
    group: str = ""
    subresource: str = ""

    def __str__(self) -> str:
        text = f"{self.verb} {self.resource}"
        if self.subresource:
            text += f"/{self.subresource}"
        return text + (f".{self.group}" if self.group else "")

    @classmethod
    def parse(cls, text: str) -> Permission:
        match = _PERMISSION.fullmatch(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a permission of the form <verb> <resource>[/<sub>][.<group>]"
            )
        return cls(
            verb=match["verb"],
            resource=match["resource"],
            group=match["group"] or "",
            subresource=match["subresource"] or "",
        )

    @property
    def rbac_resource(self) -> str:
        """The resource as an RBAC rule names it: ``nodes/proxy`` for a subresource."""
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


@dataclass(frozen=True)
class Kind:
    """A Kubernetes kind, with the group/version/plural its list endpoint is served at."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_permission(self) -> Permission:
        return Permission("list", self.plural, self.group)

    @property
    def path(self) -> str:
        """The cluster-wide list path on the API server."""
        prefix = f"/apis/{self.group}" if self.group else "/api"
        return f"{prefix}/{self.version}/{self.plural}"


NAMESPACES = Kind("Namespace", "", "v1", "namespaces", namespaced=False)
NODES = Kind("Node", "", "v1", "nodes", namespaced=False)
SERVICES = Kind("Service", "", "v1", "services")
DEPLOYMENTS = Kind("Deployment", "apps", "v1", "deployments")
STATEFULSETS = Kind("StatefulSet", "apps", "v1", "statefulsets")
DAEMONSETS = Kind("DaemonSet", "apps", "v1", "daemonsets")
PEER_AUTHENTICATIONS = Kind("PeerAuthentication", "security.istio.io", "v1", "peerauthentications")
DESTINATION_RULES = Kind("DestinationRule", "networking.istio.io", "v1", "destinationrules")
GATEWAYS = Kind("Gateway", "networking.istio.io", "v1", "gateways")
VIRTUAL_SERVICES = Kind("VirtualService", "networking.istio.io", "v1", "virtualservices")
APPLICATIONS = Kind("Application", "argoproj.io", "v1alpha1", "applications")

WORKLOAD_KINDS = (DEPLOYMENTS, STATEFULSETS, DAEMONSETS)
KINDS = (
    NAMESPACES,
    NODES,
    SERVICES,
    *WORKLOAD_KINDS,
    PEER_AUTHENTICATIONS,
    DESTINATION_RULES,
    GATEWAYS,
    VIRTUAL_SERVICES,
    APPLICATIONS,
)

NODE_PROXY = Permission("get", "nodes", subresource="proxy")
