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
from eks_refarch.i18n import Message, joined, msg
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


def _missing(services: Services, design: Design) -> Message:
    gw = design.mesh.ingress_gateway
    elsewhere = [str(s.meta) for s in services.items if s.meta.name == gw.name]
    if elsewhere:
        return msg(
            "not found: expected the ingress gateway Service in namespace {namespace} "
            "(found {elsewhere} instead)",
            namespace=gw.namespace,
            elsewhere=joined(elsewhere),
        )
    return msg(
        "not found: expected the ingress gateway Service in namespace {namespace}",
        namespace=gw.namespace,
    )


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
            service.meta.located(
                msg(
                    "type is {type}, expected {expected} (mesh.ingress_gateway.service_type)",
                    type=service.type,
                    expected=gw.service_type,
                )
            ),
        )
    else:
        yield passed(resource, msg("type {type}, as designed", type=service.type))


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
            names = [p.name or msg("(unnamed)") for p in service.ports]
            yield failed(
                resource,
                service.meta.located(
                    msg(
                        "no port named {name}; the Service's ports are {names}",
                        name=repr(name),
                        names=joined(names),
                    )
                ),
            )
            continue
        problems = []
        if port.node_port != node_port:
            problems.append(
                msg(
                    "nodePort is {seen}, expected {expected} "
                    "(mesh.ingress_gateway.node_ports.{field})",
                    seen=port.node_port,
                    expected=node_port,
                    field=field,
                )
            )
        if isinstance(port.target_port, int) and port.target_port != target_port:
            problems.append(
                msg(
                    "targetPort is {seen}, expected {expected}",
                    seen=port.target_port,
                    expected=target_port,
                )
            )
        if problems:
            yield failed(resource, service.meta.located(joined(problems, style="clauses")))
        else:
            yield passed(
                resource,
                msg(
                    "nodePort {node_port} -> targetPort {target_port}",
                    node_port=port.node_port,
                    target_port=port.target_port,
                ),
            )


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
            service.meta.located(
                msg(
                    "type LoadBalancer; expected no LoadBalancer Services (traffic enters "
                    "through the ALB and the {gateway} NodePort)",
                    gateway=design.mesh.ingress_gateway.name,
                )
            ),
        )
    if not balanced:
        yield passed(
            "Services", msg("{count} Services, none of type LoadBalancer", count=len(services))
        )
