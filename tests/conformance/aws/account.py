"""Literal facts of an account that conforms to the shipped architecture.yaml.

Written out by hand, as a reader of the design would describe the account, so the rule
tests do not depend on any collector. Each rule test replaces one fact with a drifted
copy (``dataclasses.replace``) and expects exactly that rule to fail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    HostedZone,
    HttpsListener,
    IngressRule,
    KmsKey,
    KmsKeys,
    LaunchTemplate,
    Listener,
    ListenerAction,
    ListenerCertificates,
    ListenerRoutes,
    ListenerRule,
    LoadBalancer,
    LoadBalancers,
    NatGateway,
    NetworkInterface,
    NetworkInterfaces,
    NodeGroup,
    NodeGroups,
    OidcProviders,
    Redirect,
    Route,
    RouteTable,
    Routing,
    Secret,
    Secrets,
    SecurityGroup,
    SecurityGroups,
    Subnet,
    TargetGroup,
    Trail,
    Trails,
    Volume,
    Vpc,
    VpcEndpoint,
    VpcEndpoints,
    Vpcs,
    WafAssociation,
    WafRule,
    WebAcl,
    WebAcls,
)

ARN = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333"
ALB_ARN = f"{ARN}:loadbalancer/app/sakura-shop-edge/1"
HTTPS_ARN = f"{ARN}:listener/https"
HTTP_ARN = f"{ARN}:listener/http"
AUDIT_KEY = "33333333-3333-3333-3333-333333333333"
ACL_ARN = "arn:aws:wafv2:acl/1"
MANAGED_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesSQLiRuleSet",
)
TG_ARN = f"{ARN}:targetgroup/sakura-shop-istio-gateway/1"
ALB_DNS = "sakura-shop-edge-1.ap-northeast-1.elb.amazonaws.com"
EKS_KEY = "11111111-1111-1111-1111-111111111111"
DATA_KEY = "22222222-2222-2222-2222-222222222222"
KMS = "arn:aws:kms:ap-northeast-1:111122223333:key"
READ_AT = datetime(2026, 11, 26, tzinfo=UTC)
ISSUER = "oidc.eks.ap-northeast-1.amazonaws.com/id/ABC"
AZS = ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d")
# (id, tier, az, cidr) of the nine designed subnets.
SUBNETS = (
    ("subnet-pub-a", "public", "ap-northeast-1a", "10.20.0.0/24"),
    ("subnet-pub-c", "public", "ap-northeast-1c", "10.20.1.0/24"),
    ("subnet-pub-d", "public", "ap-northeast-1d", "10.20.2.0/24"),
    ("subnet-app-a", "private-app", "ap-northeast-1a", "10.20.16.0/20"),
    ("subnet-app-c", "private-app", "ap-northeast-1c", "10.20.32.0/20"),
    ("subnet-app-d", "private-app", "ap-northeast-1d", "10.20.48.0/20"),
    ("subnet-data-a", "private-data", "ap-northeast-1a", "10.20.64.0/24"),
    ("subnet-data-c", "private-data", "ap-northeast-1c", "10.20.65.0/24"),
    ("subnet-data-d", "private-data", "ap-northeast-1d", "10.20.66.0/24"),
)
APP = ("subnet-app-a", "subnet-app-c", "subnet-app-d")
DATA = ("subnet-data-a", "subnet-data-c", "subnet-data-d")
PUBLIC = ("subnet-pub-a", "subnet-pub-c", "subnet-pub-d")
REPOS = ("storefront", "catalog", "cart", "orders", "payments")
TEMPLATE = LaunchTemplate(
    id="lt-core",
    version="1",
    http_tokens="required",
    hop_limit=1,
    volumes=(Volume("/dev/xvda", True, "gp3", 50),),
    security_group_ids=("sg-nodes",),
)
TARGET_GROUP = TargetGroup(
    arn=TG_ARN,
    name="sakura-shop-istio-gateway",
    port=30080,
    protocol="HTTP",
    target_type="instance",
    health_check_protocol="HTTP",
    health_check_port="30021",
    health_check_path="/healthz/ready",
    load_balancer_arns=(ALB_ARN,),
    attached_asgs=("eks-core-1",),
)


FORWARD = ListenerAction("forward", forwards=((TG_ARN, 1),))
REDIRECT = ListenerAction(
    "redirect",
    redirect=Redirect("HTTPS", "443", "#{host}", "/#{path}", "#{query}", "HTTP_301"),
)
HTTPS = Listener(
    HTTPS_ARN,
    443,
    "HTTPS",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    ("arn:aws:acm:cert/1",),
    (FORWARD,),
)
HTTP = Listener(HTTP_ARN, 80, "HTTP", None, (), (REDIRECT,))
WEB_ACL = WebAcl(
    "sakura-shop-edge",
    ACL_ARN,
    "allow",
    tuple(
        WafRule(group, priority, f"AWS/{group}", override="none")
        for priority, group in enumerate(MANAGED_GROUPS)
    ),
)


def routes(listener: Listener, *rules: ListenerRule) -> ListenerRoutes:
    """A listener's rules in evaluation order, its default action last."""
    return ListenerRoutes(
        listener, (*rules, ListenerRule(listener.arn, "default", (), listener.default_actions))
    )


def _tcp(port: int, **source: Any) -> IngressRule:
    return IngressRule("tcp", port, port, source.get("cidrs", ()), source.get("groups", ()))


def conforming() -> dict[type[Any], Any]:
    """Fact type -> fact, for an account built exactly as the shipped design says."""
    alb = LoadBalancer(
        ALB_ARN,
        "sakura-shop-edge",
        "application",
        "internet-facing",
        ALB_DNS,
        "vpc-1",
        PUBLIC,
        ("sg-alb",),
    )
    return {
        Vpcs: Vpcs(
            vpcs=(
                Vpc("vpc-1", ("10.20.0.0/16",), holds=("ALB sakura-shop-edge",)),
                Vpc("vpc-other", ("172.31.0.0/16",)),
            ),
            subnets=tuple(
                Subnet(i, "vpc-1", cidr, az, tier == "public") for i, tier, az, cidr in SUBNETS
            ),
        ),
        Routing: Routing(
            route_tables=(
                RouteTable("rtb-main", "vpc-1", True, (), (Route("10.20.0.0/16", "local"),)),
                RouteTable(
                    "rtb-public",
                    "vpc-1",
                    False,
                    PUBLIC,
                    (Route("10.20.0.0/16", "local"), Route("0.0.0.0/0", "igw-1")),
                ),
                *(
                    RouteTable(
                        f"rtb-private-{az[-1]}",
                        "vpc-1",
                        False,
                        (f"subnet-app-{az[-1]}", f"subnet-data-{az[-1]}"),
                        (Route("10.20.0.0/16", "local"), Route("0.0.0.0/0", f"nat-{az[-1]}")),
                    )
                    for az in AZS
                ),
            ),
            nat_gateways=tuple(
                NatGateway(
                    f"nat-{az[-1]}",
                    "vpc-1",
                    f"subnet-pub-{az[-1]}",
                    "available",
                    (f"eni-nat-{az[-1]}",),
                )
                for az in AZS
            ),
            internet_gateway_ids=("igw-1",),
        ),
        VpcEndpoints: VpcEndpoints(
            tuple(
                VpcEndpoint(
                    f"vpce-{i}", "vpc-1", f"com.amazonaws.ap-northeast-1.{svc}", kind, "available"
                )
                for i, (svc, kind) in enumerate(
                    (
                        ("s3", "Gateway"),
                        ("ecr.api", "Interface"),
                        ("ecr.dkr", "Interface"),
                        ("sts", "Interface"),
                        ("logs", "Interface"),
                    )
                )
            )
        ),
        FlowLogs: FlowLogs(
            (
                FlowLog(
                    "fl-1",
                    "vpc-1",
                    "ALL",
                    "cloud-watch-logs",
                    "/sakura-shop/vpc-flow-logs",
                    "ACTIVE",
                ),
            )
        ),
        NetworkInterfaces: NetworkInterfaces(
            (
                NetworkInterface(
                    "eni-nat-a",
                    "subnet-pub-a",
                    "nat_gateway",
                    "Interface for NAT Gateway nat-a",
                    None,
                    "203.0.113.1",
                ),
                NetworkInterface(
                    "eni-alb-a",
                    "subnet-pub-a",
                    "interface",
                    "ELB app/sakura-shop-edge/1",
                    None,
                    "203.0.113.2",
                ),
                NetworkInterface("eni-node-a", "subnet-app-a", "interface", "", "i-1", None),
            )
        ),
        SecurityGroups: SecurityGroups(
            (
                SecurityGroup(
                    "sg-alb",
                    "alb",
                    "vpc-1",
                    (_tcp(443, cidrs=("0.0.0.0/0",)), _tcp(80, cidrs=("0.0.0.0/0",))),
                ),
                SecurityGroup(
                    "sg-nodes",
                    "nodes",
                    "vpc-1",
                    (_tcp(30080, groups=("sg-alb",)), _tcp(30021, groups=("sg-alb",))),
                ),
            )
        ),
        LoadBalancers: LoadBalancers(
            (
                alb,
                LoadBalancer(
                    "internal-1", "internal-1", "network", "internal", "x", "vpc-1", APP, ()
                ),
            )
        ),
        Alb: Alb(
            name="sakura-shop-edge",
            load_balancer=alb,
            attributes={
                "routing.http.drop_invalid_header_fields.enabled": "true",
                "deletion_protection.enabled": "true",
                "access_logs.s3.enabled": "true",
                "access_logs.s3.bucket": "sakura-shop-alb-access-logs",
                "access_logs.s3.prefix": "edge",
            },
            listeners=(HTTPS, HTTP),
        ),
        AlbTargetGroups: AlbTargetGroups(
            ALB_ARN,
            HTTPS_ARN,
            (TARGET_GROUP,),
            TARGET_GROUP,
            routes=(routes(HTTPS), routes(HTTP)),
            groups={TG_ARN: TARGET_GROUP},
        ),
        ListenerCertificates: ListenerCertificates(
            READ_AT,
            (
                HttpsListener(
                    HTTPS_ARN,
                    443,
                    (
                        Certificate(
                            "arn:aws:acm:cert/1",
                            "shop.example.com",
                            ("shop.example.com", "*.shop.example.com"),
                            "ISSUED",
                            datetime(2027, 6, 1, tzinfo=UTC),
                        ),
                    ),
                ),
            ),
        ),
        WafAssociation: WafAssociation(ALB_ARN, "sakura-shop-edge", ACL_ARN, WEB_ACL),
        WebAcls: WebAcls(("sakura-shop-edge",), WEB_ACL),
        DnsRecords: DnsRecords(
            "shop.example.com",
            (
                HostedZone(
                    "/hostedzone/Z1",
                    (
                        AliasRecord("shop.example.com", "NS", None),
                        AliasRecord("shop.example.com", "A", f"dualstack.{ALB_DNS}"),
                    ),
                ),
            ),
        ),
        EksCluster: EksCluster(
            "sakura-shop",
            Cluster(
                name="sakura-shop",
                arn="arn:aws:eks:ap-northeast-1:111122223333:cluster/sakura-shop",
                version="1.35",
                endpoint_public=False,
                endpoint_private=True,
                public_access_cidrs=(),
                enabled_log_types=(
                    "api",
                    "audit",
                    "authenticator",
                    "controllerManager",
                    "scheduler",
                ),
                secrets_key_arns=(f"{KMS}/{EKS_KEY}",),
                oidc_issuer=f"https://{ISSUER}",
                subnet_ids=APP,
                cluster_security_group_id="sg-cluster",
            ),
        ),
        NodeGroups: NodeGroups("sakura-shop", (NodeGroup("core", APP, ("eks-core-1",), TEMPLATE),)),
        Addons: Addons(
            "sakura-shop",
            ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent"),
        ),
        OidcProviders: OidcProviders((ISSUER,)),
        KmsKeys: KmsKeys(
            aliases={
                "alias/sakura-shop-eks-secrets": EKS_KEY,
                "alias/sakura-shop-data": DATA_KEY,
                "alias/sakura-shop-audit": AUDIT_KEY,
                "alias/aws/secretsmanager": "aws-sm",
            },
            keys=(
                KmsKey(
                    "alias/sakura-shop-eks-secrets", EKS_KEY, f"{KMS}/{EKS_KEY}", "CUSTOMER", True
                ),
                KmsKey("alias/sakura-shop-data", DATA_KEY, f"{KMS}/{DATA_KEY}", "CUSTOMER", True),
                KmsKey(
                    "alias/sakura-shop-audit", AUDIT_KEY, f"{KMS}/{AUDIT_KEY}", "CUSTOMER", True
                ),
            ),
        ),
        EcrRepositories: EcrRepositories(
            tuple(
                EcrRepository(
                    f"sakura-shop/{r}",
                    f"arn:aws:ecr:repo/{r}",
                    "IMMUTABLE",
                    True,
                    "KMS",
                    f"{KMS}/{DATA_KEY}",
                )
                for r in REPOS
            )
        ),
        DbClusters: DbClusters(
            tuple(
                DbCluster(
                    db,
                    f"arn:aws:rds:cluster:{db}",
                    "aurora-postgresql",
                    True,
                    f"{KMS}/{DATA_KEY}",
                    True,
                    f"{db}-subnets",
                    DATA,
                    (DbInstance(f"{db}-1", False),),
                )
                for db in ("catalog-db", "orders-db")
            )
        ),
        CacheGroups: CacheGroups(
            (CacheGroup("cart-cache", "arn:aws:elasticache:cart-cache", True, True),)
        ),
        BucketPublicAccess: BucketPublicAccess(
            tuple(
                BucketAccess(
                    b,
                    True,
                    dict.fromkeys(
                        (
                            "BlockPublicAcls",
                            "IgnorePublicAcls",
                            "BlockPublicPolicy",
                            "RestrictPublicBuckets",
                        ),
                        True,
                    ),
                )
                for b in (
                    "sakura-shop-alb-access-logs",
                    "sakura-shop-assets",
                    "sakura-shop-audit-logs",
                )
            )
        ),
        Secrets: Secrets(
            (
                Secret(
                    "sakura-shop/payments/provider-api-key",
                    "arn:aws:secretsmanager:s1",
                    "alias/sakura-shop-data",
                ),
                Secret(
                    "sakura-shop/orders/db-credentials",
                    "arn:aws:secretsmanager:s2",
                    f"{KMS}/{DATA_KEY}",
                ),
            )
        ),
        Trails: Trails(
            (
                Trail(
                    name="sakura-shop-audit",
                    arn="arn:aws:cloudtrail:ap-northeast-1:111122223333:trail/sakura-shop-audit",
                    home_region="ap-northeast-1",
                    multi_region=True,
                    organization=False,
                    log_file_validation=True,
                    kms_key_id=f"{KMS}/{AUDIT_KEY}",
                    bucket="sakura-shop-audit-logs",
                    logging=True,
                    management_events="All",
                ),
            )
        ),
    }
