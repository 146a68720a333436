"""The ALB's listeners and rules on literal facts: each verdict's status, resource, message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws import tls
from eks_refarch.conformance.aws.facts import (
    Alb,
    AlbTargetGroups,
    Listener,
    ListenerAction,
    ListenerRule,
    WafAssociation,
    WafRule,
    WebAcls,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from tests.conformance.aws.account import (
    ACL_ARN,
    ALB_ARN,
    ARN,
    FORWARD,
    HTTP,
    HTTP_ARN,
    HTTPS,
    HTTPS_ARN,
    REDIRECT,
    TARGET_GROUP,
    TG_ARN,
    conforming,
    routes,
)
from tests.conformance.aws.test_rules import (
    Facts_,
    Verdict,
    change,
    edit,
    evaluate,
    verdicts,
)

CONDITIONS = ("path-pattern /shop/*", "host-header shop.example.com")
UNKNOWN_TG = f"{ARN}:targetgroup/gone/9"
OTHER_TG = replace(
    TARGET_GROUP, arn=f"{ARN}:targetgroup/pods/2", name="pods", target_type="ip", port=8080
)


def rule(listener: Listener, priority: str, *actions: ListenerAction, **kw: Any) -> ListenerRule:
    conditions: tuple[str, ...] = kw.get("conditions", CONDITIONS)
    return ListenerRule(f"{listener.arn}/rule/{priority}", priority, conditions, actions)


def with_routes(*listeners: tuple[Listener, tuple[ListenerRule, ...]]) -> Facts_:
    """The conforming account whose ALB has exactly these listeners, with these rules."""
    facts = change(Alb, listeners=tuple(li for li, _ in listeners))(conforming())
    groups = {TG_ARN: TARGET_GROUP, OTHER_TG.arn: OTHER_TG}
    return change(
        AlbTargetGroups,
        routes=tuple(routes(li, *rules) for li, rules in listeners),
        groups=groups,
    )(facts)


def gateway(design: Design) -> str:
    tg = design.edge.target_group
    return f"{tg.target_type} targets on {tg.protocol}:{tg.port}, the gateway's http nodePort"


def fixed(status: str | None) -> ListenerAction:
    return ListenerAction("fixed-response", status_code=status)


def redirect(protocol: str, status: str = "HTTP_301") -> ListenerAction:
    assert REDIRECT.redirect is not None
    return replace(REDIRECT, redirect=replace(REDIRECT.redirect, protocol=protocol, status=status))


AUTHENTICATE = ListenerAction("authenticate-oidc")
RULE_CASES: dict[str, tuple[tuple[ListenerAction, ...], Status, str]] = {
    "authenticate only": (
        (AUTHENTICATE,),
        Status.FAIL,
        "has no action that answers (authenticate-oidc)",
    ),
    "no actions": ((), Status.FAIL, "has no action that answers (none)"),
    "fixed response after authenticate": (
        (AUTHENTICATE, fixed("503")),
        Status.PASS,
        "answers a fixed response (503) and reaches no target",
    ),
    "fixed response without a code": (
        (fixed(None),),
        Status.PASS,
        "answers a fixed response (?) and reaches no target",
    ),
    "redirect to HTTPS": ((redirect("HTTPS"),), Status.PASS, "redirects to HTTPS (HTTP_301)"),
    "redirect keeps the protocol": (
        (redirect("#{protocol}", "HTTP_302"),),
        Status.PASS,
        "redirects to HTTPS (HTTP_302)",
    ),
    "redirect to http": ((redirect("http"),), Status.FAIL, "redirects to HTTP (HTTP_301)"),
    "redirect without its target": (
        (ListenerAction("redirect"),),
        Status.FAIL,
        "redirects to ? (?)",
    ),
    "forward with weight 0": (
        (ListenerAction("forward", forwards=((TG_ARN, 0),)),),
        Status.PASS,
        "forwards to no target group with weight",
    ),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_every_rule_of_an_https_listener_is_judged_by_what_answers_it(
    design: Design, case: str
) -> None:
    actions, status, tail = RULE_CASES[case]
    first = rule(HTTPS, "1", *actions)
    results = evaluate(
        "elbv2_alb_forwards_to_gateway_nodeport", with_routes((HTTPS, (first,))), design
    )
    label = "listener HTTPS:443, rule 1 (path-pattern /shop/*, host-header shop.example.com)"
    assert verdicts(results) == [
        (status, first.arn, f"{label} {tail}"),
        (
            Status.PASS,
            HTTPS_ARN,
            f"listener HTTPS:443, default action forwards to target group "
            f"{TARGET_GROUP.name}: {gateway(design)}",
        ),
    ]


@pytest.mark.parametrize(
    ("forwards", "status", "tail"),
    [
        (((TG_ARN, 1),), Status.PASS, f"forwards to target group {TARGET_GROUP.name}: {{gateway}}"),
        (
            ((TG_ARN, 1), (UNKNOWN_TG, 1)),
            Status.FAIL,
            f"forwards to {UNKNOWN_TG} (not a target group refarch could read), not the "
            "gateway's target group ({gateway})",
        ),
        (
            ((OTHER_TG.arn, 1), (TG_ARN, 1), (UNKNOWN_TG, 0)),
            Status.FAIL,
            "forwards to target group pods (ip targets on HTTP:8080), not the gateway's "
            "target group ({gateway})",
        ),
    ],
    ids=["the gateway's group", "an unknown group", "another shape"],
)
def test_a_forwarding_rule_names_every_group_it_reaches(
    design: Design, forwards: tuple[tuple[str, int], ...], status: Status, tail: str
) -> None:
    first = rule(HTTPS, "7", ListenerAction("forward", forwards=forwards), conditions=())
    results = evaluate(
        "elbv2_alb_forwards_to_gateway_nodeport", with_routes((HTTPS, (first,))), design
    )
    expected = "listener HTTPS:443, rule 7 (no conditions) " + tail.format(gateway=gateway(design))
    assert verdicts(results)[0] == (status, first.arn, expected)


def test_an_alb_without_https_listener_reaches_no_gateway(design: Design) -> None:
    results = evaluate("elbv2_alb_forwards_to_gateway_nodeport", with_routes((HTTP, ())), design)
    assert verdicts(results) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {design.edge.alb.name} has no HTTPS listener, so nothing reaches the gateway",
        )
    ]


def test_every_rule_of_every_plain_listener_redirects_or_answers(design: Design) -> None:
    """The designed listener's default is judged on its own; its other rules, and every
    rule of any other plain listener, go through the same judgement as HTTPS paths."""
    alb = design.edge.alb
    port = alb.http_redirect_port
    other = replace(HTTP, arn=f"{HTTP_ARN}-8080", port=8080, default_actions=(FORWARD,))
    rules = (
        rule(HTTP, "1", FORWARD),
        rule(HTTP, "2", redirect("#{protocol}")),
        rule(HTTP, "3", redirect("HTTPS")),
    )
    facts = with_routes((HTTPS, ()), (HTTP, rules), (other, ()))
    results = evaluate("elbv2_alb_http_redirects_to_https", facts, design)
    label = f"listener HTTP:{port}, rule {{}} (path-pattern /shop/*, host-header shop.example.com)"
    assert verdicts(results) == [
        (
            Status.PASS,
            HTTP_ARN,
            f"listener {port} of ALB {alb.name} redirects to HTTPS:{alb.https_port} (HTTP_301)",
        ),
        (
            Status.FAIL,
            rules[0].arn,
            f"{label.format(1)} forwards plain HTTP to target group {TARGET_GROUP.name}: the "
            "gateway is reached without TLS",
        ),
        (Status.FAIL, rules[1].arn, f"{label.format(2)} redirects to HTTP (HTTP_301)"),
        (Status.PASS, rules[2].arn, f"{label.format(3)} redirects to HTTPS (HTTP_301)"),
        (
            Status.FAIL,
            other.arn,
            f"listener HTTP:8080, default action forwards plain HTTP to target group "
            f"{TARGET_GROUP.name}: the gateway is reached without TLS",
        ),
    ]


@pytest.mark.parametrize(
    ("default_actions", "does"),
    [((), "nothing"), ((AUTHENTICATE, fixed("404")), "fixed-response")],
    ids=["no action", "a fixed response"],
)
def test_the_designed_plain_listener_that_does_not_redirect_says_what_it_does(
    design: Design, default_actions: tuple[ListenerAction, ...], does: str
) -> None:
    alb = design.edge.alb
    http = replace(HTTP, default_actions=default_actions)
    results = evaluate(
        "elbv2_alb_http_redirects_to_https", with_routes((HTTPS, ()), (http, ())), design
    )
    assert verdicts(results) == [
        (
            Status.FAIL,
            HTTP_ARN,
            f"listener {alb.http_redirect_port} of ALB {alb.name} does {does}; the design "
            f"redirects to HTTPS:{alb.https_port} with HTTP_301",
        )
    ]


def test_an_alb_without_the_plain_listener_is_told_so(design: Design) -> None:
    alb = design.edge.alb
    results = evaluate("elbv2_alb_http_redirects_to_https", with_routes((HTTPS, ())), design)
    assert verdicts(results) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {alb.name} has no listener on port {alb.http_redirect_port} to redirect HTTP "
            "to HTTPS",
        )
    ]


@pytest.mark.parametrize(
    "check_id",
    [
        "elbv2_alb_http_redirects_to_https",
        "elbv2_alb_access_logs_enabled",
        "elbv2_alb_forwards_to_gateway_nodeport",
    ],
)
def test_a_missing_alb_is_named_by_every_listener_check(design: Design, check_id: str) -> None:
    facts = change(Alb, load_balancer=None, attributes={}, listeners=())(conforming())
    name = design.edge.alb.name
    assert verdicts(evaluate(check_id, facts, design)) == [
        (Status.FAIL, name, f"no load balancer is named {name}, the designed ALB")
    ]


def _policy(design: Design, *listeners: Listener) -> list[Verdict]:
    facts = change(Alb, listeners=listeners)(conforming())
    return verdicts(evaluate("elbv2_alb_https_listener_uses_designed_tls_policy", facts, design))


def test_every_https_listener_is_judged_whatever_its_place(design: Design) -> None:
    alb = design.edge.alb
    stricter = "ELBSecurityPolicy-TLS13-1-3-2021-06"  # TLS 1.3 only (AWS's table)
    second = replace(HTTPS, arn=f"{HTTPS_ARN}-8443", port=8443, ssl_policy=stricter)
    assert _policy(design, HTTP, HTTPS, second) == [
        (
            Status.PASS,
            HTTPS_ARN,
            f"listener HTTPS:{alb.https_port} of ALB {alb.name} uses {alb.ssl_policy}, as designed",
        ),
        (
            Status.PASS,
            second.arn,
            f"listener HTTPS:8443 of ALB {alb.name} uses {stricter}, at least as strict as "
            f"the designed {alb.ssl_policy}",
        ),
    ]


@pytest.mark.parametrize(
    ("policy", "said_policy"),
    [(None, "no policy"), ("ELBSecurityPolicy-Made-Up", "ELBSecurityPolicy-Made-Up")],
    ids=["none", "unknown"],
)
def test_a_policy_outside_the_table_is_an_error_naming_it(
    design: Design, policy: str | None, said_policy: str
) -> None:
    alb = design.edge.alb
    assert _policy(design, replace(HTTPS, ssl_policy=policy)) == [
        (
            Status.ERROR,
            HTTPS_ARN,
            f"listener HTTPS:{alb.https_port} of ALB {alb.name} uses {said_policy}, which is "
            f"not in refarch's table of ELB security policies ({tls.source()}), so it cannot "
            f"be compared with the designed {alb.ssl_policy}",
        )
    ]


def test_a_looser_policy_names_what_it_allows_beyond_the_design(design: Design) -> None:
    (verdict,) = _policy(design, replace(HTTPS, ssl_policy="ELBSecurityPolicy-TLS13-1-1-2021-06"))
    assert verdict[:2] == (Status.FAIL, HTTPS_ARN)
    assert verdict[2].startswith(
        f"listener HTTPS:{design.edge.alb.https_port} of ALB {design.edge.alb.name} uses "
        "ELBSecurityPolicy-TLS13-1-1-2021-06, which allows TLSv1.1, "
    )


@pytest.mark.parametrize(
    ("listeners", "resource", "seen"),
    [
        ((), ALB_ARN, "none"),
        ((HTTP, replace(HTTPS, port=8443)), ALB_ARN, "HTTP:80, HTTPS:8443"),
        ((replace(HTTPS, protocol="HTTP"),), HTTPS_ARN, "HTTP:443"),
    ],
    ids=["no listener", "https elsewhere", "plain on the https port"],
)
def test_no_https_listener_on_the_designed_port_fails_listing_the_listeners(
    design: Design, listeners: tuple[Listener, ...], resource: str, seen: str
) -> None:
    alb = design.edge.alb
    results = _policy(design, *listeners)
    assert results[0] == (
        Status.FAIL,
        resource,
        f"ALB {alb.name} has no HTTPS listener on port {alb.https_port}; its listeners: {seen}",
    )


def _designed_flag(design_data: dict[str, Any], value: bool) -> Design:
    from eks_refarch.design.model import Design as Model

    design_data["edge"]["alb"]["drop_invalid_header_fields"] = value
    return Model.model_validate(design_data)


@pytest.mark.parametrize("designed", [True, False])
@pytest.mark.parametrize("seen", ["true", "false", None])
def test_an_alb_attribute_is_judged_against_the_designed_flag_either_way(
    design: Design, design_data: dict[str, Any], designed: bool, seen: str | None
) -> None:
    key = "routing.http.drop_invalid_header_fields.enabled"
    shipped = design.edge.alb.drop_invalid_header_fields
    wanted = design if designed == shipped else _designed_flag(design_data, designed)
    facts = edit(Alb, lambda a: replace(a, attributes={**a.attributes, key: seen}))(conforming())
    if seen is None:
        facts = edit(Alb, lambda a: replace(a, attributes={}))(facts)
    results = evaluate("elbv2_alb_drop_invalid_header_fields_enabled", facts, wanted)
    want, state = ("true", "on") if designed else ("false", "off")
    name = design.edge.alb.name
    what = "dropping of invalid header fields"
    expected = (
        (Status.PASS, ALB_ARN, f"ALB {name} has {what} {state} ({key})")
        if seen == want
        else (
            Status.FAIL,
            ALB_ARN,
            f"ALB {name} has {key} = {seen or 'unset'}; the design has {what} {state} ({want})",
        )
    )
    assert verdicts(results) == [expected]


def test_access_logs_name_every_attribute_and_the_designed_target(design: Design) -> None:
    logs = design.edge.alb.access_logs
    facts = edit(
        Alb,
        lambda a: replace(
            a, attributes={k: v for k, v in a.attributes.items() if k != "access_logs.s3.prefix"}
        ),
    )(conforming())
    assert verdicts(evaluate("elbv2_alb_access_logs_enabled", facts, design)) == [
        (
            Status.FAIL,
            ALB_ARN,
            f"ALB {design.edge.alb.name} access logs: enabled = true, bucket = {logs.bucket}, "
            f"prefix = unset; the design logs to s3://{logs.bucket}/{logs.prefix}",
        )
    ]


def _acl(*rules: WafRule) -> Callable[[Facts_], Facts_]:
    def apply(facts: Facts_) -> Facts_:
        acl = replace(facts[WebAcls].designed, rules=rules)
        facts = change(WebAcls, designed=acl)(facts)
        return change(WafAssociation, web_acl=acl)(facts)

    return apply


def _groups(design: Design, first: int, **fields: Any) -> list[WafRule]:
    """A rule per designed managed group, from priority ``first``; the first one changed."""
    names = design.edge.waf.managed_rule_groups
    groups = [WafRule(g, first + i, f"AWS/{g}", override="none") for i, g in enumerate(names)]
    return [replace(groups[0], **fields), *groups[1:]]


def test_a_managed_group_that_does_not_block_names_every_reason(design: Design) -> None:
    group = design.edge.waf.managed_rule_groups[0]
    overrides = (("SizeRestrictions_BODY", "count"), ("NoUserAgent_HEADER", "allow"))
    rules = _groups(
        design,
        0,
        override="count",
        rule_overrides=(*overrides, ("GenericRFI_BODY", "block")),
        scope_down=True,
    )
    results = evaluate(
        "wafv2_web_acl_managed_rule_groups_present", _acl(*rules)(conforming()), design
    )
    judged = verdicts(results)
    assert judged[1] == (
        Status.FAIL,
        f"{ACL_ARN}#{group}",
        f"web ACL sakura-shop-edge has AWS/{group}, but it does not block what it matches: "
        f"rule {group} overrides the whole group to Count; rule {group} overrides rules of the "
        "group to Count or Allow: SizeRestrictions_BODY (count), NoUserAgent_HEADER (allow); "
        f"rule {group} inspects only the requests its scope-down statement matches",
    )
    assert [status for status, _, _ in judged[2:]] == [Status.PASS] * (len(judged) - 2)


def test_allow_rules_before_a_managed_group_are_named(design: Design) -> None:
    own = (
        WafRule("allow-office", 0, None, action="allow"),
        WafRule("block-bots", 1, None, action="block"),
        WafRule("allow-late", 99, None, action="allow"),
    )
    rules = _groups(design, 2)
    results = evaluate(
        "wafv2_web_acl_managed_rule_groups_present", _acl(*own, *rules)(conforming()), design
    )
    assert verdicts(results)[1:] == [
        (
            Status.FAIL,
            f"{ACL_ARN}#{g}",
            f"web ACL sakura-shop-edge has AWS/{g}, but it does not block what it matches: "
            f"rules allow-office allow requests before rule {g} sees them",
        )
        for g in design.edge.waf.managed_rule_groups
    ]
