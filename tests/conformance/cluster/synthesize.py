"""Synthesize the API responses the live-mode tests serve (see api/README.md).

Run ``python -m tests.conformance.cluster.synthesize`` from the repository root.

Nothing here was recorded from a cluster. The objects are the shipped manifests (read
with ManifestsSource), put through the official client's models
(``ApiClient().deserialize`` into ``V1...List``, then ``sanitize_for_serialization``)
and wrapped in list envelopes as the API server sends them, plus a status that says
what a running cluster would, the platform components' workloads that their Helm
charts would create, three nodes and their kubelets' ``/configz``. See api/README.md.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from kubernetes import client

from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.design import Design, load
from tests.helpers import REPO, SHIPPED_DESIGN

HERE = Path(__file__).parent / "api"
CREATED = "2026-11-26T00:00:00Z"
NOT_READY = "tempo"  # the one component the synthesized cluster shows as not ready

# The typed list models of the built-in kinds the checks read.
_MODELS = {
    kinds.NAMESPACES: "V1NamespaceList",
    kinds.NODES: "V1NodeList",
    kinds.SERVICES: "V1ServiceList",
    kinds.DEPLOYMENTS: "V1DeploymentList",
    kinds.STATEFULSETS: "V1StatefulSetList",
    kinds.DAEMONSETS: "V1DaemonSetList",
}
# Services are served in two pages, to exercise the client's paging.
PAGED = kinds.SERVICES
CONTINUE = "synthetic-continue-token"

NODES = (
    "ip-10-20-16-10.ap-northeast-1.compute.internal",
    "ip-10-20-32-10.ap-northeast-1.compute.internal",
    "ip-10-20-48-10.ap-northeast-1.compute.internal",
)
# The second node's kubelet deviates; the third one's does not answer through the proxy.
DEVIANT_NODE, SILENT_NODE = NODES[1], NODES[2]


def _identity(obj: dict[str, Any]) -> None:
    meta = obj["metadata"]
    key = f"{obj['kind']}/{meta.get('namespace', '')}/{meta['name']}"
    meta["uid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    meta["resourceVersion"] = "1"
    meta["creationTimestamp"] = CREATED


def _ready(obj: dict[str, Any], ready: bool) -> None:
    replicas = obj["spec"].get("replicas", 1)
    count = replicas if ready else 0
    obj["status"] = {
        "observedGeneration": 1,
        "replicas": replicas,
        "readyReplicas": count,
        "availableReplicas": count,
        "updatedReplicas": replicas,
    }


def _platform_workloads(design: Design) -> list[dict[str, Any]]:
    """What the components' Helm charts would have created, reduced to what checks read."""
    out = []
    for component in design.platform.components:
        workload = component.workload
        kind = {"Deployment": kinds.DEPLOYMENTS, "StatefulSet": kinds.STATEFULSETS}[workload.kind]
        labels = {"app.kubernetes.io/name": workload.name}
        obj = {
            "apiVersion": kind.api_version,
            "kind": kind.kind,
            "metadata": {"name": workload.name, "namespace": component.namespace},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": component.name, "image": "upstream"}]},
                },
            },
        }
        _ready(obj, component.name != NOT_READY)
        out.append(obj)
    return out


def _nodes() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": name,
                "labels": {"eks.amazonaws.com/nodegroup": "core"},
            },
            "status": {"conditions": [{"type": "Ready", "status": "True"}]},
        }
        for name in NODES
    ]


def configz(design: Design, deviant: bool) -> dict[str, Any]:
    """A kubelet's /configz answer: its effective KubeletConfiguration, defaults included."""
    expected = design.nodes.kubelet.expected
    config: dict[str, Any] = {
        "authentication": {
            "anonymous": {"enabled": deviant},
            "webhook": {"enabled": True, "cacheTTL": "2m0s"},
            "x509": {"clientCAFile": expected.client_ca_file},
        },
        "authorization": {"mode": expected.authorization_mode},
        "readOnlyPort": 10255 if deviant else expected.read_only_port,
        "streamingConnectionIdleTimeout": expected.streaming_connection_idle_timeout,
        "makeIPTablesUtilChains": expected.make_iptables_util_chains,
        "eventRecordQPS": expected.event_record_qps,
        "rotateCertificates": expected.rotate_certificates,
        "serverTLSBootstrap": True,
        "featureGates": {
            "RotateKubeletServerCertificate": expected.rotate_kubelet_server_certificate
        },
    }
    return {"kubeletconfig": config}


def _envelope(
    kind: kinds.Kind, items: list[dict[str, Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    return {
        "apiVersion": kind.api_version,
        "kind": f"{kind.kind}List",
        "metadata": meta,
        "items": items,
    }


def _wire(kind: kinds.Kind, items: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    envelope = _envelope(kind, items, meta)
    model = _MODELS.get(kind)
    if model is None:
        return envelope  # custom resources travel as they are, kind and apiVersion included
    api = client.ApiClient()
    typed = api.deserialize(json.dumps(envelope), model, "application/json")
    wire: dict[str, Any] = api.sanitize_for_serialization(typed)  # type: ignore[no-untyped-call]
    # The API server leaves kind and apiVersion out of the items of a typed list.
    for item in wire["items"]:
        item.pop("kind", None)
        item.pop("apiVersion", None)
    return wire


def responses(design: Design) -> dict[str, dict[str, Any]]:
    """Every response, keyed by its file path under api/ (the URL path plus .json)."""
    source = ManifestsSource(REPO / "manifests")
    out: dict[str, dict[str, Any]] = {}
    for kind in kinds.KINDS:
        items = [dict(o.data) for o in source.list(kind)]
        if kind in (kinds.DEPLOYMENTS, kinds.STATEFULSETS):
            for item in items:
                _ready(item, True)
            items += [w for w in _platform_workloads(design) if w["kind"] == kind.kind]
        if kind == kinds.APPLICATIONS:
            for item in items:
                health = "Progressing" if item["metadata"]["name"] == NOT_READY else "Healthy"
                item["status"] = {
                    "health": {"status": health},
                    "sync": {
                        "status": "Synced",
                        "revision": item["spec"]["source"]["targetRevision"],
                    },
                }
        if kind == kinds.NODES:
            items = _nodes()
        for item in items:
            _identity(item)
        path = kind.path.lstrip("/")
        if kind == PAGED:
            half = len(items) // 2
            out[f"{path}.json"] = _wire(
                kind, items[:half], {"resourceVersion": "1", "continue": CONTINUE}
            )
            out[f"{path}.{CONTINUE}.json"] = _wire(kind, items[half:], {"resourceVersion": "1"})
        else:
            out[f"{path}.json"] = _wire(kind, items, {"resourceVersion": "1"})
    for node in NODES:
        if node != SILENT_NODE:
            out[f"api/v1/nodes/{node}/proxy/configz.json"] = configz(design, node == DEVIANT_NODE)
    return out


def main() -> None:
    for name, body in responses(load(SHIPPED_DESIGN)).items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
