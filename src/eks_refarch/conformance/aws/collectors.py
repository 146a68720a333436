"""AWS collectors: read the account through an AwsContext and return frozen facts.

Each collector declares every IAM action it calls; a test runs each one alone against
the demo account and compares the recorded calls with the declaration, so the IAM
policy derived from these declarations is exact. Reads shared between collectors (the
load balancers, the listeners) are served once from the context's cache. The edge's
collectors are in edge_collectors.py.

A field read as ``answer["Field"]`` is one AWS always returns and the verdict needs: an
endpoint that leaves it out makes the collector fail naming the operation and the field
(see context.Answer), so the checks that need it say "could not verify". A field read
as ``answer.get("Field")`` is one AWS itself may leave out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eks_refarch.conformance.aws.edge_collectors import find_alb
from eks_refarch.conformance.aws.facts import (
    PUBLIC_ACCESS_BLOCK_FLAGS,
    Addons,
    BucketAccess,
    BucketPublicAccess,
    CacheGroup,
    CacheGroups,
    Cluster,
    DbCluster,
    DbClusters,
    DbInstance,
    EcrRepositories,
    EcrRepository,
    EksCluster,
    FlowLog,
    FlowLogs,
    IngressRule,
    KmsKey,
    KmsKeys,
    LaunchTemplate,
    NatGateway,
    NetworkInterface,
    NetworkInterfaces,
    NodeGroup,
    NodeGroups,
    OidcProviders,
    RemoteAccess,
    Route,
    RouteTable,
    Routing,
    Secret,
    Secrets,
    SecurityGroup,
    SecurityGroups,
    Subnet,
    Trail,
    Trails,
    Volume,
    Vpc,
    VpcEndpoint,
    VpcEndpoints,
    Vpcs,
)
from eks_refarch.conformance.aws.outcomes import Absent, EndpointGap
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import collector
from eks_refarch.design import Design

if TYPE_CHECKING:  # the context imports boto3; loading the registry must not
    from eks_refarch.conformance.aws.context import Answer, AwsContext

AWS = Source.AWS
NOT_FOUND = ("ResourceNotFoundException",)


# Network.


@collector(
    source=AWS,
    actions=(
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "elasticloadbalancing:DescribeLoadBalancers",
        "eks:DescribeCluster",
    ),
)
def vpcs(ctx: AwsContext, design: Design) -> Vpcs:
    raw_vpcs = ctx.paginate("ec2", "describe_vpcs")["Vpcs"]
    raw_subnets = ctx.paginate("ec2", "describe_subnets")["Subnets"]
    subnet_vpc = {s["SubnetId"]: s["VpcId"] for s in raw_subnets}
    # The evidence that tells look-alike VPCs apart (two with the designed CIDR block):
    # which one holds the designed ALB, and which one the designed cluster. Both reads are
    # made by other collectors too, and answered from the cache.
    holds: dict[str, list[str]] = {}
    alb, _, _ = find_alb(ctx.paginate("elbv2", "describe_load_balancers")["LoadBalancers"], design)
    if alb is not None and alb.vpc_id:
        holds.setdefault(alb.vpc_id, []).append(f"ALB {alb.name}")
    cluster = _cluster(ctx, design)
    if cluster is not None:
        config = cluster.get("resourcesVpcConfig") or {}
        # AWS reports the cluster's vpcId; moto 5.2.5 only its subnets.
        cluster_vpcs = {config.get("vpcId")} | {
            subnet_vpc.get(s) for s in config.get("subnetIds", [])
        }
        for vpc_id in sorted(v for v in cluster_vpcs if v):
            holds.setdefault(vpc_id, []).append(f"EKS cluster {design.eks.cluster_name}")
    return Vpcs(
        vpcs=tuple(
            Vpc(
                id=v["VpcId"],
                cidrs=(
                    v["CidrBlock"],
                    *(
                        a["CidrBlock"]
                        for a in v.get("CidrBlockAssociationSet", [])
                        if a["CidrBlock"] != v["CidrBlock"]
                        and (a.get("CidrBlockState") or {}).get("State") == "associated"
                    ),
                ),
                ipv6_cidrs=tuple(
                    a["Ipv6CidrBlock"]
                    for a in v.get("Ipv6CidrBlockAssociationSet", [])
                    if a.get("Ipv6CidrBlock")
                    and (a.get("Ipv6CidrBlockState") or {}).get("State") == "associated"
                ),
                holds=tuple(holds.get(v["VpcId"], ())),
            )
            for v in raw_vpcs
        ),
        subnets=tuple(
            Subnet(
                id=s["SubnetId"],
                vpc_id=s["VpcId"],
                cidr=s["CidrBlock"],
                az=s["AvailabilityZone"],
                map_public_ip_on_launch=bool(s.get("MapPublicIpOnLaunch")),
            )
            for s in raw_subnets
        ),
    )


def _cluster(ctx: AwsContext, design: Design) -> Mapping[str, Any] | None:
    """The designed EKS cluster as DescribeCluster answers, or None when there is none."""
    try:
        cluster: Mapping[str, Any] = ctx.call(
            "eks", "describe_cluster", absent=NOT_FOUND, name=design.eks.cluster_name
        )["cluster"]
    except Absent:
        return None
    return cluster


@collector(
    source=AWS,
    actions=(
        "ec2:DescribeRouteTables",
        "ec2:DescribeNatGateways",
        "ec2:DescribeInternetGateways",
    ),
)
def routing(ctx: AwsContext, design: Design) -> Routing:
    tables = ctx.paginate("ec2", "describe_route_tables")["RouteTables"]
    nats = ctx.paginate("ec2", "describe_nat_gateways")["NatGateways"]
    igws = ctx.paginate("ec2", "describe_internet_gateways")["InternetGateways"]
    return Routing(
        route_tables=tuple(
            RouteTable(
                id=t["RouteTableId"],
                vpc_id=t["VpcId"],
                main=any(a.get("Main") for a in t.get("Associations", [])),
                subnet_ids=tuple(
                    a["SubnetId"] for a in t.get("Associations", []) if a.get("SubnetId")
                ),
                routes=tuple(_route(r) for r in t.get("Routes", [])),
            )
            for t in tables
        ),
        nat_gateways=tuple(
            NatGateway(
                id=n["NatGatewayId"],
                vpc_id=n["VpcId"],
                subnet_id=n["SubnetId"],
                state=n["State"],
                interface_ids=tuple(
                    a["NetworkInterfaceId"]
                    for a in n.get("NatGatewayAddresses", [])
                    if a.get("NetworkInterfaceId")
                ),
            )
            for n in nats
        ),
        internet_gateway_ids=tuple(i["InternetGatewayId"] for i in igws),
    )


def _route(raw: Mapping[str, Any]) -> Route:
    destination = (
        raw.get("DestinationCidrBlock")
        or raw.get("DestinationIpv6CidrBlock")
        or raw.get("DestinationPrefixListId", "")
    )
    target_keys = (
        "NatGatewayId",
        "GatewayId",
        "TransitGatewayId",
        "NetworkInterfaceId",
        "VpcPeeringConnectionId",
        "InstanceId",
        "EgressOnlyInternetGatewayId",
    )
    target = next((raw[k] for k in target_keys if raw.get(k)), "")
    return Route(destination=destination, target=target)


@collector(source=AWS, actions=("ec2:DescribeVpcEndpoints",))
def vpc_endpoints(ctx: AwsContext, design: Design) -> VpcEndpoints:
    raw = ctx.paginate("ec2", "describe_vpc_endpoints")["VpcEndpoints"]
    return VpcEndpoints(
        tuple(
            VpcEndpoint(
                id=e["VpcEndpointId"],
                vpc_id=e["VpcId"],
                service_name=e["ServiceName"],
                type=e["VpcEndpointType"],
                state=str(e.get("State", "")).lower(),
            )
            for e in raw
        )
    )


@collector(source=AWS, actions=("ec2:DescribeFlowLogs",))
def flow_logs(ctx: AwsContext, design: Design) -> FlowLogs:
    raw = ctx.paginate("ec2", "describe_flow_logs")["FlowLogs"]
    return FlowLogs(
        tuple(
            FlowLog(
                id=f["FlowLogId"],
                resource_id=f["ResourceId"],
                traffic_type=f.get("TrafficType", ""),
                destination_type=f.get("LogDestinationType", "cloud-watch-logs"),
                log_group=f.get("LogGroupName"),
                status=f.get("FlowLogStatus", ""),
            )
            for f in raw
        )
    )


@collector(source=AWS, actions=("ec2:DescribeNetworkInterfaces",))
def network_interfaces(ctx: AwsContext, design: Design) -> NetworkInterfaces:
    raw = ctx.paginate("ec2", "describe_network_interfaces")["NetworkInterfaces"]
    return NetworkInterfaces(
        tuple(
            NetworkInterface(
                id=n["NetworkInterfaceId"],
                subnet_id=n["SubnetId"],
                type=n.get("InterfaceType", "interface"),
                description=n.get("Description", ""),
                instance_id=(n.get("Attachment") or {}).get("InstanceId"),
                public_ip=(n.get("Association") or {}).get("PublicIp"),
                groups=tuple(g["GroupId"] for g in n.get("Groups", [])),
            )
            for n in raw
        )
    )


@collector(source=AWS, actions=("ec2:DescribeSecurityGroups",))
def security_groups(ctx: AwsContext, design: Design) -> SecurityGroups:
    raw = ctx.paginate("ec2", "describe_security_groups")["SecurityGroups"]
    return SecurityGroups(
        tuple(
            SecurityGroup(
                id=g["GroupId"],
                name=g.get("GroupName", ""),
                vpc_id=g.get("VpcId", ""),
                ingress=tuple(_ingress(p) for p in g.get("IpPermissions", [])),
            )
            for g in raw
        )
    )


def _ingress(raw: Mapping[str, Any]) -> IngressRule:
    return IngressRule(
        protocol=str(raw["IpProtocol"]),
        from_port=raw.get("FromPort"),
        to_port=raw.get("ToPort"),
        cidrs=tuple(r["CidrIp"] for r in raw.get("IpRanges", []))
        + tuple(r["CidrIpv6"] for r in raw.get("Ipv6Ranges", [])),
        source_groups=tuple(p["GroupId"] for p in raw.get("UserIdGroupPairs", [])),
        prefix_lists=tuple(p["PrefixListId"] for p in raw.get("PrefixListIds", [])),
    )


# EKS.


@collector(source=AWS, actions=("eks:DescribeCluster",))
def eks_cluster(ctx: AwsContext, design: Design) -> EksCluster:
    raw = _cluster(ctx, design)
    if raw is None:
        return EksCluster(design.eks.cluster_name, None)
    vpc = raw["resourcesVpcConfig"]
    cidrs = vpc.get("publicAccessCidrs")
    return EksCluster(
        name=design.eks.cluster_name,
        cluster=Cluster(
            name=raw["name"],
            arn=raw["arn"],
            version=raw["version"],
            # AWS always reports both flags; its defaults (public on, private off) stand in
            # when an emulator leaves them out.
            endpoint_public=vpc.get("endpointPublicAccess", True),
            endpoint_private=vpc.get("endpointPrivateAccess", False),
            public_access_cidrs=tuple(cidrs) if cidrs is not None else None,
            enabled_log_types=tuple(
                t
                for entry in (raw.get("logging") or {}).get("clusterLogging", [])
                if entry.get("enabled")
                for t in entry.get("types", [])
            ),
            secrets_key_arns=tuple(
                (c.get("provider") or {}).get("keyArn", "")
                for c in raw.get("encryptionConfig", [])
                if "secrets" in c.get("resources", [])
            ),
            oidc_issuer=((raw.get("identity") or {}).get("oidc") or {}).get("issuer"),
            subnet_ids=tuple(vpc.get("subnetIds", [])),
            cluster_security_group_id=vpc.get("clusterSecurityGroupId"),
        ),
    )


@collector(
    source=AWS,
    actions=(
        "eks:DescribeCluster",
        "eks:ListNodegroups",
        "eks:DescribeNodegroup",
        "ec2:DescribeLaunchTemplateVersions",
    ),
)
def node_groups(ctx: AwsContext, design: Design) -> NodeGroups:
    cluster = design.eks.cluster_name
    # The cluster is described first (a cached call, eks_cluster makes it too): moto 5.2.5
    # answers ListNodegroups for a missing cluster with an internal error (a KeyError in
    # moto/eks/models.py list_nodegroups) where AWS answers ResourceNotFoundException.
    if _cluster(ctx, design) is None:
        return NodeGroups(cluster=cluster, groups=())  # no cluster, so no node groups
    names = ctx.paginate("eks", "list_nodegroups", clusterName=cluster)
    groups = []
    for name in names["nodegroups"]:
        # EKS has no batch describe for node groups: one call per group.
        group = ctx.call("eks", "describe_nodegroup", clusterName=cluster, nodegroupName=name)[
            "nodegroup"
        ]
        template = group.get("launchTemplate")
        resources = group.get("resources") or {}
        remote = group.get("remoteAccess")
        groups.append(
            NodeGroup(
                name=name,
                subnet_ids=tuple(group["subnets"]),
                asg_names=tuple(a["name"] for a in resources.get("autoScalingGroups", [])),
                launch_template=_launch_template(ctx, template) if template else None,
                # EKS refuses remote access together with a launch template; moto 5.2.5
                # reports a default one (key "eksKeypair") for every node group anyway.
                remote_access=RemoteAccess(
                    remote.get("ec2SshKey"), tuple(remote.get("sourceSecurityGroups", []))
                )
                if remote and not template
                else None,
                remote_access_group=resources.get("remoteAccessSecurityGroup")
                if not template
                else None,
            )
        )
    return NodeGroups(cluster=cluster, groups=tuple(groups))


def _launch_template(ctx: AwsContext, ref: Mapping[str, Any]) -> LaunchTemplate:
    selector = (
        {"LaunchTemplateId": ref["id"]} if ref.get("id") else {"LaunchTemplateName": ref["name"]}
    )
    version = str(ref.get("version", "$Default"))
    # The version the node group uses exists (EKS refuses a missing one): an empty answer
    # is the endpoint's fault, and reading [0] of it says so (context.AnswerList).
    found = ctx.paginate(
        "ec2", "describe_launch_template_versions", Versions=[version], **selector
    )["LaunchTemplateVersions"][0]
    data = found["LaunchTemplateData"]
    metadata = data.get("MetadataOptions") or {}
    groups = list(data.get("SecurityGroupIds", []))
    for interface in data.get("NetworkInterfaces", []):
        groups += [g for g in interface.get("Groups", []) if g not in groups]
    return LaunchTemplate(
        id=found["LaunchTemplateId"],
        version=str(found["VersionNumber"]),
        http_tokens=metadata.get("HttpTokens"),
        hop_limit=metadata.get("HttpPutResponseHopLimit"),
        volumes=tuple(
            Volume(
                device=b.get("DeviceName", ""),
                encrypted=bool(b["Ebs"].get("Encrypted")),
                type=b["Ebs"].get("VolumeType"),
                size_gib=b["Ebs"].get("VolumeSize"),
            )
            for b in data.get("BlockDeviceMappings", [])
            if "Ebs" in b
        ),
        security_group_ids=tuple(groups),
    )


@collector(source=AWS, actions=("eks:ListAddons",))
def addons(ctx: AwsContext, design: Design) -> Addons:
    cluster = design.eks.cluster_name
    try:
        raw = ctx.paginate("eks", "list_addons", absent=NOT_FOUND, clusterName=cluster)
    except EndpointGap as gap:
        # moto 5.2.5 answers every EKS add-on API with 404 "Not yet implemented".
        return Addons(cluster=cluster, names=None, gap=gap.message)
    except Absent:
        return Addons(cluster=cluster, names=())  # no cluster, so no add-ons
    return Addons(cluster=cluster, names=tuple(raw["addons"]))


@collector(source=AWS, actions=("iam:ListOpenIDConnectProviders",))
def oidc_providers(ctx: AwsContext, design: Design) -> OidcProviders:
    # Not paginated by AWS: the response always holds every provider.
    raw = ctx.call("iam", "list_open_id_connect_providers")
    return OidcProviders(
        tuple(p["Arn"].split(":oidc-provider/", 1)[-1] for p in raw["OpenIDConnectProviderList"])
    )


# Keys, registry and data.


@collector(source=AWS, actions=("kms:ListAliases", "kms:DescribeKey", "kms:GetKeyRotationStatus"))
def kms_keys(ctx: AwsContext, design: Design) -> KmsKeys:
    aliases = {
        a["AliasName"]: a["TargetKeyId"]
        for a in ctx.paginate("kms", "list_aliases")["Aliases"]
        if a.get("TargetKeyId")
    }
    keys = []
    for spec in design.security.kms_keys:
        key_id = aliases.get(spec.alias)
        if key_id is None:
            continue
        # Per key: KMS has no batch form of DescribeKey or GetKeyRotationStatus.
        meta = ctx.call("kms", "describe_key", KeyId=key_id)["KeyMetadata"]
        rotation = ctx.call("kms", "get_key_rotation_status", KeyId=key_id)["KeyRotationEnabled"]
        keys.append(
            KmsKey(
                alias=spec.alias,
                key_id=key_id,
                arn=meta["Arn"],
                manager=meta.get("KeyManager", ""),
                rotation_enabled=bool(rotation),
            )
        )
    return KmsKeys(aliases=aliases, keys=tuple(keys))


@collector(source=AWS, actions=("ecr:DescribeRepositories",))
def ecr_repositories(ctx: AwsContext, design: Design) -> EcrRepositories:
    raw = ctx.paginate("ecr", "describe_repositories")["repositories"]
    return EcrRepositories(
        tuple(
            EcrRepository(
                name=r["repositoryName"],
                arn=r["repositoryArn"],
                tag_mutability=r.get("imageTagMutability", "MUTABLE"),
                scan_on_push=bool((r.get("imageScanningConfiguration") or {}).get("scanOnPush")),
                encryption_type=(r.get("encryptionConfiguration") or {}).get(
                    "encryptionType", "AES256"
                ),
                kms_key=(r.get("encryptionConfiguration") or {}).get("kmsKey"),
            )
            for r in raw
        )
    )


@collector(
    source=AWS,
    actions=("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBSubnetGroups"),
)
def db_clusters(ctx: AwsContext, design: Design) -> DbClusters:
    clusters = ctx.paginate("rds", "describe_db_clusters")["DBClusters"]
    instances = ctx.paginate("rds", "describe_db_instances")["DBInstances"]
    subnet_groups = {
        g["DBSubnetGroupName"]: tuple(s["SubnetIdentifier"] for s in g.get("Subnets", []))
        for g in ctx.paginate("rds", "describe_db_subnet_groups")["DBSubnetGroups"]
    }
    return DbClusters(
        subnet_groups=subnet_groups,
        clusters=tuple(
            DbCluster(
                id=c["DBClusterIdentifier"],
                arn=c["DBClusterArn"],
                engine=c.get("Engine", ""),
                storage_encrypted=bool(c.get("StorageEncrypted")),
                kms_key_id=c.get("KmsKeyId"),
                deletion_protection=bool(c.get("DeletionProtection")),
                subnet_group=c.get("DBSubnetGroup"),
                subnet_ids=subnet_groups.get(c.get("DBSubnetGroup", ""), ()),
                instances=tuple(
                    DbInstance(i["DBInstanceIdentifier"], bool(i.get("PubliclyAccessible")))
                    for i in instances
                    if i.get("DBClusterIdentifier") == c["DBClusterIdentifier"]
                ),
            )
            for c in clusters
        ),
    )


@collector(
    source=AWS,
    actions=("elasticache:DescribeReplicationGroups", "elasticache:DescribeCacheSubnetGroups"),
)
def cache_groups(ctx: AwsContext, design: Design) -> CacheGroups:
    raw = ctx.paginate("elasticache", "describe_replication_groups")["ReplicationGroups"]
    subnet_groups = ctx.paginate("elasticache", "describe_cache_subnet_groups")["CacheSubnetGroups"]
    return CacheGroups(
        subnet_groups={
            g["CacheSubnetGroupName"]: tuple(s["SubnetIdentifier"] for s in g.get("Subnets", []))
            for g in subnet_groups
        },
        groups=tuple(
            CacheGroup(
                id=g["ReplicationGroupId"],
                arn=g.get("ARN", g["ReplicationGroupId"]),
                transit_encryption=bool(g.get("TransitEncryptionEnabled")),
                at_rest_encryption=bool(g.get("AtRestEncryptionEnabled")),
            )
            for g in raw
        ),
    )


@collector(source=AWS, actions=("s3:GetBucketPublicAccessBlock",))
def bucket_public_access(ctx: AwsContext, design: Design) -> BucketPublicAccess:
    buckets = []
    for bucket in design.data.buckets:
        # Per bucket: S3 has no batch read of public access blocks.
        try:
            config = ctx.call(
                "s3",
                "get_public_access_block",
                absent=("NoSuchPublicAccessBlockConfiguration", "NoSuchBucket"),
                Bucket=bucket.name,
            )["PublicAccessBlockConfiguration"]
        except Absent as missing:
            exists = missing.code != "NoSuchBucket"
            buckets.append(BucketAccess(bucket.name, exists=exists, block=None))
            continue
        # S3 answers all four settings; one it left out is not a setting that is off.
        block = {flag: bool(config[flag]) for flag in PUBLIC_ACCESS_BLOCK_FLAGS}
        buckets.append(BucketAccess(bucket.name, exists=True, block=block))
    return BucketPublicAccess(tuple(buckets))


@collector(source=AWS, actions=("secretsmanager:ListSecrets",))
def secrets(ctx: AwsContext, design: Design) -> Secrets:
    raw = ctx.paginate("secretsmanager", "list_secrets")["SecretList"]
    return Secrets(
        tuple(Secret(name=s["Name"], arn=s["ARN"], kms_key_id=s.get("KmsKeyId")) for s in raw)
    )


# Audit.


@collector(
    source=AWS,
    actions=(
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
    ),
)
def trails(ctx: AwsContext, design: Design) -> Trails:
    # Not paginated by AWS. Shadow trails are the multi-region trails other regions (or the
    # organization's management account) own: they record this region too.
    raw = ctx.call("cloudtrail", "describe_trails", includeShadowTrails=True)["trailList"]
    want = design.security.audit_trail.name
    # Status and selectors are read per trail (no batch API), so only for the trails a
    # rule may judge: the designed one, else every multi-region one.
    judged = [t for t in raw if t["Name"] == want] or [
        t for t in raw if t.get("IsMultiRegionTrail")
    ]
    return Trails(tuple(_trail(ctx, t) for t in judged))


def _trail(ctx: AwsContext, raw: Mapping[str, Any]) -> Trail:
    arn = raw["TrailARN"]
    status = ctx.call("cloudtrail", "get_trail_status", Name=arn)
    selectors = ctx.call("cloudtrail", "get_event_selectors", TrailName=arn)
    return Trail(
        name=raw["Name"],
        arn=arn,
        home_region=raw.get("HomeRegion", ctx.region),
        multi_region=bool(raw.get("IsMultiRegionTrail")),
        organization=bool(raw.get("IsOrganizationTrail")),
        log_file_validation=bool(raw.get("LogFileValidationEnabled")),
        kms_key_id=raw.get("KmsKeyId"),
        bucket=raw.get("S3BucketName"),
        logging=bool(status["IsLogging"]),
        management_events=_management_events(selectors),
    )


def _management_events(selectors: Answer) -> str | None:
    """All, ReadOnly or WriteOnly: which management events a trail's selectors record."""
    selectors.require_any("EventSelectors", "AdvancedEventSelectors")
    kinds: set[str] = set()
    for selector in selectors.get("EventSelectors") or ():
        if selector.get("IncludeManagementEvents", True):
            kinds.add(selector.get("ReadWriteType", "All"))
    for advanced in selectors.get("AdvancedEventSelectors") or ():
        fields = {f["Field"]: f for f in advanced.get("FieldSelectors", [])}
        if "Management" not in (fields.get("eventCategory") or {}).get("Equals", []):
            continue
        read_only = (fields.get("readOnly") or {}).get("Equals", [])
        kinds.add(
            {"true": "ReadOnly", "false": "WriteOnly"}.get(read_only[0], "All")
            if read_only
            else "All"
        )
    if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds:
        return "All"
    return next(iter(kinds), None)
