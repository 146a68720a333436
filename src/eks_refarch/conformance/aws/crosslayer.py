"""Cross-layer rules, AWS side: the ALB reaches the gateway's nodePorts on the core nodes,
and nothing else reaches the nodes from the internet.

The ports are not written in the AWS part of the design: they are the Istio ingress
gateway's nodePorts (``design.edge.target_group.port`` and ``.health_check_port`` are
derived from ``mesh.ingress_gateway.node_ports``), so a change of nodePort in the design
turns these checks red until the account follows. Which paths reach the target group is
judged in edge.py (elbv2_alb_forwards_to_gateway_nodeport).
"""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.eks import missing_node_group
from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    EksCluster,
    NodeGroup,
    NodeGroups,
    SecurityGroups,
    Vpcs,
)
from eks_refarch.conformance.aws.lookup import design_vpc, leaves_private_space, missing_alb
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    errored,
    failed,
    passed,
    skipped,
)
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.i18n import Message, Text, joined, msg

TG_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
EKS_SG_DOCS = "https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html"


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Set the target group's health check to the designed protocol, the gateway's "
        "status nodePort and its readiness path (EC2 console > Target groups > Health checks "
        "> Edit).",
        terraform="aws_lb_target_group.health_check { protocol, port = node_ports.status, "
        "path = readiness_path }",
    ),
    references=(TG_DOCS + "target-group-health-checks.html",),
    decision="ADR-0002",
    needs=[AlbTargetGroups],
)
def elbv2_target_group_health_checks_gateway_status_port(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """Each forwarded target group is health-checked as designed on the gateway's status port.

    The design's protocol, the gateway's status nodePort and its readiness path. Envoy
    answers its readiness path on the status port only when it can route; checking the
    traffic port instead would keep a draining gateway in service, and another protocol
    than the status port speaks marks every target unhealthy.
    """
    groups = facts[AlbTargetGroups]
    want = design.edge.target_group
    expected = (want.health_check.protocol, want.health_check_port, want.health_check_path)
    if not groups.forwarded:
        yield failed(
            design.edge.alb.name,
            msg(
                "the HTTPS listener of ALB {alb} forwards to no target group, so no health "
                "check can be judged",
                alb=design.edge.alb.name,
            ),
        )
        return
    for tg in groups.forwarded:
        seen = (tg.health_check_protocol, tg.effective_health_check_port, tg.health_check_path)
        checks = msg(
            "target group {group} checks {protocol} port {port} path {path}",
            group=tg.name,
            protocol=seen[0] or "?",
            port=seen[1],
            path=seen[2],
        )
        if seen == expected:
            yield passed(tg.arn, checks)
        else:
            yield failed(
                tg.arn,
                msg(
                    "{checks}; the design checks {protocol} port {port} path {path} (the "
                    "gateway's status nodePort and readiness path)",
                    checks=checks,
                    protocol=expected[0],
                    port=expected[1],
                    path=expected[2],
                ),
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
            continue
        asgs = joined(group.asg_names) if group.asg_names else msg("(none)")
        if groups.named is None:
            yield failed(spec.name, msg("no target group is named {group}", group=want))
        elif set(group.asg_names) & set(groups.named.attached_asgs):
            yield passed(
                spec.name,
                msg(
                    "node group {node_group}'s Auto Scaling group {asgs} is attached to target "
                    "group {group}",
                    node_group=spec.name,
                    asgs=asgs,
                    group=groups.named.name,
                ),
            )
        else:
            attached = groups.named.attached_asgs
            yield failed(
                spec.name,
                msg(
                    "node group {node_group}'s Auto Scaling group {asgs} is not attached to "
                    "target group {group} (attached: {attached})",
                    node_group=spec.name,
                    asgs=asgs,
                    group=groups.named.name,
                    attached=joined(attached) if attached else msg("none"),
                ),
            )


def node_groups_security_groups(
    facts: Facts, design: Design
) -> Iterator[tuple[str, NodeGroup | None, tuple[str, ...] | None, Message]]:
    """(node group, its facts, the security groups on its nodes or None when unknown, where
    they come from) for each designed node group the ALB reaches."""
    nodes = facts[NodeGroups]
    cluster = facts[EksCluster].cluster
    for spec in design.eks.node_groups:
        if not spec.attach_to_target_group:
            continue
        group = nodes.get(spec.name)
        if group is None:
            yield spec.name, None, None, msg("missing")
            continue
        template = group.launch_template
        extra = (group.remote_access_group,) if group.remote_access_group else ()
        if template and template.security_group_ids:
            yield (
                spec.name,
                group,
                template.security_group_ids + extra,
                msg("its launch template"),
            )
        elif cluster and cluster.cluster_security_group_id:
            # Without groups in a launch template, EKS puts the cluster security group on
            # the nodes (and the remote-access group it made, if any).
            yield (
                spec.name,
                group,
                (cluster.cluster_security_group_id, *extra),
                msg("the cluster security group"),
            )
        else:
            yield spec.name, group, None, msg("neither its launch template nor the cluster")


def _unknown_groups(name: str, group: NodeGroup | None, source: Message, facts: Facts) -> Result:
    if group is None:
        return missing_node_group(name, facts[NodeGroups].cluster)
    # Only an emulator gets here: AWS always reports the cluster security group.
    return skipped(
        name,
        msg(
            "node group {node_group}: {source} names a security group (the endpoint omitted "
            "clusterSecurityGroupId, an emulator gap: moto 5.2.5 does not return it)",
            node_group=name,
            source=source,
        ),
    )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Allow TCP from the ALB's security group to the node security group on "
        "exactly the gateway's http and status nodePorts, and remove other rules from it.",
        terraform="aws_vpc_security_group_ingress_rule { referenced_security_group_id = "
        "ALB SG, from_port = to_port = each nodePort }",
    ),
    references=(EKS_SG_DOCS, TG_DOCS + "load-balancer-update-security-groups.html"),
    decision="ADR-0002",
    needs=[Alb, NodeGroups, EksCluster, SecurityGroups],
)
def ec2_node_security_group_admits_alb_on_nodeports(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """The node security group admits the ALB's security group on exactly the gateway's nodePorts.

    Fewer ports and the ALB cannot reach the gateway or its health check; more ports and the
    ALB can reach node services that the design never exposes. The rules of every security
    group on the nodes count together.
    """
    alb = facts[Alb]
    lb = alb.load_balancer
    sgs = facts[SecurityGroups]
    want = {design.edge.target_group.port, design.edge.target_group.health_check_port}
    if lb is None:
        yield missing_alb(alb)
        return
    for name, group, group_ids, source in node_groups_security_groups(facts, design):
        if group_ids is None:
            yield _unknown_groups(name, group, source, facts)
            continue
        ports: set[int] = set()
        wide: list[str] = []
        for group_id in group_ids:
            sg = sgs.get(group_id)
            for rule in sg.ingress if sg else ():
                if not set(rule.source_groups) & set(lb.security_groups):
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
        shown = [*(str(p) for p in sorted(ports)), *wide]
        said = {
            "node_group": name,
            "source": source,
            "groups": label,
            "ports": joined(shown) if shown else msg("nothing"),
        }
        if ports == want and not wide:
            yield passed(
                label,
                msg(
                    "node group {node_group} ({source}: {groups}) admits the ALB on {ports}, "
                    "the gateway's nodePorts",
                    **said,
                ),
            )
        else:
            yield failed(
                label,
                msg(
                    "node group {node_group} ({source}: {groups}) admits the ALB on {ports}; "
                    "the design admits exactly {want}",
                    want=joined(str(p) for p in sorted(want)),
                    **said,
                ),
            )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Remove every inbound rule whose source range leaves private and VPC address "
        "space (0.0.0.0/0, ::/0, halves of them, public addresses) from every security group "
        "on the nodes, and EKS remote access without source security groups; nodes are "
        "reached through the ALB and the VPC only.",
        terraform="remove aws_vpc_security_group_ingress_rule with a public cidr_ipv4 or "
        "cidr_ipv6; aws_eks_node_group.remote_access.source_security_group_ids",
    ),
    references=(
        EKS_SG_DOCS,
        "https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html",
    ),
    decision="ADR-0005",
    needs=[NodeGroups, EksCluster, SecurityGroups, Vpcs],
)
def ec2_node_security_group_closed_to_internet(facts: Facts, design: Design) -> Iterator[Result]:
    """No security group on the nodes admits anything from the internet, on any port.

    "From the internet" is any source range that leaves private and VPC address space,
    however it is written: 0.0.0.0/0, ::/0, the two halves of either, or one public
    address. The rules of every security group on the nodes count together. The nodes sit
    in private subnets, but a world-open rule becomes reachable the day a node gets a
    public address or a load balancer is pointed at it.
    """
    sgs = facts[SecurityGroups]
    vpc = design_vpc(facts[Vpcs], design)
    own = vpc.cidrs + vpc.ipv6_cidrs if vpc else ()
    for name, group, group_ids, source in node_groups_security_groups(facts, design):
        remote = group.remote_access if group else None
        if group_ids is None and remote is None:
            yield _unknown_groups(name, group, source, facts)
            continue
        open_rules: list[Text] = []
        unread: list[str] = []
        for sg in filter(None, map(sgs.get, group_ids or ())):
            for rule in sg.ingress:
                open_rules += [
                    msg("{group} {ports} from {cidr}", group=sg.id, ports=rule.ports(), cidr=cidr)
                    for cidr in rule.cidrs
                    if leaves_private_space(cidr, own)
                ]
                unread += rule.prefix_lists
        if remote is not None and remote.ssh_key and not remote.source_groups:
            open_rules.append(
                msg(
                    "EKS remote access with key {key} and no source security groups opens "
                    "tcp/22 to 0.0.0.0/0",
                    key=remote.ssh_key,
                )
            )
        label = ",".join(group_ids or ()) or name
        if open_rules:
            yield failed(
                label,
                msg(
                    "node group {node_group}'s security groups admit the internet: {rules}",
                    node_group=name,
                    rules=joined(open_rules, style="clauses"),
                ),
            )
        elif unread:
            yield errored(
                label,
                msg(
                    "node group {node_group}'s security groups admit the managed prefix lists "
                    "{lists}, whose entries refarch does not read: it cannot tell whether "
                    "they hold internet addresses",
                    node_group=name,
                    lists=joined(sorted(set(unread))),
                ),
            )
        elif group_ids is None:
            yield _unknown_groups(name, group, source, facts)
        else:
            yield passed(
                label,
                msg(
                    "node group {node_group}'s security groups ({groups}) admit nothing from "
                    "outside private and VPC address space",
                    node_group=name,
                    groups=label,
                ),
            )
