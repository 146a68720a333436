"""Collectors: list each kind once from the cluster source and build its typed facts.

Each declares, as ``actions``, the exact Kubernetes permissions its reads take.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from eks_refarch.conformance.cluster.facts import (
    Application,
    Applications,
    DestinationRule,
    DestinationRules,
    Gateway,
    Gateways,
    Namespace,
    Namespaces,
    PeerAuthentication,
    PeerAuthentications,
    Service,
    Services,
    VirtualService,
    VirtualServices,
    Workload,
    Workloads,
)
from eks_refarch.conformance.cluster.kinds import (
    APPLICATIONS,
    DESTINATION_RULES,
    GATEWAYS,
    NAMESPACES,
    PEER_AUTHENTICATIONS,
    SERVICES,
    VIRTUAL_SERVICES,
    WORKLOAD_KINDS,
    Kind,
)
from eks_refarch.conformance.cluster.source import ClusterSource, KubeObject
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import collector
from eks_refarch.design import Design
from eks_refarch.manifests.names import COMPONENTS_ANNOTATION

T = TypeVar("T")


def _read(source: ClusterSource, kind: Kind, build: Callable[[KubeObject], T]) -> tuple[T, ...]:
    return tuple(build(obj) for obj in source.list(kind))


@collector(source=Source.CLUSTER, actions=(str(NAMESPACES.list_permission),))
def namespaces(source: ClusterSource, design: Design) -> Namespaces:
    return Namespaces(_read(source, NAMESPACES, Namespace.from_object))


@collector(source=Source.CLUSTER, actions=(str(SERVICES.list_permission),))
def services(source: ClusterSource, design: Design) -> Services:
    return Services(_read(source, SERVICES, Service.from_object))


@collector(source=Source.CLUSTER, actions=tuple(str(k.list_permission) for k in WORKLOAD_KINDS))
def workloads(source: ClusterSource, design: Design) -> Workloads:
    return Workloads(
        tuple(w for kind in WORKLOAD_KINDS for w in _read(source, kind, Workload.from_object))
    )


@collector(source=Source.CLUSTER, actions=(str(PEER_AUTHENTICATIONS.list_permission),))
def peer_authentications(source: ClusterSource, design: Design) -> PeerAuthentications:
    return PeerAuthentications(_read(source, PEER_AUTHENTICATIONS, PeerAuthentication.from_object))


@collector(source=Source.CLUSTER, actions=(str(DESTINATION_RULES.list_permission),))
def destination_rules(source: ClusterSource, design: Design) -> DestinationRules:
    return DestinationRules(_read(source, DESTINATION_RULES, DestinationRule.from_object))


@collector(source=Source.CLUSTER, actions=(str(GATEWAYS.list_permission),))
def gateways(source: ClusterSource, design: Design) -> Gateways:
    return Gateways(_read(source, GATEWAYS, Gateway.from_object))


@collector(source=Source.CLUSTER, actions=(str(VIRTUAL_SERVICES.list_permission),))
def virtual_services(source: ClusterSource, design: Design) -> VirtualServices:
    return VirtualServices(_read(source, VIRTUAL_SERVICES, VirtualService.from_object))


@collector(source=Source.CLUSTER, actions=(str(APPLICATIONS.list_permission),))
def applications(source: ClusterSource, design: Design) -> Applications:
    return Applications(
        _read(source, APPLICATIONS, lambda o: Application.from_object(o, COMPONENTS_ANNOTATION))
    )
