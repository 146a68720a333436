"""Audit rules: the CloudTrail trail that records every API call, in every region.

The trail is found by its designed name; an account whose trail has another name (an
organization trail owned by the management account, say) is judged by the trail of
that shape: the one multi-region trail, or the one of them that delivers to the designed
bucket. Several that cannot be told apart are named, never guessed between.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eks_refarch.conformance.aws.facts import KmsKeys, Trail, Trails
from eks_refarch.conformance.aws.lookup import describe_key, key_matches
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

CLOUDTRAIL_DOCS = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"


@dataclass(frozen=True)
class Found:
    """The trail to judge, or (when there is none, or several) the result to report."""

    trail: Trail | None
    label: Message  # how messages name it: "trail X", with how it was found
    result: Result | None = None


def _find(facts: Facts, design: Design) -> Found:
    want = design.security.audit_trail
    trails = facts[Trails]
    named = trails.get(want.name)
    if named is not None:
        return Found(named, msg("trail {trail}", trail=named.name))
    regional = [t for t in trails.trails if t.multi_region]
    delivering = [t for t in regional if t.bucket == want.bucket]
    for pool in (delivering, regional):
        if len(pool) == 1:
            trail = pool[0]
            label = msg(
                "trail {trail} (no trail is named {want}; this one is taken for it as the "
                "only multi-region trail{bucket})",
                trail=trail.name,
                want=want.name,
                bucket=msg(" delivering to {bucket}", bucket=want.bucket)
                if pool is delivering
                else "",
            )
            return Found(trail, label)
    if regional:
        result = errored(
            want.name,
            msg(
                "no trail is named {want}, and several multi-region trails could be it: "
                "{candidates}",
                want=want.name,
                candidates=joined(t.name for t in regional),
            ),
        )
    else:
        seen = [t.name for t in trails.trails]
        result = failed(
            want.name,
            msg(
                "no trail is named {want} and no multi-region trail records this region; "
                "trails: {trails}",
                want=want.name,
                trails=joined(seen) if seen else msg("none"),
            ),
        )
    return Found(None, msg("trail {trail}", trail=want.name), result)


def _judge(found: Found, problems: list[Text], good: Message) -> Iterator[Result]:
    if found.result is not None:
        yield found.result
    elif found.trail is None:
        return
    elif problems:
        yield failed(
            found.trail.arn,
            msg(
                "{trail}: {problems}", trail=found.label, problems=joined(problems, style="clauses")
            ),
        )
    else:
        yield passed(found.trail.arn, msg("{trail} {good}", trail=found.label, good=good))


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Make the designed trail multi-region, record all management events (read and "
        "write) and start logging (CloudTrail console > Trails > Edit; Start logging).",
        terraform="aws_cloudtrail.is_multi_region_trail = true, enable_logging = true, "
        'event_selector { read_write_type = "All", include_management_events = true }',
    ),
    references=(
        CLOUDTRAIL_DOCS + "receive-cloudtrail-log-files-from-multiple-regions.html",
        CLOUDTRAIL_DOCS + "logging-management-events-with-cloudtrail.html",
    ),
    decision="ADR-0009",
    needs=[Trails],
)
def cloudtrail_trail_multi_region_logging(facts: Facts, design: Design) -> Iterator[Result]:
    """A multi-region trail is logging every management event of the account.

    The trail is the record of who did what to the account, the design's changes included.
    In every region, because a change made where nothing records it leaves no trace; read
    events too, because reconnaissance is read calls.
    """
    want = design.security.audit_trail
    found = _find(facts, design)
    problems: list[Text] = []
    trail = found.trail
    if trail is not None:
        if want.multi_region and not trail.multi_region:
            problems.append(
                msg("it records only its home region {region}", region=trail.home_region)
            )
        if not trail.logging:
            problems.append(msg("it is not logging"))
        if trail.management_events != "All":
            problems.append(
                msg(
                    "it records {events} management events, not all of them",
                    events=trail.management_events or msg("no"),
                )
            )
    yield from _judge(found, problems, msg("is multi-region and logging every management event"))


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on log file validation on the trail (CloudTrail console > Trails > Edit "
        "> Log file validation).",
        terraform="aws_cloudtrail.enable_log_file_validation = true",
    ),
    references=(CLOUDTRAIL_DOCS + "cloudtrail-log-file-validation-intro.html",),
    decision="ADR-0009",
    needs=[Trails],
)
def cloudtrail_log_file_validation_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """The trail signs its log files, so a deleted or altered file can be shown.

    Digest files chain every delivered log file; without them, someone who can write to
    the bucket can rewrite history unseen.
    """
    want = design.security.audit_trail
    found = _find(facts, design)
    problems: list[Text] = []
    if found.trail is not None and want.log_file_validation and not found.trail.log_file_validation:
        problems.append(msg("log file validation is off"))
    yield from _judge(found, problems, msg("validates its log files"))


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Encrypt the trail's log files with the designed customer-managed KMS key "
        "(CloudTrail console > Trails > Edit > Log file SSE-KMS encryption).",
        terraform="aws_cloudtrail.kms_key_id = the designed key's ARN",
    ),
    references=(CLOUDTRAIL_DOCS + "encrypting-cloudtrail-log-files-with-aws-kms.html",),
    decision="ADR-0009",
    needs=[Trails, KmsKeys],
)
def cloudtrail_trail_encrypted_with_designed_key(facts: Facts, design: Design) -> Iterator[Result]:
    """The trail's log files are encrypted with the designed KMS key.

    With its own key, reading the audit record takes a grant on that key besides access
    to the bucket, and every decryption is itself recorded.
    """
    want = design.security.audit_trail
    keys = facts[KmsKeys]
    found = _find(facts, design)
    problems: list[Text] = []
    trail = found.trail
    if trail is not None and not key_matches(trail.kms_key_id, want.kms_key, keys):
        problems.append(
            msg(
                "its log files are encrypted with {key}; the design uses {alias}",
                key=describe_key(trail.kms_key_id, keys)
                if trail.kms_key_id
                else msg("SSE-S3, not a KMS key"),
                alias=want.kms_key,
            )
        )
    yield from _judge(
        found, problems, msg("encrypts its log files with {alias}", alias=want.kms_key)
    )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Deliver the trail to the designed bucket (CloudTrail console > Trails > Edit "
        "> Storage location).",
        terraform="aws_cloudtrail.s3_bucket_name = the designed bucket",
    ),
    references=(CLOUDTRAIL_DOCS + "create-s3-bucket-policy-for-cloudtrail.html",),
    decision="ADR-0009",
    needs=[Trails],
)
def cloudtrail_trail_delivers_to_designed_bucket(facts: Facts, design: Design) -> Iterator[Result]:
    """The trail delivers its log files to the designed bucket.

    The designed bucket is the one whose public access block, retention and readers the
    design decides; log files delivered elsewhere are kept under nobody's rules.
    """
    want = design.security.audit_trail
    found = _find(facts, design)
    problems: list[Text] = []
    if found.trail is not None and found.trail.bucket != want.bucket:
        problems.append(
            msg(
                "it delivers to {seen}; the design delivers to {want}",
                seen=found.trail.bucket or msg("no bucket"),
                want=want.bucket,
            )
        )
    yield from _judge(found, problems, msg("delivers to {bucket}", bucket=want.bucket))
