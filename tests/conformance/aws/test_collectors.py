"""AWS collectors against the demo account in moto: what they read, and what they may read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from eks_refarch.conformance.aws import collectors, edge_collectors
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import CollectorSpec
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
    per_resource = {
        "DescribeKey",
        "GetKeyRotationStatus",
        "GetPublicAccessBlock",
        "DescribeRules",  # one call per listener
    }
    repeated = {op: s.calls for (_, op), s in ctx.stats.operations.items() if s.calls > 1}
    assert set(repeated) <= per_resource, repeated


def test_network_collectors_see_the_designed_vpc(demo_account: Account, design: Design) -> None:
    net = design.network
    ctx = fresh_context(demo_account)
    vpcs = collectors.vpcs(ctx, design)
    (vpc,) = vpcs.with_cidr(net.vpc_cidr)
    seen = {(s.cidr, s.az, s.map_public_ip_on_launch) for s in vpcs.in_vpc(vpc.id)}
    assert seen == {(s.cidr, s.az, s.tier == "public") for s in net.subnets}
    routing = collectors.routing(ctx, design)
    mine = [n for n in routing.nat_gateways if n.vpc_id == vpc.id]
    assert [n.state for n in mine] == ["available"] * len(net.availability_zones)
    assert all(n.interface_ids for n in mine)
    for designed in net.subnets_in("private-app"):
        app = next(s for s in vpcs.in_vpc(vpc.id) if s.cidr == designed.cidr)
        table = routing.table_for(app)
        assert table is not None
        assert any(
            r.destination == "0.0.0.0/0" and r.target.startswith("nat-") for r in table.routes
        )
    endpoints = collectors.vpc_endpoints(ctx, design).endpoints
    assert {
        (e.service_name.removeprefix(f"com.amazonaws.{design.product.region}."), e.type)
        for e in endpoints
        if e.vpc_id == vpc.id
    } == {(name, "Gateway") for name in net.vpc_endpoints.gateway} | {
        (name, "Interface") for name in net.vpc_endpoints.interface
    }
    (flow,) = [f for f in collectors.flow_logs(ctx, design).flow_logs if f.resource_id == vpc.id]
    assert (flow.traffic_type, flow.log_group) == (
        net.flow_logs.traffic_type,
        net.flow_logs.log_group,
    )
    groups = collectors.security_groups(ctx, design)
    nodes = next(g for g in groups.groups if g.id == demo_account.ids["sg:nodes"])
    target = design.edge.target_group
    assert Counter(r.from_port for r in nodes.ingress) == Counter(
        {target.port, target.health_check_port}
    )


def test_edge_collectors_see_the_alb_and_what_it_forwards_to(
    demo_account: Account, design: Design
) -> None:
    edge = design.edge
    ctx = fresh_context(demo_account)
    alb = edge_collectors.alb(ctx, design)
    assert alb.load_balancer is not None
    assert alb.attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    https = alb.listener(edge.alb.https_port)
    assert https is not None
    assert (https.protocol, https.ssl_policy) == ("HTTPS", edge.alb.ssl_policy)
    groups = edge_collectors.alb_target_groups(ctx, design)
    (forwarded,) = groups.forwarded
    assert (forwarded.port, forwarded.target_type, forwarded.effective_health_check_port) == (
        edge.target_group.port,
        edge.target_group.target_type,
        edge.target_group.health_check_port,
    )
    assert forwarded.health_check_path == edge.target_group.health_check_path
    assert forwarded.attached_asgs
    assert groups.named == forwarded
    (cert,) = edge_collectors.listener_certificates(ctx, design).certificates
    assert (cert.domain, cert.status) == (edge.certificate.domain, "ISSUED")
    assert edge_collectors.waf_association(ctx, design).web_acl_name == edge.waf.name
    acl = edge_collectors.web_acls(ctx, design).designed
    assert acl is not None
    assert set(acl.managed_rule_groups) == {f"AWS/{g}" for g in edge.waf.managed_rule_groups}
    dns = edge_collectors.dns_records(ctx, design)
    assert [r.alias_target for r in dns.records if r.type == "A"] == [
        alb.load_balancer.dns_name.rstrip(".")
    ]
    public = list(edge_collectors.load_balancers(ctx, design).load_balancers)
    assert [lb.name for lb in public] == [edge.alb.name]


def test_eks_collectors_see_cluster_node_group_and_template(
    demo_account: Account, design: Design
) -> None:
    eks = design.eks
    ctx = fresh_context(demo_account)
    cluster = collectors.eks_cluster(ctx, design).cluster
    assert cluster is not None
    assert (cluster.version, cluster.endpoint_public, cluster.endpoint_private) == (
        eks.version_floor,
        eks.endpoint.public_access,
        eks.endpoint.private_access,
    )
    assert set(cluster.enabled_log_types) == set(eks.control_plane_logs)
    assert cluster.cluster_security_group_id is None  # moto 5.2.5 does not return it
    (designed,) = eks.node_groups
    (group,) = collectors.node_groups(ctx, design).groups
    assert group.launch_template is not None
    assert (group.launch_template.http_tokens, group.launch_template.hop_limit) == (
        designed.imds.http_tokens,
        designed.imds.hop_limit,
    )
    assert group.launch_template.volumes[0].encrypted
    addons = collectors.addons(ctx, design)
    assert addons.names is None
    assert addons.gap is not None
    assert "does not implement eks:ListAddons" in str(addons.gap)
    issuer = (cluster.oidc_issuer or "").removeprefix("https://")
    assert issuer in collectors.oidc_providers(ctx, design).urls


def test_data_collectors_see_keys_registry_and_stores(
    demo_account: Account, design: Design
) -> None:
    ctx = fresh_context(demo_account)
    keys = collectors.kms_keys(ctx, design)
    assert [(k.alias, k.rotation_enabled, k.manager) for k in keys.keys] == [
        (k.alias, k.rotation, "CUSTOMER") for k in design.security.kms_keys
    ]
    registry = design.registry
    repositories = collectors.ecr_repositories(ctx, design)
    for name in registry.repositories:
        repo = repositories.get(name)
        assert repo is not None
        assert (repo.tag_mutability, repo.scan_on_push) == (
            registry.image_tag_mutability,
            registry.scan_on_push,
        )
    azs = len(design.network.availability_zones)
    clusters = collectors.db_clusters(ctx, design)
    for designed in design.data.databases:
        db = clusters.get(designed.name)
        assert db is not None
        assert db.storage_encrypted
        assert db.deletion_protection
        assert len(db.subnet_ids) == azs
        assert [i.publicly_accessible for i in db.instances] == [False]
    groups = collectors.cache_groups(ctx, design)
    for designed_cache in design.data.caches:
        cache = groups.get(designed_cache.name)
        assert cache is not None
        assert cache.transit_encryption
        assert cache.at_rest_encryption
    buckets = collectors.bucket_public_access(ctx, design).buckets
    assert {b.name for b in buckets} == {b.name for b in design.data.buckets}
    assert all(b.exists and b.block and all(b.block.values()) for b in buckets)
    secrets = collectors.secrets(ctx, design)
    for designed_secret in design.data.secrets:
        secret = secrets.get(designed_secret.name)
        assert secret is not None
        assert keys.key_id(secret.kms_key_id) == keys.aliases[designed_secret.kms_key]


@pytest.fixture
def empty_account(monkeypatch: pytest.MonkeyPatch, design: Design) -> Iterator[AwsContext]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield AwsContext(AwsOptions(region=design.product.region))


def test_collectors_report_missing_resources_as_facts(
    empty_account: AwsContext, design: Design
) -> None:
    absent, present = (b.name for b in design.data.buckets[:2])
    boto3.client("s3", region_name=design.product.region).create_bucket(
        Bucket=present,
        CreateBucketConfiguration={"LocationConstraint": design.product.region},
    )
    assert collectors.eks_cluster(empty_account, design).cluster is None
    assert collectors.node_groups(empty_account, design).groups == ()
    assert edge_collectors.alb(empty_account, design).load_balancer is None
    assert edge_collectors.alb_target_groups(empty_account, design).forwarded == ()
    assert edge_collectors.waf_association(empty_account, design).alb_arn is None
    assert edge_collectors.web_acls(empty_account, design).designed is None
    assert edge_collectors.dns_records(empty_account, design).zone_id is None
    assert edge_collectors.listener_certificates(empty_account, design).certificates == ()
    buckets = {b.name: b for b in collectors.bucket_public_access(empty_account, design).buckets}
    assert not buckets[absent].exists
    assert buckets[present].exists
    assert buckets[present].block is None


class _Canned:
    """Answers a collector's reads from a table, as AWS would: (service, method) -> answer."""

    def __init__(self, answers: dict[tuple[str, str], dict[str, object]]) -> None:
        self.answers = answers

    def call(self, service: str, method: str, **params: object) -> dict[str, object]:
        return self.answers[(service, method)]

    paginate = call


@pytest.mark.parametrize("listed_with_the_default", [True, False], ids=["moto", "aws"])
def test_sni_certificates_are_read_whichever_api_lists_them(
    design: Design, listed_with_the_default: bool
) -> None:
    """moto 5.2.5 lists a listener's SNI certificates in DescribeListeners; AWS lists only
    the default one there, and every one in DescribeListenerCertificates."""
    alb_arn = "arn:aws:elasticloadbalancing:ap-northeast-1:1:loadbalancer/app/x/1"
    default, sni = "arn:aws:acm:cert/default", "arn:aws:acm:cert/sni"
    listed = [default, sni] if listed_with_the_default else [default]
    certificate = {
        "DomainName": design.edge.certificate.domain,
        "Status": "ISSUED",
        "NotAfter": datetime(2030, 1, 1, tzinfo=UTC),
    }
    ctx = _Canned(
        {
            ("elbv2", "describe_load_balancers"): {
                "LoadBalancers": [
                    {
                        "LoadBalancerArn": alb_arn,
                        "LoadBalancerName": design.edge.alb.name,
                        "Scheme": "internet-facing",
                    }
                ]
            },
            ("elbv2", "describe_listeners"): {
                "Listeners": [
                    {
                        "ListenerArn": "arn:listener/https",
                        "Port": design.edge.alb.https_port,
                        "Protocol": "HTTPS",
                        "Certificates": [{"CertificateArn": arn} for arn in listed],
                        "DefaultActions": [],
                    }
                ]
            },
            ("elbv2", "describe_listener_certificates"): {
                "Certificates": [
                    {"CertificateArn": default, "IsDefault": True},
                    {"CertificateArn": sni, "IsDefault": False},
                ]
            },
            ("acm", "describe_certificate"): {"Certificate": certificate},
        }
    )
    (listener,) = edge_collectors.listener_certificates(ctx, design).listeners  # type: ignore[arg-type]
    assert [(c.arn, c.is_default) for c in listener.certificates] == [
        (default, True),
        (sni, False),
    ]
