"""AWS collectors of the edge: load balancers, the designed ALB's routes and certificates,
WAF, and the DNS record. Each declares the IAM actions it calls (see collectors.py).

The designed ALB is found as an operator would look for it: by the design's name, else
by shape (the one internet-facing application load balancer in the region). Its every
listener and every rule is read, so the rules can judge each path into it, not only the
listener the design names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    AliasRecord,
    Certificate,
    DnsRecords,
    HostedZone,
    HttpsListener,
    Listener,
    ListenerAction,
    ListenerCertificates,
    ListenerRoutes,
    ListenerRule,
    LoadBalancer,
    LoadBalancers,
    Redirect,
    TargetGroup,
    WafAssociation,
    WafRule,
    WebAcl,
    WebAcls,
)
from eks_refarch.conformance.aws.outcomes import Absent
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import collector
from eks_refarch.design import Design

if TYPE_CHECKING:  # the context imports boto3; loading the registry must not
    from eks_refarch.conformance.aws.context import AwsContext

AWS = Source.AWS
NOT_FOUND = ("ResourceNotFoundException",)
FOUND_BY_SHAPE = "shape"  # Alb.found_by: no load balancer has the designed name


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
        ),
        scope=ctx.options.scope,
    )


def _load_balancer(raw: Mapping[str, Any]) -> LoadBalancer:
    return LoadBalancer(
        arn=raw["LoadBalancerArn"],
        name=raw["LoadBalancerName"],
        kind=raw.get("Type", "application"),
        scheme=raw["Scheme"],
        dns_name=raw.get("DNSName", ""),
        vpc_id=raw.get("VpcId"),
        subnet_ids=tuple(az["SubnetId"] for az in raw.get("AvailabilityZones", [])),
        security_groups=tuple(raw.get("SecurityGroups", [])),
    )


def find_alb(
    raw: Sequence[Mapping[str, Any]], design: Design
) -> tuple[LoadBalancer | None, str | None, tuple[str, ...]]:
    """(the designed ALB, how it was found, look-alike names when it could not be chosen).

    Names are unique per region, so the designed name decides when one has it. Otherwise
    the shape does: an internet-facing application load balancer, as the design's only
    public entry; two of them cannot be told apart, and both are named."""
    named = [lb for lb in raw if lb["LoadBalancerName"] == design.edge.alb.name]
    if named:
        return _load_balancer(named[0]), None, ()
    public = [
        lb
        for lb in raw
        if lb.get("Type", "application") == "application" and lb["Scheme"] == design.edge.alb.scheme
    ]
    if len(public) == 1:
        return _load_balancer(public[0]), FOUND_BY_SHAPE, ()
    return None, None, tuple(sorted(lb["LoadBalancerName"] for lb in public))


def _designed_alb(
    ctx: AwsContext, design: Design
) -> tuple[LoadBalancer | None, str | None, tuple[str, ...]]:
    return find_alb(ctx.paginate("elbv2", "describe_load_balancers")["LoadBalancers"], design)


def _listeners(ctx: AwsContext, alb: LoadBalancer) -> tuple[Listener, ...]:
    raw = ctx.paginate("elbv2", "describe_listeners", LoadBalancerArn=alb.arn)["Listeners"]
    return tuple(
        Listener(
            arn=li["ListenerArn"],
            port=li["Port"],
            protocol=li["Protocol"],
            ssl_policy=li.get("SslPolicy"),
            certificate_arns=tuple(c["CertificateArn"] for c in li.get("Certificates", [])),
            default_actions=_actions(li["DefaultActions"]),
        )
        for li in raw
    )


def _actions(raw: Sequence[Mapping[str, Any]]) -> tuple[ListenerAction, ...]:
    """The actions in the order the ALB runs them."""
    return tuple(sorted((_action(a) for a in raw), key=lambda a: a.order))


def _action(raw: Mapping[str, Any]) -> ListenerAction:
    weights: dict[str, int] = {}
    if raw.get("TargetGroupArn"):
        weights[raw["TargetGroupArn"]] = 1
    for group in (raw.get("ForwardConfig") or {}).get("TargetGroups", []):
        # AWS lists a lone target group both ways; the weighted entry says more.
        weights[group["TargetGroupArn"]] = int(group.get("Weight", 1))
    redirect = raw.get("RedirectConfig")
    fixed = raw.get("FixedResponseConfig")
    return ListenerAction(
        type=raw["Type"],
        order=int(raw.get("Order", 0)),
        forwards=tuple(weights.items()),
        redirect=Redirect(
            protocol=redirect.get("Protocol", "#{protocol}"),
            port=str(redirect.get("Port", "#{port}")),
            host=redirect.get("Host", "#{host}"),
            path=redirect.get("Path", "/#{path}"),
            query=redirect.get("Query", "#{query}"),
            status=redirect["StatusCode"],
        )
        if redirect
        else None,
        status_code=fixed["StatusCode"] if fixed else None,
    )


def _conditions(raw: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """Each condition as a reader would say it: ``path-pattern /api/*``."""
    said = []
    for condition in raw:
        kind = condition["Field"]
        values: list[str] = list(condition.get("Values", []))
        for config in (
            "HostHeaderConfig",
            "PathPatternConfig",
            "HttpRequestMethodConfig",
            "SourceIpConfig",
        ):
            values += [
                v for v in (condition.get(config) or {}).get("Values", []) if v not in values
            ]
        header = condition.get("HttpHeaderConfig")
        if header:
            values.append(
                f"{header.get('HttpHeaderName', '')}: {'|'.join(header.get('Values', []))}"
            )
        query = condition.get("QueryStringConfig")
        if query:
            values += [f"{q.get('Key', '')}={q.get('Value', '')}" for q in query.get("Values", [])]
        said.append(f"{kind} {' | '.join(values)}".strip())
    return tuple(said)


def _routes(ctx: AwsContext, listener: Listener) -> ListenerRoutes:
    raw = ctx.paginate("elbv2", "describe_rules", ListenerArn=listener.arn)["Rules"]
    rules = [
        ListenerRule(
            arn=r["RuleArn"],
            priority=str(r["Priority"]),
            conditions=_conditions(r.get("Conditions", [])),
            actions=_actions(r["Actions"]),
        )
        for r in raw
    ]
    # The default action is the listener's own, whether or not DescribeRules lists it.
    default = ListenerRule(listener.arn, "default", (), listener.default_actions)
    ordered = sorted((r for r in rules if not r.is_default), key=lambda r: int(r.priority))
    return ListenerRoutes(listener, (*ordered, default))


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
    ),
)
def alb(ctx: AwsContext, design: Design) -> Alb:
    found, found_by, candidates = _designed_alb(ctx, design)
    if found is None:
        return Alb(name=design.edge.alb.name, load_balancer=None, candidates=candidates)
    # Per load balancer: the attributes API takes one ARN.
    attributes = ctx.call("elbv2", "describe_load_balancer_attributes", LoadBalancerArn=found.arn)
    return Alb(
        name=design.edge.alb.name,
        load_balancer=found,
        attributes={a["Key"]: a["Value"] for a in attributes["Attributes"]},
        listeners=_listeners(ctx, found),
        found_by=found_by,
    )


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "autoscaling:DescribeAutoScalingGroups",
    ),
)
def alb_target_groups(ctx: AwsContext, design: Design) -> AlbTargetGroups:
    found, _, _ = _designed_alb(ctx, design)
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
    routes = tuple(_routes(ctx, li) for li in _listeners(ctx, found)) if found else ()
    https = next(
        (r.listener for r in routes if r.listener.port == design.edge.alb.https_port), None
    )
    reached = dict.fromkeys(
        arn
        for r in routes
        if r.tls
        for rule in r.rules
        for action in rule.actions
        for arn in action.target_group_arns
        if arn in groups
    )
    forwarded = tuple(groups[arn] for arn in reached)
    want = design.edge.target_group
    named = next((g for g in groups.values() if g.name == want.name), None)
    if named is None:
        shaped = [
            g
            for g in forwarded
            if (g.target_type, g.protocol, g.port) == (want.target_type, want.protocol, want.port)
        ]
        named = shaped[0] if len(shaped) == 1 else None
    return AlbTargetGroups(
        alb_arn=found.arn if found else None,
        https_listener_arn=https.arn if https else None,
        forwarded=forwarded,
        named=named,
        routes=routes,
        groups=groups,
    )


@collector(
    source=AWS,
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "acm:DescribeCertificate",
    ),
)
def listener_certificates(ctx: AwsContext, design: Design) -> ListenerCertificates:
    found, _, _ = _designed_alb(ctx, design)
    read_at = datetime.now(UTC)
    if found is None:
        return ListenerCertificates(read_at, ())
    https = [li for li in _listeners(ctx, found) if li.protocol == "HTTPS"]
    return ListenerCertificates(read_at, tuple(_https_listener(ctx, li) for li in https))


def _https_listener(ctx: AwsContext, listener: Listener) -> HttpsListener:
    # DescribeListeners lists only the default certificate on AWS (moto 5.2.5 lists the
    # SNI ones too); DescribeListenerCertificates lists all of them, the default marked.
    listed = ctx.paginate("elbv2", "describe_listener_certificates", ListenerArn=listener.arn)[
        "Certificates"
    ]
    default = {c["CertificateArn"] for c in listed if c.get("IsDefault")}
    default |= set(listener.certificate_arns[:1]) if not default else set()
    arns = dict.fromkeys([*listener.certificate_arns, *(c["CertificateArn"] for c in listed)])
    return HttpsListener(
        listener.arn,
        listener.port,
        tuple(_certificate(ctx, arn, arn in default) for arn in arns),
    )


def _certificate(ctx: AwsContext, arn: str, is_default: bool) -> Certificate:
    # ACM has no batch describe; ListCertificates lacks the expiry on older endpoints,
    # so each certificate on a listener is described on its own.
    try:
        cert = ctx.call("acm", "describe_certificate", absent=NOT_FOUND, CertificateArn=arn)[
            "Certificate"
        ]
    except Absent:
        return Certificate(arn, "", (), "NOT_FOUND", None, is_default)
    return Certificate(
        arn=arn,
        domain=cert["DomainName"],
        subject_alternative_names=tuple(cert.get("SubjectAlternativeNames", [])),
        status=cert["Status"],
        not_after=cert.get("NotAfter"),
        is_default=is_default,
    )


def web_acl_of(raw: Mapping[str, Any]) -> WebAcl:
    """A web ACL as WAF describes it (GetWebACL and GetWebACLForResource alike)."""
    return WebAcl(
        name=raw["Name"],
        arn=raw["ARN"],
        default_action="block" if "Block" in raw["DefaultAction"] else "allow",
        rules=tuple(_waf_rule(r) for r in raw.get("Rules", [])),
    )


def _waf_rule(raw: Mapping[str, Any]) -> WafRule:
    statement = raw["Statement"]
    managed = statement.get("ManagedRuleGroupStatement")
    if managed is None:
        action = raw.get("Action") or {}
        return WafRule(
            name=raw["Name"],
            priority=int(raw["Priority"]),
            managed_group=None,
            action=next(iter(action), "").lower() or None,
            override=None if action else _override(raw),
        )
    overrides = [
        (o["Name"], next(iter(o.get("ActionToUse") or {}), "").lower())
        for o in managed.get("RuleActionOverrides", [])
    ]
    overrides += [(e["Name"], "count") for e in managed.get("ExcludedRules", [])]
    return WafRule(
        name=raw["Name"],
        priority=int(raw["Priority"]),
        managed_group=f"{managed['VendorName']}/{managed['Name']}",
        override=_override(raw),
        rule_overrides=tuple(overrides),
        scope_down="ScopeDownStatement" in managed,
    )


def _override(raw: Mapping[str, Any]) -> str:
    return "count" if "Count" in (raw.get("OverrideAction") or {}) else "none"


@collector(
    source=AWS,
    actions=("elasticloadbalancing:DescribeLoadBalancers", "wafv2:GetWebACLForResource"),
)
def waf_association(ctx: AwsContext, design: Design) -> WafAssociation:
    # Asked per load balancer: wafv2:ListResourcesForWebACL would answer for every ACL at
    # once, but moto 5.2.5 answers it 500 NotImplemented; GetWebACLForResource is the
    # API that exists on both, and it needs one call for the one designed ALB.
    found, _, _ = _designed_alb(ctx, design)
    if found is None:
        return WafAssociation(None, None, None)
    try:
        raw = ctx.call(
            "wafv2",
            "get_web_acl_for_resource",
            absent=("WAFNonexistentItemException",),
            ResourceArn=found.arn,
        ).get("WebACL")
    except Absent:
        raw = None
    acl = web_acl_of(raw) if raw else None
    return WafAssociation(
        alb_arn=found.arn,
        web_acl_name=acl.name if acl else None,
        web_acl_arn=acl.arn if acl else None,
        web_acl=acl,
    )


@collector(source=AWS, actions=("wafv2:ListWebACLs", "wafv2:GetWebACL"))
def web_acls(ctx: AwsContext, design: Design) -> WebAcls:
    summaries: list[Mapping[str, Any]] = []
    marker: str | None = None
    # botocore ships no paginator for wafv2, so the NextMarker loop is written here.
    while True:
        params: dict[str, Any] = {"Scope": "REGIONAL", "Limit": 100}
        if marker:
            params["NextMarker"] = marker
        page = ctx.call("wafv2", "list_web_acls", **params)
        summaries += page["WebACLs"]
        marker = page.get("NextMarker")
        if not marker or not page["WebACLs"]:
            break
    designed = next((s for s in summaries if s["Name"] == design.edge.waf.name), None)
    acl = None
    if designed:
        raw = ctx.call(
            "wafv2", "get_web_acl", Name=designed["Name"], Scope="REGIONAL", Id=designed["Id"]
        )
        acl = web_acl_of(raw["WebACL"])
    return WebAcls(names=tuple(s["Name"] for s in summaries), designed=acl)


@collector(source=AWS, actions=("route53:ListHostedZones", "route53:ListResourceRecordSets"))
def dns_records(ctx: AwsContext, design: Design) -> DnsRecords:
    zone_name = design.edge.dns.zone.rstrip(".") + "."
    record_name = design.edge.dns.record.rstrip(".") + "."
    zones = ctx.paginate("route53", "list_hosted_zones")["HostedZones"]
    # Every public zone with the designed name: a stale duplicate is common, and which one
    # the domain is delegated to is told by the records, by the rule (see edge.py).
    candidates = [
        z
        for z in zones
        if z["Name"] == zone_name and not (z.get("Config") or {}).get("PrivateZone", False)
    ]
    found = []
    for zone in candidates:
        raw = ctx.paginate("route53", "list_resource_record_sets", HostedZoneId=zone["Id"])
        found.append(
            HostedZone(
                id=zone["Id"],
                records=tuple(
                    AliasRecord(
                        name=r["Name"].rstrip("."),
                        type=r["Type"],
                        alias_target=(r.get("AliasTarget") or {}).get("DNSName", "").rstrip(".")
                        or None,
                    )
                    for r in raw["ResourceRecordSets"]
                    if r["Name"] == record_name
                ),
            )
        )
    return DnsRecords(zone=design.edge.dns.zone, zones=tuple(found))
