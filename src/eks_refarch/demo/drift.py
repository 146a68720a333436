"""Drift scenarios: one boto3 change to the provisioned demo account, and the check it breaks.

Each scenario is what someone might do by hand in a console. Applied to the conforming
account, it must turn exactly its check to ``fail`` and leave every other result as it
was; the tests hold each scenario to that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_refarch.demo.provision import Account, launch_template_data


@dataclass(frozen=True)
class Drift:
    name: str
    summary: str
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


DRIFTS: dict[str, Drift] = {
    d.name: d
    for d in (
        Drift(
            "public-endpoint",
            "The EKS API endpoint is opened to the internet (0.0.0.0/0).",
            "eks_endpoint_private",
            _public_endpoint,
        ),
        Drift(
            "waf-detached",
            "The WAF web ACL is disassociated from the ALB.",
            "wafv2_web_acl_associated_with_alb",
            _waf_detached,
        ),
        Drift(
            "target-group-port",
            "The HTTPS listener is switched to a target group on another port than the "
            "gateway's http nodePort.",
            "elbv2_alb_forwards_to_gateway_nodeport",
            _target_group_port,
        ),
        Drift(
            "imdsv1-allowed",
            "A new default launch template version lets nodes use IMDSv1 (tokens optional).",
            "ec2_launch_template_requires_imdsv2",
            _imdsv1_allowed,
        ),
        Drift(
            "http-not-redirecting",
            "The HTTP listener forwards to the gateway instead of redirecting to HTTPS.",
            "elbv2_alb_http_redirects_to_https",
            _http_not_redirecting,
        ),
        Drift(
            "flow-logs-off",
            "The VPC's flow log is deleted.",
            "vpc_flow_logs_enabled",
            _flow_logs_off,
        ),
        Drift(
            "ecr-mutable-tags",
            "One microservice's ECR repository is switched to mutable tags.",
            "ecr_repositories_tags_immutable",
            _ecr_mutable_tags,
        ),
        Drift(
            "node-ssh-open",
            "SSH from 0.0.0.0/0 is allowed into the node security group.",
            "ec2_node_security_group_closed_to_internet",
            _node_ssh_open,
        ),
        Drift(
            "key-rotation-off",
            "Automatic rotation of the data KMS key is turned off.",
            "kms_key_rotation_enabled",
            _key_rotation_off,
        ),
        Drift(
            "bucket-public",
            "A designed bucket's public access block is removed.",
            "s3_bucket_public_access_blocked",
            _bucket_public,
        ),
        Drift(
            "second-public-alb",
            "A second internet-facing ALB is created next to the designed one.",
            "elbv2_internet_facing_only_designed_alb",
            _second_public_alb,
        ),
    )
}
