"""Kubelet facts through the API server for nodes without SSH: each kubelet's /configz.

The kubelet answers /configz with its effective configuration, flags and drop-ins
already applied, so there is nothing to merge. What it cannot show is its files, so
the file permission checks skip on this path, with that reason.
"""

from __future__ import annotations

import json
from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from eks_refarch.conformance.cluster.kinds import NODE_PROXY, NODES
from eks_refarch.conformance.cluster.live import LiveSource, status_message
from eks_refarch.conformance.nodes.facts import KubeletNode, Unknown
from eks_refarch.conformance.nodes.kubelet import effective
from eks_refarch.design.model import Kubelet

CONFIGZ = "/configz"
FILES_UNSEEN = Unknown(
    "file modes and owners cannot be read through the API server (/configz); "
    "give --hosts to check them over SSH",
    skip=True,
)


class ConfigzNodes:
    """Lists the nodes, then GETs each kubelet's /configz through the API server's proxy."""

    def __init__(self, live: LiveSource) -> None:
        self.live = live

    def kubelets(self, kubelet: Kubelet) -> tuple[KubeletNode, ...]:
        names = [str(o.data["metadata"]["name"]) for o in self.live.list(NODES)]
        return tuple(self._node(name) for name in names)

    def _node(self, name: str) -> KubeletNode:
        target = f"node/{name}"
        api = client.CoreV1Api(self.live.api)

        def request() -> Any:
            # Raw bytes: with its declared return type "str" the client would turn the
            # JSON into the str() of a Python dict. Unloaded, it returns the response
            # object, which its annotation does not say.
            try:
                return api.connect_get_node_proxy_with_path(
                    name,
                    "configz",
                    _preload_content=False,
                    _request_timeout=self.live.timeouts.pair,
                )
            except ApiException as exc:
                if exc.status in (401, 403):
                    raise  # the permission is missing for every node alike
                return exc  # this node's kubelet answered badly (or not) through the proxy

        # Through the source's call(): a silent API server is asked once, not once per node.
        answer: Any = self.live.call(NODE_PROXY, request, what=f"nodes/proxy ({target})")
        if isinstance(answer, ApiException):
            reason = f"{target}{CONFIGZ} answered HTTP {answer.status}: {status_message(answer)}"
            return KubeletNode(target, Unknown(reason), FILES_UNSEEN, FILES_UNSEEN)
        try:
            body: Any = json.loads(answer.data)
        except ValueError:
            reason = f"{target}{CONFIGZ} answered with a body that is not JSON (garbage)"
            return KubeletNode(target, Unknown(reason), FILES_UNSEEN, FILES_UNSEEN)
        config = body.get("kubeletconfig") if isinstance(body, dict) else None
        if not isinstance(config, dict):
            reason = f"{target}{CONFIGZ} has no kubeletconfig object"
            return KubeletNode(target, Unknown(reason), FILES_UNSEEN, FILES_UNSEEN)
        settings = effective([(f"{target}{CONFIGZ}", config)], {}, config_file=True)
        return KubeletNode(target, settings, FILES_UNSEEN, FILES_UNSEEN)
