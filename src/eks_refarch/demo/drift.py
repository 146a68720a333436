"""Drift scenarios: one boto3 change to the provisioned demo account, and the check it breaks.

Each scenario is what someone might do by hand in a console. Applied to the conforming
account, it must turn exactly its check to ``fail`` and leave every other result as it
was; the tests hold each scenario to that.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from eks_refarch.demo.provision import Account, launch_template_data, self_signed_certificate
from eks_refarch.design import Design
from eks_refarch.i18n import N_


@dataclass(frozen=True)
class Drift:
    name: str
    summary: str  # English, marked with N_ for the catalog; shown with tr
    check: str  # the one check id this drift must turn to fail
    apply: Callable[[Account], None]


def _public_endpoint(account: Account) -> None:
    design = account.design
    # moto 5.2.5 replaces the whole resourcesVpcConfig on update (AWS merges it), so the
    # subnets are sent again to keep the cluster where it was.
    account.client("eks").update_cluster_config(
        name=design.eks.cluster_name,
        resourcesVpcConfig={
            "subnetIds": account.subnet_ids("private-app"),
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
    )


def _waf_detached(account: Account) -> None:
    account.client("wafv2").disassociate_web_acl(ResourceArn=account.ids["alb"])


def _target_group_port(account: Account) -> None:
    tg = account.design.edge.target_group
    elbv2 = account.client("elbv2")
    moved = elbv2.create_target_group(
        Name=f"{tg.name}-new",
        Protocol=tg.protocol,
        Port=tg.port + 1,
        VpcId=account.ids["vpc"],
        TargetType=tg.target_type,
        HealthCheckProtocol="HTTP",
        HealthCheckPort=str(tg.health_check_port),
        HealthCheckPath=tg.health_check_path,
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.modify_listener(
        ListenerArn=account.ids["listener:https"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": moved}],
    )


def _imdsv1_allowed(account: Account) -> None:
    group = account.design.eks.node_groups[0].name
    template = account.ids[f"launch_template:{group}"]
    ec2 = account.client("ec2")
    version = ec2.create_launch_template_version(
        LaunchTemplateId=template,
        LaunchTemplateData=launch_template_data(account, group, HttpTokens="optional"),
    )["LaunchTemplateVersion"]["VersionNumber"]
    ec2.modify_launch_template(LaunchTemplateId=template, DefaultVersion=str(version))


def _http_not_redirecting(account: Account) -> None:
    account.client("elbv2").modify_listener(
        ListenerArn=account.ids["listener:http"],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": account.ids["target_group"]}],
    )


def _flow_logs_off(account: Account) -> None:
    account.client("ec2").delete_flow_logs(FlowLogIds=[account.ids["flow_log"]])


def _ecr_mutable_tags(account: Account) -> None:
    account.client("ecr").put_image_tag_mutability(
        repositoryName=account.design.registry.repositories[0], imageTagMutability="MUTABLE"
    )


def _node_ssh_open(account: Account) -> None:
    account.client("ec2").authorize_security_group_ingress(
        GroupId=account.ids["sg:nodes"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )


def _key_rotation_off(account: Account) -> None:
    alias = account.design.registry.kms_key
    account.client("kms").disable_key_rotation(KeyId=account.ids[f"key:{alias}"])


def _bucket_public(account: Account) -> None:
    account.client("s3").delete_public_access_block(Bucket=account.design.data.buckets[-1].name)


def _second_public_alb(account: Account) -> None:
    design = account.design
    account.client("elbv2").create_load_balancer(
        Name=f"{design.edge.alb.name}-test",
        Subnets=account.subnet_ids("public"),
        Scheme="internet-facing",
        Type="application",
    )


def gateway_copy(account: Account, name: str, port: int) -> str:
    """A target group like the gateway's, on another port: its health check is the
    designed one, so only where it sends traffic departs from the design."""
    tg = account.design.edge.target_group
    arn: str = account.client("elbv2").create_target_group(
        Name=name,
        Protocol=tg.protocol,
        Port=port,
        VpcId=account.ids["vpc"],
        TargetType=tg.target_type,
        HealthCheckProtocol=tg.health_check.protocol,
        HealthCheckPort=str(tg.health_check_port),
        HealthCheckPath=tg.health_check_path,
    )["TargetGroups"][0]["TargetGroupArn"]
    return arn


def _rule_bypass(account: Account) -> None:
    other = gateway_copy(account, "admin-console", 8080)
    account.client("elbv2").create_rule(
        ListenerArn=account.ids["listener:https"],
        Priority=1,
        Conditions=[{"Field": "path-pattern", "Values": ["/*"]}],
        Actions=[{"Type": "forward", "TargetGroupArn": other}],
    )


def _tls_policy_weaker(account: Account) -> None:
    account.client("elbv2").modify_listener(
        ListenerArn=account.ids["listener:https"], SslPolicy="ELBSecurityPolicy-2016-08"
    )


def _sni_certificate_expiring(account: Account) -> None:
    certificate, key = self_signed_certificate(
        account.design, datetime.now(UTC) - timedelta(days=390), domain="partner.example.org"
    )
    arn = account.client("acm").import_certificate(Certificate=certificate, PrivateKey=key)[
        "CertificateArn"
    ]
    account.client("elbv2").add_listener_certificates(
        ListenerArn=account.ids["listener:https"], Certificates=[{"CertificateArn": arn}]
    )


def _health_check_protocol(account: Account) -> None:
    account.client("elbv2").modify_target_group(
        TargetGroupArn=account.ids["target_group"], HealthCheckProtocol="HTTPS"
    )


def _waf_count(account: Account) -> None:
    waf = account.client("wafv2")
    name = account.design.edge.waf.name
    summary = next(a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name)
    current = waf.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])
    acl: dict[str, Any] = current["WebACL"]
    waf.update_web_acl(
        Name=name,
        Scope="REGIONAL",
        Id=summary["Id"],
        DefaultAction=acl["DefaultAction"],
        VisibilityConfig=acl["VisibilityConfig"],
        Rules=[{**rule, "OverrideAction": {"Count": {}}} for rule in acl["Rules"]],
        LockToken=current["LockToken"],
    )


def _node_open_in_halves(account: Account) -> None:
    port = account.design.edge.target_group.port
    account.client("ec2").authorize_security_group_ingress(
        GroupId=account.ids["sg:nodes"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "IpRanges": [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}],
            }
        ],
    )


def _undeclared_public_subnet(account: Account) -> None:
    ec2 = account.client("ec2")
    net = account.design.network
    subnet = ec2.create_subnet(
        VpcId=account.ids["vpc"],
        CidrBlock=undeclared_cidr(account.design),
        AvailabilityZone=net.availability_zones[0],
    )["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    table = ec2.create_route_table(VpcId=account.ids["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=account.ids["igw"]
    )
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnet,
        SecurityGroupIds=[account.ids["sg:nodes"]],
    )


def undeclared_cidr(design: Design) -> str:
    """A /24 of the design's VPC that no designed subnet uses: the last one."""
    vpc = ipaddress.IPv4Network(design.network.vpc_cidr)
    used = [ipaddress.IPv4Network(s.cidr) for s in design.network.subnets]
    free = [b for b in vpc.subnets(new_prefix=24) if not any(b.overlaps(u) for u in used)]
    return str(free[-1])


def _trail_stopped(account: Account) -> None:
    account.client("cloudtrail").stop_logging(Name=account.ids["trail"])


DRIFTS: dict[str, Drift] = {
    d.name: d
    for d in (
        Drift(
            "public-endpoint",
            N_("The EKS API endpoint is opened to the internet (0.0.0.0/0)."),
            "eks_endpoint_private",
            _public_endpoint,
        ),
        Drift(
            "waf-detached",
            N_("The WAF web ACL is disassociated from the ALB."),
            "wafv2_web_acl_associated_with_alb",
            _waf_detached,
        ),
        Drift(
            "target-group-port",
            N_(
                "The HTTPS listener is switched to a target group on another port than the "
                "gateway's http nodePort."
            ),
            "elbv2_alb_forwards_to_gateway_nodeport",
            _target_group_port,
        ),
        Drift(
            "imdsv1-allowed",
            N_("A new default launch template version lets nodes use IMDSv1 (tokens optional)."),
            "ec2_launch_template_requires_imdsv2",
            _imdsv1_allowed,
        ),
        Drift(
            "http-not-redirecting",
            N_("The HTTP listener forwards to the gateway instead of redirecting to HTTPS."),
            "elbv2_alb_http_redirects_to_https",
            _http_not_redirecting,
        ),
        Drift(
            "flow-logs-off",
            N_("The VPC's flow log is deleted."),
            "vpc_flow_logs_enabled",
            _flow_logs_off,
        ),
        Drift(
            "ecr-mutable-tags",
            N_("One microservice's ECR repository is switched to mutable tags."),
            "ecr_repositories_tags_immutable",
            _ecr_mutable_tags,
        ),
        Drift(
            "node-ssh-open",
            N_("SSH from 0.0.0.0/0 is allowed into the node security group."),
            "ec2_node_security_group_closed_to_internet",
            _node_ssh_open,
        ),
        Drift(
            "key-rotation-off",
            N_("Automatic rotation of the data KMS key is turned off."),
            "kms_key_rotation_enabled",
            _key_rotation_off,
        ),
        Drift(
            "bucket-public",
            N_("A designed bucket's public access block is removed."),
            "s3_bucket_public_access_blocked",
            _bucket_public,
        ),
        Drift(
            "second-public-alb",
            N_("A second internet-facing ALB is created next to the designed one."),
            "elbv2_internet_facing_only_designed_alb",
            _second_public_alb,
        ),
        Drift(
            "listener-rule-bypass",
            N_(
                "An HTTPS listener rule sends every path to another target group than the "
                "gateway's."
            ),
            "elbv2_alb_forwards_to_gateway_nodeport",
            _rule_bypass,
        ),
        Drift(
            "tls-policy-weaker",
            N_("The HTTPS listener is switched to a security policy that allows TLS 1.0."),
            "elbv2_alb_https_listener_uses_designed_tls_policy",
            _tls_policy_weaker,
        ),
        Drift(
            "sni-certificate-expiring",
            N_(
                "An SNI certificate for another domain, ten days from expiry, is added to the "
                "HTTPS listener."
            ),
            "acm_certificate_issued_not_expiring",
            _sni_certificate_expiring,
        ),
        Drift(
            "health-check-protocol",
            N_("The gateway target group's health check is switched to HTTPS."),
            "elbv2_target_group_health_checks_gateway_status_port",
            _health_check_protocol,
        ),
        Drift(
            "waf-count",
            N_("Every managed rule group of the web ACL is overridden to Count."),
            "wafv2_web_acl_managed_rule_groups_present",
            _waf_count,
        ),
        Drift(
            "node-open-in-halves",
            N_(
                "The node security group admits 0.0.0.0/1 and 128.0.0.0/1 on the gateway's "
                "nodePort: the whole internet, written in two halves."
            ),
            "ec2_node_security_group_closed_to_internet",
            _node_open_in_halves,
        ),
        Drift(
            "undeclared-public-subnet",
            N_(
                "A subnet the design does not list is added to its VPC, routed to the internet "
                "gateway, with public IPs and a node in the node security group."
            ),
            "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
            _undeclared_public_subnet,
        ),
        Drift(
            "trail-stopped",
            N_("The CloudTrail trail stops logging."),
            "cloudtrail_trail_multi_region_logging",
            _trail_stopped,
        ),
    )
}
