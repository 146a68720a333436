"""The table of ELB security policies (elb_security_policies.yaml): its facts agree with
the independent copy moto ships, and "at least as strict" reads as it should."""

from __future__ import annotations

import pytest
from moto.elbv2.ssl_policies import SSL_POLICIES

from eks_refarch.conformance.aws import tls
from eks_refarch.design import Design


def test_every_policy_moto_knows_has_the_same_protocols_and_ciphers_here() -> None:
    table = tls.policies()
    for name, spec in SSL_POLICIES.items():
        assert name in table, name
        assert table[name].protocols == frozenset(spec["ssl_protocols"]), name
        assert table[name].ciphers == frozenset(spec["ciphers"]), name


def test_the_table_names_its_source_and_holds_the_designed_policy(design: Design) -> None:
    assert tls.source().startswith("https://docs.aws.amazon.com/elasticloadbalancing/")
    assert design.edge.alb.ssl_policy in tls.policies()


@pytest.mark.parametrize(
    "stricter",
    [
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
        "ELBSecurityPolicy-FS-1-2-Res-2020-10",
        "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    ],
)
def test_policies_that_allow_nothing_more_are_at_least_as_strict(
    stricter: str, design: Design
) -> None:
    looser = tls.looser(stricter, design.edge.alb.ssl_policy)
    assert looser is not None
    assert not looser


@pytest.mark.parametrize(
    ("policy", "allows"),
    [
        ("ELBSecurityPolicy-2016-08", "TLSv1"),
        ("ELBSecurityPolicy-TLS13-1-1-2021-06", "TLSv1.1"),
        ("ELBSecurityPolicy-TLS-1-2-2017-01", "AES128-GCM-SHA256"),
        ("ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "AES256-SHA256"),
        ("ELBSecurityPolicy-FS-1-2-2019-08", "ECDHE-RSA-AES128-SHA"),
        ("ELBSecurityPolicy-TLS-1-0-2015-04", "DES-CBC3-SHA"),
    ],
)
def test_policies_that_allow_more_are_named_with_what_they_allow(
    policy: str, allows: str, design: Design
) -> None:
    looser = tls.looser(policy, design.edge.alb.ssl_policy)
    assert looser
    assert allows in (*looser.protocols, *looser.ciphers)


def test_a_policy_not_in_the_table_cannot_be_compared(design: Design) -> None:
    assert tls.looser("ELBSecurityPolicy-Custom-Nope", design.edge.alb.ssl_policy) is None
