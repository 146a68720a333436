"""Edge rules: the ALB, every path through its listeners, TLS and certificates, WAF, DNS,
and no other public entry."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta

from eks_refarch.conformance.aws import tls
from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    AliasRecord,
    Certificate,
    DnsRecords,
    ListenerAction,
    ListenerCertificates,
    ListenerRoutes,
    ListenerRule,
    LoadBalancers,
    TargetGroup,
    Vpcs,
    WafAssociation,
    WafRule,
    WebAcl,
    WebAcls,
)
from eks_refarch.conformance.aws.lookup import (
    ambiguous_vpcs,
    choose_vpc,
    describe_subnets,
    missing_alb,
    on_off,
    tier_of,
    undecided_vpc,
)
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    errored,
    failed,
    passed,
)
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.i18n import Message, Text, joined, msg

ALB_DOCS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
ATTRIBUTES_DOCS = ALB_DOCS + "application-load-balancers.html#load-balancer-attributes"
WAF_DOCS = "https://docs.aws.amazon.com/waf/latest/developerguide/"
# Actions that answer the request themselves; an authenticate-* action only precedes one.
ANSWERING = ("forward", "redirect", "fixed-response")


def _attribute(alb: Alb, key: str, expected: bool, what: Message) -> Iterator[Result]:
    lb = alb.load_balancer
    if lb is None:
        yield missing_alb(alb)
        return
    seen = alb.attributes.get(key)
    want = "true" if expected else "false"
    if seen == want:
        yield passed(
            lb.arn,
            msg(
                "ALB {alb} has {what} {state} ({key})",
                alb=lb.name,
                what=what,
                state=on_off(expected),
                key=key,
            ),
        )
    else:
        yield failed(
            lb.arn,
            msg(
                "ALB {alb} has {key} = {seen}; the design has {what} {state} ({want})",
                alb=lb.name,
                key=key,
                seen=seen or msg("unset"),
                what=what,
                state=on_off(expected),
                want=want,
            ),
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
        yield missing_alb(alb)
        return
    want = design.edge.alb
    vpcs = facts[Vpcs]
    if undecided := undecided_vpc(vpcs, design):
        yield undecided
        return
    tiers = {s: tier_of(s, vpcs, design) for s in lb.subnet_ids}
    zones = {
        subnet.az
        for subnet in filter(None, map(vpcs.subnet, lb.subnet_ids))
        if tiers[subnet.id] == want.subnet_tier
    }
    missing_zones = [az for az in design.network.availability_zones if az not in zones]
    wrong = [s for s, t in tiers.items() if t != want.subnet_tier]
    problems: list[Text] = []
    if lb.kind != "application":
        problems.append(msg("it is a {kind} load balancer, not an application one", kind=lb.kind))
    if lb.scheme != want.scheme:
        problems.append(msg("its scheme is {seen}, not {want}", seen=lb.scheme, want=want.scheme))
    if wrong:
        problems.append(
            msg(
                "it is in subnets outside the {tier} tier: {subnets}",
                tier=want.subnet_tier,
                subnets=describe_subnets(wrong, vpcs, design),
            )
        )
    if missing_zones:
        problems.append(
            msg(
                "it has no {tier} subnet in {zones}",
                tier=want.subnet_tier,
                zones=joined(missing_zones),
            )
        )
    found = (
        msg(
            "found by shape, the only internet-facing application load balancer; the design "
            "names it {name}",
            name=want.name,
        )
        if alb.found_by
        else None
    )
    if problems:
        yield failed(
            lb.arn,
            msg("ALB {alb}: {problems}", alb=lb.name, problems=joined(problems, style="clauses")),
        )
    elif found is not None:
        yield passed(
            lb.arn,
            msg(
                "ALB {alb} is {scheme} in the {tier} subnets of {zones} ({found})",
                alb=lb.name,
                scheme=lb.scheme,
                tier=want.subnet_tier,
                zones=joined(design.network.availability_zones),
                found=found,
            ),
        )
    else:
        yield passed(
            lb.arn,
            msg(
                "ALB {alb} is {scheme} in the {tier} subnets of {zones}",
                alb=lb.name,
                scheme=lb.scheme,
                tier=want.subnet_tier,
                zones=joined(design.network.availability_zones),
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Give the ALB an HTTPS listener on the designed port, and give every HTTPS "
        "listener the designed security policy or a stricter one (EC2 console > Load "
        "balancers > Listeners > Edit).",
        terraform='aws_lb_listener.protocol = "HTTPS", port and ssl_policy',
    ),
    references=(ALB_DOCS + "describe-ssl-policies.html", ALB_DOCS + "create-https-listener.html"),
    decision="ADR-0010",
    needs=[Alb],
)
def elbv2_alb_https_listener_uses_designed_tls_policy(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """Every HTTPS listener of the ALB uses the designed TLS policy or a stricter one.

    The security policy decides which TLS versions and ciphers clients may use; the design
    allows TLS 1.2 and later only. A stricter policy (one that allows no protocol and no
    cipher the designed one does not, per AWS's table of its policies) refuses more
    clients, never fewer, and passes.
    """
    alb = facts[Alb]
    lb = alb.load_balancer
    if lb is None:
        yield missing_alb(alb)
        return
    want = design.edge.alb
    designed = alb.listener(want.https_port)
    if designed is None or designed.protocol != "HTTPS":
        yield failed(
            designed.arn if designed else lb.arn,
            msg(
                "ALB {alb} has no HTTPS listener on port {port}; its listeners: {listeners}",
                alb=lb.name,
                port=want.https_port,
                listeners=joined(f"{li.protocol}:{li.port}" for li in alb.listeners)
                if alb.listeners
                else msg("none"),
            ),
        )
    for listener in alb.listeners:
        if listener.protocol != "HTTPS":
            continue
        where = msg("listener HTTPS:{port} of ALB {alb}", port=listener.port, alb=lb.name)
        seen = listener.ssl_policy or ""
        if seen == want.ssl_policy:
            yield passed(
                listener.arn, msg("{where} uses {policy}, as designed", where=where, policy=seen)
            )
            continue
        looser = tls.looser(seen, want.ssl_policy)
        if looser is None:
            yield errored(
                listener.arn,
                msg(
                    "{where} uses {policy}, which is not in refarch's table of ELB security "
                    "policies ({source}), so it cannot be compared with the designed {want}",
                    where=where,
                    policy=seen or msg("no policy"),
                    source=tls.source(),
                    want=want.ssl_policy,
                ),
            )
        elif looser:
            allowed = [*looser.protocols, *looser.ciphers]
            yield failed(
                listener.arn,
                msg(
                    "{where} uses {policy}, which allows {allowed} that the designed {want} "
                    "does not",
                    where=where,
                    policy=seen,
                    allowed=joined(allowed),
                    want=want.ssl_policy,
                ),
            )
        else:
            yield passed(
                listener.arn,
                msg(
                    "{where} uses {policy}, at least as strict as the designed {want}",
                    where=where,
                    policy=seen,
                    want=want.ssl_policy,
                ),
            )


def _covers(name: str, domain: str) -> bool:
    """Whether a certificate name (``*.example.com`` included) covers ``domain``, a design
    DnsName (lowercase, without a trailing dot: the model's pattern guarantees both)."""
    name = name.lower().rstrip(".")
    if name.startswith("*."):
        head, _, rest = domain.partition(".")
        return bool(head) and rest == name[2:]
    return name == domain


def _serves(cert: Certificate, domain: str) -> bool:
    """Whether clients asking for ``domain`` may be given this certificate: it names the
    domain, or it is the listener's default (what a client without SNI gets)."""
    return cert.is_default or any(_covers(name, domain) for name in cert.names)


def _certificate_problems(
    cert: Certificate, facts: Facts, design: Design, serves: bool = True
) -> list[Text]:
    """Why a certificate is not fit. One that does not serve the designed domain (an SNI
    certificate for another name) is judged on its expiry only."""
    certs = facts[ListenerCertificates]
    window = design.edge.certificate.renew_days_before_expiry
    problems: list[Text] = []
    if serves and cert.status != "ISSUED":
        problems.append(msg("its status is {status}", status=cert.status))
    if cert.not_after is None:
        if serves:
            problems.append(msg("it has no expiry date"))
    elif cert.not_after <= certs.read_at + timedelta(days=window):
        problems.append(
            msg(
                "it expires {date}, within {days} days",
                date=cert.not_after.date().isoformat(),
                days=window,
            )
        )
    return problems


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Attach an ISSUED ACM certificate for the designed domain to the HTTPS "
        "listener, and renew or re-import every certificate on the listener (SNI ones "
        "included) before the renewal window.",
        terraform="aws_lb_listener.certificate_arn = aws_acm_certificate_validation."
        "certificate_arn; aws_lb_listener_certificate for the others",
    ),
    references=(
        "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
        "https://docs.aws.amazon.com/acm/latest/userguide/import-certificate.html",
        ALB_DOCS + "https-listener-certificates.html",
    ),
    decision="ADR-0010",
    needs=[ListenerCertificates],
)
def acm_certificate_issued_not_expiring(facts: Facts, design: Design) -> Iterator[Result]:
    """HTTPS listener certificates are far from expiry, and an ISSUED one covers the domain.

    "Near" is the design's renewal window (edge.certificate.renew_days_before_expiry): a
    certificate inside it has missed its renewal and will break the names it serves when it
    ends. A certificate that may serve the designed domain (it names it, or it is the
    default) must also be ISSUED; SNI certificates for other names are judged on their
    expiry only. The designed domain must be covered by a certificate of the designed
    HTTPS listener.
    """
    certs = facts[ListenerCertificates]
    want = design.edge.certificate
    https = next((li for li in certs.listeners if li.port == design.edge.alb.https_port), None)
    if https is None or not https.certificates:
        yield failed(
            https.arn if https else design.edge.alb.name,
            msg(
                "the HTTPS listener (port {port}) of ALB {alb} has no certificate (or the "
                "listener or ALB is missing)",
                port=design.edge.alb.https_port,
                alb=design.edge.alb.name,
            ),
        )
    elif not any(
        _covers(name, want.domain) and not _certificate_problems(c, facts, design)
        for c in https.certificates
        for name in c.names
    ):
        yield failed(
            https.arn,
            msg(
                "no valid certificate on listener HTTPS:{port} covers {domain}; its "
                "certificates cover {names}",
                port=https.port,
                domain=want.domain,
                names=joined(sorted({n for c in https.certificates for n in c.names if n})),
            ),
        )
    for listener in certs.listeners:
        for cert in listener.certificates:
            kind = msg("default") if cert.is_default else msg("SNI")
            serves = _serves(cert, want.domain)
            problems = _certificate_problems(cert, facts, design, serves)
            said = {"kind": kind, "name": cert.domain or cert.arn, "port": listener.port}
            if problems:
                yield failed(
                    cert.arn,
                    msg(
                        "{kind} certificate for {name} on listener HTTPS:{port}: {problems}",
                        problems=joined(problems, style="clauses"),
                        **said,
                    ),
                )
            elif cert.not_after is None:
                yield passed(
                    cert.arn,
                    msg(
                        "{kind} certificate for {name} on listener HTTPS:{port} is {status} "
                        "and has no expiry date yet; it does not serve {domain}",
                        status=cert.status,
                        domain=want.domain,
                        **said,
                    ),
                )
            else:
                yield passed(
                    cert.arn,
                    msg(
                        "{kind} certificate for {name} on listener HTTPS:{port} is {status} "
                        "and valid until {date}, beyond {days} days",
                        status=cert.status,
                        date=cert.not_after.date().isoformat(),
                        days=want.renew_days_before_expiry,
                        **said,
                    ),
                )


def _rule_label(routes: ListenerRoutes, rule: ListenerRule) -> Message:
    listener = f"{routes.listener.protocol}:{routes.listener.port}"
    if rule.is_default:
        return msg("listener {listener}, default action", listener=listener)
    return msg(
        "listener {listener}, rule {priority} ({conditions})",
        listener=listener,
        priority=rule.priority,
        conditions=joined(rule.conditions) if rule.conditions else msg("no conditions"),
    )


def _answer(rule: ListenerRule) -> ListenerAction | None:
    """The action that answers a request the rule matches (after any authenticate-*)."""
    return next((a for a in rule.actions if a.type in ANSWERING), None)


def _redirect_protocol(action: ListenerAction, listener_protocol: str) -> str:
    protocol = action.redirect.protocol if action.redirect else ""
    return listener_protocol if protocol == "#{protocol}" else protocol.upper()


def _path_results(routes: ListenerRoutes, facts: Facts, design: Design) -> Iterator[Result]:
    """One result per rule of a listener: where a request it matches ends up."""
    groups = facts[AlbTargetGroups].groups
    want = design.edge.target_group
    shape = (want.target_type, want.protocol, want.port)
    gateway = msg(
        "{type} targets on {protocol}:{port}, the gateway's http nodePort",
        type=want.target_type,
        protocol=want.protocol,
        port=want.port,
    )
    for rule in routes.rules:
        where = _rule_label(routes, rule)
        action = _answer(rule)
        resource = rule.arn
        if action is None:
            yield failed(
                resource,
                msg(
                    "{where} has no action that answers ({actions})",
                    where=where,
                    actions=joined(a.type for a in rule.actions) if rule.actions else msg("none"),
                ),
            )
        elif action.type == "fixed-response":
            yield passed(
                resource,
                msg(
                    "{where} answers a fixed response ({status}) and reaches no target",
                    where=where,
                    status=action.status_code or "?",
                ),
            )
        elif action.type == "redirect":
            protocol = _redirect_protocol(action, routes.listener.protocol)
            result = passed if protocol == "HTTPS" else failed
            yield result(
                resource,
                msg(
                    "{where} redirects to {protocol} ({status})",
                    where=where,
                    protocol=protocol or "?",
                    status=action.redirect.status if action.redirect else "?",
                ),
            )
        else:
            yield from _forward_results(routes, rule, action, where, groups, shape, gateway)


def _forward_results(
    routes: ListenerRoutes,
    rule: ListenerRule,
    action: ListenerAction,
    where: Message,
    known: Mapping[str, TargetGroup],
    shape: tuple[str, str, int],
    gateway: Message,
) -> Iterator[Result]:
    reached = action.target_group_arns
    if not reached:
        yield passed(rule.arn, msg("{where} forwards to no target group with weight", where=where))
        return
    wrong: list[Text] = []
    right: list[str] = []
    for arn in reached:
        tg = known.get(arn)
        if tg is None:
            wrong.append(msg("{group} (not a target group refarch could read)", group=arn))
        elif (tg.target_type, tg.protocol, tg.port) != shape:
            wrong.append(
                msg(
                    "target group {group} ({type} targets on {protocol}:{port})",
                    group=tg.name,
                    type=tg.target_type,
                    protocol=tg.protocol,
                    port=tg.port,
                )
            )
        else:
            right.append(tg.name)
    if wrong:
        yield failed(
            rule.arn,
            msg(
                "{where} forwards to {targets}, not the gateway's target group ({gateway})",
                where=where,
                targets=joined(wrong),
                gateway=gateway,
            ),
        )
    elif not routes.tls:
        yield failed(
            rule.arn,
            msg(
                "{where} forwards plain HTTP to target group {groups}: the gateway is reached "
                "without TLS",
                where=where,
                groups=joined(right),
            ),
        )
    else:
        yield passed(
            rule.arn,
            msg(
                "{where} forwards to target group {groups}: {gateway}",
                where=where,
                groups=joined(right),
                gateway=gateway,
            ),
        )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Make every rule of every HTTPS listener forward only to the instance target "
        "group on the ingress gateway's http nodePort, redirect to HTTPS or answer a fixed "
        "response; remove rules that forward elsewhere (a target group's port cannot be "
        "changed: create one on the right port and switch the rules to it).",
        terraform="aws_lb_target_group.port = mesh.ingress_gateway.node_ports.http, "
        'target_type = "instance"; aws_lb_listener.default_action and aws_lb_listener_rule '
        "target_group_arn",
    ),
    references=(
        ALB_DOCS + "load-balancer-target-groups.html",
        ALB_DOCS + "listener-update-rules.html",
    ),
    decision="ADR-0002",
    needs=[Alb, AlbTargetGroups],
)
def elbv2_alb_forwards_to_gateway_nodeport(facts: Facts, design: Design) -> Iterator[Result]:
    """Every path through the ALB's HTTPS listeners reaches only the gateway's nodePort.

    Each rule of each HTTPS listener is judged in the order the ALB evaluates them, the
    default action last: forwarding (to one target group, or by weight to more than one)
    must reach only instance targets on the gateway's http nodePort, where kube-proxy hands
    requests to the Istio ingress gateway; redirects to HTTPS and fixed responses (a
    maintenance page) reach no target and pass. Any other target is a way into the VPC
    around the mesh.
    """
    alb = facts[Alb]
    routing = facts[AlbTargetGroups]
    if alb.load_balancer is None:
        yield missing_alb(alb)
        return
    tls_routes = [r for r in routing.routes if r.tls]
    if not tls_routes:
        yield failed(
            alb.load_balancer.arn,
            msg("ALB {alb} has no HTTPS listener, so nothing reaches the gateway", alb=alb.name),
        )
        return
    for routes in tls_routes:
        yield from _path_results(routes, facts, design)


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Make every rule of every plain-HTTP listener a permanent redirect to HTTPS "
        "(the designed listener's default action to the designed port with HTTP 301), or a "
        "fixed response; remove rules that forward.",
        terraform='aws_lb_listener.default_action { type = "redirect" redirect { protocol = '
        '"HTTPS", port = "443", status_code = "HTTP_301" } }',
    ),
    references=(ALB_DOCS + "load-balancer-listeners.html#redirect-actions",),
    decision="ADR-0010",
    needs=[Alb, AlbTargetGroups],
)
def elbv2_alb_http_redirects_to_https(facts: Facts, design: Design) -> Iterator[Result]:
    """The ALB's plain-HTTP listeners only redirect to HTTPS.

    Plain HTTP never reaches the mesh: a client that starts on http:// is sent to
    https:// before any request is forwarded. Every rule of every HTTP listener is judged,
    not only the designed listener's default action.
    """
    alb = facts[Alb]
    lb = alb.load_balancer
    if lb is None:
        yield missing_alb(alb)
        return
    want = design.edge.alb
    routing = facts[AlbTargetGroups]
    designed = alb.listener(want.http_redirect_port)
    if designed is None:
        yield failed(
            lb.arn,
            msg(
                "ALB {alb} has no listener on port {port} to redirect HTTP to HTTPS",
                alb=lb.name,
                port=want.http_redirect_port,
            ),
        )
    else:
        default = _answer(ListenerRule(designed.arn, "default", (), designed.default_actions))
        redirect = default.redirect if default else None
        # Only the designed port: "#{port}" keeps the request's own port, so on the HTTP
        # listener it would send clients to https://host:80.
        if (
            redirect is not None
            and redirect.protocol == "HTTPS"
            and redirect.port == str(want.https_port)
            and redirect.status == "HTTP_301"
        ):
            yield passed(
                designed.arn,
                msg(
                    "listener {port} of ALB {alb} redirects to HTTPS:{https} (HTTP_301)",
                    port=want.http_redirect_port,
                    alb=lb.name,
                    https=want.https_port,
                ),
            )
        else:
            does = (
                msg(
                    "redirect to {protocol}:{to} ({status})",
                    protocol=redirect.protocol,
                    to=redirect.port,
                    status=redirect.status,
                )
                if redirect
                else (default.type if default else msg("nothing"))
            )
            yield failed(
                designed.arn,
                msg(
                    "listener {port} of ALB {alb} does {does}; the design redirects to "
                    "HTTPS:{https} with HTTP_301",
                    port=want.http_redirect_port,
                    alb=lb.name,
                    does=does,
                    https=want.https_port,
                ),
            )
    for routes in routing.routes:
        if routes.tls:
            continue
        rules = routes.rules
        if routes.listener.port == want.http_redirect_port:
            rules = tuple(r for r in rules if not r.is_default)  # judged above
        # On a plain listener, only what reaches nothing or goes to HTTPS is as designed.
        yield from _path_results(ListenerRoutes(routes.listener, rules), facts, design)


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
        msg("dropping of invalid header fields"),
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
        msg("deletion protection"),
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
        yield missing_alb(alb)
        return
    want = design.edge.alb.access_logs
    seen = {
        "enabled": alb.attributes.get("access_logs.s3.enabled"),
        "bucket": alb.attributes.get("access_logs.s3.bucket"),
        "prefix": alb.attributes.get("access_logs.s3.prefix"),
    }
    expected = {"enabled": "true", "bucket": want.bucket, "prefix": want.prefix}
    target = f"s3://{want.bucket}/{want.prefix}"
    if seen == expected:
        yield passed(lb.arn, msg("ALB {alb} logs to {target}", alb=lb.name, target=target))
    else:
        shown = joined(
            msg("{key} = {value}", key=k, value=v or msg("unset")) for k, v in seen.items()
        )
        yield failed(
            lb.arn,
            msg(
                "ALB {alb} access logs: {shown}; the design logs to {target}",
                alb=lb.name,
                shown=shown,
                target=target,
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Associate the designed web ACL with the ALB (WAF console > Web ACLs > "
        "Associated AWS resources > Add).",
        terraform="aws_wafv2_web_acl_association.resource_arn = aws_lb.arn",
    ),
    references=(WAF_DOCS + "web-acl-associating-aws-resource.html",),
    decision="ADR-0010",
    needs=[WafAssociation, WebAcls],
)
def wafv2_web_acl_associated_with_alb(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed WAF web ACL is associated with the ALB.

    The managed rule groups only filter what passes through an ACL that is associated;
    an ACL that exists but is detached protects nothing. When no web ACL has the designed
    name, the one associated with the ALB is taken for it, and the message says so.
    """
    assoc = facts[WafAssociation]
    want = design.edge.waf.name
    alb = design.edge.alb.name
    if assoc.alb_arn is None:
        yield failed(alb, msg("no load balancer is named {name}, the designed ALB", name=alb))
    elif assoc.web_acl_name == want:
        yield passed(
            assoc.alb_arn, msg("ALB {alb} is protected by web ACL {acl}", alb=alb, acl=want)
        )
    elif assoc.web_acl_name and want not in facts[WebAcls].names:
        yield passed(
            assoc.alb_arn,
            msg(
                "ALB {alb} is protected by web ACL {acl} (no web ACL has the designed name "
                "{want}; this one is taken for it because it is the ALB's)",
                alb=alb,
                acl=assoc.web_acl_name,
                want=want,
            ),
        )
    else:
        yield failed(
            assoc.alb_arn,
            msg(
                "ALB {alb} is associated with {seen}; the design associates {want}",
                alb=alb,
                seen=msg("web ACL {acl}", acl=assoc.web_acl_name)
                if assoc.web_acl_name
                else msg("no web ACL"),
                want=want,
            ),
        )


def _designed_acl(facts: Facts) -> tuple[WebAcl | None, bool]:
    """The designed web ACL (by name, else the ALB's), and whether it was found by name."""
    named = facts[WebAcls].designed
    if named is not None:
        return named, True
    return facts[WafAssociation].web_acl, False


def _group_problems(rules: list[WafRule], acl: WebAcl) -> list[Text]:
    """Why a managed rule group present in the ACL does not block what it matches."""
    problems: list[Text] = []
    for rule in rules:
        if rule.override == "count":
            problems.append(msg("rule {rule} overrides the whole group to Count", rule=rule.name))
        weak = [
            f"{name} ({action})"
            for name, action in rule.rule_overrides
            if action in ("count", "allow")
        ]
        if weak:
            problems.append(
                msg(
                    "rule {rule} overrides rules of the group to Count or Allow: {rules}",
                    rule=rule.name,
                    rules=joined(weak),
                )
            )
        if rule.scope_down:
            problems.append(
                msg(
                    "rule {rule} inspects only the requests its scope-down statement matches",
                    rule=rule.name,
                )
            )
        before = [r.name for r in acl.rules if r.action == "allow" and r.priority < rule.priority]
        if before:
            problems.append(
                msg(
                    "rules {rules} allow requests before rule {rule} sees them",
                    rules=joined(before),
                    rule=rule.name,
                )
            )
    return problems


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Add the missing AWS managed rule groups to the web ACL with the override "
        "action None, remove overrides to Count (for the group or its rules), scope-down "
        "statements and Allow rules placed before them, and set the designed default action "
        "(WAF console > Web ACLs > Rules).",
        terraform="aws_wafv2_web_acl.rule { override_action { none {} } statement { "
        'managed_rule_group_statement { vendor_name = "AWS", name = ... } } }',
    ),
    references=(
        WAF_DOCS + "aws-managed-rule-groups-list.html",
        WAF_DOCS + "web-acl-rule-group-override-options.html",
    ),
    decision="ADR-0010",
    needs=[WebAcls, WafAssociation],
)
def wafv2_web_acl_managed_rule_groups_present(facts: Facts, design: Design) -> Iterator[Result]:
    """The designed web ACL runs each designed AWS managed rule group, and it blocks.

    The rule groups are the protection (common exploits, known bad inputs, IP reputation,
    SQL injection). A group that is present but overridden to Count, has rules overridden
    to Count or Allow, inspects only what a scope-down statement matches, or comes after a
    rule that allows requests, lets those requests through. A default action that allows
    what the design blocks does the same.
    """
    want = design.edge.waf
    acl, by_name = _designed_acl(facts)
    if acl is None:
        names = facts[WebAcls].names
        yield failed(
            want.name,
            msg(
                "no regional web ACL is named {acl}, and none is associated with the ALB; "
                "web ACLs: {names}",
                acl=want.name,
                names=joined(names) if names else msg("none"),
            ),
        )
        return
    label = (
        msg("web ACL {acl}", acl=acl.name)
        if by_name
        else msg(
            "web ACL {acl} (the ALB's; none has the designed name {want})",
            acl=acl.name,
            want=want.name,
        )
    )
    if want.default_action == "block" and acl.default_action != "block":
        yield failed(
            acl.arn,
            msg(
                "{acl} allows by default what no rule decided; the design blocks it",
                acl=label,
            ),
        )
    else:
        yield passed(
            acl.arn,
            msg(
                "{acl} has the default action {action} (the design: {want})",
                acl=label,
                action=acl.default_action,
                want=want.default_action,
            ),
        )
    for group in want.managed_rule_groups:
        resource = f"{acl.arn}#{group}"
        rules = [r for r in acl.rules if r.managed_group == f"AWS/{group}"]
        if not rules:
            yield failed(
                resource,
                msg("{acl} lacks the managed rule group AWS/{group}", acl=label, group=group),
            )
        elif problems := _group_problems(rules, acl):
            yield failed(
                resource,
                msg(
                    "{acl} has AWS/{group}, but it does not block what it matches: {problems}",
                    acl=label,
                    group=group,
                    problems=joined(problems, style="clauses"),
                ),
            )
        else:
            yield passed(resource, msg("{acl} blocks with AWS/{group}", acl=label, group=group))


def _alias_types(records: tuple[AliasRecord, ...], target: str) -> list[str]:
    """The types of the records that alias the DNS name ``target``."""
    return [
        r.type
        for r in records
        if r.type in ("A", "AAAA")
        and r.alias_target
        and r.alias_target.lower().removeprefix("dualstack.") == target
    ]


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Create (or correct) an A alias record for the designed name in the designed "
        "public hosted zone, targeting the ALB; delete stale duplicate zones.",
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
    redirect of the designed ALB do not apply to them. When more than one public zone has
    the designed name (a stale copy), the one that holds the alias is the one judged.
    """
    dns = facts[DnsRecords]
    alb = facts[Alb]
    record = design.edge.dns.record
    if not dns.zones:
        yield failed(dns.zone, msg("no public hosted zone is named {zone}", zone=dns.zone))
        return
    if alb.load_balancer is None:
        yield missing_alb(alb)
        return
    target = alb.load_balancer.dns_name.lower().rstrip(".")
    holding = [z for z in dns.zones if _alias_types(z.records, target)]
    if holding:
        zone = holding[0]
        chosen = (
            msg(
                " (zone {zone} chosen among {zones}, the public zones named {name}, because it "
                "holds the alias)",
                zone=zone.id,
                zones=joined(z.id for z in dns.zones),
                name=dns.zone,
            )
            if len(dns.zones) > 1
            else ""
        )
        yield passed(
            record,
            msg(
                "{record} is an alias ({type}) for ALB {alb} ({target}){chosen}",
                record=record,
                type=_alias_types(zone.records, target)[0],
                alb=alb.load_balancer.name,
                target=target,
                chosen=chosen,
            ),
        )
        return
    aliases = [r for r in dns.records if r.type in ("A", "AAAA") and r.alias_target]
    zones = joined(z.id for z in dns.zones)
    if aliases:
        yield failed(
            record,
            msg(
                "{record} points at {seen}, not at ALB {alb} ({target}); zones: {zones}",
                record=record,
                seen=joined(f"{r.type} -> {r.alias_target}" for r in aliases),
                alb=alb.load_balancer.name,
                target=target,
                zones=zones,
            ),
        )
    else:
        yield failed(
            record,
            msg(
                "{record} in zone {zone} has {types}, no alias for ALB {alb} ({target}); "
                "zones: {zones}",
                record=record,
                zone=dns.zone,
                types=joined(r.type for r in dns.records) if dns.records else msg("no record"),
                alb=alb.load_balancer.name,
                target=target,
                zones=zones,
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Make every other load balancer internal, or delete it; public traffic enters "
        "through the designed ALB only. Run with --scope vpc to judge the design's VPC only.",
        terraform="aws_lb.internal = true (or remove the resource)",
    ),
    references=(ALB_DOCS + "application-load-balancers.html#load-balancer-scheme",),
    decision="ADR-0002",
    needs=[LoadBalancers, Alb, Vpcs],
)
def elbv2_internet_facing_only_designed_alb(facts: Facts, design: Design) -> Iterator[Result]:
    """No load balancer other than the designed ALB is internet-facing.

    A second public entry (a forgotten test ALB, a Service of type LoadBalancer) bypasses
    the WAF, the TLS policy and the design's single path into the mesh. The rule covers the
    whole account in the region, other teams' VPCs included, unless the run says
    ``--scope vpc``; its message says which.
    """
    lbs = facts[LoadBalancers]
    alb = facts[Alb].load_balancer
    mine = alb.arn if alb else None
    if lbs.scope == "vpc":
        choice = choose_vpc(facts[Vpcs], design)
        if choice.vpc is None:
            cidr = design.network.vpc_cidr
            yield errored(
                design.edge.alb.name,
                ambiguous_vpcs(choice, cidr)
                if choice.candidates
                else msg(
                    "--scope vpc: no VPC has the designed CIDR block {cidr}, so there is no "
                    "VPC to narrow the rule to",
                    cidr=cidr,
                ),
            )
            return
        vpc_id = choice.vpc.id
        scope = msg("in the design's VPC {vpc} (--scope vpc)", vpc=vpc_id)
        judged = [lb for lb in lbs.load_balancers if lb.vpc_id == vpc_id]
    else:
        scope = msg("in the whole account in this region (narrow it with --scope vpc)")
        judged = list(lbs.load_balancers)
    public = [lb for lb in judged if lb.scheme == "internet-facing"]
    surprises = [lb for lb in public if lb.arn != mine]
    for lb in surprises:
        yield failed(
            lb.arn,
            msg(
                "{kind} load balancer {name} is internet-facing; only the designed ALB {alb} "
                "may be, {scope}",
                kind=lb.kind,
                name=lb.name,
                alb=design.edge.alb.name,
                scope=scope,
            ),
        )
    if not surprises:
        yield passed(
            design.edge.alb.name,
            msg(
                "the only internet-facing load balancers {scope} are: {names}",
                scope=scope,
                names=joined(lb.name for lb in public) if public else msg("none"),
            ),
        )
