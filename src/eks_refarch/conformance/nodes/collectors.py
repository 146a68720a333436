"""The one node collector: each kubelet's facts, from whichever NodeSource was given.

Its actions are the Kubernetes permissions of the API-server path (list the nodes,
then GET each kubelet's /configz through nodes/proxy). Over SSH it uses none: it needs
a login that may read the kubelet's files and list processes (root, or ``?sudo=true``).
"""

from __future__ import annotations

from eks_refarch.conformance.cluster.kinds import NODE_PROXY, NODES
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.nodes.facts import KubeletNodes, NodeSource
from eks_refarch.conformance.registry import collector
from eks_refarch.design import Design


@collector(source=Source.NODES, actions=(str(NODES.list_permission), str(NODE_PROXY)))
def kubelet_nodes(source: NodeSource, design: Design) -> KubeletNodes:
    return KubeletNodes(source.kubelets(design.nodes.kubelet))
