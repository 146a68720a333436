"""Rules for the ingress gateway's exposure: a NodePort Service with the designed nodePorts.

This is the cluster half of the design's central choice (ADR-0002): the ALB that
Terraform owns targets the gateway's nodePorts on the nodes directly, so no AWS Load
Balancer Controller, and no Service of type LoadBalancer, is needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.cluster.facts import Service, Services
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Remediation, Result, Severity, failed, passed
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.manifests.names import HTTP_PORT_NAME, STATUS_PORT_NAME

NODEPORT_DOCS = "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"
ISTIO_GATEWAY_DOCS = "https://istio.io/latest/docs/setup/additional-setup/gateway/"


def gateway_service(services: Services, design: Design) -> Service | None:
    """The ingress gateway's Service, in its designed namespace, if there is one."""
    gw = design.mesh.ingress_gateway
    return next(
        (s for s in services.items if s.meta.namespace == gw.namespace and s.meta.name == gw.name),
        None,
    )


def _missing(services: Services, design: Design) -> str:
    gw = design.mesh.ingress_gateway
    elsewhere = [str(s.meta) for s in services.items if s.meta.name == gw.name]
    hint = f" (found {', '.join(elsewhere)} instead)" if elsewhere else ""
    return f"not found: expected the ingress gateway Service in namespace {gw.namespace}{hint}"


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Expose the ingress gateway with a Service of type NodePort in the gateway "
        "namespace (manifests/mesh/ingress-gateway.yaml), not LoadBalancer or ClusterIP.",
        kubernetes="Service.spec.type: NodePort",
    ),
    references=(NODEPORT_DOCS, ISTIO_GATEWAY_DOCS),
    decision="ADR-0002",
    needs=[Services],
)
def istio_gateway_service_nodeport(facts: Facts, design: Design) -> Iterator[Result]:
    """The ingress gateway Service is in its designed namespace and of type NodePort.

    The ALB targets the gateway's nodePort on every node of the target group. A
    LoadBalancer Service would make a controller create a second, unmanaged load
    balancer; a ClusterIP Service cannot be reached from the ALB at all.
    """
    gw = design.mesh.ingress_gateway
    resource = f"Service {gw.namespace}/{gw.name}"
    service = gateway_service(facts[Services], design)
    if service is None:
        yield failed(resource, _missing(facts[Services], design))
    elif service.type != gw.service_type:
        yield failed(
            resource,
            f"type is {service.type}, expected {gw.service_type} "
            f"(mesh.ingress_gateway.service_type){service.meta.at}",
        )
    else:
        yield passed(resource, f"type {service.type}, as designed")


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Set the gateway Service's nodePorts to the designed values; the ALB target "
        "group's port and health-check port are the same numbers (refarch manifests render "
        "writes them).",
        kubernetes=f"Service.spec.ports[name={HTTP_PORT_NAME}|{STATUS_PORT_NAME}].nodePort",
        terraform="aws_lb_target_group.port / health_check.port = the designed nodePorts",
    ),
    references=(NODEPORT_DOCS, ISTIO_GATEWAY_DOCS),
    decision="ADR-0002",
    needs=[Services],
)
def istio_gateway_nodeports_designed(facts: Facts, design: Design) -> Iterator[Result]:
    """The gateway Service's http and status-port ports use the designed nodePorts.

    The ALB target group forwards to the http nodePort and health-checks the status
    nodePort; a different number on either side takes the whole site down.
    """
    gw = design.mesh.ingress_gateway
    service = gateway_service(facts[Services], design)
    expected = (
        (HTTP_PORT_NAME, gw.node_ports.http, gw.http_target_port, "http"),
        (STATUS_PORT_NAME, gw.node_ports.status, gw.status_target_port, "status"),
    )
    for name, node_port, target_port, field in expected:
        resource = f"Service {gw.namespace}/{gw.name} port {name}"
        if service is None:
            yield failed(resource, _missing(facts[Services], design))
            continue
        port = service.port_named(name)
        if port is None:
            names = [p.name or "(unnamed)" for p in service.ports]
            yield failed(
                resource,
                f"no port named {name!r}; the Service's ports are {names}{service.meta.at}",
            )
            continue
        problems = []
        if port.node_port != node_port:
            problems.append(
                f"nodePort is {port.node_port}, expected {node_port} "
                f"(mesh.ingress_gateway.node_ports.{field})"
            )
        if isinstance(port.target_port, int) and port.target_port != target_port:
            problems.append(f"targetPort is {port.target_port}, expected {target_port}")
        if problems:
            yield failed(resource, "; ".join(problems) + service.meta.at)
        else:
            yield passed(resource, f"nodePort {port.node_port} -> targetPort {port.target_port}")


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Change the Service to ClusterIP (or NodePort behind the designed ALB); reach "
        "it through the ingress gateway and a VirtualService instead.",
        kubernetes="Service.spec.type: ClusterIP",
    ),
    references=(
        "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
        "https://docs.aws.amazon.com/eks/latest/userguide/aws-load-balancer-controller.html",
    ),
    decision="ADR-0002",
    needs=[Services],
)
def k8s_services_no_loadbalancer(facts: Facts, design: Design) -> Iterator[Result]:
    """No Service is of type LoadBalancer.

    The design has one entry point, the Terraform-managed ALB in front of the ingress
    gateway, and runs no AWS Load Balancer Controller. A LoadBalancer Service would get
    a load balancer from the in-tree cloud provider outside Terraform, WAF and the
    certificate, or stay pending forever.
    """
    services = facts[Services].items
    balanced = [s for s in services if s.type == "LoadBalancer"]
    for service in balanced:
        yield failed(
            str(service.meta),
            f"type LoadBalancer; expected no LoadBalancer Services (traffic enters through "
            f"the ALB and the {design.mesh.ingress_gateway.name} NodePort){service.meta.at}",
        )
    if not balanced:
        yield passed("Services", f"{len(services)} Services, none of type LoadBalancer")
