"""Data rules on literal facts: the status, resource and whole message of every result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    BucketPublicAccess,
    CacheGroups,
    DbClusters,
    DbInstance,
    EcrRepositories,
    KmsKeys,
    Secrets,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design
from eks_refarch.design.model import Design as Model
from tests.conformance.aws.account import DATA_KEY, EKS_KEY, KMS, conforming
from tests.conformance.aws.test_rules import Facts_, _first, edit, evaluate, said

Judged = list[tuple[Status, str, str]]
PASS, FAIL, SKIP = Status.PASS, Status.FAIL, Status.SKIP
OTHER_KEY = f"{KMS}/99999999-9999-9999-9999-999999999999"


def judged(check_id: str, facts: Facts_, design: Design) -> Judged:
    return [(r.status, r.resource, said(r)) for r in evaluate(check_id, facts, design)]


def redesigned(data: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> Design:
    """The shipped design with one value changed."""
    change(data)
    return Model.model_validate(data)


def _drop_first(kind: type[Any], attr: str) -> Callable[[Facts_], Facts_]:
    return edit(kind, lambda fact: replace(fact, **{attr: getattr(fact, attr)[1:]}))


# KMS key rotation ----------------------------------------------------------------------


def _rotating(design: Design) -> Judged:
    keys = {k.alias: k for k in conforming()[KmsKeys].keys}
    return [
        (
            PASS,
            keys[s.alias].arn,
            f"{s.alias} ({keys[s.alias].key_id}) rotates automatically",
        )
        for s in design.security.kms_keys
    ]


@pytest.mark.parametrize(
    ("drift", "first"),
    [
        (None, None),
        (
            _drop_first(KmsKeys, "keys"),
            lambda alias: (FAIL, alias, f"no KMS key has the designed alias {alias}"),
        ),
        (
            _first(KmsKeys, "keys", manager="AWS"),
            lambda alias: (
                FAIL,
                f"{KMS}/{EKS_KEY}",
                f"{alias} points at an AWS-managed key; the design uses a customer-managed one",
            ),
        ),
        (
            _first(KmsKeys, "keys", rotation_enabled=False),
            lambda alias: (
                FAIL,
                f"{KMS}/{EKS_KEY}",
                f"{alias} ({EKS_KEY}) does not rotate; the design rotates it",
            ),
        ),
    ],
    ids=["conforming", "missing", "aws-managed", "not-rotating"],
)
def test_kms_key_rotation_names_the_alias_and_key(
    design: Design,
    drift: Callable[[Facts_], Facts_] | None,
    first: Callable[[str], tuple[Status, str, str]] | None,
) -> None:
    facts = drift(conforming()) if drift else conforming()
    expected = _rotating(design)
    if first:
        expected[0] = first(design.security.kms_keys[0].alias)
    assert judged("kms_key_rotation_enabled", facts, design) == expected


def test_kms_key_not_rotated_by_design_is_skipped_whatever_the_key(
    design_data: dict[str, Any],
) -> None:
    design = redesigned(design_data, lambda d: d["security"]["kms_keys"][0].update(rotation=False))
    alias = design.security.kms_keys[0].alias
    skip = (SKIP, f"{KMS}/{EKS_KEY}", f"the design does not rotate {alias}")
    for drift in (
        _first(KmsKeys, "keys", rotation_enabled=False),
        _first(KmsKeys, "keys", manager="AWS"),
    ):
        assert judged("kms_key_rotation_enabled", drift(conforming()), design) == [
            skip,
            *_rotating(design)[1:],
        ]
    # A key that is not there is missing, rotated or not.
    (missing, *_) = judged(
        "kms_key_rotation_enabled", _drop_first(KmsKeys, "keys")(conforming()), design
    )
    assert missing == (FAIL, alias, f"no KMS key has the designed alias {alias}")


# ECR -----------------------------------------------------------------------------------


def _repo_arns() -> dict[str, str]:
    return {r.name: r.arn for r in conforming()[EcrRepositories].repositories}


def _judge_ecr(check: str, design: Design, passing: str, fields: dict[str, Any], told: str) -> None:
    """Every repository passes as ``passing`` says; the first one, drifted by ``fields``,
    fails as ``told`` says, and fails as missing when it is not there."""
    arns = _repo_arns()
    names = design.registry.repositories
    ok = [(PASS, arns[n], passing.format(name=n)) for n in names]
    assert judged(check, conforming(), design) == ok
    drifted = _first(EcrRepositories, "repositories", **fields)(conforming())
    assert judged(check, drifted, design) == [(FAIL, arns[names[0]], told), *ok[1:]]
    missing = _drop_first(EcrRepositories, "repositories")(conforming())
    assert judged(check, missing, design) == [
        (FAIL, names[0], f"ECR repository {names[0]} is missing"),
        *ok[1:],
    ]


def test_ecr_tag_mutability_names_the_repository_and_both_settings(design: Design) -> None:
    want = design.registry.image_tag_mutability
    _judge_ecr(
        "ecr_repositories_tags_immutable",
        design,
        f"ECR repository {{name}} has {want} tags",
        {"tag_mutability": "MUTABLE"},
        f"ECR repository {design.registry.repositories[0]} has MUTABLE tags; the design has {want}",
    )


def test_ecr_scan_on_push_names_the_repository(design: Design, design_data: dict[str, Any]) -> None:
    _judge_ecr(
        "ecr_repositories_scan_on_push",
        design,
        "ECR repository {name} scans on push",
        {"scan_on_push": False},
        f"ECR repository {design.registry.repositories[0]} does not scan on push",
    )
    unscanned = redesigned(design_data, lambda d: d["registry"].update(scan_on_push=False))
    missing = _drop_first(EcrRepositories, "repositories")(conforming())
    assert judged("ecr_repositories_scan_on_push", missing, unscanned) == [
        (SKIP, name, "the design does not scan on push") for name in design.registry.repositories
    ]


@pytest.mark.parametrize(
    ("fields", "seen"),
    [
        ({"encryption_type": "AES256", "kms_key": None}, "AES256 the AWS managed key"),
        # The designed key, but not KMS encryption: both must hold.
        ({"encryption_type": "AES256"}, f"AES256 {KMS}/{DATA_KEY} ({{data}})"),
        ({"kms_key": OTHER_KEY}, f"KMS {OTHER_KEY}"),
        ({"kms_key": f"{KMS}/{EKS_KEY}"}, f"KMS {KMS}/{EKS_KEY} ({{eks}})"),
    ],
    ids=["aes256", "aes256-with-key", "unknown-key", "another-alias"],
)
def test_ecr_encryption_names_the_type_and_key_seen(
    design: Design, fields: dict[str, Any], seen: str
) -> None:
    alias = design.registry.kms_key
    key = seen.format(data=alias, eks=design.eks.secrets_encryption.kms_key)
    _judge_ecr(
        "ecr_repositories_encrypted_with_designed_key",
        design,
        f"ECR repository {{name}} is encrypted with {alias}",
        fields,
        f"ECR repository {design.registry.repositories[0]} is encrypted with {key}; the design "
        f"uses KMS with {alias}",
    )


# Aurora --------------------------------------------------------------------------------


def _db_arns() -> dict[str, str]:
    return {c.id: c.arn for c in conforming()[DbClusters].clusters}


def _dbs(
    design: Design, each: Callable[[Any, str], tuple[Status, str, str]], first: Any = None
) -> Judged:
    arns = _db_arns()
    expected = [each(spec, arns[spec.name]) for spec in design.data.databases]
    if first is not None:
        expected[0] = first
    return expected


def _first_db(design: Design) -> tuple[str, str]:
    name = design.data.databases[0].name
    return name, _db_arns()[name]


def _encrypted_ok(spec: Any, arn: str) -> tuple[Status, str, str]:
    return (PASS, arn, f"Aurora cluster {spec.name} is encrypted with {spec.kms_key}")


@pytest.mark.parametrize(
    ("fields", "told"),
    [
        (
            {"kms_key_id": OTHER_KEY},
            f"is encrypted with {OTHER_KEY}; the design encrypts it with {{alias}}",
        ),
        (
            {"kms_key_id": None},
            "is encrypted with the AWS managed key; the design encrypts it with {alias}",
        ),
        # Not encrypted, whatever key the cluster names.
        ({"storage_encrypted": False}, "is not encrypted; the design encrypts it with {alias}"),
        (
            {"storage_encrypted": False, "kms_key_id": None},
            "is not encrypted; the design encrypts it with {alias}",
        ),
    ],
    ids=["other-key", "aws-managed-key", "unencrypted", "unencrypted-no-key"],
)
def test_aurora_encryption_names_the_cluster_and_keys(
    design: Design, fields: dict[str, Any], told: str
) -> None:
    check = "rds_cluster_encrypted_with_designed_key"
    name, arn = _first_db(design)
    alias = design.data.databases[0].kms_key
    assert judged(check, conforming(), design) == _dbs(design, _encrypted_ok)
    drifted = _first(DbClusters, "clusters", **fields)(conforming())
    assert judged(check, drifted, design) == _dbs(
        design, _encrypted_ok, (FAIL, arn, f"Aurora cluster {name} {told.format(alias=alias)}")
    )


def test_aurora_encryption_missing_or_not_designed(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "rds_cluster_encrypted_with_designed_key"
    name, arn = _first_db(design)
    missing = _drop_first(DbClusters, "clusters")(conforming())
    assert judged(check, missing, design) == _dbs(
        design, _encrypted_ok, (FAIL, name, f"Aurora cluster {name} is missing")
    )
    plain = redesigned(
        design_data, lambda d: d["data"]["databases"][0].update(storage_encrypted=False)
    )
    unencrypted = _first(DbClusters, "clusters", storage_encrypted=False)(conforming())
    assert judged(check, unencrypted, plain) == _dbs(
        design, _encrypted_ok, (SKIP, arn, f"the design does not encrypt {name}")
    )
    assert judged(check, missing, plain)[0] == (FAIL, name, f"Aurora cluster {name} is missing")


def test_aurora_public_instances_are_named_and_private_ones_counted(design: Design) -> None:
    check = "rds_cluster_not_publicly_accessible"
    name, arn = _first_db(design)

    def ok(spec: Any, arn: str) -> tuple[Status, str, str]:
        return (
            PASS,
            arn,
            f"Aurora cluster {spec.name}'s 1 instance(s) are not publicly accessible",
        )

    assert judged(check, conforming(), design) == _dbs(design, ok)
    two_private = (DbInstance("db-a", False), DbInstance("db-b", False))
    facts = _first(DbClusters, "clusters", instances=two_private)(conforming())
    assert judged(check, facts, design) == _dbs(
        design,
        ok,
        (PASS, arn, f"Aurora cluster {name}'s 2 instance(s) are not publicly accessible"),
    )
    mixed = (DbInstance("db-a", True), DbInstance("db-b", False), DbInstance("db-c", True))
    facts = _first(DbClusters, "clusters", instances=mixed)(conforming())
    assert judged(check, facts, design) == _dbs(
        design,
        ok,
        (FAIL, arn, f"Aurora cluster {name} has publicly accessible instances: db-a, db-c"),
    )
    missing = _drop_first(DbClusters, "clusters")(conforming())
    assert judged(check, missing, design) == _dbs(
        design, ok, (FAIL, name, f"Aurora cluster {name} is missing")
    )


def _data_subnets(tier: str, ids: tuple[str, ...] = ("a", "c", "d")) -> str:
    return ", ".join(f"subnet-data-{z} ({tier}, ap-northeast-1{z})" for z in ids)


@pytest.mark.parametrize(
    ("fields", "group", "outside"),
    [
        (
            {"subnet_ids": ("subnet-data-a", "subnet-app-c", "subnet-9")},
            "{name}-subnets",
            "subnet-app-c (private-app, ap-northeast-1c), subnet-9 (not a designed subnet)",
        ),
        ({"subnet_ids": ()}, "{name}-subnets", "none"),
        ({"subnet_ids": (), "subnet_group": None}, "(none)", "none"),
    ],
    ids=["outside", "empty", "no-group"],
)
def test_aurora_subnets_outside_the_tier_are_named(
    design: Design, fields: dict[str, Any], group: str, outside: str
) -> None:
    check = "rds_cluster_in_private_data_subnets"
    name, arn = _first_db(design)

    def ok(spec: Any, arn: str) -> tuple[Status, str, str]:
        tier = spec.subnet_tier
        return (
            PASS,
            arn,
            f"Aurora cluster {spec.name} is in {tier} subnets: {_data_subnets(tier)}",
        )

    assert judged(check, conforming(), design) == _dbs(design, ok)
    tier = design.data.databases[0].subnet_tier
    drifted = _first(DbClusters, "clusters", **fields)(conforming())
    assert judged(check, drifted, design) == _dbs(
        design,
        ok,
        (
            FAIL,
            arn,
            f"Aurora cluster {name}'s subnet group {group.format(name=name)} has subnets "
            f"outside the {tier} tier: {outside}",
        ),
    )
    missing = _drop_first(DbClusters, "clusters")(conforming())
    assert judged(check, missing, design) == _dbs(
        design, ok, (FAIL, name, f"Aurora cluster {name} is missing")
    )


@pytest.mark.parametrize(
    ("designed", "seen", "status", "told"),
    [
        (True, True, PASS, "has deletion protection on as designed"),
        (True, False, FAIL, "has deletion protection off; the design has it on"),
        (False, True, FAIL, "has deletion protection on; the design has it off"),
        (False, False, PASS, "has deletion protection off as designed"),
    ],
)
def test_aurora_deletion_protection_names_both_settings(
    design_data: dict[str, Any], designed: bool, seen: bool, status: Status, told: str
) -> None:
    check = "rds_cluster_deletion_protection_enabled"
    design = redesigned(
        design_data, lambda d: d["data"]["databases"][0].update(deletion_protection=designed)
    )
    name, arn = _first_db(design)

    def ok(spec: Any, arn: str) -> tuple[Status, str, str]:
        return (PASS, arn, f"Aurora cluster {spec.name} has deletion protection on as designed")

    facts = _first(DbClusters, "clusters", deletion_protection=seen)(conforming())
    assert judged(check, facts, design) == _dbs(
        design, ok, (status, arn, f"Aurora cluster {name} {told}")
    )
    missing = _drop_first(DbClusters, "clusters")(conforming())
    assert judged(check, missing, design) == _dbs(
        design, ok, (FAIL, name, f"Aurora cluster {name} is missing")
    )


# ElastiCache ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transit", "at_rest", "problems"),
    [
        (True, True, None),
        (False, True, "in-transit encryption is off"),
        (True, False, "at-rest encryption is off"),
        (False, False, "in-transit encryption is off; at-rest encryption is off"),
    ],
)
def test_cache_encryption_names_each_missing_kind(
    design: Design, transit: bool, at_rest: bool, problems: str | None
) -> None:
    name = design.data.caches[0].name
    arn = conforming()[CacheGroups].groups[0].arn
    facts = _first(CacheGroups, "groups", transit_encryption=transit, at_rest_encryption=at_rest)(
        conforming()
    )
    expected = (
        (FAIL, arn, f"cache {name}: {problems}")
        if problems
        else (PASS, arn, f"cache {name} encrypts in transit and at rest")
    )
    assert judged("elasticache_replication_group_encrypted", facts, design) == [expected]


def test_cache_encryption_not_designed_passes_and_missing_cache_fails(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "elasticache_replication_group_encrypted"
    name = design.data.caches[0].name
    arn = conforming()[CacheGroups].groups[0].arn
    plain = redesigned(
        design_data,
        lambda d: d["data"]["caches"][0].update(transit_encryption=False, at_rest_encryption=False),
    )
    facts = _first(CacheGroups, "groups", transit_encryption=False, at_rest_encryption=False)(
        conforming()
    )
    assert judged(check, facts, plain) == [
        (PASS, arn, f"cache {name} encrypts in transit and at rest")
    ]
    missing = _drop_first(CacheGroups, "groups")(conforming())
    assert judged(check, missing, design) == [
        (FAIL, name, f"ElastiCache replication group {name} is missing")
    ]

    def spare_first(d: dict[str, Any]) -> None:
        d["data"]["caches"].insert(0, {**d["data"]["caches"][0], "name": "spare"})

    # A missing cache does not end the check: the caches after it are judged too.
    assert judged(check, conforming(), redesigned(design_data, spare_first)) == [
        (FAIL, "spare", "ElastiCache replication group spare is missing"),
        (PASS, arn, f"cache {name} encrypts in transit and at rest"),
    ]


# S3 ------------------------------------------------------------------------------------


FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@pytest.mark.parametrize(
    ("fields", "status", "told"),
    [
        ({}, PASS, "S3 bucket {bucket} blocks all public access"),
        ({"exists": False}, FAIL, "S3 bucket {bucket} is missing"),
        ({"block": None}, FAIL, "S3 bucket {bucket} has no public access block"),
        (
            {"block": {"BlockPublicAcls": True, "IgnorePublicAcls": False}},
            FAIL,
            "S3 bucket {bucket} does not set IgnorePublicAcls, BlockPublicPolicy, "
            "RestrictPublicBuckets",
        ),
        (
            {"block": {**dict.fromkeys(FLAGS, True), "RestrictPublicBuckets": False}},
            FAIL,
            "S3 bucket {bucket} does not set RestrictPublicBuckets",
        ),
    ],
    ids=["blocked", "missing", "no-block", "three-unset", "one-false"],
)
def test_s3_public_access_block_names_the_bucket_and_flags(
    design: Design, fields: dict[str, Any], status: Status, told: str
) -> None:
    names = [b.name for b in design.data.buckets]
    facts = _first(BucketPublicAccess, "buckets", **fields)(conforming())
    assert judged("s3_bucket_public_access_blocked", facts, design) == [
        (status, names[0], told.format(bucket=names[0])),
        *((PASS, n, f"S3 bucket {n} blocks all public access") for n in names[1:]),
    ]


def test_s3_bucket_not_blocked_by_design_is_skipped(design_data: dict[str, Any]) -> None:
    design = redesigned(
        design_data, lambda d: d["data"]["buckets"][0].update(block_public_access=False)
    )
    names = [b.name for b in design.data.buckets]
    facts = _first(BucketPublicAccess, "buckets", exists=False, block=None)(conforming())
    assert judged("s3_bucket_public_access_blocked", facts, design) == [
        (SKIP, names[0], f"the design does not block public access to {names[0]}"),
        *((PASS, n, f"S3 bucket {n} blocks all public access") for n in names[1:]),
    ]


# Secrets Manager -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kms_key_id", "seen"),
    [
        (None, "the AWS managed key"),
        (OTHER_KEY, OTHER_KEY),
        (f"{KMS}/{EKS_KEY}", f"{KMS}/{EKS_KEY} ({{eks}})"),
    ],
    ids=["aws-managed", "unknown", "another-alias"],
)
def test_secret_encryption_names_the_secret_and_keys(
    design: Design, kms_key_id: str | None, seen: str
) -> None:
    check = "secretsmanager_secret_encrypted_with_designed_key"
    arns = {s.name: s.arn for s in conforming()[Secrets].secrets}
    passing = [
        (PASS, arns[s.name], f"secret {s.name} is encrypted with {s.kms_key}")
        for s in design.data.secrets
    ]
    assert judged(check, conforming(), design) == passing
    first = design.data.secrets[0]
    drifted = _first(Secrets, "secrets", kms_key_id=kms_key_id)(conforming())
    told = seen.format(eks=design.eks.secrets_encryption.kms_key)
    assert judged(check, drifted, design) == [
        (
            FAIL,
            arns[first.name],
            f"secret {first.name} is encrypted with {told}; the design uses {first.kms_key}",
        ),
        *passing[1:],
    ]
    missing = _drop_first(Secrets, "secrets")(conforming())
    assert judged(check, missing, design) == [
        (FAIL, first.name, f"secret {first.name} is missing"),
        *passing[1:],
    ]
