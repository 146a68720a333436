"""The one interface both Kubernetes sources offer: list the objects of a kind.

A live cluster and a directory of manifests both answer ``list(kind)`` with plain
objects in the API's JSON shape (camelCase fields, as ``kubectl get -o json`` prints
them). Collectors turn those into typed facts, so rules never know which source spoke.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from eks_refarch.conformance.cluster.kinds import Kind


@dataclass(frozen=True)
class KubeObject:
    """One object as a source returned it."""

    kind: Kind
    data: Mapping[str, Any]
    origin: str  # "file:line" for a manifest; empty for a live object
    # True when ``status`` was observed on a running cluster; a manifest's status, if
    # it has one at all, is whatever was written into the file.
    observed: bool


class ClusterSource(Protocol):
    """Where Kubernetes objects come from: a live API server or manifests on disk."""

    def list(self, kind: Kind) -> tuple[KubeObject, ...]:
        """Every object of ``kind`` in every namespace.

        Raises CollectionError when the objects cannot be read (a denied permission,
        an API server that does not answer).
        """
        ...
