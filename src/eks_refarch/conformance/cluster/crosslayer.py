"""The check that joins two layers: the ALB target group (AWS) and the gateway Service (cluster).

Terraform owns the target group and GitOps owns the Service (ADR-0003), so each side
can match the design and still not match the other, for instance after a nodePort
change merged on one side only. The AWS checks compare the target group with the
design and the cluster checks compare the Service with the design; this one compares
what is deployed on both sides with each other, and runs only when both are given.
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.facts import AlbTargetGroups
from eks_refarch.conformance.cluster.facts import Services
from eks_refarch.conformance.cluster.gateway import gateway_service
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Remediation, Result, Severity, failed, passed
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.i18n import Message, Text, joined, msg
from eks_refarch.manifests.names import HTTP_PORT_NAME, STATUS_PORT_NAME


def _shown(port: int | None) -> Text:
    """A port as the reader sees it; None (no such port, or a lambda target group) as none."""
    return msg("none") if port is None else str(port)


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Make both sides use the designed nodePorts: the target group's port and "
        "health-check port in Terraform, the gateway Service's nodePorts in the manifests "
        "(refarch manifests render). Change the design first if the ports are to move.",
        terraform="aws_lb_target_group.port / health_check.port",
        kubernetes=f"Service.spec.ports[name={HTTP_PORT_NAME}|{STATUS_PORT_NAME}].nodePort",
    ),
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
        "load-balancer-target-groups.html",
        "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",
    ),
    decision="ADR-0002",
    needs=[AlbTargetGroups, Services],
)
def elbv2_target_group_matches_gateway_service(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB target group forwards to and health-checks the gateway Service's nodePorts.

    The ALB sends traffic to the target group's port on every node and kube-proxy hands
    it to whatever Service owns that nodePort. If the port is not the gateway's http
    nodePort the site is down; if the health-check port is not its status nodePort, the
    targets are judged on something other than the gateway's readiness.
    """
    groups = facts[AlbTargetGroups]
    gw = design.mesh.ingress_gateway
    service = gateway_service(facts[Services], design)
    if not groups.forwarded:
        yield failed(
            design.edge.alb.name,
            msg(
                "the HTTPS listener of ALB {alb} forwards to no target group, so there is "
                "nothing to compare with the gateway's nodePorts",
                alb=design.edge.alb.name,
            ),
        )
        return
    if service is None:
        gateway = f"{gw.namespace}/{gw.name}"
        for tg in groups.forwarded:
            yield failed(
                tg.arn,
                msg(
                    "target group {group} forwards to port {port}, but there is no gateway "
                    "Service {service} whose nodePort it could be",
                    group=tg.name,
                    port=_shown(tg.port),
                    service=gateway,
                ),
            )
        return
    http, status = service.port_named(HTTP_PORT_NAME), service.port_named(STATUS_PORT_NAME)
    http_port = http.node_port if http else None
    status_port = status.node_port if status else None
    for tg in groups.forwarded:
        health = tg.effective_health_check_port
        problems: list[Message] = []
        # A port missing on both sides (a lambda target group, a Service without the named
        # port) is no match: None == None must not pass.
        if http_port is None or tg.port != http_port:
            problems.append(
                msg(
                    "forwards to port {port}, but the {name} nodePort of {service} is {node_port}",
                    port=_shown(tg.port),
                    name=HTTP_PORT_NAME,
                    service=str(service.meta),
                    node_port=_shown(http_port),
                )
            )
        if status_port is None or health != status_port:
            problems.append(
                msg(
                    "health-checks port {port}, but the {name} nodePort of {service} is "
                    "{node_port}",
                    port=_shown(health),
                    name=STATUS_PORT_NAME,
                    service=str(service.meta),
                    node_port=_shown(status_port),
                )
            )
        if problems:
            yield failed(
                tg.arn,
                service.meta.located(
                    msg(
                        "target group {group} {problems}",
                        group=tg.name,
                        problems=joined(problems, style="clauses"),
                    )
                ),
            )
        else:
            yield passed(
                tg.arn,
                msg(
                    "target group {group} forwards to port {port} and health-checks port "
                    "{health}: the {http} and {status} nodePorts of {service}",
                    group=tg.name,
                    port=tg.port,
                    health=health,
                    http=HTTP_PORT_NAME,
                    status=STATUS_PORT_NAME,
                    service=str(service.meta),
                ),
            )
