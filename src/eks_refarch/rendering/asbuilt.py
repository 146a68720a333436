"""The as-built picture: an account as one run of the checks observed it, drawn on the frame of
the design's network view, each resource marked with what the checks made of it.

Drawn from the facts the run collected and its findings, with no call of its own: each
designed element is conformant (``pass``), drifted (``fail``, with the failing check
ids), ``missing``, or could not be verified (``error``: its facts were not collected,
or the endpoint has a named gap); resources the run saw that the design does not have
(an internet-facing load balancer, a subnet, a VPC endpoint) are ``unexpected``. In
the SVG, each resource's group has the class ``resource status-<status>`` and the
attributes ``data-element`` (what it stands for) and ``data-checks`` (the ids of the
checks that judged it). The same facts and findings give the same bytes.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from diagrams.aws.compute import ECR, EKS
from diagrams.aws.management import Cloudtrail
from diagrams.aws.network import ALB, VPC, ElasticLoadBalancing, Endpoint, PrivateSubnet, Route53
from diagrams.aws.security import ACM, KMS, WAF, SecretsManager
from diagrams.aws.storage import S3
from diagrams.k8s.others import CRD

from eks_refarch.conformance.aws import facts as aws
from eks_refarch.conformance.model import Finding, Source, Status
from eks_refarch.conformance.runner import RunResult
from eks_refarch.design import Design
from eks_refarch.rendering.graphviz_dot import find_dot, run_dot, self_contained
from eks_refarch.rendering.kit import (
    STATUS_LOOKS,
    Canvas,
    Cluster,
    Edge,
    Labels,
    Mark,
    ViewDiagram,
    lines,
)
from eks_refarch.rendering.kit import Status as MarkStatus
from eks_refarch.rendering.network import TIERS, draw_network, subnet_in
from eks_refarch.rendering.views import Lang

T = TypeVar("T")

LABELS: Labels = {
    "en": {
        "title": "As built: the account as the checks observed it",
        "legend": {
            "pass": "conformant",
            "fail": "drifted",
            "error": "could not verify",
            "missing": "missing",
            "unexpected": "not in the design",
        },
        "how": "Each resource is marked with what the run's checks made of it; numbers "
        "point to the checks below.",
        "notes": {
            "fail": "drifted",
            "error": "not verified",
            "missing": "missing",
            "unexpected": "unexpected",
        },
        "groups": {
            "edge": "Edge",
            "eks": "EKS",
            "keys": "KMS keys",
            "audit": "CloudTrail",
            "images": "ECR repositories",
            "buckets": "S3 buckets",
            "secrets": "Secrets Manager",
        },
        "flow_logs": "flow logs",
        "addons": "EKS add-ons",
        "target_group": "target group",
        "load_balancer": "load balancer",
        "subnet": "subnet",
        "endpoint": "endpoint",
        "not_drawn": "not drawn",
        "gap": "the endpoint does not implement {api}",
        "gap_other": "the endpoint cannot tell",
    },
    "ja": {
        "title": "構築状態：チェックが観測したアカウント",
        "legend": {
            "pass": "設計どおり",
            "fail": "ずれ",
            "error": "確認できず",
            "missing": "存在しない",
            "unexpected": "設計にない",
        },
        "how": "各リソースに、この実行のチェックの判定を示す。番号は下のチェックを指す。",
        "notes": {"fail": "ずれ", "error": "未確認", "missing": "なし", "unexpected": "設計外"},
        "groups": {
            "edge": "エッジ",
            "eks": "EKS",
            "keys": "KMS キー",
            "audit": "CloudTrail",
            "images": "ECR リポジトリ",
            "buckets": "S3 バケット",
            "secrets": "Secrets Manager",
        },
        "flow_logs": "フローログ",
        "addons": "EKS アドオン",
        "target_group": "ターゲットグループ",
        "load_balancer": "ロードバランサー",
        "subnet": "サブネット",
        "endpoint": "エンドポイント",
        "not_drawn": "図にないもの",
        "gap": "エンドポイントが {api} を実装していない",
        "gap_other": "エンドポイントから読み取れない",
    },
}


@dataclass(frozen=True)
class Element:
    """One drawn resource: the node that shows it, and how findings and facts name it."""

    key: str  # the node id in the picture
    element: str  # what it stands for, such as "subnet/10.20.0.0/24"
    kinds: frozenset[type[Any]]  # the fact types that observe it
    ids: frozenset[str]  # what findings call it: observed ids and ARNs, designed names
    present: bool | None  # None: the facts that would show it were not collected
    gap: str | None = None  # what the endpoint cannot tell, when it says so
    designed: bool = True
    zone: str | None = None  # the Availability Zone of an unexpected subnet


@dataclass(frozen=True)
class Observation:
    """What a run saw: each element with its mark, and the failures no element shows."""

    elements: tuple[Element, ...]
    marks: Mapping[str, Mark]  # by node id
    # Number, element, the ids of the checks that failed or erred on it, and the gap the
    # endpoint named, if any.
    footnotes: tuple[tuple[int, str, tuple[str, ...], str | None], ...]
    unplaced: tuple[Finding, ...]


def observe(design: Design, result: RunResult) -> Observation:
    """Each designed and each unexpected element, marked from the run's facts and findings."""
    elements = _Elements(design, result.facts).all()
    needs = {spec.id: frozenset(spec.needs) for spec in result.checks}
    aws_checks = {spec.id for spec in result.checks if Source.AWS in spec.sources}
    # The fact types whose collector failed: a check that needed one errs, naming what it
    # could not read rather than a resource, and judged every element those facts show.
    failed = {record.kind for record in result.collections if record.error}
    judged: dict[str, list[Finding]] = {e.key: [] for e in elements}
    unplaced = []
    for finding in result.findings:
        if finding.check not in aws_checks:
            continue
        found = [e for e in elements if _judges(finding, needs[finding.check], e)]
        if not found and finding.status == Status.ERROR:
            blind = {k for k in needs[finding.check] if k.__name__ in failed}
            found = [e for e in elements if e.kinds & blind]
        for element in found:
            judged[element.key].append(finding)
        if not found and finding.status in (Status.FAIL, Status.ERROR):
            unplaced.append(finding)
    marks: dict[str, Mark] = {}
    footnotes: list[tuple[int, str, tuple[str, ...], str | None]] = []
    by_element: dict[str, int] = {}
    for element in elements:
        findings = judged[element.key]
        status = _status(element, findings)
        checks = tuple(sorted({f.check for f in findings}))
        note = ""
        if status != "pass":
            telling = (
                tuple(
                    sorted({f.check for f in findings if f.status in (Status.FAIL, Status.ERROR)})
                )
                or checks
            )
            if element.element not in by_element:
                by_element[element.element] = len(footnotes) + 1
                number = by_element[element.element]
                footnotes.append((number, element.element, telling, element.gap))
            note = f"[{by_element[element.element]}]"
        marks[element.key] = Mark(status, element.element, checks, note)
    return Observation(tuple(elements), marks, tuple(footnotes), tuple(unplaced))


def _judges(finding: Finding, needs: frozenset[type[Any]], element: Element) -> bool:
    """Whether the finding is about the element: it names one of the element's names, and
    its check reads facts of a kind that shows the element."""
    if not needs & element.kinds:
        return False
    names = {finding.resource, *re.split(r"[\s()#,]+", finding.resource)}
    return bool(names & element.ids)


def _status(element: Element, findings: list[Finding]) -> MarkStatus:
    statuses = {f.status for f in findings}
    if not element.designed:
        return "unexpected"
    if element.present is None:
        return "error"
    if not element.present:
        return "missing"
    if Status.FAIL in statuses:
        return "fail"
    if Status.ERROR in statuses:
        return "error"
    return "pass"


class _Elements:
    """The elements of the picture, from the design and the facts of one run."""

    def __init__(self, design: Design, facts: Mapping[type[Any], Any]) -> None:
        self.design = design
        self.facts = facts
        vpcs = self.get(aws.Vpcs)
        found = vpcs.with_cidr(design.network.vpc_cidr) if vpcs else ()
        self.vpc = found[0] if len(found) == 1 else None
        self.subnets = vpcs.in_vpc(self.vpc.id) if vpcs and self.vpc else ()

    def get(self, kind: type[T]) -> T | None:
        return cast("T | None", self.facts.get(kind))

    def element(
        self,
        key: str,
        element: str,
        kinds: Iterable[type[Any]],
        ids: Iterable[str | None],
        present: bool,
        *,
        gap: str | None = None,
    ) -> Element:
        """A designed element; whether it is there is unknown unless every fact type that
        shows it was collected and the endpoint named no gap."""
        kinds = frozenset(kinds)
        known = all(kind in self.facts for kind in kinds if kind in _OBSERVED_BY)
        return Element(
            key,
            element,
            kinds,
            frozenset(i for i in ids if i),
            present if known and gap is None else None,
            gap,
        )

    def all(self) -> list[Element]:
        return [
            *self.network(),
            *self.edge(),
            *self.cluster(),
            *self.data(),
            *self.unexpected(),
        ]

    # The network: the VPC, its subnets, NAT gateways, nodes and endpoints.

    def network(self) -> list[Element]:
        design, network = self.design, self.design.network
        vpc = self.vpc
        found: list[Element] = [
            self.element(
                "vpc",
                f"vpc/{network.vpc_cidr}",
                (aws.Vpcs, aws.FlowLogs),
                (network.vpc_cidr, vpc.id if vpc else None),
                vpc is not None,
            )
        ]
        routing = self.get(aws.Routing)
        found.append(
            self.element(
                "igw",
                "internet-gateway",
                (aws.Routing,),
                routing.internet_gateway_ids if routing else (),
                bool(routing and routing.internet_gateway_ids),
            )
        )
        by_cidr = {s.cidr: s for s in self.subnets}
        for az in network.availability_zones:
            for tier in TIERS:
                want = subnet_in(design, tier, az)
                seen = by_cidr.get(want.cidr)
                found.append(
                    self.element(
                        f"subnet-{want.cidr}",
                        f"subnet/{want.cidr}",
                        (aws.Vpcs, aws.Routing, aws.NetworkInterfaces),
                        (want.cidr, seen.id if seen else None),
                        seen is not None and seen.az == az,
                    )
                )
            found += self.nat(az)
            found.append(self.node_group(az))
        found += self.stores()
        endpoints = self.get(aws.VpcEndpoints)
        for kind, names in (
            ("Gateway", network.vpc_endpoints.gateway),
            ("Interface", network.vpc_endpoints.interface),
        ):
            for name in names:
                match = [e for e in self._endpoints(endpoints) if _serves(e, name, kind)]
                found.append(
                    self.element(
                        f"vpce-{name}",
                        f"vpc-endpoint/{name}",
                        (aws.VpcEndpoints,),
                        (name, *(e.id for e in match)),
                        any(e.state == "available" for e in match),
                    )
                )
        return found

    def _endpoints(self, endpoints: aws.VpcEndpoints | None) -> list[aws.VpcEndpoint]:
        if endpoints is None or self.vpc is None:
            return []
        return [e for e in endpoints.endpoints if e.vpc_id == self.vpc.id]

    def nat(self, az: str) -> list[Element]:
        network = self.design.network
        if network.nat_gateways == "single" and az != network.availability_zones[0]:
            return []
        routing = self.get(aws.Routing)
        in_az = {s.id for s in self.subnets if s.az == az}
        nats = [
            n
            for n in (routing.nat_gateways if routing else ())
            if n.subnet_id in in_az and n.state == "available"
        ]
        return [
            self.element(
                f"nat-{az}",
                f"nat-gateway/{az}",
                (aws.Routing,),
                (az, *(n.id for n in nats)),
                bool(nats),
            )
        ]

    def node_group(self, az: str) -> Element:
        spec = next(g for g in self.design.eks.node_groups if g.attach_to_target_group)
        groups = self.get(aws.NodeGroups)
        group = groups.get(spec.name) if groups else None
        cluster = self.get(aws.EksCluster)
        ids: list[str | None] = [spec.name]
        if group and group.launch_template:
            template = group.launch_template
            ids += [template.id, f"{template.id}:{template.version}"]
            ids += template.security_group_ids
        if cluster and cluster.cluster:
            ids.append(cluster.cluster.cluster_security_group_id)
        in_az = {s.id for s in self.subnets if s.az == az}
        return self.element(
            f"node-{az}",
            f"node-group/{spec.name}",
            (aws.NodeGroups, aws.SecurityGroups),
            ids,
            group is not None and bool(set(group.subnet_ids) & in_az),
        )

    def stores(self) -> list[Element]:
        data = self.design.data
        return [
            *self.named(
                "store", "database", aws.DbClusters, (d.name for d in data.databases), _get
            ),
            *self.named("store", "cache", aws.CacheGroups, (c.name for c in data.caches), _get),
        ]

    def named(
        self,
        key: str,
        element: str,
        kind: type[Any],
        names: Iterable[str],
        find: Callable[[Any, str], Any],
    ) -> list[Element]:
        """An element for each designed name, seen when ``find`` finds it in the facts;
        findings may call it by its name, its id or its ARN."""
        facts = self.get(kind)
        found = []
        for name in names:
            seen = find(facts, name) if facts is not None else None
            ids = (name, *(getattr(seen, field, None) for field in ("arn", "key_id")))
            found.append(
                self.element(f"{key}-{name}", f"{element}/{name}", (kind,), ids, bool(seen))
            )
        return found

    # The edge: the ALB, its target group and certificate, WAF and DNS.

    def edge(self) -> list[Element]:
        edge = self.design.edge
        alb = self.get(aws.Alb)
        lb = alb.load_balancer if alb else None
        listeners = alb.listeners if alb else ()
        groups = self.get(aws.AlbTargetGroups)
        tgs = [
            *(groups.forwarded if groups else ()),
            *([groups.named] if groups and groups.named else []),
        ]
        certs = self.get(aws.ListenerCertificates)
        acls = self.get(aws.WebAcls)
        dns = self.get(aws.DnsRecords)
        return [
            self.element(
                "alb",
                f"alb/{edge.alb.name}",
                (aws.Alb, aws.LoadBalancers, aws.WafAssociation),
                (
                    edge.alb.name,
                    lb.arn if lb else None,
                    *(li.arn for li in listeners),
                    # A finding on a listener rule is drawn on the ALB that holds it.
                    *(r.arn for routes in (groups.routes if groups else ()) for r in routes.rules),
                ),
                lb is not None,
            ),
            self.element(
                "target-group",
                f"target-group/{edge.target_group.name}",
                (aws.AlbTargetGroups,),
                (edge.target_group.name, *(t.arn for t in tgs), *(t.name for t in tgs)),
                bool(tgs),
            ),
            self.element(
                "acm",
                f"certificate/{edge.certificate.domain}",
                (aws.ListenerCertificates,),
                (edge.certificate.domain, *(c.arn for c in (certs.certificates if certs else ()))),
                bool(certs and certs.certificates),
            ),
            self.element(
                "waf",
                f"web-acl/{edge.waf.name}",
                (aws.WebAcls,),
                (edge.waf.name, acls.designed.arn if acls and acls.designed else None),
                bool(acls and acls.designed),
            ),
            self.element(
                "route53",
                f"dns-record/{edge.dns.record}",
                (aws.DnsRecords,),
                (edge.dns.record, edge.dns.zone),
                bool(dns and dns.records),
            ),
        ]

    # The cluster and the data around it.

    def cluster(self) -> list[Element]:
        eks = self.design.eks
        seen = self.get(aws.EksCluster)
        cluster = seen.cluster if seen else None
        addons = self.get(aws.Addons)
        return [
            self.element(
                "eks",
                f"eks-cluster/{eks.cluster_name}",
                (aws.EksCluster, aws.OidcProviders),
                (eks.cluster_name, cluster.arn if cluster else None),
                cluster is not None,
            ),
            self.element(
                "addons",
                f"eks-addons/{eks.cluster_name}",
                (aws.Addons,),
                (eks.cluster_name,),
                bool(addons and set(eks.addons) <= set(addons.names or ())),
                gap=str(addons.gap) if addons and addons.gap is not None else None,
            ),
        ]

    def data(self) -> list[Element]:
        design = self.design
        return [
            *self.named(
                "kms",
                "kms-key",
                aws.KmsKeys,
                (k.alias for k in design.security.kms_keys),
                lambda keys, alias: keys.by_alias(alias),
            ),
            *self.named(
                "trail",
                "cloudtrail-trail",
                aws.Trails,
                (design.security.audit_trail.name,),
                lambda trails, name: trails.get(name),
            ),
            *self.named(
                "ecr", "ecr-repository", aws.EcrRepositories, design.registry.repositories, _get
            ),
            *self.named(
                "bucket",
                "s3-bucket",
                aws.BucketPublicAccess,
                (b.name for b in design.data.buckets),
                lambda seen, name: next(
                    (b for b in seen.buckets if b.name == name and b.exists), None
                ),
            ),
            *self.named(
                "secret", "secret", aws.Secrets, (s.name for s in design.data.secrets), _get
            ),
        ]

    # What the run saw that the design does not have.

    def unexpected(self) -> list[Element]:
        design = self.design
        kinds = (aws.Vpcs, aws.Routing, aws.NetworkInterfaces)
        designed = {s.cidr for s in design.network.subnets}
        found = [
            _unexpected(
                f"subnet-{subnet.cidr}", f"subnet/{subnet.cidr}", kinds, (subnet.id,), subnet.az
            )
            for subnet in self.subnets
            if subnet.cidr not in designed
        ]
        lbs = self.get(aws.LoadBalancers)
        found += [
            _unexpected(
                f"lb-{lb.name}", f"load-balancer/{lb.name}", (aws.LoadBalancers,), (lb.arn,)
            )
            for lb in (lbs.load_balancers if lbs else ())
            if lb.name != design.edge.alb.name and lb.scheme == "internet-facing"
        ]
        wanted = [("Gateway", s) for s in design.network.vpc_endpoints.gateway] + [
            ("Interface", s) for s in design.network.vpc_endpoints.interface
        ]
        found += [
            _unexpected(
                f"vpce-{endpoint.id}",
                f"vpc-endpoint/{endpoint.service_name.rsplit('.', 1)[-1]}",
                (aws.VpcEndpoints,),
                (endpoint.id,),
            )
            for endpoint in self._endpoints(self.get(aws.VpcEndpoints))
            if not any(_serves(endpoint, name, kind) for kind, name in wanted)
        ]
        return found


def _get(facts: Any, name: str) -> Any:
    return facts.get(name)


def _unexpected(
    node: str, element: str, kinds: Iterable[type[Any]], ids: Iterable[str], zone: str | None = None
) -> Element:
    """A resource the run saw that the design does not have."""
    name = element.split("/", 1)[1]
    return Element(
        node, element, frozenset(kinds), frozenset({name, *ids}), True, designed=False, zone=zone
    )


# The fact types the picture reads to tell whether an element is there.
_OBSERVED_BY = frozenset(
    {
        aws.Vpcs,
        aws.Routing,
        aws.VpcEndpoints,
        aws.NodeGroups,
        aws.DbClusters,
        aws.CacheGroups,
        aws.Alb,
        aws.AlbTargetGroups,
        aws.ListenerCertificates,
        aws.WebAcls,
        aws.DnsRecords,
        aws.EksCluster,
        aws.Addons,
        aws.KmsKeys,
        aws.EcrRepositories,
        aws.BucketPublicAccess,
        aws.Secrets,
    }
)


def _serves(endpoint: aws.VpcEndpoint, service: str, kind: str) -> bool:
    return (
        endpoint.service_name.startswith("com.amazonaws.")
        and endpoint.service_name.endswith(f".{service}")
        and endpoint.type.lower() == kind.lower()
    )


# Drawing.


@dataclass
class _Overlay:
    """What the as-built picture adds to the network frame (see network.Overlay): the VPC
    and the load balancers on top, unexpected subnets and endpoints where they were seen,
    and the region's other resources in groups below the VPC."""

    design: Design
    observation: Observation
    t: dict[str, Any]
    groups: list[list[list[Any]]] = field(default_factory=list)  # rows of tiles per group

    def extra(self, prefix: str) -> list[Element]:
        return [e for e in self.observation.elements if not e.designed and e.key.startswith(prefix)]

    def vpc_top(self) -> list[Any]:
        design, t = self.design, self.t
        flow = design.network.flow_logs
        label = lines(f"VPC {design.network.vpc_cidr}", f"{t['flow_logs']} {flow.traffic_type}")
        return [VPC(label, nodeid="vpc")]

    def vpc_second_row(self) -> list[Any]:
        design, t = self.design, self.t
        return [
            ALB(lines("ALB", design.edge.alb.name), nodeid="alb"),
            ElasticLoadBalancing(
                lines(t["target_group"], _short(design.edge.target_group.name)),
                nodeid="target-group",
            ),
            *(
                ALB(lines(t["load_balancer"], e.element.split("/", 1)[1]), nodeid=e.key)
                for e in self.extra("lb-")
            ),
        ]

    def zone(self, az: str) -> list[Any]:
        return [
            PrivateSubnet(lines(self.t["subnet"], e.element.split("/", 1)[1]), nodeid=e.key)
            for e in self.extra("subnet-")
            if e.zone == az
        ]

    def endpoints(self) -> list[Any]:
        return [
            Endpoint(lines(e.element.split("/", 1)[1], self.t["endpoint"]), nodeid=e.key)
            for e in self.extra("vpce-")
        ]

    def region(self) -> None:
        design, t = self.design, self.t
        groups: list[tuple[str, Callable[[], list[Any]]]] = [
            (
                "edge",
                lambda: [
                    Route53(lines("Route 53", design.edge.dns.record), nodeid="route53"),
                    WAF(lines("WAF", design.edge.waf.name), nodeid="waf"),
                    ACM(lines("ACM", design.edge.certificate.domain), nodeid="acm"),
                ],
            ),
            (
                "eks",
                lambda: [
                    EKS(lines("EKS", design.eks.cluster_name), nodeid="eks"),
                    CRD(lines(t["addons"], str(len(design.eks.addons))), nodeid="addons"),
                ],
            ),
            (
                "keys",
                lambda: [
                    KMS(_short(k.alias), nodeid=f"kms-{k.alias}") for k in design.security.kms_keys
                ],
            ),
            (
                "audit",
                lambda: [
                    Cloudtrail(
                        _short(design.security.audit_trail.name),
                        nodeid=f"trail-{design.security.audit_trail.name}",
                    )
                ],
            ),
            (
                "buckets",
                lambda: [
                    S3(_short(b.name), nodeid=f"bucket-{b.name}") for b in design.data.buckets
                ],
            ),
            (
                "images",
                lambda: [ECR(_short(r), nodeid=f"ecr-{r}") for r in design.registry.repositories],
            ),
            (
                "secrets",
                lambda: [
                    SecretsManager(_short(s.name), nodeid=f"secret-{s.name}")
                    for s in design.data.secrets
                ],
            ),
        ]
        for name, make in groups:
            with Cluster(t["groups"][name]):
                tiles = make()
            self.groups.append([tiles[i : i + GROUP_ROW] for i in range(0, len(tiles), GROUP_ROW)])


# Tiles in a row of a group of the region's resources. The groups go one under the
# other: two side by side would make the picture wider than the VPC, and the example
# report shows two pictures side by side.
GROUP_ROW = 3


def _gap(gap: str, words: dict[str, Any]) -> str:
    """The API an endpoint lacks, as the picture names it; the endpoint's own words (with
    its address, which changes from run to run) stay in the report."""
    api = re.search(r"does not implement (\S+)", gap)
    return str(words["gap"]).format(api=api.group(1)) if api else str(words["gap_other"])


def _short(name: str, width: int = 18) -> str:
    """A long resource name broken after slashes and hyphens into lines of about ``width``."""
    parts = re.split(r"(?<=[/-])", name)
    out, line = [], ""
    for part in parts:
        if line and len(line + part) > width:
            out.append(line)
            line = part
        else:
            line += part
    out.append(line)
    return "\n".join(out)


def draw(design: Design, observation: Observation, lang: Lang) -> ViewDiagram:
    """The as-built picture's diagram (its DOT source is ready on return)."""
    notes = LABELS[lang]["notes"]
    # Each marked tile says what is wrong in words, with the number of its footnote.
    marks = {
        key: dataclasses.replace(mark, note=f"{notes[mark.status]} {mark.note}")
        if mark.note
        else mark
        for key, mark in observation.marks.items()
    }
    canvas = Canvas(
        "as-built", lang, design.product.title[lang], marks=marks, title=LABELS[lang]["title"]
    )
    words = canvas.words(LABELS)
    footnotes = [
        f"[{n}] {element}: {', '.join(checks)}" + (f" ({_gap(gap, words)})" if gap else "")
        for n, element, checks, gap in observation.footnotes
    ]
    footnotes += [f"{words['not_drawn']}: {f.check} ({f.resource})" for f in observation.unplaced]
    legend = [(STATUS_LOOKS[status][0], word) for status, word in words["legend"].items()]
    overlay = _Overlay(design, observation, words)
    with canvas.diagram(direction="TB", note=lines(words["how"], *footnotes), legend=legend):
        drawn = draw_network(design, canvas, overlay)
        # Below the VPC, the region's groups of resources, in rows of three.
        above = list(drawn.endpoints.values())[-1]
        for rows in overlay.groups:
            above >> Edge(style="invis") >> rows[0][0]
            for row in rows:
                if len(row) > 1:
                    canvas.same_rank(*row)
            for upper, lower in itertools.pairwise(rows):
                upper[0] >> Edge(style="invis") >> lower[0]
            above = rows[-1][0]
    return canvas.drawn[0]


# The group Graphviz writes for a node of the picture: the marks' data attributes go on it.
_NODE_GROUP = re.compile(rb'<g id="([^"]*)" class="node ([^"]*)">\n<title>([^<]*)</title>')


def render_svg(design: Design, result: RunResult, lang: Lang = "en") -> bytes:
    """The as-built picture of ``result`` as a self-contained SVG."""
    observation = observe(design, result)
    diagram = draw(design, observation, lang)
    svg = run_dot(find_dot(), cast(str, diagram.source), {}, to_stdout="svg").stdout
    svg = self_contained(svg, diagram.icons.values())

    def annotate(match: re.Match[bytes]) -> bytes:
        mark = diagram.marked.get(html.unescape(match.group(3).decode()))
        if mark is None:
            return match.group(0)
        data = (
            f' data-element="{html.escape(mark.element)}"'
            f' data-checks="{html.escape(" ".join(mark.checks))}"'
        )
        head = match.group(0)
        cut = head.index(b">")
        return head[:cut] + data.encode() + head[cut:]

    return _NODE_GROUP.sub(annotate, svg)
