"""The ALB's exposure, WAF, Route 53 and ACM rules: every result's status, resource and text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    Alb,
    AliasRecord,
    Certificate,
    DnsRecords,
    HostedZone,
    ListenerCertificates,
    LoadBalancer,
    LoadBalancers,
    Vpcs,
    WafAssociation,
    WafRule,
    WebAcl,
    WebAcls,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.design.model import Design as Model
from eks_refarch.i18n import LANGUAGES, render
from tests.conformance.aws.account import (
    ACL_ARN,
    ALB_ARN,
    ALB_DNS,
    HTTPS_ARN,
    READ_AT,
    WEB_ACL,
    conforming,
)
from tests.conformance.aws.test_rules import Facts_, Verdict, change, edit, evaluate, verdicts

Seen = list[Verdict]


def seen(check_id: str, facts: Facts_, design: Design) -> Seen:
    """Each result as a reader meets it: status, resource, English text. Every language
    is rendered too, so a message left without its template or a value fails here."""
    results = evaluate(check_id, facts, design)
    for result in results:
        for lang in LANGUAGES:
            render(result.message, lang)
    return verdicts(results)


def _zones(design: Design) -> str:
    return ", ".join(design.network.availability_zones)


# The ALB is internet-facing in the public subnets of every zone.

EXPOSURE = "elbv2_alb_internet_facing_in_public_subnets"


def _lb(**fields: Any) -> Callable[[Facts_], Facts_]:
    return edit(Alb, lambda a: replace(a, load_balancer=replace(a.load_balancer, **fields)))


@pytest.mark.parametrize("found_by", [None, "shape"])
def test_the_alb_in_every_public_subnet_passes_naming_its_zones(
    design: Design, found_by: str | None
) -> None:
    want = design.edge.alb
    found = (
        " (found by shape, the only internet-facing application load balancer; the design "
        f"names it {want.name})"
        if found_by
        else ""
    )
    facts = change(Alb, found_by=found_by)(conforming())
    assert seen(EXPOSURE, facts, design) == [
        (
            Status.PASS,
            ALB_ARN,
            f"ALB {want.name} is {want.scheme} in the {want.subnet_tier} subnets of "
            f"{_zones(design)}{found}",
        )
    ]


def test_a_network_load_balancer_of_the_wrong_scheme_fails_naming_both(design: Design) -> None:
    want = design.edge.alb
    facts = _lb(kind="network", scheme="internal")(conforming())
    facts = change(Alb, found_by="shape")(facts)  # a failure needs no word on how it was found
    assert seen(EXPOSURE, facts, design) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {want.name}: it is a network load balancer, not an application one; its "
            f"scheme is internal, not {want.scheme}",
        )
    ]


# No other load balancer is internet-facing.

ONLY = "elbv2_internet_facing_only_designed_alb"
ACCOUNT = "in the whole account in this region (narrow it with --scope vpc)"


def _with_lbs(*extra: LoadBalancer, scope: str = "account") -> Callable[[Facts_], Facts_]:
    return edit(
        LoadBalancers,
        lambda lbs: replace(lbs, load_balancers=(*lbs.load_balancers, *extra), scope=scope),
    )


OTHER_VPC_ALB = LoadBalancer(
    "arn:lb/test", "test-alb", "application", "internet-facing", "t", "vpc-other", (), ()
)


def test_only_the_designed_alb_facing_the_internet_passes_in_each_scope(design: Design) -> None:
    name = design.edge.alb.name
    assert seen(ONLY, conforming(), design) == [
        (Status.PASS, name, f"the only internet-facing load balancers {ACCOUNT} are: {name}")
    ]
    # A public ALB in another team's VPC is outside --scope vpc.
    facts = _with_lbs(OTHER_VPC_ALB, scope="vpc")(conforming())
    assert seen(ONLY, facts, design) == [
        (
            Status.PASS,
            name,
            "the only internet-facing load balancers in the design's VPC vpc-1 (--scope vpc) "
            f"are: {name}",
        )
    ]


def test_a_public_load_balancer_in_another_vpc_fails_account_wide(design: Design) -> None:
    facts = _with_lbs(OTHER_VPC_ALB)(conforming())
    assert seen(ONLY, facts, design) == [
        (
            Status.FAIL,
            "arn:lb/test",
            "application load balancer test-alb is internet-facing; only the designed ALB "
            f"{design.edge.alb.name} may be, {ACCOUNT}",
        )
    ]


def test_without_the_designed_alb_every_public_load_balancer_is_a_surprise(
    design: Design,
) -> None:
    facts = change(Alb, load_balancer=None)(conforming())
    assert [(status, resource) for status, resource, _ in seen(ONLY, facts, design)] == [
        (Status.FAIL, ALB_ARN)
    ]


def test_no_public_load_balancer_at_all_passes_naming_none(design: Design) -> None:
    facts = _lb(scheme="internal")(conforming())
    facts = edit(
        LoadBalancers,
        lambda lbs: replace(
            lbs, load_balancers=tuple(replace(lb, scheme="internal") for lb in lbs.load_balancers)
        ),
    )(facts)
    assert seen(ONLY, facts, design) == [
        (
            Status.PASS,
            design.edge.alb.name,
            f"the only internet-facing load balancers {ACCOUNT} are: none",
        )
    ]


def _twin_vpcs(vpcs: Vpcs) -> Vpcs:
    twin = replace(vpcs.vpcs[0], id="vpc-twin", holds=())
    return replace(vpcs, vpcs=(replace(vpcs.vpcs[0], holds=()), twin))


@pytest.mark.parametrize("vpcs", ["missing", "twins"])
def test_scope_vpc_without_one_design_vpc_is_an_error_naming_why(design: Design, vpcs: str) -> None:
    cidr = design.network.vpc_cidr
    if vpcs == "missing":
        narrow = edit(Vpcs, lambda v: replace(v, vpcs=v.vpcs[1:]))
        why = (
            f"--scope vpc: no VPC has the designed CIDR block {cidr}, so there is no VPC to "
            "narrow the rule to"
        )
    else:
        narrow = edit(Vpcs, _twin_vpcs)
        why = (
            f"2 VPCs have the designed CIDR block {cidr}: vpc-1 (holds neither the designed "
            "ALB nor the cluster), vpc-twin (holds neither the designed ALB nor the cluster); "
            "refarch cannot tell which one is the design's"
        )
    facts = narrow(_with_lbs(scope="vpc")(conforming()))
    assert seen(ONLY, facts, design) == [(Status.ERROR, design.edge.alb.name, why)]


# The designed web ACL is associated with the ALB.

ASSOCIATED = "wafv2_web_acl_associated_with_alb"


def _acl_names(*names: str) -> Callable[[Facts_], Facts_]:
    return change(WebAcls, names=names)


def test_the_designed_acl_on_the_alb_passes(design: Design) -> None:
    alb, acl = design.edge.alb.name, design.edge.waf.name
    assert seen(ASSOCIATED, conforming(), design) == [
        (Status.PASS, ALB_ARN, f"ALB {alb} is protected by web ACL {acl}")
    ]


def test_another_acl_stands_in_only_when_none_has_the_designed_name(design: Design) -> None:
    alb, acl = design.edge.alb.name, design.edge.waf.name
    other = change(WafAssociation, web_acl_name="legacy", web_acl_arn="arn:acl/legacy")
    stand_in = _acl_names("legacy")(other(conforming()))
    assert seen(ASSOCIATED, stand_in, design) == [
        (
            Status.PASS,
            ALB_ARN,
            f"ALB {alb} is protected by web ACL legacy (no web ACL has the designed name "
            f"{acl}; this one is taken for it because it is the ALB's)",
        )
    ]
    displaced = _acl_names("legacy", acl)(other(conforming()))
    assert seen(ASSOCIATED, displaced, design) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {alb} is associated with web ACL legacy; the design associates {acl}",
        )
    ]


def test_no_acl_on_the_alb_fails_even_when_none_has_the_designed_name(design: Design) -> None:
    alb, acl = design.edge.alb.name, design.edge.waf.name
    facts = change(WafAssociation, web_acl_name=None, web_acl_arn=None, web_acl=None)
    assert seen(ASSOCIATED, _acl_names()(facts(conforming())), design) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {alb} is associated with no web ACL; the design associates {acl}",
        )
    ]


def test_without_the_alb_the_association_fails_naming_the_designed_alb(design: Design) -> None:
    alb = design.edge.alb.name
    facts = change(WafAssociation, alb_arn=None)(conforming())
    assert seen(ASSOCIATED, facts, design) == [
        (Status.FAIL, alb, f"no load balancer is named {alb}, the designed ALB")
    ]


# The designed web ACL runs the managed rule groups, and they block.

GROUPS = "wafv2_web_acl_managed_rule_groups_present"


@pytest.mark.parametrize(("names", "listed"), [((), "none"), (("a", "b"), "a, b")])
def test_no_designed_or_associated_acl_fails_listing_the_acls(
    design: Design, names: tuple[str, ...], listed: str
) -> None:
    acl = design.edge.waf.name
    facts = change(WebAcls, names=names, designed=None)(conforming())
    facts = change(WafAssociation, web_acl=None)(facts)
    assert seen(GROUPS, facts, design) == [
        (
            Status.FAIL,
            acl,
            f"no regional web ACL is named {acl}, and none is associated with the ALB; web "
            f"ACLs: {listed}",
        )
    ]


def test_the_designed_acl_passes_its_default_and_every_group(design: Design) -> None:
    want = design.edge.waf
    label = f"web ACL {want.name}"
    assert seen(GROUPS, conforming(), design) == [
        (
            Status.PASS,
            ACL_ARN,
            f"{label} has the default action {want.default_action} (the design: "
            f"{want.default_action})",
        ),
        *(
            (Status.PASS, f"{ACL_ARN}#{g}", f"{label} blocks with AWS/{g}")
            for g in want.managed_rule_groups
        ),
    ]


def test_the_albs_acl_stands_in_and_every_result_says_so(design: Design) -> None:
    want = design.edge.waf
    legacy = replace(WEB_ACL, name="legacy", arn="arn:acl/legacy")
    facts = change(WebAcls, names=("legacy",), designed=None)(conforming())
    facts = change(WafAssociation, web_acl_name="legacy", web_acl=legacy)(facts)
    label = f"web ACL legacy (the ALB's; none has the designed name {want.name})"
    assert seen(GROUPS, facts, design) == [
        (
            Status.PASS,
            "arn:acl/legacy",
            f"{label} has the default action allow (the design: {want.default_action})",
        ),
        *(
            (Status.PASS, f"arn:acl/legacy#{g}", f"{label} blocks with AWS/{g}")
            for g in want.managed_rule_groups
        ),
    ]


@pytest.mark.parametrize(("action", "status"), [("allow", Status.FAIL), ("block", Status.PASS)])
def test_a_design_that_blocks_by_default_fails_an_acl_that_allows(
    design_data: dict[str, Any], action: str, status: Status
) -> None:
    design_data["edge"]["waf"]["default_action"] = "block"
    blocking = Model.model_validate(design_data)
    name = blocking.edge.waf.name
    facts = edit(WebAcls, lambda w: replace(w, designed=replace(w.designed, default_action=action)))
    (default, *groups) = seen(GROUPS, facts(conforming()), blocking)
    assert default == (
        status,
        ACL_ARN,
        f"web ACL {name} allows by default what no rule decided; the design blocks it"
        if status is Status.FAIL
        else f"web ACL {name} has the default action block (the design: block)",
    )
    assert {s for s, _, _ in groups} == {Status.PASS}


def test_a_group_that_does_not_block_fails_naming_each_reason(design: Design) -> None:
    want = design.edge.waf
    first, *rest = want.managed_rule_groups
    weakened = WafRule(first, 5, f"AWS/{first}", override="count", scope_down=True)

    def weaken(acl: WebAcl) -> WebAcl:
        kept = tuple(r for r in acl.rules if r.managed_group != f"AWS/{first}")
        return replace(acl, rules=(*kept, weakened))

    facts = edit(WebAcls, lambda w: replace(w, designed=weaken(w.designed)))(conforming())
    results = seen(GROUPS, facts, design)
    assert results[1] == (
        Status.FAIL,
        f"{ACL_ARN}#{first}",
        f"web ACL {want.name} has AWS/{first}, but it does not block what it matches: rule "
        f"{first} overrides the whole group to Count; rule {first} inspects only the requests "
        "its scope-down statement matches",
    )
    assert [s for s, _, _ in results] == [Status.PASS, Status.FAIL, *(Status.PASS for _ in rest)]


# The designed DNS record is an alias for the ALB.

DNS = "route53_record_aliases_alb"


def _records(*records: AliasRecord) -> Callable[[Facts_], Facts_]:
    return edit(DnsRecords, lambda d: replace(d, zones=(replace(d.zones[0], records=records),)))


def _passes_as(design: Design, kind: str) -> str:
    return (
        f"{design.edge.dns.record} is an alias ({kind}) for ALB {design.edge.alb.name} ({ALB_DNS})"
    )


def test_an_a_or_aaaa_alias_for_the_alb_passes_naming_its_type(design: Design) -> None:
    record = design.edge.dns.record
    assert seen(DNS, conforming(), design) == [(Status.PASS, record, _passes_as(design, "A"))]
    aaaa = _records(AliasRecord(record, "AAAA", f"dualstack.{ALB_DNS}"))(conforming())
    assert seen(DNS, aaaa, design) == [(Status.PASS, record, _passes_as(design, "AAAA"))]


def test_the_albs_dns_name_is_matched_without_case_or_trailing_dot(design: Design) -> None:
    facts = _lb(dns_name=f"{ALB_DNS.upper()}.")(conforming())
    assert seen(DNS, facts, design) == [
        (Status.PASS, design.edge.dns.record, _passes_as(design, "A"))
    ]


def test_of_two_zones_the_one_holding_the_alias_is_chosen_and_named(design: Design) -> None:
    record, zone = design.edge.dns.record, design.edge.dns.zone

    def stale_copy_first(d: DnsRecords) -> DnsRecords:
        stale = HostedZone("/hostedzone/Z0", (AliasRecord(record, "NS", None),))
        return replace(d, zones=(stale, *d.zones))

    facts = edit(DnsRecords, stale_copy_first)(conforming())
    assert seen(DNS, facts, design) == [
        (
            Status.PASS,
            record,
            _passes_as(design, "A") + " (zone /hostedzone/Z1 chosen among /hostedzone/Z0, "
            f"/hostedzone/Z1, the public zones named {zone}, because it holds the alias)",
        )
    ]


def test_no_public_zone_fails_naming_the_zone(design: Design) -> None:
    zone = design.edge.dns.zone
    facts = change(DnsRecords, zones=())(conforming())
    assert seen(DNS, facts, design) == [
        (Status.FAIL, zone, f"no public hosted zone is named {zone}")
    ]


# What the record holds instead -> what the failure says of it (after the record's name).
NOT_ALIASES: dict[str, tuple[tuple[AliasRecord, ...], str]] = {
    "aaaa-elsewhere": (
        (AliasRecord("r", "AAAA", "other.elb.amazonaws.com"),),
        "points at AAAA -> other.elb.amazonaws.com, not at",
    ),
    # A plain A record (an address, not an alias) is not an alias for anything.
    "plain-a": (
        (AliasRecord("r", "NS", None), AliasRecord("r", "A", None)),
        "has NS, A, no alias for",
    ),
    "none": ((), "has no record, no alias for"),
}


@pytest.mark.parametrize("case", sorted(NOT_ALIASES))
def test_a_record_that_is_not_an_alias_for_the_alb_fails_naming_what_it_is(
    design: Design, case: str
) -> None:
    records, found = NOT_ALIASES[case]
    record, zone, alb = design.edge.dns.record, design.edge.dns.zone, design.edge.alb.name
    where = "" if found.startswith("points") else f" in zone {zone}"
    assert seen(DNS, _records(*records)(conforming()), design) == [
        (
            Status.FAIL,
            record,
            f"{record}{where} {found} ALB {alb} ({ALB_DNS}); zones: /hostedzone/Z1",
        )
    ]


# The HTTPS listener's certificates.

ACM = "acm_certificate_issued_not_expiring"
PARTNER = "partner.example.org"
ISSUED_UNTIL = conforming()[ListenerCertificates].certificates[0].not_after.date().isoformat()


def _certs(*certs: Certificate, port: int | None = None) -> Callable[[Facts_], Facts_]:
    """The HTTPS listener holding ``certs`` (and on ``port``, when given)."""

    def how(c: ListenerCertificates) -> ListenerCertificates:
        listener = c.listeners[0]
        moved = replace(listener, certificates=certs, port=port or listener.port)
        return replace(c, listeners=(moved,))

    return edit(ListenerCertificates, how)


def _cert(
    domain: str,
    *sans: str,
    status: str = "ISSUED",
    days: int | None = 365,
    default: bool = True,
    arn: str = "arn:aws:acm:cert/9",
) -> Certificate:
    """A certificate ending ``days`` after the facts were read (None: no expiry date)."""
    not_after = None if days is None else READ_AT + timedelta(days=days)
    return Certificate(arn, domain, sans, status, not_after, default)


def _until(days: int) -> str:
    return (READ_AT + timedelta(days=days)).date().isoformat()


def test_the_designed_certificate_passes_naming_its_expiry(design: Design) -> None:
    want = design.edge.certificate
    assert seen(ACM, conforming(), design) == [
        (
            Status.PASS,
            "arn:aws:acm:cert/1",
            f"default certificate for {want.domain} on listener HTTPS:443 is ISSUED and valid "
            f"until {ISSUED_UNTIL}, beyond "
            f"{want.renew_days_before_expiry} days",
        )
    ]


@pytest.mark.parametrize("where", ["no-listener", "no-certificate"])
def test_an_https_listener_without_certificates_fails_once(design: Design, where: str) -> None:
    alb = design.edge.alb
    if where == "no-listener":  # only a listener on another port
        facts, resource = _certs(_cert(PARTNER), port=alb.https_port + 1)(conforming()), alb.name
    else:
        facts, resource = _certs()(conforming()), HTTPS_ARN
    results = seen(ACM, facts, design)
    assert results[0] == (
        Status.FAIL,
        resource,
        f"the HTTPS listener (port {alb.https_port}) of ALB {alb.name} has no certificate (or "
        "the listener or ALB is missing)",
    )
    assert len(results) == (2 if where == "no-listener" else 1)


def test_a_certificate_that_does_not_cover_the_domain_fails_the_listener(
    design: Design,
) -> None:
    want = design.edge.certificate
    facts = _certs(_cert(PARTNER))(conforming())
    assert seen(ACM, facts, design) == [
        (
            Status.FAIL,
            HTTPS_ARN,
            f"no valid certificate on listener HTTPS:443 covers {want.domain}; its certificates "
            f"cover {PARTNER}",
        ),
        (
            Status.PASS,
            "arn:aws:acm:cert/9",
            f"default certificate for {PARTNER} on listener HTTPS:443 is ISSUED and valid until "
            f"{_until(365)}, beyond {want.renew_days_before_expiry} days",
        ),
    ]


def _parent(domain: str) -> str:
    return domain.partition(".")[2]


@pytest.mark.parametrize(
    ("name", "covers"),
    [
        (lambda d: f"*.{_parent(d)}", True),
        (lambda d: d.upper() + ".", True),  # case and a trailing dot do not matter
        (lambda d: f"*.{d}", False),  # a wildcard stands for one whole label
        (lambda d: f"*.{PARTNER}", False),
        (lambda d: f".{d}", False),
    ],
    ids=["wildcard-parent", "upper-dotted", "wildcard-child", "wildcard-other", "leading-dot"],
)
def test_a_name_covers_the_domain_exactly_or_by_one_wildcard_label(
    design: Design, name: Callable[[str], str], covers: bool
) -> None:
    domain = design.edge.certificate.domain
    facts = _certs(_cert(name(domain), default=False))(conforming())
    failed = [r for r in seen(ACM, facts, design) if r[0] is Status.FAIL]
    assert [r[1] for r in failed] == ([] if covers else [HTTPS_ARN])


def test_each_certificate_is_named_with_its_kind_and_expiry(design: Design) -> None:
    want = design.edge.certificate
    days = want.renew_days_before_expiry
    facts = _certs(
        _cert(want.domain, arn="arn:cert/default"),
        _cert(PARTNER, default=False, arn="arn:cert/sni"),
        _cert(PARTNER, status="PENDING_VALIDATION", days=None, default=False, arn="arn:cert/new"),
        _cert("", default=False, arn="arn:cert/nameless"),
    )(conforming())
    on = "on listener HTTPS:443"
    assert seen(ACM, facts, design) == [
        (
            Status.PASS,
            "arn:cert/default",
            f"default certificate for {want.domain} {on} is ISSUED and valid until "
            f"{_until(365)}, beyond {days} days",
        ),
        (
            Status.PASS,
            "arn:cert/sni",
            f"SNI certificate for {PARTNER} {on} is ISSUED and valid until {_until(365)}, "
            f"beyond {days} days",
        ),
        (
            Status.PASS,
            "arn:cert/new",
            f"SNI certificate for {PARTNER} {on} is PENDING_VALIDATION and has no expiry date "
            f"yet; it does not serve {want.domain}",
        ),
        (
            Status.PASS,
            "arn:cert/nameless",
            f"SNI certificate for arn:cert/nameless {on} is ISSUED and valid until "
            f"{_until(365)}, beyond {days} days",
        ),
    ]


def test_a_pending_default_certificate_fails_the_listener_and_itself(design: Design) -> None:
    want = design.edge.certificate
    cert = _cert(
        want.domain, *want.subject_alternative_names, status="PENDING_VALIDATION", days=None
    )
    names = ", ".join(sorted((want.domain, *want.subject_alternative_names)))
    assert seen(ACM, _certs(cert)(conforming()), design) == [
        (
            Status.FAIL,
            HTTPS_ARN,
            f"no valid certificate on listener HTTPS:443 covers {want.domain}; its certificates "
            f"cover {names}",
        ),
        (
            Status.FAIL,
            "arn:aws:acm:cert/9",
            f"default certificate for {want.domain} on listener HTTPS:443: its status is "
            "PENDING_VALIDATION; it has no expiry date",
        ),
    ]


@pytest.mark.parametrize("margin", [0, 1])
def test_a_certificate_ending_on_the_windows_last_day_is_within_it(
    design: Design, margin: int
) -> None:
    """The window includes its last day: a certificate ending exactly ``renew_days`` after
    the read fails; one a day later passes."""
    want = design.edge.certificate
    days = want.renew_days_before_expiry + margin
    results = seen(ACM, _certs(_cert(want.domain, days=days))(conforming()), design)
    if margin:
        assert [s for s, _, _ in results] == [Status.PASS]
    else:
        assert results == [
            (
                Status.FAIL,
                HTTPS_ARN,
                f"no valid certificate on listener HTTPS:443 covers {want.domain}; its "
                f"certificates cover {want.domain}",
            ),
            (
                Status.FAIL,
                "arn:aws:acm:cert/9",
                f"default certificate for {want.domain} on listener HTTPS:443: it expires "
                f"{_until(days)}, within {want.renew_days_before_expiry} days",
            ),
        ]
