"""Typed, frozen node facts: each kubelet's effective settings and its files' modes and owners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from eks_refarch.conformance.model import Result, errored, skipped
from eks_refarch.conformance.nodes.kubelet import Setting
from eks_refarch.design.model import Kubelet
from eks_refarch.i18n import Text


@dataclass(frozen=True)
class Unknown:
    """What could not be read on one node, and why; a skip when the source cannot see it."""

    reason: Text
    skip: bool = False

    def result(self, target: str) -> Result:
        return skipped(target, self.reason) if self.skip else errored(target, self.reason)


@dataclass(frozen=True)
class FileFact:
    """One file's mode and ownership; mode None means the file does not exist."""

    path: str
    mode: int | None
    owner: str | None
    group: str | None

    @property
    def exists(self) -> bool:
        return self.mode is not None


@dataclass(frozen=True)
class KubeletNode:
    """One node's kubelet, as one source could see it."""

    target: str  # the host URL (without password) or node/<name>
    settings: Mapping[str, Setting] | Unknown
    config_files: Sequence[FileFact] | Unknown  # the config file, then its drop-ins
    kubeconfig: FileFact | Unknown

    @classmethod
    def unreadable(cls, target: str, reason: Text) -> KubeletNode:
        unknown = Unknown(reason)
        return cls(target, unknown, unknown, unknown)


@dataclass(frozen=True)
class KubeletNodes:
    items: tuple[KubeletNode, ...]


class NodeSource(Protocol):
    """Where kubelet facts come from: hosts over SSH (testinfra) or the API server."""

    def kubelets(self, kubelet: Kubelet) -> tuple[KubeletNode, ...]:
        """One fact per node. A node that cannot be read is a KubeletNode of Unknowns;
        a refusal that applies to every node raises CollectionError."""
        ...
