"""The checks refarch ships: the one list of modules whose import registers them.

A module here holds rules (``@check``) or collectors (``@collector``) and nothing that
talks to the outside world at import time: loading the catalog must stay cheap and must
import no command line, no pytest adapter and no client library (boto3, the Kubernetes
client, testinfra), so that the docs, the IAM policy and the report can read check
metadata on any install. A test holds this list to what the package defines.

Checks of other packages register through the ``eks_refarch.checks`` entry point group:
each entry point names a module that, like these, registers checks when imported.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from eks_refarch.conformance.registry import REGISTRY, Registry

MODULES = (
    # AWS: what the account holds, then the rules that judge it.
    "eks_refarch.conformance.aws.collectors",
    "eks_refarch.conformance.aws.edge_collectors",
    "eks_refarch.conformance.aws.network",
    "eks_refarch.conformance.aws.edge",
    "eks_refarch.conformance.aws.eks",
    "eks_refarch.conformance.aws.data",
    "eks_refarch.conformance.aws.audit",
    "eks_refarch.conformance.aws.crosslayer",
    # The cluster: live objects or manifests on disk, read as the same facts.
    "eks_refarch.conformance.cluster.collectors",
    "eks_refarch.conformance.cluster.components",
    "eks_refarch.conformance.cluster.gateway",
    "eks_refarch.conformance.cluster.mesh",
    "eks_refarch.conformance.cluster.routing",
    "eks_refarch.conformance.cluster.workloads",
    "eks_refarch.conformance.cluster.crosslayer",
    # The nodes' kubelets.
    "eks_refarch.conformance.nodes.collectors",
    "eks_refarch.conformance.nodes.rules",
)
ENTRY_POINT_GROUP = "eks_refarch.checks"

_loaded = False


def load_builtin_checks() -> Registry:
    """Register every built-in check and collector, and those of installed plug-ins, once."""
    global _loaded
    if not _loaded:
        for name in MODULES:
            importlib.import_module(name)
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            entry_point.load()
        _loaded = True
    return REGISTRY


__all__ = ["ENTRY_POINT_GROUP", "MODULES", "load_builtin_checks"]
