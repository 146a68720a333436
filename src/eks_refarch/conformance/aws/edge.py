"""Edge rules: the ALB, its listeners and certificate, WAF, DNS, and no other public entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from eks_refarch.conformance.aws.facts import (
    Alb,
    DnsRecords,
    ListenerCertificates,
    LoadBalancers,
    Vpcs,
    WafAssociation,
    WebAcls,
)
from eks_refarch.conformance.aws.lookup import describe_subnets, tier_of
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Remediation, Result, Severity, failed, passed
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design

ALB_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
ATTRIBUTES_DOCS = ALB_DOCS + "application-load-balancers.html#load-balancer-attributes"


def _missing_alb(alb: Alb) -> Result:
    return failed(alb.name, f"no load balancer is named {alb.name}, the designed ALB")


def _attribute(alb: Alb, key: str, expected: bool, what: str) -> Iterator[Result]:
    lb = alb.load_balancer
    if lb is None:
        yield _missing_alb(alb)
        return
    seen = alb.attributes.get(key)
    want = "true" if expected else "false"
    if seen == want:
        yield passed(lb.arn, f"ALB {lb.name} has {what} {'on' if expected else 'off'} ({key})")
    else:
        yield failed(
            lb.arn,
            f"ALB {lb.name} has {key} = {seen or 'unset'}; the design has "
            f"{what} {'on' if expected else 'off'} ({want})",
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Recreate the ALB as internet-facing in the public subnet of every designed "
        "Availability Zone (the scheme cannot be changed in place).",
        terraform="aws_lb.internal = false and aws_lb.subnets = the public subnets",
    ),
    references=(ALB_DOCS + "application-load-balancers.html",),
    decision="ADR-0002",
    needs=[Alb, Vpcs],
)
def elbv2_alb_internet_facing_in_public_subnets(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB is internet-facing and sits in the public subnet of every designed zone.

    It is the one public entry of the design; in every zone so that it survives the loss
    of one, and in the public tier because that is the tier routed to the internet gateway.
    """
    alb = facts[Alb]
    lb = alb.load_balancer
    if lb is None:
        yield _missing_alb(alb)
        return
    want = design.edge.alb
    vpcs = facts[Vpcs]
    tiers = {s: tier_of(s, vpcs, design) for s in lb.subnet_ids}
    zones = {
        subnet.az
        for subnet in filter(None, map(vpcs.subnet, lb.subnet_ids))
        if tiers[subnet.id] == want.subnet_tier
    }
    missing_zones = [az for az in design.network.availability_zones if az not in zones]
    wrong = [s for s, t in tiers.items() if t != want.subnet_tier]
    problems = []
    if lb.kind != "application":
        problems.append(f"it is a {lb.kind} load balancer, not an application one")
    if lb.scheme != want.scheme:
        problems.append(f"its scheme is {lb.scheme}, not {want.scheme}")
    if wrong:
        problems.append(
            f"it is in subnets outside the {want.subnet_tier} tier: "
            + describe_subnets(wrong, vpcs, design)
        )
    if missing_zones:
        problems.append(f"it has no {want.subnet_tier} subnet in {', '.join(missing_zones)}")
    if problems:
        yield failed(lb.arn, f"ALB {lb.name}: " + "; ".join(problems))
    else:
        yield passed(
            lb.arn,
            f"ALB {lb.name} is {lb.scheme} in the {want.subnet_tier} subnets of "
            + ", ".join(design.network.availability_zones),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Give the ALB an HTTPS listener on the designed port with the designed "
        "security policy (EC2 console > Load balancers > Listeners > Edit).",
        terraform='aws_lb_listener.protocol = "HTTPS", port and ssl_policy',
    ),
    references=(ALB_DOCS + "describe-ssl-policies.html", ALB_DOCS + "create-https-listener.html"),
    decision="ADR-0010",
    needs=[Alb],
)
def elbv2_alb_https_listener_uses_designed_tls_policy(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """The ALB has an HTTPS listener on the designed port with the designed TLS policy.

    The security policy decides which TLS versions and ciphers clients may use; the design
    allows TLS 1.2 and later only.
    """
    alb = facts[Alb]
    if alb.load_balancer is None:
        yield _missing_alb(alb)
        return
    want = design.edge.alb
    listener = alb.listener(want.https_port)
    if listener is None:
        ports = ", ".join(f"{li.protocol}:{li.port}" for li in alb.listeners) or "none"
        yield failed(
            alb.load_balancer.arn,
            f"ALB {alb.name} has no listener on port {want.https_port}; its listeners: {ports}",
        )
    elif listener.protocol != "HTTPS" or listener.ssl_policy != want.ssl_policy:
        yield failed(
            listener.arn,
            f"listener {want.https_port} of ALB {alb.name} is "
            f"{listener.protocol} with policy {listener.ssl_policy}; the design has "
            f"HTTPS with {want.ssl_policy}",
        )
    else:
        yield passed(
            listener.arn,
            f"listener {want.https_port} of ALB {alb.name} is HTTPS with {want.ssl_policy}",
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Attach an ISSUED ACM certificate for the designed domain to the HTTPS "
        "listener, and renew or re-import it before the renewal window.",
        terraform="aws_lb_listener.certificate_arn = aws_acm_certificate_validation."
        "certificate_arn",
    ),
    references=(
        "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
        "https://docs.aws.amazon.com/acm/latest/userguide/import-certificate.html",
    ),
    decision="ADR-0010",
    needs=[ListenerCertificates],
)
def acm_certificate_issued_not_expiring(facts: Facts, design: Design) -> Iterator[Result]:
    """The HTTPS listener's certificate is ISSUED, covers the domain, and is not near expiry.

    "Near" is the design's renewal window (edge.certificate.renew_days_before_expiry):
    a certificate inside it has missed its renewal and will take the site down when it ends.
    """
    certs = facts[ListenerCertificates]
    want = design.edge.certificate
    if not certs.certificates:
        yield failed(
            design.edge.alb.name,
            f"the HTTPS listener of ALB {design.edge.alb.name} "
            "has no certificate (or the listener or ALB is missing)",
        )
        return
    horizon = certs.read_at + timedelta(days=want.renew_days_before_expiry)
    for cert in certs.certificates:
        names = {cert.domain, *cert.subject_alternative_names}
        problems = []
        if cert.status != "ISSUED":
            problems.append(f"its status is {cert.status}")
        if want.domain not in names:
            problems.append(
                f"it does not cover {want.domain} (it covers {', '.join(sorted(names))})"
            )
        if cert.not_after is None:
            problems.append("it has no expiry date")
        elif cert.not_after <= horizon:
            problems.append(
                f"it expires {cert.not_after:%Y-%m-%d}, within {want.renew_days_before_expiry} days"
            )
        if problems:
            yield failed(
                cert.arn, f"certificate for {cert.domain or cert.arn}: " + "; ".join(problems)
            )
        else:
            yield passed(
                cert.arn,
                f"certificate for {cert.domain} is ISSUED and valid until "
                f"{cert.not_after:%Y-%m-%d}, beyond {want.renew_days_before_expiry} days",
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Make the HTTP listener's default action a permanent (HTTP 301) redirect to "
        "HTTPS on the designed port.",
        terraform='aws_lb_listener.default_action { type = "redirect" redirect { protocol = '
        '"HTTPS", port = "443", status_code = "HTTP_301" } }',
    ),
    references=(ALB_DOCS + "load-balancer-listeners.html#redirect-actions",),
    decision="ADR-0010",
    needs=[Alb],
)
def elbv2_alb_http_redirects_to_https(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB's HTTP listener only redirects to HTTPS.

    Plain HTTP never reaches the mesh: a client that starts on http:// is sent to
    https:// before any request is forwarded.
    """
    alb = facts[Alb]
    if alb.load_balancer is None:
        yield _missing_alb(alb)
        return
    want = design.edge.alb
    listener = alb.listener(want.http_redirect_port)
    if listener is None:
        yield failed(
            alb.load_balancer.arn,
            f"ALB {alb.name} has no listener on port "
            f"{want.http_redirect_port} to redirect HTTP to HTTPS",
        )
        return
    redirects = [
        a
        for a in listener.default_actions
        if a.type == "redirect"
        and a.redirect_protocol == "HTTPS"
        # Only the designed port: "#{port}" keeps the request's own port, so on the HTTP
        # listener it would send clients to https://host:80.
        and a.redirect_port == str(want.https_port)
        and a.redirect_status == "HTTP_301"
    ]
    actions = ", ".join(
        f"{a.type}"
        + (
            f" to {a.redirect_protocol}:{a.redirect_port} ({a.redirect_status})"
            if a.type == "redirect"
            else ""
        )
        for a in listener.default_actions
    )
    if redirects and len(listener.default_actions) == 1:
        yield passed(
            listener.arn,
            f"listener {want.http_redirect_port} of ALB {alb.name} "
            f"redirects to HTTPS:{want.https_port} (HTTP_301)",
        )
    else:
        yield failed(
            listener.arn,
            f"listener {want.http_redirect_port} of ALB {alb.name} does "
            f"{actions or 'nothing'}; the design redirects to HTTPS:{want.https_port} "
            "with HTTP_301",
        )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on 'Drop invalid header fields' (EC2 console > Load balancers > "
        "Attributes > Edit).",
        terraform="aws_lb.drop_invalid_header_fields = true",
    ),
    references=(ATTRIBUTES_DOCS,),
    decision="ADR-0010",
    needs=[Alb],
)
def elbv2_alb_drop_invalid_header_fields_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB drops HTTP headers with invalid names.

    Headers the ALB passes on but Envoy parses differently are a request-smuggling vector;
    dropping them at the edge closes it.
    """
    yield from _attribute(
        facts[Alb],
        "routing.http.drop_invalid_header_fields.enabled",
        design.edge.alb.drop_invalid_header_fields,
        "dropping of invalid header fields",
    )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on deletion protection (EC2 console > Load balancers > Attributes > Edit).",
        terraform="aws_lb.enable_deletion_protection = true",
    ),
    references=(ALB_DOCS + "application-load-balancers.html#deletion-protection",),
    decision="ADR-0002",
    needs=[Alb],
)
def elbv2_alb_deletion_protection_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB has deletion protection on.

    Its DNS name is what the public record points at; deleting it by mistake takes the
    site off the internet until DNS follows a new one.
    """
    yield from _attribute(
        facts[Alb],
        "deletion_protection.enabled",
        design.edge.alb.deletion_protection,
        "deletion protection",
    )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on access logs to the designed S3 bucket and prefix (EC2 console > Load "
        "balancers > Attributes > Monitoring).",
        terraform="aws_lb.access_logs { bucket, prefix, enabled = true }",
    ),
    references=(ALB_DOCS + "enable-access-logging.html",),
    decision="ADR-0010",
    needs=[Alb],
)
def elbv2_alb_access_logs_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB writes access logs to the designed bucket and prefix.

    Access logs are the record of every request at the edge, including the ones WAF
    blocked; they are kept in the bucket the design names so their retention is known.
    """
    alb = facts[Alb]
    lb = alb.load_balancer
    if lb is None:
        yield _missing_alb(alb)
        return
    want = design.edge.alb.access_logs
    seen = {
        "enabled": alb.attributes.get("access_logs.s3.enabled"),
        "bucket": alb.attributes.get("access_logs.s3.bucket"),
        "prefix": alb.attributes.get("access_logs.s3.prefix"),
    }
    expected = {"enabled": "true", "bucket": want.bucket, "prefix": want.prefix}
    if seen == expected:
        yield passed(lb.arn, f"ALB {lb.name} logs to s3://{want.bucket}/{want.prefix}")
    else:
        shown = ", ".join(f"{k} = {v or 'unset'}" for k, v in seen.items())
        yield failed(
            lb.arn,
            f"ALB {lb.name} access logs: {shown}; the design logs to "
            f"s3://{want.bucket}/{want.prefix}",
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Associate the designed web ACL with the ALB (WAF console > Web ACLs > "
        "Associated AWS resources > Add).",
        terraform="aws_wafv2_web_acl_association.resource_arn = aws_lb.arn",
    ),
    references=(
        "https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html",
    ),
    decision="ADR-0010",
    needs=[WafAssociation],
)
def wafv2_web_acl_associated_with_alb(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed WAF web ACL is associated with the ALB.

    The managed rule groups only filter what passes through an ACL that is associated;
    an ACL that exists but is detached protects nothing.
    """
    assoc = facts[WafAssociation]
    want = design.edge.waf.name
    if assoc.alb_arn is None:
        yield failed(
            design.edge.alb.name,
            f"no load balancer is named {design.edge.alb.name}, the designed ALB",
        )
    elif assoc.web_acl_name == want:
        yield passed(assoc.alb_arn, f"ALB {design.edge.alb.name} is protected by web ACL {want}")
    else:
        seen = f"web ACL {assoc.web_acl_name}" if assoc.web_acl_name else "no web ACL"
        yield failed(
            assoc.alb_arn,
            f"ALB {design.edge.alb.name} is associated with {seen}; the design associates {want}",
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Add the missing AWS managed rule groups to the web ACL (WAF console > Web "
        "ACLs > Rules > Add managed rule groups).",
        terraform="aws_wafv2_web_acl.rule { statement { managed_rule_group_statement { "
        'vendor_name = "AWS", name = ... } } }',
    ),
    references=(
        "https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html",
    ),
    decision="ADR-0010",
    needs=[WebAcls],
)
def wafv2_web_acl_managed_rule_groups_present(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed web ACL contains each designed AWS managed rule group.

    The rule groups are the protection (common exploits, known bad inputs, IP reputation,
    SQL injection); an ACL without them lets those requests through.
    """
    acls = facts[WebAcls]
    want = design.edge.waf
    if acls.designed is None:
        seen = ", ".join(acls.names) or "none"
        yield failed(want.name, f"no regional web ACL is named {want.name}; web ACLs: {seen}")
        return
    present = set(acls.designed.managed_rule_groups)
    for group in want.managed_rule_groups:
        if f"AWS/{group}" in present:
            yield passed(f"{acls.designed.arn}#{group}", f"web ACL {want.name} uses AWS/{group}")
        else:
            yield failed(
                f"{acls.designed.arn}#{group}",
                f"web ACL {want.name} lacks the managed rule group AWS/{group}",
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create (or correct) an A alias record for the designed name in the designed "
        "public hosted zone, targeting the ALB.",
        terraform="aws_route53_record.alias { name = aws_lb.dns_name, zone_id = aws_lb.zone_id }",
    ),
    references=(
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html",
    ),
    decision="ADR-0010",
    needs=[DnsRecords, Alb],
)
def route53_record_aliases_alb(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed DNS record is an alias for the designed ALB.

    Users reach the shop by this name; if it points anywhere else, the WAF, TLS policy and
    redirect of the designed ALB do not apply to them.
    """
    dns = facts[DnsRecords]
    alb = facts[Alb]
    record = design.edge.dns.record
    if dns.zone_id is None:
        yield failed(dns.zone, f"no public hosted zone is named {dns.zone}")
        return
    if alb.load_balancer is None:
        yield _missing_alb(alb)
        return
    target = alb.load_balancer.dns_name.lower().rstrip(".")
    aliases = [r for r in dns.records if r.type in ("A", "AAAA") and r.alias_target]
    good = [
        r
        for r in aliases
        if r.alias_target and r.alias_target.lower().removeprefix("dualstack.") == target
    ]
    if good:
        yield passed(record, f"{record} is an alias ({good[0].type}) for ALB {alb.name} ({target})")
    elif aliases:
        seen = ", ".join(f"{r.type} -> {r.alias_target}" for r in aliases)
        yield failed(record, f"{record} points at {seen}, not at ALB {alb.name} ({target})")
    else:
        types = ", ".join(r.type for r in dns.records) or "no record"
        yield failed(
            record,
            f"{record} in zone {dns.zone} has {types}, no alias for ALB {alb.name} ({target})",
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Make every other load balancer internal, or delete it; public traffic enters "
        "through the designed ALB only.",
        terraform="aws_lb.internal = true (or remove the resource)",
    ),
    references=(ALB_DOCS + "application-load-balancers.html#load-balancer-scheme",),
    decision="ADR-0002",
    needs=[LoadBalancers],
)
def elbv2_internet_facing_only_designed_alb(facts: Facts, design: Design) -> Iterator[Result]:
    """No load balancer other than the designed ALB is internet-facing.

    A second public entry (a forgotten test ALB, a Service of type LoadBalancer) bypasses
    the WAF, the TLS policy and the design's single path into the mesh.
    """
    public = [lb for lb in facts[LoadBalancers].load_balancers if lb.scheme == "internet-facing"]
    surprises = [lb for lb in public if lb.name != design.edge.alb.name or lb.kind != "application"]
    for lb in surprises:
        yield failed(
            lb.arn,
            f"{lb.kind} load balancer {lb.name} is internet-facing; only the "
            f"designed ALB {design.edge.alb.name} may be",
        )
    if not surprises:
        names = ", ".join(lb.name for lb in public) or "none"
        yield passed(design.edge.alb.name, f"the only internet-facing load balancers are: {names}")
