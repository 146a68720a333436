"""AWS rules on literal facts: every rule passes on the conforming account, and each
listed drift of one fact fails exactly its rule, with a message naming what was seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    Addons,
    Alb,
    AlbTargetGroups,
    BucketPublicAccess,
    CacheGroups,
    Certificate,
    DbClusters,
    DbInstance,
    DnsRecords,
    EcrRepositories,
    EksCluster,
    FlowLogs,
    IngressRule,
    KmsKeys,
    ListenerAction,
    ListenerCertificates,
    LoadBalancer,
    LoadBalancers,
    NetworkInterface,
    NetworkInterfaces,
    NodeGroups,
    OidcProviders,
    Route,
    RouteTable,
    Routing,
    Secrets,
    SecurityGroups,
    Subnet,
    Trails,
    Volume,
    VpcEndpoints,
    Vpcs,
    WafAssociation,
    WebAcls,
)
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Result, Source, Status
from eks_refarch.design import Design
from eks_refarch.i18n import LANGUAGES, render
from tests.conformance.aws.account import ALB_DNS, REDIRECT, conforming

REGISTRY = load_builtin_checks()
AWS_CHECKS = [c.id for c in REGISTRY.checks() if c.sources == {Source.AWS}]
Facts_ = dict[type[Any], Any]


def evaluate(check_id: str, facts: Facts_, design: Design) -> list[Result]:
    spec = REGISTRY.get(check_id)
    return list(spec.rule(Facts({k: facts[k] for k in spec.needs}), design))


def said(result: Result) -> str:
    """A result's message as an English reader sees it."""
    return str(result.message)


Verdict = tuple[Status, str, str]


def verdicts(results: list[Result]) -> list[Verdict]:
    """Each result as a reader meets it: its status, its resource and its English text."""
    return [(r.status, r.resource, said(r)) for r in results]


def failing_checks(facts: Facts_, design: Design) -> set[str]:
    return {
        c for c in AWS_CHECKS if any(r.status is Status.FAIL for r in evaluate(c, facts, design))
    }


def change(kind: type[Any], **fields: Any) -> Callable[[Facts_], Facts_]:
    """A drift that replaces fields of one fact."""

    def apply(facts: Facts_) -> Facts_:
        return {**facts, kind: replace(facts[kind], **fields)}

    return apply


def edit(kind: type[Any], how: Callable[[Any], Any]) -> Callable[[Facts_], Facts_]:
    def apply(facts: Facts_) -> Facts_:
        return {**facts, kind: how(facts[kind])}

    return apply


def _cluster(**fields: Any) -> Callable[[Facts_], Facts_]:
    return edit(EksCluster, lambda f: replace(f, cluster=replace(f.cluster, **fields)))


def _template(**fields: Any) -> Callable[[Facts_], Facts_]:
    def how(nodes: NodeGroups) -> NodeGroups:
        group = nodes.groups[0]
        template = replace(group.launch_template, **fields)  # type: ignore[type-var]
        return replace(nodes, groups=(replace(group, launch_template=template),))

    return edit(NodeGroups, how)


def _subnet(subnet_id: str, **fields: Any) -> Callable[[Facts_], Facts_]:
    return edit(
        Vpcs,
        lambda v: replace(
            v, subnets=tuple(replace(s, **fields) if s.id == subnet_id else s for s in v.subnets)
        ),
    )


def _attribute(key: str, value: str) -> Callable[[Facts_], Facts_]:
    return edit(Alb, lambda a: replace(a, attributes={**a.attributes, key: value}))


def _listener(port: int, **fields: Any) -> Callable[[Facts_], Facts_]:
    return edit(
        Alb,
        lambda a: replace(
            a,
            listeners=tuple(replace(li, **fields) if li.port == port else li for li in a.listeners),
        ),
    )


def _forwarded(**fields: Any) -> Callable[[Facts_], Facts_]:
    """The forwarded target group changed, as AWS would report it everywhere."""

    def how(g: AlbTargetGroups) -> AlbTargetGroups:
        tg = replace(g.forwarded[0], **fields)
        return replace(g, forwarded=(tg,), named=tg, groups={tg.arn: tg})

    return edit(AlbTargetGroups, how)


def _node_ingress(*rules: IngressRule) -> Callable[[Facts_], Facts_]:
    return edit(
        SecurityGroups,
        lambda s: replace(
            s,
            groups=tuple(
                replace(g, ingress=g.ingress + rules) if g.id == "sg-nodes" else g for g in s.groups
            ),
        ),
    )


def _first(kind: type[Any], attr: str, **fields: Any) -> Callable[[Facts_], Facts_]:
    """Change the first item of a tuple field of one fact."""

    def how(fact: Any) -> Any:
        items = getattr(fact, attr)
        return replace(fact, **{attr: (replace(items[0], **fields), *items[1:])})

    return edit(kind, how)


def _certificate(**fields: Any) -> Callable[[Facts_], Facts_]:
    def how(certs: ListenerCertificates) -> ListenerCertificates:
        listener = certs.listeners[0]
        changed = replace(listener.certificates[0], **fields)
        return replace(certs, listeners=(replace(listener, certificates=(changed,)),))

    return edit(ListenerCertificates, how)


def _trail(**fields: Any) -> Callable[[Facts_], Facts_]:
    return _first(Trails, "trails", **fields)


def _undeclared_public_subnet_with_a_node(facts: Facts_) -> Facts_:
    """A subnet the design does not list, routed to the internet gateway, with public IPs
    and a node in the node security group: the issue's own example."""
    vpcs = facts[Vpcs]
    extra = Subnet("subnet-extra", "vpc-1", "10.20.200.0/24", "ap-northeast-1a", True)
    routing = facts[Routing]
    table = RouteTable(
        "rtb-extra",
        "vpc-1",
        False,
        ("subnet-extra",),
        (Route("10.20.0.0/16", "local"), Route("0.0.0.0/0", "igw-1")),
    )
    interfaces = facts[NetworkInterfaces]
    node = NetworkInterface(
        "eni-9", "subnet-extra", "interface", "", "i-9", "203.0.113.9", ("sg-nodes",)
    )
    return {
        **facts,
        Vpcs: replace(vpcs, subnets=(*vpcs.subnets, extra)),
        Routing: replace(routing, route_tables=(*routing.route_tables, table)),
        NetworkInterfaces: replace(interfaces, interfaces=(*interfaces.interfaces, node)),
    }


ALB_SG_30443 = IngressRule("tcp", 30443, 30443, (), ("sg-alb",))
# check id -> (drift of one fact, text the failure must contain)
DRIFTS: dict[str, tuple[Callable[[Facts_], Facts_], str]] = {
    "vpc_cidr_matches_design": (
        edit(Vpcs, lambda v: replace(v, vpcs=(replace(v.vpcs[0], cidrs=("10.99.0.0/16",)),))),
        "no VPC has the designed CIDR block 10.20.0.0/16; VPCs seen: vpc-1 10.99.0.0/16",
    ),
    "vpc_subnets_match_design": (
        _subnet("subnet-data-d", az="ap-northeast-1a"),
        "private-data subnet 10.20.66.0/24 is in ap-northeast-1a; the design puts it in "
        "ap-northeast-1d",
    ),
    "vpc_public_subnets_hold_only_edge": (
        edit(
            NetworkInterfaces,
            lambda n: replace(
                n,
                interfaces=(
                    *n.interfaces,
                    NetworkInterface(
                        "eni-bastion", "subnet-pub-c", "interface", "", "i-9", "1.2.3.4"
                    ),
                ),
            ),
        ),
        "holds more than the ALB sakura-shop-edge and the NAT gateway: eni-bastion (i-9)",
    ),
    "vpc_private_subnets_no_public_ip": (
        _subnet("subnet-app-c", map_public_ip_on_launch=True),
        "private-app subnet subnet-app-c assigns public IPv4 addresses on launch",
    ),
    "vpc_private_subnets_route_through_nat": (
        edit(
            Routing,
            lambda r: replace(
                r,
                route_tables=tuple(
                    replace(t, routes=(Route("0.0.0.0/0", "igw-1"),))
                    if t.id == "rtb-private-d"
                    else t
                    for t in r.route_tables
                ),
            ),
        ),
        "routes 0.0.0.0/0 to igw-1, to the internet; the design routes it through a NAT",
    ),
    "vpc_nat_gateways_one_per_az": (
        _first(Routing, "nat_gateways", state="deleted"),
        "ap-northeast-1a has 0 available NAT gateways",
    ),
    "vpc_endpoints_present": (
        edit(VpcEndpoints, lambda e: replace(e, endpoints=e.endpoints[:-1])),
        "VPC vpc-1 has no interface endpoint for logs",
    ),
    "vpc_flow_logs_enabled": (
        _first(FlowLogs, "flow_logs", traffic_type="REJECT"),
        "none is ACTIVE with ALL traffic to /sakura-shop/vpc-flow-logs",
    ),
    "elbv2_alb_internet_facing_in_public_subnets": (
        edit(
            Alb,
            lambda a: replace(
                a,
                load_balancer=replace(
                    a.load_balancer, subnet_ids=("subnet-pub-a", "subnet-pub-c", "subnet-app-d")
                ),
            ),
        ),
        "outside the public tier: subnet-app-d (private-app, ap-northeast-1d); it has no "
        "public subnet in ap-northeast-1d",
    ),
    "elbv2_alb_https_listener_uses_designed_tls_policy": (
        _listener(443, ssl_policy="ELBSecurityPolicy-2016-08"),
        "uses ELBSecurityPolicy-2016-08, which allows TLSv1, TLSv1.1, AES128-GCM-SHA256",
    ),
    "acm_certificate_issued_not_expiring": (
        _certificate(not_after=datetime(2026, 12, 10, tzinfo=UTC)),
        "it expires 2026-12-10, within 30 days",
    ),
    "elbv2_alb_http_redirects_to_https": (
        _listener(80, default_actions=(ListenerAction("forward", forwards=(("tg", 1),)),)),
        "does forward; the design redirects to HTTPS:443 with HTTP_301",
    ),
    "elbv2_alb_drop_invalid_header_fields_enabled": (
        _attribute("routing.http.drop_invalid_header_fields.enabled", "false"),
        "has routing.http.drop_invalid_header_fields.enabled = false",
    ),
    "elbv2_alb_deletion_protection_enabled": (
        _attribute("deletion_protection.enabled", "false"),
        "deletion_protection.enabled = false",
    ),
    "elbv2_alb_access_logs_enabled": (
        _attribute("access_logs.s3.prefix", "other"),
        "prefix = other; the design logs to s3://sakura-shop-alb-access-logs/edge",
    ),
    "wafv2_web_acl_associated_with_alb": (
        change(WafAssociation, web_acl_name=None, web_acl_arn=None, web_acl=None),
        "is associated with no web ACL; the design associates sakura-shop-edge",
    ),
    "wafv2_web_acl_managed_rule_groups_present": (
        edit(
            WebAcls,
            lambda w: replace(w, designed=replace(w.designed, rules=w.designed.rules[:3])),
        ),
        "lacks the managed rule group AWS/AWSManagedRulesSQLiRuleSet",
    ),
    "route53_record_aliases_alb": (
        edit(
            DnsRecords,
            lambda d: replace(
                d,
                zones=(
                    replace(
                        d.zones[0],
                        records=(replace(d.records[1], alias_target="other.elb.amazonaws.com"),),
                    ),
                ),
            ),
        ),
        "shop.example.com points at A -> other.elb.amazonaws.com, not at ALB "
        f"sakura-shop-edge ({ALB_DNS})",
    ),
    "elbv2_internet_facing_only_designed_alb": (
        edit(
            LoadBalancers,
            lambda lbs: replace(
                lbs,
                load_balancers=(
                    *lbs.load_balancers,
                    LoadBalancer(
                        "old-elb", "old-elb", "classic", "internet-facing", "x", None, (), ()
                    ),
                ),
            ),
        ),
        "classic load balancer old-elb is internet-facing",
    ),
    "elbv2_alb_forwards_to_gateway_nodeport": (
        _forwarded(port=30081),
        "listener HTTPS:443, default action forwards to target group sakura-shop-istio-gateway "
        "(instance targets on HTTP:30081), not the gateway's target group (instance targets "
        "on HTTP:30080",
    ),
    "elbv2_target_group_health_checks_gateway_status_port": (
        _forwarded(health_check_port="traffic-port"),
        "checks HTTP port 30080 path /healthz/ready; the design checks HTTP port 30021",
    ),
    "autoscaling_node_group_attached_to_target_group": (
        edit(AlbTargetGroups, lambda g: replace(g, named=replace(g.named, attached_asgs=()))),
        "eks-core-1 is not attached to target group sakura-shop-istio-gateway",
    ),
    "ec2_node_security_group_admits_alb_on_nodeports": (
        _node_ingress(ALB_SG_30443),
        "admits the ALB on 30021, 30080, 30443; the design admits exactly 30021, 30080",
    ),
    "ec2_node_security_group_closed_to_internet": (
        _node_ingress(IngressRule("tcp", 22, 22, ("0.0.0.0/0",), ())),
        "sg-nodes tcp/22 from 0.0.0.0/0",
    ),
    "eks_cluster_version_at_least_floor": (
        _cluster(version="1.32"),
        "runs 1.32, below the design's floor 1.35",
    ),
    "eks_endpoint_private": (
        _cluster(endpoint_public=True, public_access_cidrs=("0.0.0.0/0",)),
        "public access is on; the design has it off",
    ),
    "eks_control_plane_logs_enabled": (
        _cluster(enabled_log_types=("api",)),
        "does not log audit, authenticator, controllerManager, scheduler",
    ),
    "eks_secrets_encrypted_with_designed_key": (
        _cluster(secrets_key_arns=("arn:aws:kms:ap-northeast-1:111122223333:key/other",)),
        "encrypts Secrets with arn:aws:kms:ap-northeast-1:111122223333:key/other; the design "
        "uses alias/sakura-shop-eks-secrets",
    ),
    "iam_oidc_provider_registered": (
        change(OidcProviders, urls=()),
        "is not registered as an IAM OIDC provider",
    ),
    "eks_node_groups_in_designed_subnets": (
        _first(NodeGroups, "groups", subnet_ids=("subnet-app-a", "subnet-pub-c")),
        "outside the private-app tier: subnet-pub-c (public, ap-northeast-1c)",
    ),
    "ec2_launch_template_requires_imdsv2": (
        _template(http_tokens="optional"),
        "sets tokens optional, hop limit 1; the design has tokens required, hop limit 1",
    ),
    "ec2_launch_template_volumes_encrypted": (
        _template(volumes=(Volume("/dev/xvda", False, "gp3", 50),)),
        "launch template of node group core leaves /dev/xvda unencrypted",
    ),
    "eks_addons_installed": (
        change(Addons, names=("vpc-cni", "coredns")),
        "add-on kube-proxy is not installed on cluster sakura-shop",
    ),
    "kms_key_rotation_enabled": (
        _first(KmsKeys, "keys", rotation_enabled=False),
        "alias/sakura-shop-eks-secrets (11111111-1111-1111-1111-111111111111) does not rotate",
    ),
    "ecr_repositories_tags_immutable": (
        _first(EcrRepositories, "repositories", tag_mutability="MUTABLE"),
        "sakura-shop/storefront has MUTABLE tags; the design has IMMUTABLE",
    ),
    "ecr_repositories_scan_on_push": (
        _first(EcrRepositories, "repositories", scan_on_push=False),
        "sakura-shop/storefront does not scan on push",
    ),
    "ecr_repositories_encrypted_with_designed_key": (
        _first(EcrRepositories, "repositories", encryption_type="AES256", kms_key=None),
        "is encrypted with AES256 the AWS managed key; the design uses KMS with "
        "alias/sakura-shop-data",
    ),
    "rds_cluster_encrypted_with_designed_key": (
        _first(DbClusters, "clusters", storage_encrypted=False),
        "Aurora cluster catalog-db is not encrypted; the design encrypts it",
    ),
    "rds_cluster_not_publicly_accessible": (
        _first(DbClusters, "clusters", instances=(DbInstance("catalog-db-1", True),)),
        "catalog-db has publicly accessible instances: catalog-db-1",
    ),
    "rds_cluster_in_private_data_subnets": (
        _first(DbClusters, "clusters", subnet_ids=("subnet-data-a", "subnet-app-c")),
        "outside the private-data tier: subnet-app-c (private-app, ap-northeast-1c)",
    ),
    "rds_cluster_deletion_protection_enabled": (
        _first(DbClusters, "clusters", deletion_protection=False),
        "catalog-db has deletion protection off; the design has it on",
    ),
    "elasticache_replication_group_encrypted": (
        _first(CacheGroups, "groups", transit_encryption=False),
        "cache cart-cache: in-transit encryption is off",
    ),
    "s3_bucket_public_access_blocked": (
        _first(BucketPublicAccess, "buckets", block={"BlockPublicAcls": True}),
        "does not set IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets",
    ),
    "secretsmanager_secret_encrypted_with_designed_key": (
        _first(Secrets, "secrets", kms_key_id=None),
        "provider-api-key is encrypted with the AWS managed key; the design uses "
        "alias/sakura-shop-data",
    ),
    "vpc_undeclared_subnets_keep_nodes_and_data_off_internet": (
        _undeclared_public_subnet_with_a_node,
        "undeclared subnet subnet-extra (10.20.200.0/24, ap-northeast-1a) routes 0.0.0.0/0 to "
        "igw-1, assigns public IPv4 addresses on launch, and holds nodes: i-9 (sg-nodes): a "
        "route from the internet to them around the ALB",
    ),
    "cloudtrail_trail_multi_region_logging": (
        _trail(logging=False),
        "trail sakura-shop-audit: it is not logging",
    ),
    "cloudtrail_log_file_validation_enabled": (
        _trail(log_file_validation=False),
        "trail sakura-shop-audit: log file validation is off",
    ),
    "cloudtrail_trail_encrypted_with_designed_key": (
        _trail(kms_key_id=None),
        "its log files are encrypted with SSE-S3, not a KMS key; the design uses "
        "alias/sakura-shop-audit",
    ),
    "cloudtrail_trail_delivers_to_designed_bucket": (
        _trail(bucket="someone-elses-bucket"),
        "it delivers to someone-elses-bucket; the design delivers to sakura-shop-audit-logs",
    ),
}


# Drifts whose consequences are rightly seen by other checks too: without the designed
# VPC no subnet can be placed in a tier, and a subnet moved to another zone no longer
# routes through its own zone's NAT gateway.
CONSEQUENCES = {
    "vpc_cidr_matches_design": {
        "vpc_subnets_match_design",
        "vpc_public_subnets_hold_only_edge",
        "vpc_private_subnets_no_public_ip",
        "vpc_private_subnets_route_through_nat",
        "vpc_nat_gateways_one_per_az",
        "vpc_endpoints_present",
        "vpc_flow_logs_enabled",
        "elbv2_alb_internet_facing_in_public_subnets",
        "eks_node_groups_in_designed_subnets",
        "rds_cluster_in_private_data_subnets",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
    },
    "vpc_subnets_match_design": {"vpc_private_subnets_route_through_nat"},
}


def test_every_aws_check_has_a_drift_case() -> None:
    assert sorted(DRIFTS) == sorted(AWS_CHECKS)


@pytest.mark.parametrize("check_id", AWS_CHECKS)
def test_check_passes_on_the_conforming_account(check_id: str, design: Design) -> None:
    results = evaluate(check_id, conforming(), design)
    assert results
    assert [r for r in results if r.status is not Status.PASS] == []


@pytest.mark.parametrize("check_id", sorted(DRIFTS))
def test_check_fails_on_its_drift_and_only_its_consequences_fail(
    check_id: str, design: Design
) -> None:
    drift, expected = DRIFTS[check_id]
    facts = drift(conforming())
    failures = [r for r in evaluate(check_id, facts, design) if r.status is Status.FAIL]
    assert failures, f"{check_id} did not fail"
    assert any(expected in said(r) for r in failures), [said(r) for r in failures]
    assert failing_checks(facts, design) == {check_id} | CONSEQUENCES.get(check_id, set())


def test_addons_skip_naming_the_gap_when_the_endpoint_cannot_list_them(design: Design) -> None:
    facts = change(Addons, names=None, gap="the endpoint does not implement eks:ListAddons")(
        conforming()
    )
    (result,) = evaluate("eks_addons_installed", facts, design)
    assert result.status is Status.SKIP
    assert "does not implement eks:ListAddons" in said(result)


def test_endpoint_public_to_designed_cidrs_passes_and_wider_fails(
    design_data: dict[str, Any],
) -> None:
    from eks_refarch.design.model import Design as Model

    design_data["eks"]["endpoint"].update(
        public_access=True, public_access_cidrs=["198.51.100.0/24"]
    )
    allowed = Model.model_validate(design_data)
    inside = _cluster(endpoint_public=True, public_access_cidrs=("198.51.100.128/25",))
    wider = _cluster(endpoint_public=True, public_access_cidrs=("0.0.0.0/0",))
    unknown = _cluster(endpoint_public=True, public_access_cidrs=None)
    assert [r.status for r in evaluate("eks_endpoint_private", inside(conforming()), allowed)] == [
        Status.PASS
    ]
    (fail,) = evaluate("eks_endpoint_private", wider(conforming()), allowed)
    assert fail.status is Status.FAIL
    assert "open to 0.0.0.0/0, beyond the designed 198.51.100.0/24" in said(fail)
    (skip,) = evaluate("eks_endpoint_private", unknown(conforming()), allowed)
    assert skip.status is Status.SKIP
    assert "publicAccessCidrs" in said(skip)


def test_node_security_group_checks_skip_when_no_group_can_be_known(design: Design) -> None:
    facts = _template(security_group_ids=())(conforming())
    facts = _cluster(cluster_security_group_id=None)(facts)
    for check_id in (
        "ec2_node_security_group_admits_alb_on_nodeports",
        "ec2_node_security_group_closed_to_internet",
    ):
        (result,) = evaluate(check_id, facts, design)
        assert result.status is Status.SKIP
        assert "clusterSecurityGroupId" in said(result)


def test_node_security_group_falls_back_to_the_cluster_group(design: Design) -> None:
    facts = _template(security_group_ids=())(conforming())
    facts = _node_ingress()(facts)
    (result,) = evaluate("ec2_node_security_group_closed_to_internet", facts, design)
    assert result.status is Status.PASS
    assert "sg-cluster" in result.resource


def test_a_missing_alb_fails_its_checks_rather_than_passing(design: Design) -> None:
    facts = change(Alb, load_balancer=None, attributes={}, listeners=())(conforming())
    for check_id in (
        "elbv2_alb_drop_invalid_header_fields_enabled",
        "elbv2_alb_https_listener_uses_designed_tls_policy",
        "route53_record_aliases_alb",
    ):
        (result,) = evaluate(check_id, facts, design)
        assert result.status is Status.FAIL
        assert "no load balancer is named sakura-shop-edge" in said(result)


def test_look_alike_albs_are_named_as_candidates_and_never_failed(design: Design) -> None:
    facts = change(Alb, load_balancer=None, candidates=("edge-a", "edge-b"))(conforming())
    for check_id in (
        "elbv2_alb_drop_invalid_header_fields_enabled",
        "elbv2_alb_internet_facing_in_public_subnets",
        "elbv2_alb_forwards_to_gateway_nodeport",
    ):
        (result,) = evaluate(check_id, facts, design)
        assert result.status is Status.ERROR
        assert "several could be it: edge-a, edge-b" in said(result)


@pytest.mark.parametrize("port", ["#{port}", "8443"])
def test_a_redirect_to_any_port_but_the_designed_https_port_fails(
    design: Design, port: str
) -> None:
    assert REDIRECT.redirect is not None
    redirect = replace(REDIRECT, redirect=replace(REDIRECT.redirect, port=port))
    facts = _listener(80, default_actions=(redirect,))(conforming())
    (result,) = evaluate("elbv2_alb_http_redirects_to_https", facts, design)
    assert result.status is Status.FAIL
    assert f"redirect to HTTPS:{port} (HTTP_301)" in said(result)


def test_two_look_alike_vpcs_without_evidence_are_errors_never_failures(design: Design) -> None:
    """Two VPCs with the designed CIDR block and nothing designed in either to tell them
    apart: every check that needs the design's VPC says it cannot tell, naming both; no
    check fails because of it."""

    def look_alike(vpcs: Vpcs) -> Vpcs:
        twin = replace(vpcs.vpcs[0], id="vpc-twin", holds=())
        return replace(vpcs, vpcs=(replace(vpcs.vpcs[0], holds=()), twin, *vpcs.vpcs[1:]))

    facts = edit(Vpcs, look_alike)(conforming())
    assert failing_checks(facts, design) == set()
    undecided = {
        check_id
        for check_id in AWS_CHECKS
        if any(r.status is Status.ERROR for r in evaluate(check_id, facts, design))
    }
    assert undecided == {
        "vpc_cidr_matches_design",
        "vpc_subnets_match_design",
        "vpc_public_subnets_hold_only_edge",
        "vpc_private_subnets_no_public_ip",
        "vpc_private_subnets_route_through_nat",
        "vpc_nat_gateways_one_per_az",
        "vpc_endpoints_present",
        "vpc_flow_logs_enabled",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
        "elbv2_alb_internet_facing_in_public_subnets",
        "eks_node_groups_in_designed_subnets",
        "rds_cluster_in_private_data_subnets",
    }
    (said_,) = evaluate("vpc_cidr_matches_design", facts, design)
    assert "2 VPCs have the designed CIDR block 10.20.0.0/16: vpc-1 (holds neither" in said(said_)
    assert "vpc-twin (holds neither the designed ALB nor the cluster)" in said(said_)


def test_a_look_alike_vpc_is_told_apart_by_what_it_holds(design: Design) -> None:
    def twin(vpcs: Vpcs) -> Vpcs:
        return replace(vpcs, vpcs=(*vpcs.vpcs, replace(vpcs.vpcs[0], id="vpc-twin", holds=())))

    facts = edit(Vpcs, twin)(conforming())
    assert failing_checks(facts, design) == set()
    (result,) = evaluate("vpc_cidr_matches_design", facts, design)
    assert result.status is Status.PASS
    assert said(result) == (
        "VPC vpc-1 has the designed CIDR block 10.20.0.0/16 (chosen among vpc-1, vpc-twin, "
        "which all have it, because it holds ALB sakura-shop-edge)"
    )


@pytest.mark.parametrize(
    ("domain", "is_default", "status"),
    [
        ("partner.example.org", False, Status.PASS),  # serves another name: expiry only
        ("shop.example.com", False, Status.FAIL),  # serves the designed domain
        ("partner.example.org", True, Status.FAIL),  # the default serves clients without SNI
    ],
)
def test_a_certificate_awaiting_validation_fails_only_where_it_serves_the_domain(
    design: Design, domain: str, is_default: bool, status: Status
) -> None:
    def add(certs: ListenerCertificates) -> ListenerCertificates:
        listener = certs.listeners[0]
        pending = Certificate(
            "arn:aws:acm:cert/2", domain, (), "PENDING_VALIDATION", None, is_default
        )
        return replace(
            certs, listeners=(replace(listener, certificates=(*listener.certificates, pending)),)
        )

    results = evaluate(
        "acm_certificate_issued_not_expiring", edit(ListenerCertificates, add)(conforming()), design
    )
    (judged,) = [r for r in results if r.resource == "arn:aws:acm:cert/2"]
    assert judged.status is status
    assert "PENDING_VALIDATION" in said(judged)


@pytest.mark.parametrize("drifted", [False, True], ids=["conforming", "drifted"])
@pytest.mark.parametrize("check_id", sorted(DRIFTS))
def test_every_result_names_its_resource_and_reads_whole_in_each_language(
    design: Design, check_id: str, drifted: bool
) -> None:
    """A reader acts on the resource a result names and on what its message says: neither
    may be empty, a placeholder left unfilled, or a value that was never set."""
    facts = DRIFTS[check_id][0](conforming()) if drifted else conforming()
    results = evaluate(check_id, facts, design)
    assert results
    for result in results:
        assert isinstance(result.resource, str), result
        assert result.resource.strip(), result
        assert result.resource != "None", result
        for lang in LANGUAGES:
            text = render(result.message, lang)
            assert text.strip(), result
            assert "None" not in text, (lang, text)
            assert "{" not in text or "#{" in text, (lang, text)  # ALB redirect tokens are #{..}
