"""Facts about an AWS account: frozen dataclasses that AWS collectors return and rules read.

Each top-level class is one fact type (one collector gathers it, once per run). Rules
from other layers may read them too: the cluster layer's cross-layer check reads
``AlbTargetGroups`` to compare the ALB's target-group port with the gateway's nodePort.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from eks_refarch.i18n import Text

# Network (EC2).


@dataclass(frozen=True)
class Vpc:
    id: str
    cidrs: tuple[str, ...]  # the primary block first, then associated ones
    ipv6_cidrs: tuple[str, ...] = ()
    # What the design names that has network interfaces in this VPC ("ALB sakura-shop-edge",
    # "EKS cluster sakura-shop"): the evidence that tells look-alike VPCs apart.
    holds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subnet:
    id: str
    vpc_id: str
    cidr: str
    az: str
    map_public_ip_on_launch: bool


@dataclass(frozen=True)
class Vpcs:
    """Every VPC and subnet in the region."""

    vpcs: tuple[Vpc, ...]
    subnets: tuple[Subnet, ...]

    def with_cidr(self, cidr: str) -> tuple[Vpc, ...]:
        return tuple(v for v in self.vpcs if cidr in v.cidrs)

    def subnet(self, subnet_id: str) -> Subnet | None:
        return next((s for s in self.subnets if s.id == subnet_id), None)

    def in_vpc(self, vpc_id: str) -> tuple[Subnet, ...]:
        return tuple(s for s in self.subnets if s.vpc_id == vpc_id)


@dataclass(frozen=True)
class Route:
    destination: str  # an IPv4 or IPv6 CIDR, or a prefix list id
    target: str  # igw-..., nat-..., local, vpce-..., eni-..., ...


@dataclass(frozen=True)
class RouteTable:
    id: str
    vpc_id: str
    main: bool
    subnet_ids: tuple[str, ...]  # explicitly associated subnets
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class NatGateway:
    id: str
    vpc_id: str
    subnet_id: str
    state: str
    interface_ids: tuple[str, ...]


@dataclass(frozen=True)
class Routing:
    """Route tables, NAT gateways and internet gateways in the region."""

    route_tables: tuple[RouteTable, ...]
    nat_gateways: tuple[NatGateway, ...]
    internet_gateway_ids: tuple[str, ...]

    def table_for(self, subnet: Subnet) -> RouteTable | None:
        """The subnet's route table: its explicit association, else its VPC's main table."""
        explicit = next((t for t in self.route_tables if subnet.id in t.subnet_ids), None)
        return explicit or next(
            (t for t in self.route_tables if t.vpc_id == subnet.vpc_id and t.main), None
        )


@dataclass(frozen=True)
class VpcEndpoint:
    id: str
    vpc_id: str
    service_name: str  # com.amazonaws.<region>.<service>
    type: str  # Gateway or Interface
    state: str


@dataclass(frozen=True)
class VpcEndpoints:
    endpoints: tuple[VpcEndpoint, ...]


@dataclass(frozen=True)
class FlowLog:
    id: str
    resource_id: str
    traffic_type: str
    destination_type: str
    log_group: str | None
    status: str


@dataclass(frozen=True)
class FlowLogs:
    flow_logs: tuple[FlowLog, ...]


@dataclass(frozen=True)
class NetworkInterface:
    id: str
    subnet_id: str
    type: str
    description: str
    instance_id: str | None
    public_ip: str | None
    groups: tuple[str, ...] = ()  # the security groups attached to it


@dataclass(frozen=True)
class NetworkInterfaces:
    interfaces: tuple[NetworkInterface, ...]


@dataclass(frozen=True)
class IngressRule:
    protocol: str  # "tcp", "udp", "icmp" or "-1" (all)
    from_port: int | None
    to_port: int | None
    cidrs: tuple[str, ...]  # IPv4 and IPv6 ranges
    source_groups: tuple[str, ...]
    prefix_lists: tuple[str, ...] = ()  # managed prefix list ids, whose entries are not read

    def ports(self) -> str:
        if self.protocol == "-1" or self.from_port is None:
            return "all ports"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"


@dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    vpc_id: str
    ingress: tuple[IngressRule, ...]


@dataclass(frozen=True)
class SecurityGroups:
    groups: tuple[SecurityGroup, ...]

    def get(self, group_id: str) -> SecurityGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)


# Edge (ELB, ACM, WAF, Route 53).


@dataclass(frozen=True)
class LoadBalancer:
    arn: str  # for a Classic Load Balancer, its name
    name: str
    kind: str  # application, network, gateway or classic
    scheme: str
    dns_name: str
    vpc_id: str | None
    subnet_ids: tuple[str, ...]
    security_groups: tuple[str, ...]


@dataclass(frozen=True)
class LoadBalancers:
    """Every load balancer in the region, Classic included, and how far the run looks.

    ``scope`` is the run's ``--scope``: ``account`` judges every load balancer in the
    region; ``vpc`` narrows account-wide rules to the design's VPC.
    """

    load_balancers: tuple[LoadBalancer, ...]
    scope: str = "account"


@dataclass(frozen=True)
class Redirect:
    protocol: str  # HTTPS, HTTP or "#{protocol}" (the request's own)
    port: str
    host: str
    path: str
    query: str
    status: str  # HTTP_301 or HTTP_302


@dataclass(frozen=True)
class ListenerAction:
    """One action of a listener rule or default. Actions run in ``order``; an
    authenticate-* action is followed by the one that answers (forward, redirect, ...)."""

    type: str  # forward, redirect, fixed-response, authenticate-oidc, authenticate-cognito
    order: int = 0
    # (target group ARN, weight) for forward; a group with weight 0 receives nothing.
    forwards: tuple[tuple[str, int], ...] = ()
    redirect: Redirect | None = None
    status_code: str | None = None  # of a fixed response

    @property
    def target_group_arns(self) -> tuple[str, ...]:
        """The target groups this action can send requests to (weight above 0)."""
        return tuple(arn for arn, weight in self.forwards if weight > 0)


@dataclass(frozen=True)
class ListenerRule:
    """A rule of a listener, or its default action (``priority`` "default")."""

    arn: str
    priority: str  # "1" to "50000", or "default"
    conditions: tuple[str, ...]  # as a reader would say them: "path-pattern /api/*"
    actions: tuple[ListenerAction, ...]

    @property
    def is_default(self) -> bool:
        return self.priority == "default"


@dataclass(frozen=True)
class Listener:
    arn: str
    port: int
    protocol: str
    ssl_policy: str | None
    certificate_arns: tuple[str, ...]  # as DescribeListeners lists them (AWS: the default)
    default_actions: tuple[ListenerAction, ...]


@dataclass(frozen=True)
class Alb:
    """The designed ALB and its attributes and listeners.

    Found by the design's name; when no load balancer has it, by shape: the one
    internet-facing application load balancer in the region (``found_by`` says so).
    ``candidates`` lists the look-alikes when the shape fits several.
    """

    name: str
    load_balancer: LoadBalancer | None  # None: not found (see candidates)
    attributes: Mapping[str, str] = field(default_factory=dict)
    listeners: tuple[Listener, ...] = ()
    found_by: str | None = None  # None: by the designed name; else how it was found
    candidates: tuple[str, ...] = ()  # names of look-alikes when it could not be chosen

    def listener(self, port: int) -> Listener | None:
        return next((li for li in self.listeners if li.port == port), None)


@dataclass(frozen=True)
class TargetGroup:
    """One ALB target group as AWS reports it."""

    arn: str
    name: str
    port: int | None  # None for lambda targets
    protocol: str | None
    target_type: str  # instance, ip, lambda or alb
    health_check_protocol: str | None
    health_check_port: str  # a port number as text, or "traffic-port"
    health_check_path: str | None
    load_balancer_arns: tuple[str, ...]
    attached_asgs: tuple[str, ...]  # Auto Scaling groups that register into it

    @property
    def effective_health_check_port(self) -> int | None:
        """The port health checks reach: "traffic-port" means the target group's port."""
        if self.health_check_port == "traffic-port":
            return self.port
        return int(self.health_check_port)


@dataclass(frozen=True)
class ListenerRoutes:
    """A listener of the designed ALB with every rule, in the order the ALB evaluates them:
    by priority, the default action last."""

    listener: Listener
    rules: tuple[ListenerRule, ...]

    @property
    def tls(self) -> bool:
        return self.listener.protocol == "HTTPS"


@dataclass(frozen=True)
class AlbTargetGroups:
    """Where the designed ALB sends requests: the routing fact, and the cross-layer one.

    ``routes`` holds every listener and rule. ``forwarded`` are the target groups that some
    rule of a TLS (HTTPS) listener can forward to, with their port, protocol, target type,
    health check and attached Auto Scaling groups. ``named`` is the group that carries the
    design's target-group name, wherever it is attached (else the one forwarded group with
    the designed shape). Import it from ``eks_refarch.conformance.aws.facts``.
    """

    alb_arn: str | None  # None: the designed ALB was not found
    https_listener_arn: str | None  # None: it has no listener on the designed HTTPS port
    forwarded: tuple[TargetGroup, ...]
    named: TargetGroup | None
    routes: tuple[ListenerRoutes, ...] = ()
    groups: Mapping[str, TargetGroup] = field(default_factory=dict)  # every group, by ARN


@dataclass(frozen=True)
class Certificate:
    arn: str
    domain: str
    subject_alternative_names: tuple[str, ...]
    status: str
    not_after: datetime | None
    is_default: bool = True  # False: an SNI certificate of the listener

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.domain, *self.subject_alternative_names)))


@dataclass(frozen=True)
class HttpsListener:
    """One HTTPS listener of the designed ALB and every certificate on it."""

    arn: str
    port: int
    certificates: tuple[Certificate, ...]


@dataclass(frozen=True)
class ListenerCertificates:
    """The certificates on the designed ALB's HTTPS listeners, and when they were read."""

    read_at: datetime
    listeners: tuple[HttpsListener, ...]

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        return tuple(c for li in self.listeners for c in li.certificates)


@dataclass(frozen=True)
class WafRule:
    """One rule of a web ACL, as far as its effect on the managed rule groups goes."""

    name: str
    priority: int
    # A managed rule group "<vendor>/<name>", or None for a rule of the ACL's own.
    managed_group: str | None
    # Of an own rule: allow, block, count, captcha or challenge. Of a rule group: None.
    action: str | None = None
    # Of a rule group: "none" (its rules act) or "count" (they only count).
    override: str | None = None
    # Rules of the group turned to another action: (rule name, action); ExcludedRules
    # (the older API) are ("<name>", "count").
    rule_overrides: tuple[tuple[str, str], ...] = ()
    scope_down: bool = False  # the group inspects only requests a statement matches


@dataclass(frozen=True)
class WebAcl:
    name: str
    arn: str
    default_action: str  # allow or block
    rules: tuple[WafRule, ...] = ()

    @property
    def managed_rule_groups(self) -> tuple[str, ...]:
        """ "<vendor>/<name>" of every managed rule group in the ACL."""
        return tuple(r.managed_group for r in self.rules if r.managed_group)


@dataclass(frozen=True)
class WafAssociation:
    """The web ACL associated with the designed ALB, asked of WAF for that ALB."""

    alb_arn: str | None
    web_acl_name: str | None
    web_acl_arn: str | None
    web_acl: WebAcl | None = None  # the associated ACL in full


@dataclass(frozen=True)
class WebAcls:
    """The regional web ACLs' names, and the designed one in full when it exists."""

    names: tuple[str, ...]
    designed: WebAcl | None


@dataclass(frozen=True)
class AliasRecord:
    name: str
    type: str
    alias_target: str | None  # the DNS name an alias points at, without the trailing dot


@dataclass(frozen=True)
class HostedZone:
    id: str
    records: tuple[AliasRecord, ...]  # the designed record's entries in this zone


@dataclass(frozen=True)
class DnsRecords:
    """The designed record's entries in each public hosted zone with the designed name.

    Usually one zone; a stale duplicate zone makes two, and the rule chooses by evidence.
    """

    zone: str
    zones: tuple[HostedZone, ...]

    @property
    def zone_id(self) -> str | None:
        """The zone's id when there is exactly one."""
        return self.zones[0].id if len(self.zones) == 1 else None

    @property
    def records(self) -> tuple[AliasRecord, ...]:
        return tuple(r for z in self.zones for r in z.records)


# EKS and what it runs on.


@dataclass(frozen=True)
class Cluster:
    name: str
    arn: str
    version: str
    endpoint_public: bool
    endpoint_private: bool
    # None when the endpoint did not say; AWS always does (moto 5.2.5 omits it).
    public_access_cidrs: tuple[str, ...] | None
    enabled_log_types: tuple[str, ...]
    secrets_key_arns: tuple[str, ...]  # KMS keys of encryptionConfig entries covering secrets
    oidc_issuer: str | None
    subnet_ids: tuple[str, ...]
    # None when the endpoint did not say; AWS always does (moto 5.2.5 omits it).
    cluster_security_group_id: str | None


@dataclass(frozen=True)
class EksCluster:
    name: str  # the design's cluster name
    cluster: Cluster | None  # None: no cluster of that name


@dataclass(frozen=True)
class Volume:
    device: str
    encrypted: bool
    type: str | None
    size_gib: int | None


@dataclass(frozen=True)
class LaunchTemplate:
    id: str
    version: str
    http_tokens: str | None  # None: not set, which EC2 treats as "optional"
    hop_limit: int | None
    volumes: tuple[Volume, ...]
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class RemoteAccess:
    """SSH access EKS opens to a node group's nodes (only without a launch template)."""

    ssh_key: str | None
    source_groups: tuple[str, ...]  # empty: EKS opens port 22 to 0.0.0.0/0


@dataclass(frozen=True)
class NodeGroup:
    name: str
    subnet_ids: tuple[str, ...]
    asg_names: tuple[str, ...]
    launch_template: LaunchTemplate | None  # None: EKS's default template is used
    remote_access: RemoteAccess | None = None
    remote_access_group: str | None = None  # the security group EKS made for it


@dataclass(frozen=True)
class NodeGroups:
    """The designed cluster's managed node groups with their launch template versions."""

    cluster: str
    groups: tuple[NodeGroup, ...]

    def get(self, name: str) -> NodeGroup | None:
        return next((g for g in self.groups if g.name == name), None)


@dataclass(frozen=True)
class Addons:
    """The designed cluster's EKS add-ons, or why they could not be listed."""

    cluster: str
    names: tuple[str, ...] | None  # None together with gap
    gap: Text | None = None  # the endpoint does not implement the API (an emulator)


@dataclass(frozen=True)
class OidcProviders:
    """The IAM OIDC identity providers' URLs, without the https:// scheme."""

    urls: tuple[str, ...]


# Keys, registry and data.


@dataclass(frozen=True)
class KmsKey:
    alias: str
    key_id: str
    arn: str
    manager: str  # CUSTOMER or AWS
    rotation_enabled: bool


@dataclass(frozen=True)
class KmsKeys:
    """Every alias in the region, and the designed keys in full."""

    aliases: Mapping[str, str]  # alias name -> target key id
    keys: tuple[KmsKey, ...]  # one for each designed alias that exists

    def by_alias(self, alias: str) -> KmsKey | None:
        return next((k for k in self.keys if k.alias == alias), None)

    def key_id(self, reference: str | None) -> str | None:
        """The key id behind a key id, key ARN, alias name or alias ARN; None if unknown."""
        if not reference:
            return None
        tail = reference.split(":")[-1] if reference.startswith("arn:") else reference
        if tail.startswith("alias/"):
            return self.aliases.get(tail)
        return tail.removeprefix("key/")


@dataclass(frozen=True)
class EcrRepository:
    name: str
    arn: str
    tag_mutability: str
    scan_on_push: bool
    encryption_type: str
    kms_key: str | None


@dataclass(frozen=True)
class EcrRepositories:
    repositories: tuple[EcrRepository, ...]

    def get(self, name: str) -> EcrRepository | None:
        return next((r for r in self.repositories if r.name == name), None)


@dataclass(frozen=True)
class DbInstance:
    id: str
    publicly_accessible: bool


@dataclass(frozen=True)
class DbCluster:
    id: str
    arn: str
    engine: str
    storage_encrypted: bool
    kms_key_id: str | None
    deletion_protection: bool
    subnet_group: str | None
    subnet_ids: tuple[str, ...]
    instances: tuple[DbInstance, ...]


@dataclass(frozen=True)
class DbClusters:
    clusters: tuple[DbCluster, ...]
    # Every DB subnet group's subnets, the designed clusters' and any other's.
    subnet_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, cluster_id: str) -> DbCluster | None:
        return next((c for c in self.clusters if c.id == cluster_id), None)


@dataclass(frozen=True)
class CacheGroup:
    id: str
    arn: str
    transit_encryption: bool
    at_rest_encryption: bool


@dataclass(frozen=True)
class CacheGroups:
    groups: tuple[CacheGroup, ...]
    # Every cache subnet group's subnets.
    subnet_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, group_id: str) -> CacheGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)


# The four settings of an S3 public access block, as S3 names them.
PUBLIC_ACCESS_BLOCK_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


@dataclass(frozen=True)
class BucketAccess:
    name: str
    exists: bool
    # BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets;
    # None when the bucket has no public access block configuration at all.
    block: Mapping[str, bool] | None


@dataclass(frozen=True)
class BucketPublicAccess:
    """The designed buckets' public access blocks."""

    buckets: tuple[BucketAccess, ...]


@dataclass(frozen=True)
class Secret:
    name: str
    arn: str
    kms_key_id: str | None  # None: encrypted with the AWS managed key aws/secretsmanager


@dataclass(frozen=True)
class Secrets:
    secrets: tuple[Secret, ...]

    def get(self, name: str) -> Secret | None:
        return next((s for s in self.secrets if s.name == name), None)


# Audit (CloudTrail).


@dataclass(frozen=True)
class Trail:
    name: str
    arn: str
    home_region: str
    multi_region: bool
    organization: bool
    log_file_validation: bool
    kms_key_id: str | None  # None: SSE-S3, not a KMS key
    bucket: str | None
    logging: bool  # GetTrailStatus IsLogging
    # Management events recorded: "All", "ReadOnly", "WriteOnly", or None for none.
    management_events: str | None


@dataclass(frozen=True)
class Trails:
    """Every trail that records this region, the ones other regions own included."""

    trails: tuple[Trail, ...]

    def get(self, name: str) -> Trail | None:
        return next((t for t in self.trails if t.name == name), None)
