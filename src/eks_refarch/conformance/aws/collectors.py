"""AWS collectors: read the account through an AwsContext and return frozen facts.

Each collector declares every IAM action it calls; a test runs each one alone against
the demo account and compares the recorded calls with the declaration, so the IAM
policy derived from these declarations is exact. Reads shared between collectors (the
load balancers, the listeners) are served once from the context's cache.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eks_refarch.conformance.aws.facts import (
    Addons,
    Alb,
    AlbTargetGroups,
    AliasRecord,
    BucketAccess,
    BucketPublicAccess,
    CacheGroup,
    CacheGroups,
    Certificate,
    Cluster,
    DbCluster,
    DbClusters,
    DbInstance,
    DnsRecords,
    EcrRepositories,
    EcrRepository,
    EksCluster,
    FlowLog,
    FlowLogs,
    IngressRule,
    KmsKey,
    KmsKeys,
    LaunchTemplate,
    Listener,
    ListenerAction,
    ListenerCertificates,
    LoadBalancer,
    LoadBalancers,
    NatGateway,
    NetworkInterface,
    NetworkInterfaces,
    NodeGroup,
    NodeGroups,
    OidcProviders,
    Route,
    RouteTable,
    Routing,
    Secret,
    Secrets,
    SecurityGroup,
    SecurityGroups,
    Subnet,
    TargetGroup,
    Volume,
    Vpc,
    VpcEndpoint,
    VpcEndpoints,
    Vpcs,
    WafAssociation,
    WebAcl,
    WebAcls,
)
from eks_refarch.conformance.aws.outcomes import Absent, EndpointGap
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import collector
from eks_refarch.design import Design

if TYPE_CHECKING:  # the context imports boto3; loading the registry must not
    from eks_refarch.conformance.aws.context import AwsContext

AWS = Source.AWS
NOT_FOUND = ("ResourceNotFoundException",)

# Network.


@collector(source=AWS, actions=("ec2:DescribeVpcs", "ec2:DescribeSubnets"))
def vpcs(ctx: AwsContext, design: Design) -> Vpcs:
    raw_vpcs = ctx.paginate("ec2", "describe_vpcs")["Vpcs"]
    raw_subnets = ctx.paginate("ec2", "describe_subnets")["Subnets"]
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
                        and a.get("CidrBlockState", {}).get("State") == "associated"
                    ),
                ),
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


def _route(raw: dict[str, Any]) -> Route:
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
                instance_id=n.get("Attachment", {}).get("InstanceId"),
                public_ip=n.get("Association", {}).get("PublicIp"),
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


def _ingress(raw: dict[str, Any]) -> IngressRule:
    return IngressRule(
        protocol=str(raw.get("IpProtocol", "-1")),
        from_port=raw.get("FromPort"),
        to_port=raw.get("ToPort"),
        cidrs=tuple(r["CidrIp"] for r in raw.get("IpRanges", []))
        + tuple(r["CidrIpv6"] for r in raw.get("Ipv6Ranges", [])),
        source_groups=tuple(p["GroupId"] for p in raw.get("UserIdGroupPairs", [])),
    )


# Edge.


@collector(source=AWS, actions=("elasticloadbalancing:DescribeLoadBalancers",))
def load_balancers(ctx: AwsContext, design: Design) -> LoadBalancers:
    # elbv2 and the Classic API share one IAM action name; both are read so that a
    # forgotten Classic Load Balancer is as visible as a forgotten ALB.
    v2 = ctx.paginate("elbv2", "describe_load_balancers")["LoadBalancers"]
    classic = ctx.paginate("elb", "describe_load_balancers")["LoadBalancerDescriptions"]
    return LoadBalancers(
        tuple(_load_balancer(lb) for lb in v2)
        + tuple(
            LoadBalancer(
                arn=lb["LoadBalancerName"],
                name=lb["LoadBalancerName"],
                kind="classic",
                scheme=lb.get("Scheme", ""),
                dns_name=lb.get("DNSName", ""),
                vpc_id=lb.get("VPCId"),
                subnet_ids=tuple(lb.get("Subnets", [])),
                security_groups=tuple(lb.get("SecurityGroups", [])),
            )
            for lb in classic
        )
    )


def _load_balancer(raw: dict[str, Any]) -> LoadBalancer:
    return LoadBalancer(
        arn=raw["LoadBalancerArn"],
        name=raw["LoadBalancerName"],
        kind=raw.get("Type", "application"),
        scheme=raw.get("Scheme", ""),
        dns_name=raw.get("DNSName", ""),
        vpc_id=raw.get("VpcId"),
        subnet_ids=tuple(az["SubnetId"] for az in raw.get("AvailabilityZones", [])),
        security_groups=tuple(raw.get("SecurityGroups", [])),
    )


def _designed_alb(ctx: AwsContext, design: Design) -> LoadBalancer | None:
    raw = ctx.paginate("elbv2", "describe_load_balancers")["LoadBalancers"]
    found = next((lb for lb in raw if lb["LoadBalancerName"] == design.edge.alb.name), None)
    return _load_balancer(found) if found else None


def _listeners(ctx: AwsContext, alb: LoadBalancer) -> tuple[Listener, ...]:
    raw = ctx.paginate("elbv2", "describe_listeners", LoadBalancerArn=alb.arn)["Listeners"]
    return tuple(
        Listener(
            arn=li["ListenerArn"],
            port=li["Port"],
            protocol=li["Protocol"],
            ssl_policy=li.get("SslPolicy"),
            certificate_arns=tuple(c["CertificateArn"] for c in li.get("Certificates", [])),
            default_actions=tuple(_action(a) for a in li.get("DefaultActions", [])),
        )
        for li in raw
    )


def _action(raw: dict[str, Any]) -> ListenerAction:
    groups = [raw["TargetGroupArn"]] if raw.get("TargetGroupArn") else []
    groups += [
        g["TargetGroupArn"]
        for g in raw.get("ForwardConfig", {}).get("TargetGroups", [])
        if g["TargetGroupArn"] not in groups
    ]
    redirect = raw.get("RedirectConfig", {})
    return ListenerAction(
        type=raw["Type"],
        target_group_arns=tuple(groups),
        redirect_protocol=redirect.get("Protocol"),
        redirect_port=redirect.get("Port"),
        redirect_status=redirect.get("StatusCode"),
    )


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
    ),
)
def alb(ctx: AwsContext, design: Design) -> Alb:
    found = _designed_alb(ctx, design)
    if found is None:
        return Alb(name=design.edge.alb.name, load_balancer=None)
    # Per load balancer: the attributes API takes one ARN.
    attributes = ctx.call("elbv2", "describe_load_balancer_attributes", LoadBalancerArn=found.arn)
    return Alb(
        name=design.edge.alb.name,
        load_balancer=found,
        attributes={a["Key"]: a["Value"] for a in attributes.get("Attributes", [])},
        listeners=_listeners(ctx, found),
    )


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroups",
        "autoscaling:DescribeAutoScalingGroups",
    ),
)
def alb_target_groups(ctx: AwsContext, design: Design) -> AlbTargetGroups:
    found = _designed_alb(ctx, design)
    raw_groups = ctx.paginate("elbv2", "describe_target_groups")["TargetGroups"]
    asgs = ctx.paginate("autoscaling", "describe_auto_scaling_groups")["AutoScalingGroups"]
    groups = {
        g["TargetGroupArn"]: TargetGroup(
            arn=g["TargetGroupArn"],
            name=g["TargetGroupName"],
            port=g.get("Port"),
            protocol=g.get("Protocol"),
            target_type=g.get("TargetType", "instance"),
            health_check_protocol=g.get("HealthCheckProtocol"),
            health_check_port=str(g.get("HealthCheckPort", "traffic-port")),
            health_check_path=g.get("HealthCheckPath"),
            load_balancer_arns=tuple(g.get("LoadBalancerArns", [])),
            attached_asgs=tuple(
                a["AutoScalingGroupName"]
                for a in asgs
                if g["TargetGroupArn"] in a.get("TargetGroupARNs", [])
            ),
        )
        for g in raw_groups
    }
    named = next((g for g in groups.values() if g.name == design.edge.target_group.name), None)
    https = None
    if found is not None:
        https = next(
            (li for li in _listeners(ctx, found) if li.port == design.edge.alb.https_port), None
        )
    forwarded = (
        tuple(
            groups[arn]
            for action in https.default_actions
            for arn in action.target_group_arns
            if arn in groups
        )
        if https
        else ()
    )
    return AlbTargetGroups(
        alb_arn=found.arn if found else None,
        https_listener_arn=https.arn if https else None,
        forwarded=forwarded,
        named=named,
    )


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "acm:DescribeCertificate",
    ),
)
def listener_certificates(ctx: AwsContext, design: Design) -> ListenerCertificates:
    found = _designed_alb(ctx, design)
    read_at = datetime.now(UTC)
    if found is None:
        return ListenerCertificates(read_at, ())
    arns = [
        arn
        for li in _listeners(ctx, found)
        if li.port == design.edge.alb.https_port
        for arn in li.certificate_arns
    ]
    certificates = []
    for arn in arns:
        # ACM has no batch describe; ListCertificates lacks the expiry on older
        # endpoints, so each certificate on the listener is described on its own.
        try:
            cert = ctx.call("acm", "describe_certificate", absent=NOT_FOUND, CertificateArn=arn)[
                "Certificate"
            ]
        except Absent:
            certificates.append(Certificate(arn, "", (), "NOT_FOUND", None))
            continue
        certificates.append(
            Certificate(
                arn=arn,
                domain=cert.get("DomainName", ""),
                subject_alternative_names=tuple(cert.get("SubjectAlternativeNames", [])),
                status=cert.get("Status", ""),
                not_after=cert.get("NotAfter"),
            )
        )
    return ListenerCertificates(read_at, tuple(certificates))


@collector(
    source=AWS,
    actions=("elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"),
)
def waf_association(ctx: AwsContext, design: Design) -> WafAssociation:
    # Asked per load balancer: wafv2:ListResourcesForWebACL would answer for every ACL at
    # once, but moto 5.2.5 answers it 500 NotImplemented; GetWebACLForResource is the
    # API that exists on both, and it needs one call for the one designed ALB.
    found = _designed_alb(ctx, design)
    if found is None:
        return WafAssociation(None, None, None)
    try:
        acl = ctx.call(
            "wafv2",
            "get_web_acl_for_resource",
            absent=("WAFNonexistentItemException",),
            ResourceArn=found.arn,
        ).get("WebACL")
    except Absent:
        acl = None
    return WafAssociation(
        alb_arn=found.arn,
        web_acl_name=acl["Name"] if acl else None,
        web_acl_arn=acl["ARN"] if acl else None,
    )


@collector(source=AWS, actions=("wafv2:ListWebACLs", "wafv2:GetWebACL"))
def web_acls(ctx: AwsContext, design: Design) -> WebAcls:
    summaries: list[dict[str, Any]] = []
    marker: str | None = None
    # botocore ships no paginator for wafv2, so the NextMarker loop is written here.
    while True:
        params: dict[str, Any] = {"Scope": "REGIONAL", "Limit": 100}
        if marker:
            params["NextMarker"] = marker
        page = ctx.call("wafv2", "list_web_acls", **params)
        summaries += page.get("WebACLs", [])
        marker = page.get("NextMarker")
        if not marker or not page.get("WebACLs"):
            break
    designed = next((s for s in summaries if s["Name"] == design.edge.waf.name), None)
    acl = None
    if designed:
        raw = ctx.call(
            "wafv2", "get_web_acl", Name=designed["Name"], Scope="REGIONAL", Id=designed["Id"]
        )
        acl = WebAcl(
            name=designed["Name"],
            arn=designed["ARN"],
            managed_rule_groups=tuple(
                f"{m['VendorName']}/{m['Name']}"
                for rule in raw["WebACL"].get("Rules", [])
                if (m := rule.get("Statement", {}).get("ManagedRuleGroupStatement"))
            ),
        )
    return WebAcls(names=tuple(s["Name"] for s in summaries), designed=acl)


@collector(source=AWS, actions=("route53:ListHostedZones", "route53:ListResourceRecordSets"))
def dns_records(ctx: AwsContext, design: Design) -> DnsRecords:
    zone_name = design.edge.dns.zone.rstrip(".") + "."
    zones = ctx.paginate("route53", "list_hosted_zones")["HostedZones"]
    zone = next(
        (
            z
            for z in zones
            if z["Name"] == zone_name and not z.get("Config", {}).get("PrivateZone", False)
        ),
        None,
    )
    if zone is None:
        return DnsRecords(zone=design.edge.dns.zone, zone_id=None, records=())
    record_name = design.edge.dns.record.rstrip(".") + "."
    raw = ctx.paginate("route53", "list_resource_record_sets", HostedZoneId=zone["Id"])
    return DnsRecords(
        zone=design.edge.dns.zone,
        zone_id=zone["Id"],
        records=tuple(
            AliasRecord(
                name=r["Name"].rstrip("."),
                type=r["Type"],
                alias_target=(r.get("AliasTarget") or {}).get("DNSName", "").rstrip(".") or None,
            )
            for r in raw["ResourceRecordSets"]
            if r["Name"] == record_name
        ),
    )


# EKS.


@collector(source=AWS, actions=("eks:DescribeCluster",))
def eks_cluster(ctx: AwsContext, design: Design) -> EksCluster:
    try:
        raw = ctx.call("eks", "describe_cluster", absent=NOT_FOUND, name=design.eks.cluster_name)[
            "cluster"
        ]
    except Absent:
        return EksCluster(design.eks.cluster_name, None)
    vpc = raw.get("resourcesVpcConfig", {})
    cidrs = vpc.get("publicAccessCidrs")
    return EksCluster(
        name=design.eks.cluster_name,
        cluster=Cluster(
            name=raw["name"],
            arn=raw["arn"],
            version=raw.get("version", ""),
            # AWS always reports both flags; its defaults (public on, private off) stand in
            # when an emulator leaves them out.
            endpoint_public=vpc.get("endpointPublicAccess", True),
            endpoint_private=vpc.get("endpointPrivateAccess", False),
            public_access_cidrs=tuple(cidrs) if cidrs is not None else None,
            enabled_log_types=tuple(
                t
                for entry in raw.get("logging", {}).get("clusterLogging", [])
                if entry.get("enabled")
                for t in entry.get("types", [])
            ),
            secrets_key_arns=tuple(
                c.get("provider", {}).get("keyArn", "")
                for c in raw.get("encryptionConfig", [])
                if "secrets" in c.get("resources", [])
            ),
            oidc_issuer=raw.get("identity", {}).get("oidc", {}).get("issuer"),
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
    try:
        ctx.call("eks", "describe_cluster", absent=NOT_FOUND, name=cluster)
    except Absent:
        return NodeGroups(cluster=cluster, groups=())  # no cluster, so no node groups
    names = ctx.paginate("eks", "list_nodegroups", clusterName=cluster)
    groups = []
    for name in names.get("nodegroups", []):
        # EKS has no batch describe for node groups: one call per group.
        group = ctx.call("eks", "describe_nodegroup", clusterName=cluster, nodegroupName=name)[
            "nodegroup"
        ]
        template = group.get("launchTemplate")
        groups.append(
            NodeGroup(
                name=name,
                subnet_ids=tuple(group.get("subnets", [])),
                asg_names=tuple(
                    a["name"] for a in group.get("resources", {}).get("autoScalingGroups", [])
                ),
                launch_template=_launch_template(ctx, template) if template else None,
            )
        )
    return NodeGroups(cluster=cluster, groups=tuple(groups))


def _launch_template(ctx: AwsContext, ref: dict[str, Any]) -> LaunchTemplate:
    selector = (
        {"LaunchTemplateId": ref["id"]} if ref.get("id") else {"LaunchTemplateName": ref["name"]}
    )
    version = str(ref.get("version", "$Default"))
    raw = ctx.paginate("ec2", "describe_launch_template_versions", Versions=[version], **selector)[
        "LaunchTemplateVersions"
    ]
    data = raw[0]["LaunchTemplateData"] if raw else {}
    metadata = data.get("MetadataOptions", {})
    groups = list(data.get("SecurityGroupIds", []))
    for interface in data.get("NetworkInterfaces", []):
        groups += [g for g in interface.get("Groups", []) if g not in groups]
    return LaunchTemplate(
        id=raw[0]["LaunchTemplateId"] if raw else str(ref.get("id", ref.get("name", ""))),
        version=str(raw[0]["VersionNumber"]) if raw else version,
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
        return Addons(cluster=cluster, names=None, gap=str(gap))
    except Absent:
        return Addons(cluster=cluster, names=())  # no cluster, so no add-ons
    return Addons(cluster=cluster, names=tuple(raw.get("addons", [])))


@collector(source=AWS, actions=("iam:ListOpenIDConnectProviders",))
def oidc_providers(ctx: AwsContext, design: Design) -> OidcProviders:
    # Not paginated by AWS: the response always holds every provider.
    raw = ctx.call("iam", "list_open_id_connect_providers")
    return OidcProviders(
        tuple(
            p["Arn"].split(":oidc-provider/", 1)[-1]
            for p in raw.get("OpenIDConnectProviderList", [])
        )
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
        rotation = ctx.call("kms", "get_key_rotation_status", KeyId=key_id)
        keys.append(
            KmsKey(
                alias=spec.alias,
                key_id=key_id,
                arn=meta["Arn"],
                manager=meta.get("KeyManager", ""),
                rotation_enabled=bool(rotation.get("KeyRotationEnabled")),
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
                scan_on_push=bool(r.get("imageScanningConfiguration", {}).get("scanOnPush")),
                encryption_type=r.get("encryptionConfiguration", {}).get(
                    "encryptionType", "AES256"
                ),
                kms_key=r.get("encryptionConfiguration", {}).get("kmsKey"),
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
        tuple(
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
        )
    )


@collector(source=AWS, actions=("elasticache:DescribeReplicationGroups",))
def cache_groups(ctx: AwsContext, design: Design) -> CacheGroups:
    raw = ctx.paginate("elasticache", "describe_replication_groups")["ReplicationGroups"]
    return CacheGroups(
        tuple(
            CacheGroup(
                id=g["ReplicationGroupId"],
                arn=g.get("ARN", g["ReplicationGroupId"]),
                transit_encryption=bool(g.get("TransitEncryptionEnabled")),
                at_rest_encryption=bool(g.get("AtRestEncryptionEnabled")),
            )
            for g in raw
        )
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
            ).get("PublicAccessBlockConfiguration")
        except Absent as missing:
            exists = missing.code != "NoSuchBucket"
            buckets.append(BucketAccess(bucket.name, exists=exists, block=None))
            continue
        buckets.append(
            BucketAccess(
                bucket.name,
                exists=True,
                block={k: bool(v) for k, v in config.items()} if config else None,
            )
        )
    return BucketPublicAccess(tuple(buckets))


@collector(source=AWS, actions=("secretsmanager:ListSecrets",))
def secrets(ctx: AwsContext, design: Design) -> Secrets:
    raw = ctx.paginate("secretsmanager", "list_secrets")["SecretList"]
    return Secrets(
        tuple(Secret(name=s["Name"], arn=s["ARN"], kms_key_id=s.get("KmsKeyId")) for s in raw)
    )
