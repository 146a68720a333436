"""Names and labels the design implies inside the cluster, shared by the renderer and the checks.

The design names the gateway, the namespaces and the components; how those become
Kubernetes labels, references and hostnames is decided here, once, so that the
manifests and the rules that check a cluster cannot disagree about them.
"""

from __future__ import annotations

from eks_refarch.design import Design
from eks_refarch.design.model import Microservice

# Istio's own default root namespace, used when the design has no mesh component.
DEFAULT_MESH_ROOT = "istio-system"

# An Argo CD Application lists the design components it installs in this annotation
# (comma-separated), because one Helm release may carry two components (Prometheus and
# Grafana come from kube-prometheus-stack).
COMPONENTS_ANNOTATION = "eks-refarch/components"

# Istio's injector reads this annotation and label on a pod template.
INJECT_LABEL = "sidecar.istio.io/inject"
INJECTION_LABELS = ("istio-injection", "istio.io/rev")

CLUSTER_DOMAIN = "svc.cluster.local"

# The gateway Service's port names: Istio's convention, which its gateway chart uses.
HTTP_PORT_NAME = "http"
STATUS_PORT_NAME = "status-port"


def mesh_root_namespace(design: Design) -> str:
    """Where a selector-less PeerAuthentication applies mesh-wide: istiod's namespace."""
    for component in design.platform.components:
        if component.concern == "mesh":
            return component.namespace
    return DEFAULT_MESH_ROOT


def gitops_namespace(design: Design) -> str:
    """Where Argo CD Applications live: the namespace of the GitOps component."""
    for component in design.platform.components:
        if component.concern == "gitops":
            return component.namespace
    raise ValueError("the design has no platform component with concern 'gitops'")


def gateway_pod_labels(design: Design) -> dict[str, str]:
    """The ingress gateway pods' labels; ``istio`` follows Istio's gateway chart naming."""
    name = design.mesh.ingress_gateway.name
    return {"app": name, "istio": name.removeprefix("istio-")}


def gateway_selector(design: Design) -> dict[str, str]:
    """What the Istio Gateway resource selects the gateway pods by."""
    return {"istio": gateway_pod_labels(design)["istio"]}


def gateway_ref(design: Design) -> str:
    """The Gateway resource as a VirtualService refers to it: ``namespace/name``."""
    gateway = design.mesh.ingress_gateway
    return f"{gateway.namespace}/{gateway.gateway_resource}"


def routed_hosts(design: Design) -> list[str]:
    """The hosts the ALB sends to the gateway: the Gateway lists them, VirtualServices bind them."""
    return sorted({m.route.host for m in design.routed_microservices if m.route is not None})


def service_host(microservice: Microservice) -> str:
    return f"{microservice.name}.{microservice.namespace}.{CLUSTER_DOMAIN}"
