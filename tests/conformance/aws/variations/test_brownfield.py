"""The brownfield account: the design's resources plus what other teams keep beside them
(a VPC, a cluster and its node group, an internal ALB with its own WAF, look-alike names
of every designed kind, a second region and the default VPC). refarch must give exactly
the findings of the clean account."""

from __future__ import annotations

from typing import Any

from botocore.config import Config

from eks_refarch.demo.provision import Account
from tests.conformance.aws.variations.conftest import Baseline, check
from tests.conformance.aws.variations.scenarios import (
    VISIBILITY,
    _instance,
    _internal_alb,
    _other_team_vpc,
    _same_cidr_vpc,
)

OTHER_REGION = "us-west-2"


def _in(account: Account, service: str, region: str) -> Any:
    return account.session.client(
        service,
        region_name=region,
        endpoint_url=account.endpoint_url,
        config=Config(s3={"addressing_style": "path"}),
    )


def _role(account: Account, name: str) -> str:
    arn: str = account.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")[
        "Role"
    ]["Arn"]
    return arn


def _other_team(account: Account) -> None:
    """Another team's platform in the same account and region, named like the design's."""
    design = account.design
    name = design.product.name
    other = _other_team_vpc(account, "10.30.0.0/16", f"{name}-staging")
    subnets = [other["subnet"], other["subnet2"]]
    eks = account.client("eks")
    cluster = f"{design.eks.cluster_name}-staging"
    eks.create_cluster(
        name=cluster,
        roleArn=_role(account, f"{cluster}-cluster"),
        resourcesVpcConfig={"subnetIds": subnets},
    )
    eks.create_nodegroup(
        clusterName=cluster,
        nodegroupName=design.eks.node_groups[0].name,
        subnets=subnets,
        nodeRole=_role(account, f"{cluster}-nodes"),
    )
    elbv2 = account.client("elbv2")
    alb = _internal_alb(account, f"{design.edge.alb.name}-internal", subnets)
    group = elbv2.create_target_group(
        Name=f"{design.edge.target_group.name}-stg",
        Protocol="HTTP",
        Port=8080,
        VpcId=other["vpc"],
        TargetType="instance",
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=alb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group}],
    )
    waf = account.client("wafv2")
    acl = waf.create_web_acl(
        Name=f"{design.edge.waf.name}-staging",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={**VISIBILITY, "MetricName": "staging"},
        Rules=[],
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=alb)
    _look_alikes(account)


def _look_alikes(account: Account) -> None:
    """One look-alike of every designed kind: a name the design's plus a suffix."""
    design = account.design
    region = design.product.region
    key = account.client("kms").create_key(Description="staging")["KeyMetadata"]["KeyId"]
    for spec in design.security.kms_keys:
        account.client("kms").create_alias(AliasName=f"{spec.alias}-staging", TargetKeyId=key)
    s3 = account.client("s3")
    for bucket in design.data.buckets:
        s3.create_bucket(
            Bucket=f"{bucket.name}-staging",
            CreateBucketConfiguration={"LocationConstraint": region},
        )
    for repository in design.registry.repositories:
        account.client("ecr").create_repository(repositoryName=f"{repository}-staging")
    for secret in design.data.secrets:
        account.client("secretsmanager").create_secret(
            Name=f"{secret.name}-staging", SecretString="placeholder"
        )
    trail = design.security.audit_trail
    account.client("cloudtrail").create_trail(
        Name=f"{trail.name}-staging", S3BucketName=f"{trail.bucket}-staging"
    )
    account.client("route53").create_hosted_zone(
        Name=f"staging.{design.edge.dns.zone}", CallerReference="brownfield-staging"
    )


def _second_region(account: Account) -> None:
    """The same design deployed in another region: same CIDR, same names, public ALB."""
    design = account.design
    ec2 = _in(account, "ec2", OTHER_REGION)
    vpc = ec2.create_vpc(CidrBlock=design.network.vpc_cidr)["Vpc"]["VpcId"]
    zones = [f"{OTHER_REGION}a", f"{OTHER_REGION}b"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=s.cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for s, az in zip(design.network.subnets_in("public"), zones, strict=False)
    ]
    _in(account, "elbv2", OTHER_REGION).create_load_balancer(
        Name=design.edge.alb.name, Subnets=subnets, Scheme="internet-facing", Type="application"
    )
    _in(account, "eks", OTHER_REGION).create_cluster(
        name=design.eks.cluster_name,
        roleArn=_role(account, "west-cluster"),
        resourcesVpcConfig={"subnetIds": subnets},
    )


def _default_vpc_in_use(account: Account) -> None:
    """The region's default VPC, as accounts use it: an instance with a world-open group."""
    ec2 = account.client("ec2")
    (default,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]}])[
        "Subnets"
    ][0]["SubnetId"]
    group = ec2.create_security_group(
        GroupName="launch-wizard-1", Description="the console's default", VpcId=default["VpcId"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "-1",
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            }
        ],
    )
    _instance(account, subnet, group)


def brownfield(account: Account) -> None:
    _other_team(account)
    _second_region(account)
    _default_vpc_in_use(account)


def test_the_brownfield_account_gets_exactly_the_findings_of_the_clean_one(
    baseline: Baseline,
) -> None:
    result = baseline.vary(brownfield)
    assert [f.as_dict() for f in result.findings] == [f.as_dict() for f in baseline.clean.findings]
    assert result.exit_code == baseline.clean.exit_code


def test_a_copy_of_the_design_vpc_beside_it_changes_only_how_the_choice_is_told(
    baseline: Baseline,
) -> None:
    """Another team's VPC with the designed CIDR block too: every verdict and resource is
    the clean account's; the VPC check's message says which VPC was chosen, and why."""
    baseline.state.restore()
    brownfield(baseline.account)
    _same_cidr_vpc(baseline.account)
    result = check(baseline.account)
    seen = [(f.check, f.status, f.resource) for f in result.findings]
    assert seen == [(f.check, f.status, f.resource) for f in baseline.clean.findings]
    told = {
        f.check: str(f.message)
        for f in result.findings
        if str(f.message) not in {str(c.message) for c in baseline.clean.findings}
    }
    assert set(told) == {"vpc_cidr_matches_design"}
    assert "because it holds ALB sakura-shop-edge" in told["vpc_cidr_matches_design"]
