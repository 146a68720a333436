"""CloudTrail rules on literal trails: the trail each judges, its status, resource and message."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import KmsKeys, Trail, Trails
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from tests.conformance.aws.account import conforming
from tests.conformance.aws.test_rules import evaluate, said

MULTI_REGION = "cloudtrail_trail_multi_region_logging"
VALIDATION = "cloudtrail_log_file_validation_enabled"
ENCRYPTED = "cloudtrail_trail_encrypted_with_designed_key"
BUCKET = "cloudtrail_trail_delivers_to_designed_bucket"
AUDIT_CHECKS = (MULTI_REGION, VALIDATION, ENCRYPTED, BUCKET)


def designed_trail() -> Trail:
    trail: Trail = conforming()[Trails].trails[0]
    return trail


def other(name: str, **fields: Any) -> Trail:
    """The conforming trail under another name (and ARN), with some fields changed."""
    arn = designed_trail().arn.replace("sakura-shop-audit", name)
    return replace(designed_trail(), name=name, arn=arn, **fields)


def judged(check_id: str, design: Design, *trails: Trail) -> list[tuple[Status, str, str]]:
    facts = {**conforming(), Trails: Trails(trails)}
    return [(r.status, r.resource, said(r)) for r in evaluate(check_id, facts, design)]


@pytest.mark.parametrize("check_id", AUDIT_CHECKS)
def test_the_designed_trail_passes_each_check_naming_it(check_id: str, design: Design) -> None:
    want = design.security.audit_trail
    good = {
        MULTI_REGION: "is multi-region and logging every management event",
        VALIDATION: "validates its log files",
        ENCRYPTED: f"encrypts its log files with {want.kms_key}",
        BUCKET: f"delivers to {want.bucket}",
    }[check_id]
    assert judged(check_id, design, designed_trail()) == [
        (Status.PASS, designed_trail().arn, f"trail {want.name} {good}")
    ]


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"multi_region": False}, "it records only its home region ap-northeast-1"),
        ({"logging": False}, "it is not logging"),
        (
            {"management_events": "ReadOnly"},
            "it records ReadOnly management events, not all of them",
        ),
        ({"management_events": None}, "it records no management events, not all of them"),
        (
            {"multi_region": False, "logging": False, "management_events": "WriteOnly"},
            "it records only its home region ap-northeast-1; it is not logging; "
            "it records WriteOnly management events, not all of them",
        ),
    ],
    ids=["single-region", "not-logging", "read-only", "no-events", "all-three"],
)
def test_multi_region_logging_names_every_problem_of_the_trail(
    design: Design, fields: dict[str, Any], problems: str
) -> None:
    trail = replace(designed_trail(), **fields)
    name = design.security.audit_trail.name
    assert judged(MULTI_REGION, design, trail) == [
        (Status.FAIL, trail.arn, f"trail {name}: {problems}")
    ]


def test_validation_off_fails_naming_the_trail(design: Design) -> None:
    trail = replace(designed_trail(), log_file_validation=False)
    name = design.security.audit_trail.name
    assert judged(VALIDATION, design, trail) == [
        (Status.FAIL, trail.arn, f"trail {name}: log file validation is off")
    ]


@pytest.mark.parametrize("sse_s3", [False, True], ids=["another-key", "sse-s3"])
def test_encryption_names_the_key_seen_by_its_alias_or_as_sse_s3(
    design: Design, sse_s3: bool
) -> None:
    want = design.security.audit_trail
    keys: KmsKeys = conforming()[KmsKeys]
    alias = next(a for a in keys.aliases if a != want.kms_key and "aws/" not in a)
    key = None if sse_s3 else keys.aliases[alias]
    seen = "SSE-S3, not a KMS key" if sse_s3 else f"{key} ({alias})"
    trail = replace(designed_trail(), kms_key_id=key)
    assert judged(ENCRYPTED, design, trail) == [
        (
            Status.FAIL,
            trail.arn,
            f"trail {want.name}: its log files are encrypted with {seen}; "
            f"the design uses {want.kms_key}",
        )
    ]


@pytest.mark.parametrize(("bucket", "seen"), [("elsewhere", "elsewhere"), (None, "no bucket")])
def test_bucket_names_the_bucket_seen_and_the_designed_one(
    design: Design, bucket: str | None, seen: str
) -> None:
    want = design.security.audit_trail
    trail = replace(designed_trail(), bucket=bucket)
    assert judged(BUCKET, design, trail) == [
        (
            Status.FAIL,
            trail.arn,
            f"trail {want.name}: it delivers to {seen}; the design delivers to {want.bucket}",
        )
    ]


def test_the_only_multi_region_trail_is_taken_for_the_designed_one(design: Design) -> None:
    want = design.security.audit_trail
    org = other("org-trail", bucket="org-logs")
    local = other("local", multi_region=False)
    label = (
        f"trail org-trail (no trail is named {want.name}; this one is taken for it as the "
        "only multi-region trail)"
    )
    assert judged(VALIDATION, design, local, org) == [
        (Status.PASS, org.arn, f"{label} validates its log files")
    ]
    assert judged(BUCKET, design, local, org) == [
        (
            Status.FAIL,
            org.arn,
            f"{label}: it delivers to org-logs; the design delivers to {want.bucket}",
        )
    ]


def test_of_several_multi_region_trails_the_one_delivering_to_the_bucket_is_taken(
    design: Design,
) -> None:
    want = design.security.audit_trail
    elsewhere = other("elsewhere", bucket="org-logs")
    delivering = other("delivering", logging=False)
    assert judged(MULTI_REGION, design, elsewhere, delivering) == [
        (
            Status.FAIL,
            delivering.arn,
            f"trail delivering (no trail is named {want.name}; this one is taken for it as "
            f"the only multi-region trail delivering to {want.bucket}): it is not logging",
        )
    ]


@pytest.mark.parametrize("check_id", AUDIT_CHECKS)
@pytest.mark.parametrize("bucket", ["org-logs", None], ids=["elsewhere", "designed"])
def test_several_multi_region_trails_that_cannot_be_told_apart_are_an_error(
    design: Design, check_id: str, bucket: str | None
) -> None:
    want = design.security.audit_trail
    first = other("first", bucket=bucket or want.bucket)
    second = other("second", bucket=bucket or want.bucket)
    assert judged(check_id, design, first, second, other("local", multi_region=False)) == [
        (
            Status.ERROR,
            want.name,
            f"no trail is named {want.name}, and several multi-region trails could be it: "
            "first, second",
        )
    ]


@pytest.mark.parametrize("check_id", AUDIT_CHECKS)
@pytest.mark.parametrize(
    ("names", "seen"), [((), "none"), (("a", "b"), "a, b")], ids=["none", "single-region"]
)
def test_no_multi_region_trail_fails_naming_the_trails_seen(
    design: Design, check_id: str, names: tuple[str, ...], seen: str
) -> None:
    want = design.security.audit_trail
    trails = [other(n, multi_region=False) for n in names]
    assert judged(check_id, design, *trails) == [
        (
            Status.FAIL,
            want.name,
            f"no trail is named {want.name} and no multi-region trail records this region; "
            f"trails: {seen}",
        )
    ]


def test_a_designed_trail_kept_in_one_region_passes_when_the_design_allows_it(
    design: Design,
) -> None:
    local = design.security.audit_trail.model_copy(update={"multi_region": False})
    one_region = design.model_copy(
        update={"security": design.security.model_copy(update={"audit_trail": local})}
    )
    trail = replace(designed_trail(), multi_region=False)
    assert [s for s, _, _ in judged(MULTI_REGION, one_region, trail)] == [Status.PASS]
