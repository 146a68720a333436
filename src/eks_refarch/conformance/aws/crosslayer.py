"""Cross-layer rules, AWS side: the ALB reaches the gateway's nodePorts on the core nodes.

The ports are not written in the AWS part of the design: they are the Istio ingress
gateway's nodePorts (``design.edge.target_group.port`` and ``.health_check_port`` are
derived from ``mesh.ingress_gateway.node_ports``), so a change of nodePort in the design
turns these checks red until the account follows.
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.eks import missing_node_group
from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    EksCluster,
    NodeGroups,
    SecurityGroups,
)
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    failed,
    passed,
    skipped,
)
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design

TG_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
WORLD = ("0.0.0.0/0", "::/0")


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Forward the HTTPS listener to an instance target group whose port is the "
        "ingress gateway's http nodePort (a target group's port cannot be changed: create "
        "one on the right port and switch the listener to it).",
        terraform="aws_lb_target_group.port = mesh.ingress_gateway.node_ports.http, "
        'target_type = "instance"; aws_lb_listener.default_action.target_group_arn',
    ),
    references=(TG_DOCS + "load-balancer-target-groups.html",),
    decision="ADR-0002",
    needs=[AlbTargetGroups],
)
def elbv2_alb_forwards_to_gateway_nodeport(facts: Facts, design: Design) -> Iterator[Result]:
    """The HTTPS listener forwards to instance targets on the gateway's http nodePort.

    The ALB sends traffic to the nodes' NodePort, where kube-proxy hands it to the Istio
    ingress gateway. Any other port reaches nothing, and the site is down.
    """
    groups = facts[AlbTargetGroups]
    want = design.edge.target_group
    if groups.alb_arn is None:
        yield failed(design.edge.alb.name, f"no load balancer is named {design.edge.alb.name}")
        return
    if groups.https_listener_arn is None or not groups.forwarded:
        yield failed(
            groups.https_listener_arn or groups.alb_arn,
            f"the HTTPS listener "
            f"(port {design.edge.alb.https_port}) of ALB {design.edge.alb.name} "
            "forwards to no target group",
        )
        return
    for tg in groups.forwarded:
        seen = f"{tg.target_type} targets on {tg.protocol}:{tg.port}"
        expected = f"instance targets on {want.protocol}:{want.port}"
        if (tg.target_type, tg.protocol, tg.port) == (want.target_type, want.protocol, want.port):
            yield passed(
                tg.arn, f"target group {tg.name} takes {seen}, the gateway's http nodePort"
            )
        else:
            yield failed(
                tg.arn,
                f"target group {tg.name} takes {seen}; the design has "
                f"{expected} (mesh.ingress_gateway.node_ports.http)",
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Set the target group's health check to the gateway's status nodePort and "
        "readiness path (EC2 console > Target groups > Health checks > Edit).",
        terraform="aws_lb_target_group.health_check { port = node_ports.status, path = "
        "readiness_path }",
    ),
    references=(TG_DOCS + "target-group-health-checks.html",),
    decision="ADR-0002",
    needs=[AlbTargetGroups],
)
def elbv2_target_group_health_checks_gateway_status_port(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """The forwarded target group is health-checked on the gateway's status nodePort and path.

    Envoy answers its readiness path on the status port only when it can route; checking
    the traffic port instead would keep a draining gateway in service.
    """
    groups = facts[AlbTargetGroups]
    want = design.edge.target_group
    if not groups.forwarded:
        yield failed(
            design.edge.alb.name,
            f"the HTTPS listener of ALB {design.edge.alb.name} "
            "forwards to no target group, so no health check can be judged",
        )
        return
    for tg in groups.forwarded:
        seen = (tg.effective_health_check_port, tg.health_check_path)
        if seen == (want.health_check_port, want.health_check_path):
            yield passed(tg.arn, f"target group {tg.name} checks port {seen[0]} path {seen[1]}")
        else:
            yield failed(
                tg.arn,
                f"target group {tg.name} checks port {seen[0]} path {seen[1]}; "
                f"the design checks port {want.health_check_port} path "
                f"{want.health_check_path} (the gateway's status nodePort and "
                "readiness path)",
            )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Attach the node group's Auto Scaling group to the designed target group "
        "(EC2 console > Auto Scaling groups > Load balancing > Edit).",
        terraform="aws_autoscaling_attachment { autoscaling_group_name = aws_eks_node_group."
        "resources[0].autoscaling_groups[0].name, lb_target_group_arn = aws_lb_target_group.arn }",
    ),
    references=(
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/attach-load-balancer-asg.html",
    ),
    decision="ADR-0008",
    needs=[AlbTargetGroups, NodeGroups],
)
def autoscaling_node_group_attached_to_target_group(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """The node group's Auto Scaling group is attached to the designed target group.

    Without the attachment, nodes the group launches are never registered as targets,
    and the ALB has nothing to send traffic to.
    """
    groups = facts[AlbTargetGroups]
    nodes = facts[NodeGroups]
    want = design.edge.target_group.name
    for spec in design.eks.node_groups:
        if not spec.attach_to_target_group:
            continue
        group = nodes.get(spec.name)
        if group is None:
            yield missing_node_group(spec.name, nodes.cluster)
        elif groups.named is None:
            yield failed(spec.name, f"no target group is named {want}")
        elif set(group.asg_names) & set(groups.named.attached_asgs):
            yield passed(
                spec.name,
                f"node group {spec.name}'s Auto Scaling group "
                f"{', '.join(group.asg_names)} is attached to target group {want}",
            )
        else:
            yield failed(
                spec.name,
                f"node group {spec.name}'s Auto Scaling group "
                f"{', '.join(group.asg_names) or '(none)'} is not attached to target "
                f"group {want} (attached: {', '.join(groups.named.attached_asgs) or 'none'})",
            )


def _node_security_groups(
    facts: Facts, design: Design
) -> Iterator[tuple[str, tuple[str, ...] | None, str]]:
    """(node group, its security groups or None when unknown, how they were found)."""
    nodes = facts[NodeGroups]
    cluster = facts[EksCluster].cluster
    for spec in design.eks.node_groups:
        if not spec.attach_to_target_group:
            continue
        group = nodes.get(spec.name)
        if group is None:
            yield spec.name, None, MISSING
            continue
        template = group.launch_template
        if template and template.security_group_ids:
            yield spec.name, template.security_group_ids, "its launch template"
        elif cluster and cluster.cluster_security_group_id:
            yield spec.name, (cluster.cluster_security_group_id,), "the cluster security group"
        else:
            yield spec.name, None, "neither its launch template nor the cluster"


MISSING = "missing"


def _unknown_groups(name: str, source: str, facts: Facts) -> Result:
    if source == MISSING:
        return missing_node_group(name, facts[NodeGroups].cluster)
    # Only an emulator gets here: AWS always reports the cluster security group.
    return skipped(
        name,
        f"node group {name}: {source} names a security group (the endpoint omitted "
        "clusterSecurityGroupId, an emulator gap: moto 5.2.5 does not return it)",
    )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Allow TCP from the ALB's security group to the node security group on "
        "exactly the gateway's http and status nodePorts, and remove other rules from it.",
        terraform="aws_vpc_security_group_ingress_rule { referenced_security_group_id = "
        "ALB SG, from_port = to_port = each nodePort }",
    ),
    references=(
        "https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html",
        TG_DOCS + "load-balancer-update-security-groups.html",
    ),
    decision="ADR-0002",
    needs=[Alb, NodeGroups, EksCluster, SecurityGroups],
)
def ec2_node_security_group_admits_alb_on_nodeports(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """The node security group admits the ALB's security group on exactly the gateway's nodePorts.

    Fewer ports and the ALB cannot reach the gateway or its health check; more ports and the
    ALB can reach node services that the design never exposes.
    """
    alb = facts[Alb].load_balancer
    sgs = facts[SecurityGroups]
    want = {design.edge.target_group.port, design.edge.target_group.health_check_port}
    if alb is None:
        yield failed(design.edge.alb.name, f"no load balancer is named {design.edge.alb.name}")
        return
    for name, group_ids, source in _node_security_groups(facts, design):
        if group_ids is None:
            yield _unknown_groups(name, source, facts)
            continue
        ports: set[int] = set()
        wide: list[str] = []
        for group_id in group_ids:
            group = sgs.get(group_id)
            for rule in group.ingress if group else ():
                if not set(rule.source_groups) & set(alb.security_groups):
                    continue
                if (
                    rule.protocol == "tcp"
                    and rule.from_port is not None
                    and rule.to_port is not None
                ):
                    if rule.to_port - rule.from_port > 64:
                        wide.append(rule.ports())
                    else:
                        ports.update(range(rule.from_port, rule.to_port + 1))
                else:
                    wide.append(rule.ports())
        label = ",".join(group_ids)
        shown = ", ".join([*(str(p) for p in sorted(ports)), *wide]) or "nothing"
        if ports == want and not wide:
            yield passed(
                label,
                f"node group {name} ({source}: {label}) admits the ALB on "
                f"{shown}, the gateway's nodePorts",
            )
        else:
            yield failed(
                label,
                f"node group {name} ({source}: {label}) admits the ALB on "
                f"{shown}; the design admits exactly {', '.join(map(str, sorted(want)))}",
            )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Remove every inbound rule from 0.0.0.0/0 or ::/0 on the node security group; "
        "nodes are reached through the ALB and the VPC only.",
        terraform='remove aws_vpc_security_group_ingress_rule with cidr_ipv4 = "0.0.0.0/0"',
    ),
    references=("https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html",),
    decision="ADR-0005",
    needs=[NodeGroups, EksCluster, SecurityGroups],
)
def ec2_node_security_group_closed_to_internet(facts: Facts, design: Design) -> Iterator[Result]:
    """The node security group admits nothing from 0.0.0.0/0 or ::/0.

    The nodes sit in private subnets, but a world-open rule becomes reachable the day a
    node gets a public address or a load balancer is pointed at it.
    """
    sgs = facts[SecurityGroups]
    for name, group_ids, source in _node_security_groups(facts, design):
        if group_ids is None:
            yield _unknown_groups(name, source, facts)
            continue
        open_rules = [
            f"{group.id} {rule.ports()} from {cidr}"
            for group in filter(None, map(sgs.get, group_ids))
            for rule in group.ingress
            for cidr in rule.cidrs
            if cidr in WORLD
        ]
        label = ",".join(group_ids)
        if open_rules:
            yield failed(
                label,
                f"node group {name}'s security group admits the internet: " + "; ".join(open_rules),
            )
        else:
            yield passed(
                label,
                f"node group {name}'s security group ({label}) admits nothing "
                "from 0.0.0.0/0 or ::/0",
            )
