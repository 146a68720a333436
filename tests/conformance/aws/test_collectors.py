"""AWS collectors against the demo account in moto: what they read, and what they may read."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from eks_refarch.conformance.aws import collectors
from eks_refarch.conformance.aws.context import AwsContext, AwsOptions
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import CollectorSpec, load_builtin_checks
from eks_refarch.demo.provision import Account
from eks_refarch.design import Design
from tests.demo.fixtures import fresh_context

AWS_COLLECTORS = [c for c in load_builtin_checks().collectors() if c.source is Source.AWS]


@pytest.mark.parametrize("spec", AWS_COLLECTORS, ids=lambda c: c.kind.__name__)
def test_a_collector_calls_exactly_the_actions_it_declares(
    spec: CollectorSpec, demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    spec.func(ctx, design)
    assert ctx.stats.actions() == set(spec.actions)


@pytest.mark.parametrize("spec", AWS_COLLECTORS, ids=lambda c: c.kind.__name__)
def test_a_collector_lists_each_thing_once(
    spec: CollectorSpec, demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    spec.func(ctx, design)
    per_resource = {"DescribeKey", "GetKeyRotationStatus", "GetPublicAccessBlock"}
    repeated = {op: s.calls for (_, op), s in ctx.stats.operations.items() if s.calls > 1}
    assert set(repeated) <= per_resource, repeated


def test_network_collectors_see_the_designed_vpc(demo_account: Account, design: Design) -> None:
    ctx = fresh_context(demo_account)
    vpcs = collectors.vpcs(ctx, design)
    (vpc,) = vpcs.with_cidr("10.20.0.0/16")
    subnets = {(s.cidr, s.az, s.map_public_ip_on_launch) for s in vpcs.in_vpc(vpc.id)}
    assert ("10.20.0.0/24", "ap-northeast-1a", True) in subnets
    assert ("10.20.66.0/24", "ap-northeast-1d", False) in subnets
    assert len(subnets) == 9
    routing = collectors.routing(ctx, design)
    mine = [n for n in routing.nat_gateways if n.vpc_id == vpc.id]
    assert [n.state for n in mine] == ["available"] * 3
    assert all(n.interface_ids for n in mine)
    app = next(s for s in vpcs.in_vpc(vpc.id) if s.cidr == "10.20.16.0/20")
    table = routing.table_for(app)
    assert table is not None
    assert any(r.destination == "0.0.0.0/0" and r.target.startswith("nat-") for r in table.routes)
    endpoints = collectors.vpc_endpoints(ctx, design).endpoints
    assert {
        (e.service_name.rsplit(".", 1)[-1], e.type) for e in endpoints if e.vpc_id == vpc.id
    } >= {
        ("s3", "Gateway"),
        ("sts", "Interface"),
        ("logs", "Interface"),
    }
    (flow,) = [f for f in collectors.flow_logs(ctx, design).flow_logs if f.resource_id == vpc.id]
    assert (flow.traffic_type, flow.log_group) == ("ALL", "/sakura-shop/vpc-flow-logs")
    groups = collectors.security_groups(ctx, design)
    nodes = next(g for g in groups.groups if g.name == "sakura-shop-nodes")
    assert sorted(r.from_port for r in nodes.ingress) == [30021, 30080]


def test_edge_collectors_see_the_alb_and_what_it_forwards_to(
    demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    alb = collectors.alb(ctx, design)
    assert alb.load_balancer is not None
    assert alb.attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    https = alb.listener(443)
    assert https is not None
    assert (https.protocol, https.ssl_policy) == ("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    groups = collectors.alb_target_groups(ctx, design)
    (forwarded,) = groups.forwarded
    assert (forwarded.port, forwarded.target_type, forwarded.effective_health_check_port) == (
        30080,
        "instance",
        30021,
    )
    assert forwarded.health_check_path == "/healthz/ready"
    assert forwarded.attached_asgs
    assert groups.named == forwarded
    (cert,) = collectors.listener_certificates(ctx, design).certificates
    assert (cert.domain, cert.status) == ("shop.example.com", "ISSUED")
    assert collectors.waf_association(ctx, design).web_acl_name == "sakura-shop-edge"
    acl = collectors.web_acls(ctx, design).designed
    assert acl is not None
    assert "AWS/AWSManagedRulesSQLiRuleSet" in acl.managed_rule_groups
    dns = collectors.dns_records(ctx, design)
    assert [r.alias_target for r in dns.records if r.type == "A"] == [
        alb.load_balancer.dns_name.rstrip(".")
    ]
    public = list(collectors.load_balancers(ctx, design).load_balancers)
    assert [lb.name for lb in public] == ["sakura-shop-edge"]


def test_eks_collectors_see_cluster_node_group_and_template(
    demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    cluster = collectors.eks_cluster(ctx, design).cluster
    assert cluster is not None
    assert (cluster.version, cluster.endpoint_public, cluster.endpoint_private) == (
        "1.33",
        False,
        True,
    )
    assert set(cluster.enabled_log_types) == set(design.eks.control_plane_logs)
    assert cluster.cluster_security_group_id is None  # moto 5.2.5 does not return it
    (group,) = collectors.node_groups(ctx, design).groups
    assert group.launch_template is not None
    assert (group.launch_template.http_tokens, group.launch_template.hop_limit) == ("required", 1)
    assert group.launch_template.volumes[0].encrypted
    addons = collectors.addons(ctx, design)
    assert addons.names is None
    assert addons.gap is not None
    assert "does not implement eks:ListAddons" in addons.gap
    issuer = (cluster.oidc_issuer or "").removeprefix("https://")
    assert issuer in collectors.oidc_providers(ctx, design).urls


def test_data_collectors_see_keys_registry_and_stores(
    demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    keys = collectors.kms_keys(ctx, design)
    assert [(k.alias, k.rotation_enabled, k.manager) for k in keys.keys] == [
        ("alias/sakura-shop-eks-secrets", True, "CUSTOMER"),
        ("alias/sakura-shop-data", True, "CUSTOMER"),
    ]
    repo = collectors.ecr_repositories(ctx, design).get("sakura-shop/cart")
    assert repo is not None
    assert (repo.tag_mutability, repo.scan_on_push) == ("IMMUTABLE", True)
    db = collectors.db_clusters(ctx, design).get("orders-db")
    assert db is not None
    assert db.storage_encrypted
    assert db.deletion_protection
    assert len(db.subnet_ids) == 3
    assert [i.publicly_accessible for i in db.instances] == [False]
    cache = collectors.cache_groups(ctx, design).get("cart-cache")
    assert cache is not None
    assert cache.transit_encryption
    assert cache.at_rest_encryption
    buckets = collectors.bucket_public_access(ctx, design).buckets
    assert all(b.exists and b.block and all(b.block.values()) for b in buckets)
    secret = collectors.secrets(ctx, design).get("sakura-shop/orders/db-credentials")
    assert secret is not None
    assert keys.key_id(secret.kms_key_id) == keys.aliases["alias/sakura-shop-data"]


@pytest.fixture
def empty_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield AwsContext(AwsOptions(region="ap-northeast-1"))


def test_collectors_report_missing_resources_as_facts(
    empty_account: AwsContext, design: Design
) -> None:
    boto3.client("s3", region_name="ap-northeast-1").create_bucket(
        Bucket="sakura-shop-assets",
        CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"},
    )
    assert collectors.eks_cluster(empty_account, design).cluster is None
    assert collectors.node_groups(empty_account, design).groups == ()
    assert collectors.alb(empty_account, design).load_balancer is None
    assert collectors.alb_target_groups(empty_account, design).forwarded == ()
    assert collectors.waf_association(empty_account, design).alb_arn is None
    assert collectors.web_acls(empty_account, design).designed is None
    assert collectors.dns_records(empty_account, design).zone_id is None
    assert collectors.listener_certificates(empty_account, design).certificates == ()
    buckets = {b.name: b for b in collectors.bucket_public_access(empty_account, design).buckets}
    assert not buckets["sakura-shop-alb-access-logs"].exists
    assert buckets["sakura-shop-assets"].exists
    assert buckets["sakura-shop-assets"].block is None
