"""The typed design model: what architecture.yaml may say, field by field.

Field-level rules (types, ranges, formats) live here; rules that relate two parts of
the design (subnets inside the VPC, references that must resolve) live in
``crosscheck.py`` so each can report its own location.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    Strict,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError

NODE_PORT_MIN = 30000
NODE_PORT_MAX = 32767
_T = TypeVar("_T")

Str = Annotated[str, Strict(), Field(min_length=1)]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]


def _pattern(regex: str, expected: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("pattern", f"expected {expected}")
        return value

    return AfterValidator(check)


Name = Annotated[
    Str,
    _pattern(
        r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
        "a lowercase DNS label (letters, digits and '-', at most 63 characters)",
    ),
]
AwsName = Annotated[
    Str,
    _pattern(
        r"[A-Za-z0-9]([-A-Za-z0-9]{0,30}[A-Za-z0-9])?",
        "letters, digits and '-', at most 32 characters, not starting or ending with '-'",
    ),
]
Region = Annotated[Str, _pattern(r"[a-z]{2}(-[a-z]+)+-\d", "an AWS region such as ap-northeast-1")]
DnsName = Annotated[
    Str,
    _pattern(r"(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}", "a lowercase DNS name"),
]
KmsAlias = Annotated[Str, _pattern(r"alias/[A-Za-z0-9/_-]+", "a KMS alias such as alias/my-key")]
AdrId = Annotated[Str, _pattern(r"ADR-\d{4}", "a decision id such as ADR-0001")]
AbsPath = Annotated[Str, _pattern(r"/[^\0]*", "an absolute path")]
UrlPath = Annotated[Str, _pattern(r"/[A-Za-z0-9._~/-]*", "a URL path starting with '/'")]
Quantity = Annotated[Str, _pattern(r"\d+(\.\d+)?(m|Ki|Mi|Gi)?", "a Kubernetes quantity")]
FileMode = Annotated[Str, _pattern(r"0[0-7]{3}", 'an octal file mode in quotes, such as "0644"')]


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise PydanticCustomError(
            "cidr",
            "expected an IPv4 CIDR block such as 10.0.0.0/16 ({reason})",
            {"reason": str(exc)},
        ) from None
    return str(network)


Cidr = Annotated[Str, AfterValidator(_cidr)]


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise PydanticCustomError("port", "expected a TCP port between 1 and 65535")
    return value


def _node_port(value: int) -> int:
    if not NODE_PORT_MIN <= value <= NODE_PORT_MAX:
        raise PydanticCustomError(
            "node_port",
            "expected a nodePort inside the Kubernetes NodePort range {low}-{high}",
            {"low": NODE_PORT_MIN, "high": NODE_PORT_MAX},
        )
    return value


Port = Annotated[Int, AfterValidator(_port)]
NodePort = Annotated[Int, AfterValidator(_node_port)]
Positive = Annotated[Int, Field(ge=1)]


def _kube_version(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise PydanticCustomError(
            "quoted_version",
            'expected the version in quotes, such as "1.33" (YAML reads 1.30 as the number 1.3)',
        )
    return value


KubeVersion = Annotated[
    Str,
    BeforeValidator(_kube_version),
    _pattern(r"1\.\d{1,2}", 'a Kubernetes minor version such as "1.33"'),
]
SemVer = Annotated[
    Str,
    BeforeValidator(_kube_version),
    _pattern(r"\d+\.\d+(\.\d+)?", 'a version in quotes such as "1.28.1"'),
]

SubnetTier = Literal["public", "private-app", "private-data"]
Concern = Literal[
    "gitops",
    "mesh",
    "metrics",
    "dashboards",
    "logs",
    "traces",
    "telemetry-pipeline",
    "mesh-observability",
    "secrets",
    "autoscaling",
    "certificates",
    "dns",
    "policy",
]
# A project's standing in the CNCF: its maturity level, part of the Kubernetes project
# itself (a SIG subproject), or not a CNCF project at all.
CncfStatus = Literal["graduated", "incubating", "sandbox", "kubernetes-subproject", "none"]
LogType = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]

# What a platform component may watch or feed besides another component: the Git
# repository of the manifests, the cluster's API server, the microservices, AWS Secrets
# Manager, and EC2 (where instances are launched).
EXTERNAL_PARTIES = ("git", "kubernetes-api", "microservices", "secrets-manager", "ec2")


class Model(BaseModel):
    """Base for every part of the design: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Model):
    """Prose the site shows, in both of its languages."""

    en: Str
    ja: Str

    def __getitem__(self, lang: str) -> str:
        text: str = getattr(self, lang)
        return text


class Provenance(Model):
    """Where a fact that ages was read, and on which day."""

    source: Annotated[Str, _pattern(r"https://\S+", "an https:// URL")]
    recorded: datetime.date


class Product(Model):
    name: Name
    title: Text
    environment: Name
    region: Region


class Owner(Model):
    tool: Str
    team: Name
    summary: Text


class Subnet(Model):
    tier: SubnetTier
    az: Str
    cidr: Cidr


class VpcEndpoints(Model):
    gateway: tuple[Literal["s3", "dynamodb"], ...]
    interface: tuple[
        Annotated[Str, _pattern(r"[a-z0-9.-]+", "an AWS service name such as ecr.api")], ...
    ]


class FlowLogs(Model):
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"]
    log_group: Str


class Network(Model):
    owner: Name
    vpc_cidr: Cidr
    availability_zones: tuple[Str, ...] = Field(min_length=2)
    subnets: tuple[Subnet, ...] = Field(min_length=1)
    nat_gateways: Literal["one-per-az", "single"]
    vpc_endpoints: VpcEndpoints
    flow_logs: FlowLogs

    def subnets_in(self, tier: SubnetTier) -> tuple[Subnet, ...]:
        return tuple(s for s in self.subnets if s.tier == tier)


class KmsKey(Model):
    alias: KmsAlias
    purpose: Text
    rotation: Bool


class AuditTrail(Model):
    """The CloudTrail trail that records every API call in the account, in every region."""

    name: Annotated[
        Str,
        _pattern(
            r"[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]",
            "a CloudTrail trail name (3-128 letters, digits, '.', '_' or '-')",
        ),
    ]
    multi_region: Bool
    log_file_validation: Bool
    kms_key: KmsAlias
    bucket: Str


class Security(Model):
    owner: Name
    kms_keys: tuple[KmsKey, ...]
    audit_trail: AuditTrail


class Dns(Model):
    zone: DnsName
    record: DnsName


class Certificate(Model):
    domain: DnsName
    subject_alternative_names: tuple[DnsName, ...] = ()
    renew_days_before_expiry: Positive


class Waf(Model):
    name: AwsName
    # What the web ACL does with a request no rule decided on: allow, and let the managed
    # rule groups block what they match (the usual shape), or block what no rule allows.
    default_action: Literal["allow", "block"] = "allow"
    managed_rule_groups: tuple[Str, ...] = Field(min_length=1)


class AccessLogs(Model):
    bucket: Str
    prefix: Str


class Alb(Model):
    name: AwsName
    scheme: Literal["internet-facing", "internal"]
    subnet_tier: SubnetTier
    https_port: Port
    ssl_policy: Str
    http_redirect_port: Port
    drop_invalid_header_fields: Bool
    deletion_protection: Bool
    idle_timeout_seconds: Annotated[Int, Field(ge=1, le=4000)]
    access_logs: AccessLogs


class HealthCheck(Model):
    protocol: Literal["HTTP", "HTTPS"] = "HTTP"
    interval_seconds: Annotated[Int, Field(ge=5, le=300)]
    healthy_threshold: Annotated[Int, Field(ge=2, le=10)]
    unhealthy_threshold: Annotated[Int, Field(ge=2, le=10)]


class TargetGroup(Model):
    """The ALB's target group. Its ports are the ingress gateway's nodePorts, derived on load."""

    name: AwsName
    target_type: Literal["instance"]
    protocol: Literal["HTTP", "HTTPS"]
    health_check: HealthCheck
    _gateway: IngressGateway | None = PrivateAttr(default=None)

    def _bound(self) -> IngressGateway:
        if self._gateway is None:
            raise RuntimeError("TargetGroup is only complete inside a loaded Design")
        return self._gateway

    @computed_field  # type: ignore[prop-decorator]
    @property
    def port(self) -> int:
        """Derived: mesh.ingress_gateway.node_ports.http."""
        return self._bound().node_ports.http

    @computed_field  # type: ignore[prop-decorator]
    @property
    def health_check_port(self) -> int:
        """Derived: mesh.ingress_gateway.node_ports.status."""
        return self._bound().node_ports.status

    @computed_field  # type: ignore[prop-decorator]
    @property
    def health_check_path(self) -> str:
        """Derived: mesh.ingress_gateway.readiness_path."""
        return self._bound().readiness_path


class Edge(Model):
    owner: Name
    dns: Dns
    certificate: Certificate
    waf: Waf
    alb: Alb
    target_group: TargetGroup


class Endpoint(Model):
    private_access: Bool
    public_access: Bool
    public_access_cidrs: tuple[Cidr, ...] = ()


class SecretsEncryption(Model):
    kms_key: KmsAlias


class Scaling(Model):
    min: Annotated[Int, Field(ge=0)]
    desired: Annotated[Int, Field(ge=0)]
    max: Annotated[Int, Field(ge=1)]

    @model_validator(mode="after")
    def _ordered(self) -> Scaling:
        if not self.min <= self.desired <= self.max:
            raise PydanticCustomError(
                "scaling_order",
                "expected min <= desired <= max, found {min} / {desired} / {max}",
                {"min": self.min, "desired": self.desired, "max": self.max},
            )
        return self


class Imds(Model):
    http_tokens: Literal["required", "optional"]
    hop_limit: Annotated[Int, Field(ge=1, le=64)]


class RootVolume(Model):
    size_gib: Annotated[Int, Field(ge=1, le=16384)]
    type: Literal["gp3", "gp2", "io1", "io2"]
    encrypted: Bool


class NodeGroup(Model):
    name: Name
    subnet_tier: SubnetTier
    instance_types: tuple[Str, ...] = Field(min_length=1)
    ami_type: Str
    capacity_type: Literal["ON_DEMAND", "SPOT"]
    scaling: Scaling
    imds: Imds
    root_volume: RootVolume
    attach_to_target_group: Bool


class Eks(Model):
    owner: Name
    cluster_name: Name
    version_floor: KubeVersion
    endpoint: Endpoint
    control_plane_logs: tuple[LogType, ...]
    secrets_encryption: SecretsEncryption
    pod_credentials: Literal["irsa", "pod-identity"]
    addons: tuple[Name, ...]
    node_groups: tuple[NodeGroup, ...] = Field(min_length=1)


class NodePorts(Model):
    http: NodePort
    status: NodePort


class IngressGateway(Model):
    namespace: Name
    name: Name
    service_type: Literal["NodePort"]
    http_target_port: Port
    status_target_port: Port
    node_ports: NodePorts
    readiness_path: UrlPath
    gateway_resource: Name


class Injection(Model):
    label: Literal["istio-injection", "istio.io/rev"]
    revision: Name | None = None
    namespaces: tuple[Name, ...] = Field(min_length=1)

    @property
    def label_value(self) -> str:
        """The value the namespace label carries: ``enabled`` or the revision."""
        return "enabled" if self.label == "istio-injection" else str(self.revision)


class Mesh(Model):
    owner: Name
    istio_version: SemVer
    ingress_gateway: IngressGateway
    mtls: Literal["STRICT", "PERMISSIVE"]
    injection: Injection


class Workload(Model):
    kind: Literal["Deployment", "StatefulSet", "DaemonSet"]
    name: Name


class Component(Model):
    name: Name
    title: Str
    namespace: Name
    concern: Concern
    workload: Workload
    watches: tuple[Name, ...] = ()
    feeds: tuple[Name, ...] = ()
    cncf: CncfStatus
    managed_alternative: Text
    decision: AdrId
    why: Text


class Platform(Model):
    owner: Name
    # Where the components' CNCF statuses were read, and when: they change as projects move.
    cncf_status: Provenance
    components: tuple[Component, ...] = Field(min_length=1)


class Database(Model):
    name: Name
    engine: Literal["aurora-postgresql", "aurora-mysql"]
    subnet_tier: SubnetTier
    kms_key: KmsAlias
    storage_encrypted: Bool
    publicly_accessible: Bool
    deletion_protection: Bool


class Cache(Model):
    name: Name
    engine: Literal["redis", "valkey"]
    subnet_tier: SubnetTier
    transit_encryption: Bool
    at_rest_encryption: Bool


class Bucket(Model):
    name: Annotated[Str, _pattern(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name")]
    purpose: Text
    block_public_access: Bool


class SecretSpec(Model):
    name: Annotated[Str, _pattern(r"[A-Za-z0-9/_+=.@-]{1,512}", "a Secrets Manager secret name")]
    kms_key: KmsAlias
    used_by: tuple[Name, ...] = ()


class Data(Model):
    owner: Name
    databases: tuple[Database, ...] = ()
    caches: tuple[Cache, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    secrets: tuple[SecretSpec, ...] = ()


class Registry(Model):
    owner: Name
    repository_prefix: Name
    image_tag_mutability: Literal["IMMUTABLE", "MUTABLE"]
    scan_on_push: Bool
    kms_key: KmsAlias
    _services: tuple[str, ...] = PrivateAttr(default=())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def repositories(self) -> tuple[str, ...]:
        """Derived: one repository per microservice, ``<repository_prefix>/<name>``."""
        return tuple(f"{self.repository_prefix}/{name}" for name in self._services)


class Resources(Model):
    cpu: Quantity
    memory: Quantity


class Route(Model):
    host: DnsName
    path: UrlPath


class Microservice(Model):
    name: Name
    namespace: Name
    team: Name
    port: Port
    replicas: Annotated[Int, Field(ge=1, le=100)]
    resources: Resources
    route: Route | None = None
    depends_on: tuple[Name, ...] = ()


class KubeletExpected(Model):
    anonymous_auth: Bool
    authorization_mode: Literal["Webhook"]
    client_ca_file: AbsPath
    read_only_port: Annotated[Int, Field(ge=0, le=0)]
    streaming_connection_idle_timeout: Annotated[
        Str, _pattern(r"(\d+h)?(\d+m)?(\d+s)?", "a Go duration such as 4h0m0s")
    ]
    make_iptables_util_chains: Bool
    event_record_qps: Annotated[Int, Field(ge=0)]
    rotate_certificates: Bool
    rotate_kubelet_server_certificate: Bool


class Kubelet(Model):
    config_paths: tuple[AbsPath, ...] = Field(min_length=1)
    drop_in_dir: AbsPath | None = None
    kubeconfig_path: AbsPath
    max_file_mode: FileMode
    file_owner: Str
    file_group: Str
    expected: KubeletExpected


class Nodes(Model):
    kubelet: Kubelet


class Decision(Model):
    id: AdrId
    title: Text
    status: Literal["proposed", "accepted", "deprecated", "superseded"]
    governs: tuple[Str, ...] = Field(min_length=1)


class Design(Model):
    """The whole documented design. Build it with ``eks_refarch.design.load``."""

    product: Product
    owners: dict[Name, Owner]
    network: Network
    security: Security
    edge: Edge
    eks: Eks
    mesh: Mesh
    platform: Platform
    data: Data
    registry: Registry
    microservices: tuple[Microservice, ...] = Field(min_length=1)
    nodes: Nodes
    decisions: tuple[Decision, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _derive(self) -> Design:
        # Derived values are bound here, once, so no reader can compute them differently.
        self.edge.target_group._gateway = self.mesh.ingress_gateway
        self.registry._services = tuple(m.name for m in self.microservices)
        return self

    # Lookups used by pages, diagrams and checks.
    def microservice(self, name: str) -> Microservice:
        return _one("microservice", name, {m.name: m for m in self.microservices})

    def component(self, name: str) -> Component:
        return _one("component", name, {c.name: c for c in self.platform.components})

    def decision(self, adr_id: str) -> Decision:
        return _one("decision", adr_id, {d.id: d for d in self.decisions})

    @property
    def routed_microservices(self) -> tuple[Microservice, ...]:
        return tuple(m for m in self.microservices if m.route is not None)

    @property
    def data_store_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.data.databases) + tuple(c.name for c in self.data.caches)


def _one(kind: str, key: str, known: dict[str, _T]) -> _T:
    """The item named ``key``; a name the design lacks is a ValueError naming it.

    A page that writes ``adr('ADR-0999')`` must fail its build with the id, not with a bare
    StopIteration from a generator.
    """
    try:
        return known[key]
    except KeyError:
        raise ValueError(f"the design has no {kind} {key!r} (it has {', '.join(known)})") from None
