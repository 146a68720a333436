"""Provision the reference environment into a local emulator, exactly as the design says.

Every value comes from the design; the calls are the ones Terraform would make. The
account it builds is the conforming one: every AWS check passes against it, or skips
where the emulator lacks an API. It refuses any endpoint that is not on loopback and
brings its own dummy credentials, so it cannot reach a real account.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from eks_refarch.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, require_loopback
from eks_refarch.design import Design
from eks_refarch.design.model import SubnetTier

CERT_VALID_DAYS = 397  # the longest validity public CAs issue; well beyond any renewal window


def demo_session(design: Design) -> boto3.Session:
    """A session with the demo's own credentials, never the user's."""
    return _session(design.product.region)


@functools.cache
def _session(region: str) -> boto3.Session:
    # One session per process: it loads each service model once, where a new session per
    # run would parse the same JSON again (most of a demo run's time). A botocore session
    # cannot be shared between boto3 sessions instead: each boto3 session registers its
    # class-injection handlers on it again, and the second client creation then fails.
    return boto3.Session(
        aws_access_key_id=DEMO_ACCESS_KEY,
        aws_secret_access_key=DEMO_SECRET_KEY,
        region_name=region,
    )


@dataclass
class Account:
    """The clients for one emulator, and the ids of what was provisioned in it."""

    endpoint_url: str
    design: Design
    session: boto3.Session
    ids: dict[str, str] = field(default_factory=dict)
    _clients: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def at(cls, endpoint_url: str, design: Design) -> Account:
        return cls(require_loopback(endpoint_url), design, demo_session(design))

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service,
                endpoint_url=self.endpoint_url,
                config=Config(
                    retries={"mode": "standard", "total_max_attempts": 2},
                    s3={"addressing_style": "path"},
                ),
            )
        return self._clients[service]

    def subnet_ids(self, tier: SubnetTier) -> list[str]:
        """The ids of the provisioned subnets of one designed tier, in the design's order."""
        return [self.ids[f"subnet:{s.tier}:{s.az}"] for s in self.design.network.subnets_in(tier)]


def provision(endpoint_url: str, design: Design) -> Account:
    """Build the designed account in the emulator at ``endpoint_url`` (loopback only)."""
    return provision_into(Account.at(endpoint_url, design))


def provision_into(account: Account) -> Account:
    """Build the designed account with ``account``'s clients (another account's role too)."""
    _network(account)
    _security_groups(account)
    _keys(account)
    _buckets(account)
    _audit(account)
    _edge(account)
    _eks(account)
    _registry(account)
    _data(account)
    return account


def _tag(name: str, kind: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _network(account: Account) -> None:
    ec2 = account.client("ec2")
    design = account.design
    net = design.network
    name = design.product.name
    vpc = ec2.create_vpc(CidrBlock=net.vpc_cidr, TagSpecifications=_tag(name, "vpc"))["Vpc"]
    ids = account.ids
    ids["vpc"] = vpc["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    for subnet in net.subnets:
        created = ec2.create_subnet(
            VpcId=vpc["VpcId"],
            CidrBlock=subnet.cidr,
            AvailabilityZone=subnet.az,
            TagSpecifications=_tag(f"{name}-{subnet.tier}-{subnet.az}", "subnet"),
        )["Subnet"]
        ids[f"subnet:{subnet.tier}:{subnet.az}"] = created["SubnetId"]
        if subnet.tier == "public":
            ec2.modify_subnet_attribute(
                SubnetId=created["SubnetId"], MapPublicIpOnLaunch={"Value": True}
            )
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    ids["igw"] = igw
    public_rt = ec2.create_route_table(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_tables = []
    for az in net.availability_zones:
        public_subnet = ids[f"subnet:public:{az}"]
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public_subnet)
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=public_subnet, AllocationId=eip)["NatGateway"]
        ids[f"nat:{az}"] = nat["NatGatewayId"]
        table = ec2.create_route_table(VpcId=vpc["VpcId"])["RouteTable"]["RouteTableId"]
        ids[f"rt:private:{az}"] = table
        private_tables.append(table)
        ec2.create_route(
            RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat["NatGatewayId"]
        )
        for tier in ("private-app", "private-data"):
            if f"subnet:{tier}:{az}" in ids:
                ec2.associate_route_table(RouteTableId=table, SubnetId=ids[f"subnet:{tier}:{az}"])
    region = design.product.region
    for service in net.vpc_endpoints.gateway:
        ec2.create_vpc_endpoint(
            VpcId=vpc["VpcId"],
            ServiceName=f"com.amazonaws.{region}.{service}",
            VpcEndpointType="Gateway",
            RouteTableIds=private_tables,
        )
    endpoint_sg = ec2.create_security_group(
        GroupName=f"{name}-endpoints", Description="VPC interface endpoints", VpcId=vpc["VpcId"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=endpoint_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": net.vpc_cidr}],
            }
        ],
    )
    for interface in net.vpc_endpoints.interface:
        ec2.create_vpc_endpoint(
            VpcId=vpc["VpcId"],
            ServiceName=f"com.amazonaws.{region}.{interface}",
            VpcEndpointType="Interface",
            SubnetIds=account.subnet_ids("private-app"),
            SecurityGroupIds=[endpoint_sg],
            PrivateDnsEnabled=True,
        )
    logs = account.client("logs")
    logs.create_log_group(logGroupName=net.flow_logs.log_group)
    role = _role(account, f"{name}-flow-logs", "vpc-flow-logs.amazonaws.com")
    ids["flow_log"] = ec2.create_flow_logs(
        ResourceIds=[vpc["VpcId"]],
        ResourceType="VPC",
        TrafficType=net.flow_logs.traffic_type,
        LogDestinationType="cloud-watch-logs",
        LogGroupName=net.flow_logs.log_group,
        DeliverLogsPermissionArn=role,
    )["FlowLogIds"][0]


def _role(account: Account, name: str, service: str) -> str:
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
        f'{{"Service": "{service}"}}, "Action": "sts:AssumeRole"}}]}}'
    )
    arn: str = account.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=policy)[
        "Role"
    ]["Arn"]
    return arn


def _security_groups(account: Account) -> None:
    ec2 = account.client("ec2")
    design = account.design
    name = design.product.name
    ids = account.ids
    alb = design.edge.alb
    ids["sg:alb"] = ec2.create_security_group(
        GroupName=f"{name}-alb", Description="The edge ALB", VpcId=ids["vpc"]
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=ids["sg:alb"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
            for port in (alb.https_port, alb.http_redirect_port)
        ],
    )
    ids["sg:nodes"] = ec2.create_security_group(
        GroupName=f"{name}-nodes", Description="EKS worker nodes", VpcId=ids["vpc"]
    )["GroupId"]
    tg = design.edge.target_group
    ec2.authorize_security_group_ingress(
        GroupId=ids["sg:nodes"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": port,
                "ToPort": port,
                "UserIdGroupPairs": [{"GroupId": ids["sg:alb"]}],
            }
            for port in sorted({tg.port, tg.health_check_port})
        ],
    )
    ids["sg:data"] = ec2.create_security_group(
        GroupName=f"{name}-data", Description="Databases and caches", VpcId=ids["vpc"]
    )["GroupId"]


def _keys(account: Account) -> None:
    kms = account.client("kms")
    for spec in account.design.security.kms_keys:
        key = kms.create_key(Description=spec.purpose.en)["KeyMetadata"]
        kms.create_alias(AliasName=spec.alias, TargetKeyId=key["KeyId"])
        if spec.rotation:
            kms.enable_key_rotation(KeyId=key["KeyId"])
        account.ids[f"key:{spec.alias}"] = key["Arn"]


def _buckets(account: Account) -> None:
    s3 = account.client("s3")
    for bucket in account.design.data.buckets:
        try:
            s3.create_bucket(
                Bucket=bucket.name,
                CreateBucketConfiguration={"LocationConstraint": account.design.product.region},
            )
        except s3.exceptions.BucketAlreadyExists:
            # Bucket names are global: in an emulated organization, every member account
            # shares the first one's buckets (moto lets any account read them).
            continue
        if bucket.block_public_access:
            s3.put_public_access_block(
                Bucket=bucket.name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )


def _audit(account: Account) -> None:
    trail = account.design.security.audit_trail
    cloudtrail = account.client("cloudtrail")
    arn = cloudtrail.create_trail(
        Name=trail.name,
        S3BucketName=trail.bucket,
        IsMultiRegionTrail=trail.multi_region,
        EnableLogFileValidation=trail.log_file_validation,
        KmsKeyId=account.ids[f"key:{trail.kms_key}"],
    )["TrailARN"]
    account.ids["trail"] = arn
    cloudtrail.put_event_selectors(
        TrailName=arn,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
    )
    cloudtrail.start_logging(Name=arn)


def self_signed_certificate(
    design: Design, now: datetime, domain: str | None = None
) -> tuple[bytes, bytes]:
    """A certificate for the designed domain and names (or for ``domain`` alone), valid
    CERT_VALID_DAYS from ``now``."""
    cert_spec = design.edge.certificate
    key = ec.generate_private_key(ec.SECP256R1())
    common = domain or cert_spec.domain
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])
    names = [domain] if domain else [cert_spec.domain, *cert_spec.subject_alternative_names]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _edge(account: Account) -> None:
    design = account.design
    ids = account.ids
    edge = design.edge
    elbv2 = account.client("elbv2")
    # Imported rather than requested: an imported certificate is ISSUED at once, while a
    # requested one waits for DNS validation that an emulator never performs.
    cert, key = self_signed_certificate(design, datetime.now(UTC))
    ids["certificate"] = account.client("acm").import_certificate(Certificate=cert, PrivateKey=key)[
        "CertificateArn"
    ]
    lb = elbv2.create_load_balancer(
        Name=edge.alb.name,
        Subnets=account.subnet_ids(edge.alb.subnet_tier),
        SecurityGroups=[ids["sg:alb"]],
        Scheme=edge.alb.scheme,
        Type="application",
    )["LoadBalancers"][0]
    ids["alb"] = lb["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Attributes=[
            {
                "Key": "routing.http.drop_invalid_header_fields.enabled",
                "Value": str(edge.alb.drop_invalid_header_fields).lower(),
            },
            {
                "Key": "deletion_protection.enabled",
                "Value": str(edge.alb.deletion_protection).lower(),
            },
            {"Key": "idle_timeout.timeout_seconds", "Value": str(edge.alb.idle_timeout_seconds)},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": edge.alb.access_logs.bucket},
            {"Key": "access_logs.s3.prefix", "Value": edge.alb.access_logs.prefix},
        ],
    )
    tg = edge.target_group
    ids["target_group"] = elbv2.create_target_group(
        Name=tg.name,
        Protocol=tg.protocol,
        Port=tg.port,
        VpcId=ids["vpc"],
        TargetType=tg.target_type,
        HealthCheckProtocol="HTTP",
        HealthCheckPort=str(tg.health_check_port),
        HealthCheckPath=tg.health_check_path,
        HealthCheckIntervalSeconds=tg.health_check.interval_seconds,
        HealthyThresholdCount=tg.health_check.healthy_threshold,
        UnhealthyThresholdCount=tg.health_check.unhealthy_threshold,
    )["TargetGroups"][0]["TargetGroupArn"]
    ids["listener:https"] = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=edge.alb.https_port,
        SslPolicy=edge.alb.ssl_policy,
        Certificates=[{"CertificateArn": ids["certificate"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": ids["target_group"]}],
    )["Listeners"][0]["ListenerArn"]
    ids["listener:http"] = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=edge.alb.http_redirect_port,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {
                    "Protocol": "HTTPS",
                    "Port": str(edge.alb.https_port),
                    "StatusCode": "HTTP_301",
                },
            }
        ],
    )["Listeners"][0]["ListenerArn"]
    waf = account.client("wafv2")
    visibility = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True}
    acl = waf.create_web_acl(
        Name=edge.waf.name,
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={**visibility, "MetricName": edge.waf.name},
        Rules=[
            {
                "Name": group,
                "Priority": priority,
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                "OverrideAction": {"None": {}},
                "VisibilityConfig": {**visibility, "MetricName": group},
            }
            for priority, group in enumerate(edge.waf.managed_rule_groups)
        ],
    )["Summary"]
    ids["web_acl"] = acl["ARN"]
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=lb["LoadBalancerArn"])
    route53 = account.client("route53")
    zone = route53.create_hosted_zone(
        Name=edge.dns.zone, CallerReference=f"refarch-demo-{secrets.token_hex(4)}"
    )["HostedZone"]
    route53.change_resource_record_sets(
        HostedZoneId=zone["Id"],
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": edge.dns.record,
                        "Type": "A",
                        "AliasTarget": {
                            "HostedZoneId": lb["CanonicalHostedZoneId"],
                            "DNSName": lb["DNSName"],
                            "EvaluateTargetHealth": True,
                        },
                    },
                }
            ]
        },
    )


def _eks(account: Account) -> None:
    design = account.design
    ids = account.ids
    eks_spec = design.eks
    eks = account.client("eks")
    cluster_role = _role(account, f"{eks_spec.cluster_name}-cluster", "eks.amazonaws.com")
    cluster = eks.create_cluster(
        name=eks_spec.cluster_name,
        version=eks_spec.version_floor,
        roleArn=cluster_role,
        resourcesVpcConfig={
            "subnetIds": account.subnet_ids("private-app"),
            "endpointPublicAccess": eks_spec.endpoint.public_access,
            "endpointPrivateAccess": eks_spec.endpoint.private_access,
            **(
                {"publicAccessCidrs": list(eks_spec.endpoint.public_access_cidrs)}
                if eks_spec.endpoint.public_access
                else {}
            ),
        },
        logging={"clusterLogging": [{"types": list(eks_spec.control_plane_logs), "enabled": True}]},
        encryptionConfig=[
            {
                "resources": ["secrets"],
                "provider": {"keyArn": ids[f"key:{eks_spec.secrets_encryption.kms_key}"]},
            }
        ],
    )["cluster"]
    account.client("iam").create_open_id_connect_provider(
        Url=cluster["identity"]["oidc"]["issuer"],
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    )
    ec2 = account.client("ec2")
    node_role = _role(account, f"{eks_spec.cluster_name}-nodes", "ec2.amazonaws.com")
    for group in eks_spec.node_groups:
        template = ec2.create_launch_template(
            LaunchTemplateName=f"{eks_spec.cluster_name}-{group.name}",
            LaunchTemplateData=launch_template_data(account, group.name),
        )["LaunchTemplate"]
        ids[f"launch_template:{group.name}"] = template["LaunchTemplateId"]
        subnets = account.subnet_ids(group.subnet_tier)
        created = eks.create_nodegroup(
            clusterName=eks_spec.cluster_name,
            nodegroupName=group.name,
            subnets=subnets,
            nodeRole=node_role,
            instanceTypes=list(group.instance_types),
            amiType=group.ami_type,
            capacityType=group.capacity_type,
            scalingConfig={
                "minSize": group.scaling.min,
                "desiredSize": group.scaling.desired,
                "maxSize": group.scaling.max,
            },
            # The node group follows the template's default version. A pinned version
            # number is the usual choice, but moto 5.2.5 has no UpdateNodegroupVersion to
            # move a pinned group, and the IMDSv1 drift needs the group to move.
            launchTemplate={"id": template["LaunchTemplateId"], "version": "$Default"},
        )["nodegroup"]
        # EKS creates the node group's Auto Scaling group; the emulator only names it, so
        # the demo creates it under that name, as EKS would, before Terraform attaches it.
        autoscaling = account.client("autoscaling")
        for asg in created["resources"]["autoScalingGroups"]:
            autoscaling.create_auto_scaling_group(
                AutoScalingGroupName=asg["name"],
                LaunchTemplate={
                    "LaunchTemplateId": template["LaunchTemplateId"],
                    "Version": "$Default",
                },
                MinSize=group.scaling.min,
                MaxSize=group.scaling.max,
                DesiredCapacity=group.scaling.desired,
                VPCZoneIdentifier=",".join(subnets),
                Tags=[
                    {"Key": "eks:cluster-name", "Value": eks_spec.cluster_name},
                    {"Key": "eks:nodegroup-name", "Value": group.name},
                ],
            )
            if group.attach_to_target_group:
                autoscaling.attach_load_balancer_target_groups(
                    AutoScalingGroupName=asg["name"], TargetGroupARNs=[ids["target_group"]]
                )


def launch_template_data(account: Account, group_name: str, **imds: Any) -> dict[str, Any]:
    """The designed node group's launch template data; ``imds`` overrides metadata options."""
    group = next(g for g in account.design.eks.node_groups if g.name == group_name)
    return {
        "MetadataOptions": {
            "HttpEndpoint": "enabled",
            "HttpTokens": group.imds.http_tokens,
            "HttpPutResponseHopLimit": group.imds.hop_limit,
            **imds,
        },
        "BlockDeviceMappings": [
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {
                    "VolumeSize": group.root_volume.size_gib,
                    "VolumeType": group.root_volume.type,
                    "Encrypted": group.root_volume.encrypted,
                },
            }
        ],
        "SecurityGroupIds": [account.ids["sg:nodes"]],
    }


def _registry(account: Account) -> None:
    registry = account.design.registry
    ecr = account.client("ecr")
    for name in registry.repositories:
        ecr.create_repository(
            repositoryName=name,
            imageTagMutability=registry.image_tag_mutability,
            imageScanningConfiguration={"scanOnPush": registry.scan_on_push},
            encryptionConfiguration={
                "encryptionType": "KMS",
                "kmsKey": account.ids[f"key:{registry.kms_key}"],
            },
        )


def _data(account: Account) -> None:
    design = account.design
    ids = account.ids
    rds = account.client("rds")
    for db in design.data.databases:
        group = f"{db.name}-subnets"
        rds.create_db_subnet_group(
            DBSubnetGroupName=group,
            DBSubnetGroupDescription=f"{db.name} in the {db.subnet_tier} tier",
            SubnetIds=account.subnet_ids(db.subnet_tier),
        )
        rds.create_db_cluster(
            DBClusterIdentifier=db.name,
            Engine=db.engine,
            MasterUsername="refarch",
            # A throwaway password for the emulator; it is neither printed nor kept.
            MasterUserPassword=secrets.token_urlsafe(24),
            StorageEncrypted=db.storage_encrypted,
            KmsKeyId=ids[f"key:{db.kms_key}"],
            DeletionProtection=db.deletion_protection,
            DBSubnetGroupName=group,
            VpcSecurityGroupIds=[ids["sg:data"]],
        )
        rds.create_db_instance(
            DBInstanceIdentifier=f"{db.name}-1",
            DBClusterIdentifier=db.name,
            Engine=db.engine,
            DBInstanceClass="db.r6g.large",
            PubliclyAccessible=db.publicly_accessible,
        )
    elasticache = account.client("elasticache")
    for cache in design.data.caches:
        group = f"{cache.name}-subnets"
        elasticache.create_cache_subnet_group(
            CacheSubnetGroupName=group,
            CacheSubnetGroupDescription=f"{cache.name} in the {cache.subnet_tier} tier",
            SubnetIds=account.subnet_ids(cache.subnet_tier),
        )
        elasticache.create_replication_group(
            ReplicationGroupId=cache.name,
            ReplicationGroupDescription=f"{cache.name} ({cache.engine})",
            Engine=cache.engine,
            CacheNodeType="cache.r7g.large",
            NumCacheClusters=2,
            CacheSubnetGroupName=group,
            SecurityGroupIds=[ids["sg:data"]],
            TransitEncryptionEnabled=cache.transit_encryption,
            AtRestEncryptionEnabled=cache.at_rest_encryption,
            KmsKeyId=ids[f"key:{design.registry.kms_key}"],
        )
    manager = account.client("secretsmanager")
    for secret in design.data.secrets:
        manager.create_secret(
            Name=secret.name,
            KmsKeyId=ids[f"key:{secret.kms_key}"],
            # A random placeholder value; the demo never reads a secret back.
            SecretString=secrets.token_urlsafe(24),
        )
