"""The AWS cross-layer rules (health check, ASG attachment, node groups), each way they fail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    IngressRule,
    NodeGroup,
    NodeGroups,
    RemoteAccess,
    SecurityGroup,
    SecurityGroups,
    Vpcs,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.design.model import Design as Model
from tests.conformance.aws.account import TARGET_GROUP, conforming
from tests.conformance.aws.test_rules import (
    Facts_,
    _cluster,
    _forwarded,
    _node_ingress,
    _template,
    change,
    edit,
    evaluate,
    said,
)

HEALTH = "elbv2_target_group_health_checks_gateway_status_port"
ATTACHED = "autoscaling_node_group_attached_to_target_group"
ADMITS = "ec2_node_security_group_admits_alb_on_nodeports"
CLOSED = "ec2_node_security_group_closed_to_internet"
SG_CHECKS = (ADMITS, CLOSED)


def run(check_id: str, facts: Facts_, design: Design) -> list[tuple[Status, str, str]]:
    """Each result as a reader sees it: status, resource, English message."""
    return [(r.status, r.resource, said(r)) for r in evaluate(check_id, facts, design)]


def nodeports(design: Design) -> tuple[int, int]:
    """The gateway's http and status nodePorts, as the target group carries them."""
    want = design.edge.target_group
    return want.port, want.health_check_port


def admitted(design: Design) -> str:
    return ", ".join(str(p) for p in sorted(nodeports(design)))


def three_node_groups(design_data: dict[str, Any]) -> Design:
    """The design with a node group the ALB does not reach ("batch") before the designed
    one, and a second one it reaches ("spare") after it."""
    groups = design_data["eks"]["node_groups"]
    (core,) = groups
    batch = {**core, "name": "batch", "attach_to_target_group": False}
    groups[:] = [batch, core, {**core, "name": "spare"}]
    return Model.model_validate(design_data)


def node_groups(*groups: NodeGroup) -> Callable[[Facts_], Facts_]:
    return edit(NodeGroups, lambda n: replace(n, groups=groups))


def core(facts: Facts_) -> NodeGroup:
    group: NodeGroup = facts[NodeGroups].groups[0]
    return group


def security_groups(*groups: SecurityGroup) -> Callable[[Facts_], Facts_]:
    return edit(SecurityGroups, lambda s: replace(s, groups=(*s.groups, *groups)))


def from_alb(protocol: str, low: int | None, high: int | None) -> IngressRule:
    return IngressRule(protocol, low, high, (), ("sg-alb",))


def nodes_only(*rules: IngressRule) -> Callable[[Facts_], Facts_]:
    """The node security group holding exactly ``rules``."""
    return edit(
        SecurityGroups,
        lambda s: replace(
            s,
            groups=tuple(replace(g, ingress=rules) if g.id == "sg-nodes" else g for g in s.groups),
        ),
    )


# The health check of each forwarded target group.


def test_the_health_check_as_designed_passes_naming_what_it_checks(design: Design) -> None:
    want = design.edge.target_group
    assert run(HEALTH, conforming(), design) == [
        (
            Status.PASS,
            TARGET_GROUP.arn,
            f"target group {TARGET_GROUP.name} checks {want.health_check.protocol} port "
            f"{want.health_check_port} path {want.health_check_path}",
        )
    ]


def test_a_health_check_without_a_protocol_fails_showing_a_question_mark(design: Design) -> None:
    want = design.edge.target_group
    facts = _forwarded(health_check_protocol=None)(conforming())
    assert run(HEALTH, facts, design) == [
        (
            Status.FAIL,
            TARGET_GROUP.arn,
            f"target group {TARGET_GROUP.name} checks ? port {want.health_check_port} path "
            f"{want.health_check_path}; the design checks {want.health_check.protocol} port "
            f"{want.health_check_port} path {want.health_check_path} (the gateway's status "
            "nodePort and readiness path)",
        )
    ]


def test_no_forwarded_group_fails_the_health_check_on_the_designed_alb(design: Design) -> None:
    facts = change(AlbTargetGroups, forwarded=())(conforming())
    alb = design.edge.alb.name
    assert run(HEALTH, facts, design) == [
        (
            Status.FAIL,
            alb,
            f"the HTTPS listener of ALB {alb} forwards to no target group, so no health check "
            "can be judged",
        )
    ]


# The Auto Scaling group of each node group the ALB reaches.


def test_every_node_group_the_alb_reaches_is_judged_and_no_other(
    design_data: dict[str, Any],
) -> None:
    """A group the design keeps off the ALB is not judged; a missing one fails and the
    next is still judged; one without an Auto Scaling group says so."""
    design = three_node_groups(design_data)
    facts = conforming()
    group = design.edge.target_group.name
    lonely = replace(core(facts), name="spare", asg_names=())
    assert run(ATTACHED, node_groups(lonely)(facts), design) == [
        (Status.FAIL, "core", "node group core of cluster sakura-shop is missing"),
        (
            Status.FAIL,
            "spare",
            f"node group spare's Auto Scaling group (none) is not attached to target group "
            f"{group} (attached: eks-core-1)",
        ),
    ]
    batch = replace(core(facts), name="batch", asg_names=("eks-batch-1",))
    spare = replace(core(facts), name="spare", asg_names=("eks-spare-1",))
    facts = node_groups(batch, core(facts), spare)(facts)
    assert [(s, r) for s, r, _ in run(ATTACHED, facts, design)] == [
        (Status.PASS, "core"),
        (Status.FAIL, "spare"),
    ]


def test_an_attached_group_passes_naming_its_asg_and_the_target_group(design: Design) -> None:
    assert run(ATTACHED, conforming(), design) == [
        (
            Status.PASS,
            "core",
            "node group core's Auto Scaling group eks-core-1 is attached to target group "
            f"{design.edge.target_group.name}",
        )
    ]


def test_a_missing_node_group_names_its_cluster(design: Design) -> None:
    facts = change(NodeGroups, cluster="shop-b", groups=())(conforming())
    assert run(ATTACHED, facts, design) == [
        (Status.FAIL, "core", "node group core of cluster shop-b is missing")
    ]


def test_no_designed_target_group_fails_naming_the_designed_name(design: Design) -> None:
    facts = change(AlbTargetGroups, named=None)(conforming())
    assert run(ATTACHED, facts, design) == [
        (Status.FAIL, "core", f"no target group is named {design.edge.target_group.name}")
    ]


@pytest.mark.parametrize(
    ("attached", "shown"), [((), "none"), (("eks-old-1", "eks-old-2"), "eks-old-1, eks-old-2")]
)
def test_another_asg_attached_fails_naming_what_is_attached(
    design: Design, attached: tuple[str, ...], shown: str
) -> None:
    named = replace(TARGET_GROUP, attached_asgs=attached)
    facts = change(AlbTargetGroups, named=named)(conforming())
    assert run(ATTACHED, facts, design) == [
        (
            Status.FAIL,
            "core",
            "node group core's Auto Scaling group eks-core-1 is not attached to target group "
            f"{design.edge.target_group.name} (attached: {shown})",
        )
    ]


# The node security groups and the ALB.


def test_exactly_the_nodeports_from_the_alb_pass(design: Design) -> None:
    assert run(ADMITS, conforming(), design) == admits(design)


def test_a_missing_alb_fails_the_node_group_check_naming_it(design: Design) -> None:
    facts = change(Alb, load_balancer=None)(conforming())
    name = conforming()[Alb].name
    assert run(ADMITS, facts, design) == [
        (Status.FAIL, name, f"no load balancer is named {name}, the designed ALB")
    ]


def admits(
    design: Design, ports: str | None = None, groups: str = "sg-nodes", source: str = ""
) -> list[Any]:
    """The one result of the ALB check: a pass, or a failure that saw ``ports``."""
    head = f"node group core ({source or 'its launch template'}: {groups}) admits the ALB on"
    if ports is None:
        return [(Status.PASS, groups, f"{head} {admitted(design)}, the gateway's nodePorts")]
    return [
        (
            Status.FAIL,
            groups,
            f"{head} {ports}; the design admits exactly {admitted(design)}",
        )
    ]


@pytest.mark.parametrize(
    ("rules", "seen"),
    [
        pytest.param((), "nothing", id="nothing"),
        # Another source first: the ALB's rules after it still count.
        pytest.param(
            (IngressRule("tcp", 22, 22, ("10.20.0.0/16",), ()), from_alb("tcp", 30080, 30080)),
            "30080",
            id="one-port-after-another-source",
        ),
        # Another protocol on the right port is not the gateway's port.
        pytest.param(
            (from_alb("udp", 30080, 30080), from_alb("tcp", 30021, 30021)),
            "30021, udp/30080",
            id="udp",
        ),
        pytest.param(
            (from_alb("-1", None, None), from_alb("tcp", 30021, 30021)),
            "30021, all ports",
            id="all-traffic",
        ),
        # A range of 65 ports is listed port by port; a wider one is shown as a range.
        pytest.param(
            (from_alb("tcp", 30016, 30080),),
            ", ".join(str(p) for p in range(30016, 30081)),
            id="65-ports",
        ),
        pytest.param((from_alb("tcp", 30015, 30080),), "tcp/30015-30080", id="66-ports"),
    ],
)
def test_other_ports_from_the_alb_fail_naming_every_port_seen(
    design: Design, rules: tuple[IngressRule, ...], seen: str
) -> None:
    assert nodeports(design) == (30080, 30021), "the cases above are written for these ports"
    assert run(ADMITS, nodes_only(*rules)(conforming()), design) == admits(design, seen)


def test_a_security_group_that_is_not_found_adds_no_port(design: Design) -> None:
    facts = _template(security_group_ids=("sg-gone", "sg-nodes"))(conforming())
    assert run(ADMITS, facts, design) == admits(design, groups="sg-gone,sg-nodes")


def test_the_rules_of_every_group_on_the_nodes_count_together(design: Design) -> None:
    """The remote-access group EKS made sits beside the template's groups."""
    status_port = nodeports(design)[1]
    facts = nodes_only(from_alb("tcp", nodeports(design)[0], nodeports(design)[0]))(conforming())
    facts = security_groups(
        SecurityGroup("sg-remote", "remote", "vpc-1", (from_alb("tcp", status_port, status_port),))
    )(facts)
    facts = node_groups(replace(core(facts), remote_access_group="sg-remote"))(facts)
    assert run(ADMITS, facts, design) == admits(design, groups="sg-nodes,sg-remote")


def test_without_template_groups_the_cluster_group_is_judged(design: Design) -> None:
    facts = _template(security_group_ids=())(conforming())
    assert run(ADMITS, facts, design) == admits(
        design, "nothing", "sg-cluster", "the cluster security group"
    )


def unknown_groups(facts: Facts_) -> Facts_:
    """Nodes whose security groups cannot be known: no template groups, and an endpoint
    that does not report the cluster security group."""
    return _cluster(cluster_security_group_id=None)(_template(security_group_ids=())(facts))


SKIPPED = (
    "node group {}: neither its launch template nor the cluster names a security group "
    "(the endpoint omitted clusterSecurityGroupId, an emulator gap: moto 5.2.5 does not "
    "return it)"
)


@pytest.mark.parametrize("check_id", SG_CHECKS)
def test_the_node_group_checks_judge_every_group_the_alb_reaches(
    design_data: dict[str, Any], check_id: str
) -> None:
    """A missing group fails naming its cluster, one whose groups cannot be known is
    skipped, and the next group is judged all the same."""
    design = three_node_groups(design_data)
    facts = conforming()
    spare = replace(core(facts), name="spare")
    facts = node_groups(replace(core(facts), name="batch", launch_template=None), spare)(facts)
    results = run(check_id, facts, design)
    assert results[0] == (Status.FAIL, "core", "node group core of cluster sakura-shop is missing")
    assert [(s, r) for s, r, _ in results[1:]] == [(Status.PASS, "sg-nodes")]
    assert "node group spare" in results[1][2]
    unknown = node_groups(replace(spare, launch_template=None), core(conforming()))(
        _cluster(cluster_security_group_id=None)(conforming())
    )
    assert run(check_id, unknown, design) == [
        (Status.PASS, "sg-nodes", results[1][2].replace("spare", "core")),
        (Status.SKIP, "spare", SKIPPED.format("spare")),
    ]


# The node security groups and the internet.


def closed(label: str = "sg-nodes") -> list[Any]:
    return [
        (
            Status.PASS,
            label,
            f"node group core's security groups ({label}) admit nothing from outside private "
            "and VPC address space",
        )
    ]


def open_to(*rules: str, label: str = "sg-nodes") -> list[Any]:
    return [
        (
            Status.FAIL,
            label,
            f"node group core's security groups admit the internet: {'; '.join(rules)}",
        )
    ]


def test_rules_from_private_space_keep_the_nodes_closed(design: Design) -> None:
    facts = _node_ingress(IngressRule("tcp", 443, 443, ("10.20.0.0/16", "192.168.0.0/24"), ()))(
        conforming()
    )
    assert run(CLOSED, facts, design) == closed()


def test_the_vpcs_own_public_blocks_count_as_inside(design: Design) -> None:
    """A VPC's IPv6 block is public address space, yet it is the VPC's own."""
    block = "2600:1f18:ab:cd00::/56"

    def with_ipv6(vpcs: Vpcs) -> Vpcs:
        return replace(vpcs, vpcs=(replace(vpcs.vpcs[0], ipv6_cidrs=(block,)), *vpcs.vpcs[1:]))

    facts = _node_ingress(IngressRule("tcp", 443, 443, (block,), ()))(conforming())
    assert run(CLOSED, facts, design) == open_to(f"sg-nodes tcp/443 from {block}")
    assert run(CLOSED, edit(Vpcs, with_ipv6)(facts), design) == closed()


def test_every_rule_open_to_the_internet_is_listed(design: Design) -> None:
    facts = _node_ingress(
        IngressRule("tcp", 22, 22, ("0.0.0.0/0", "10.0.0.0/8", "::/0"), ()),
        IngressRule("tcp", 443, 443, ("10.20.0.0/16",), ()),
    )(conforming())
    assert run(CLOSED, facts, design) == open_to(
        "sg-nodes tcp/22 from 0.0.0.0/0", "sg-nodes tcp/22 from ::/0"
    )


def test_rules_across_the_groups_on_the_nodes_are_listed_together(design: Design) -> None:
    facts = security_groups(
        SecurityGroup(
            "sg-remote", "remote", "vpc-1", (IngressRule("-1", None, None, ("1.2.3.4/32",), ()),)
        )
    )(_node_ingress(IngressRule("tcp", 22, 22, ("0.0.0.0/0",), ()))(conforming()))
    facts = node_groups(replace(core(facts), remote_access_group="sg-remote"))(facts)
    assert run(CLOSED, facts, design) == open_to(
        "sg-nodes tcp/22 from 0.0.0.0/0",
        "sg-remote all ports from 1.2.3.4/32",
        label="sg-nodes,sg-remote",
    )


def test_prefix_lists_are_an_error_naming_each_list_once(design: Design) -> None:
    facts = _node_ingress(
        IngressRule("tcp", 443, 443, (), (), ("pl-b", "pl-a")),
        IngressRule("tcp", 80, 80, (), (), ("pl-a",)),
        IngressRule("tcp", 8080, 8080, ("10.20.0.0/16",), ()),
    )(conforming())
    assert run(CLOSED, facts, design) == [
        (
            Status.ERROR,
            "sg-nodes",
            "node group core's security groups admit the managed prefix lists pl-a, pl-b, "
            "whose entries refarch does not read: it cannot tell whether they hold internet "
            "addresses",
        )
    ]


def test_an_open_rule_outweighs_a_prefix_list(design: Design) -> None:
    facts = _node_ingress(
        IngressRule("tcp", 443, 443, (), (), ("pl-a",)),
        IngressRule("tcp", 22, 22, ("0.0.0.0/0",), ()),
    )(conforming())
    assert run(CLOSED, facts, design) == open_to("sg-nodes tcp/22 from 0.0.0.0/0")


REMOTE_OPEN = (
    "EKS remote access with key {} and no source security groups opens tcp/22 to 0.0.0.0/0"
)


@pytest.mark.parametrize("known", [True, False], ids=["groups-known", "groups-unknown"])
def test_remote_access_without_source_groups_is_open_to_the_internet(
    design: Design, known: bool
) -> None:
    """Known or not, the nodes' groups do not matter: EKS opens port 22 to everyone."""
    facts = conforming() if known else unknown_groups(conforming())
    remote = RemoteAccess("shop-key", ())
    facts = node_groups(replace(core(facts), launch_template=None, remote_access=remote))(facts)
    label = "sg-cluster" if known else "core"
    assert run(CLOSED, facts, design) == open_to(REMOTE_OPEN.format("shop-key"), label=label)


@pytest.mark.parametrize(
    "remote", [RemoteAccess("shop-key", ("sg-bastion",)), RemoteAccess(None, ())]
)
def test_remote_access_limited_to_source_groups_or_without_a_key_is_closed(
    design: Design, remote: RemoteAccess
) -> None:
    facts = node_groups(replace(core(conforming()), launch_template=None, remote_access=remote))(
        conforming()
    )
    assert run(CLOSED, facts, design) == closed("sg-cluster")
    unknown = node_groups(replace(core(conforming()), launch_template=None, remote_access=remote))(
        unknown_groups(conforming())
    )
    assert run(CLOSED, unknown, design) == [(Status.SKIP, "core", SKIPPED.format("core"))]


def test_groups_that_cannot_be_known_are_skipped_naming_why(design: Design) -> None:
    for check_id in SG_CHECKS:
        assert run(check_id, unknown_groups(conforming()), design) == [
            (Status.SKIP, "core", SKIPPED.format("core"))
        ]


@pytest.mark.parametrize("check_id", SG_CHECKS)
def test_a_missing_node_group_fails_naming_its_cluster(design: Design, check_id: str) -> None:
    facts = change(NodeGroups, cluster="shop-b", groups=())(conforming())
    assert run(check_id, facts, design) == [
        (Status.FAIL, "core", "node group core of cluster shop-b is missing")
    ]


def test_the_cluster_group_reaches_the_nodes_without_template_groups(design: Design) -> None:
    facts = _template(security_group_ids=())(conforming())
    facts = security_groups(
        SecurityGroup(
            "sg-cluster", "cluster", "vpc-1", (IngressRule("-1", None, None, ("0.0.0.0/0",), ()),)
        )
    )(facts)
    assert run(CLOSED, facts, design) == open_to(
        "sg-cluster all ports from 0.0.0.0/0", label="sg-cluster"
    )
