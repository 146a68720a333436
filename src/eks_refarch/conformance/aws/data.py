"""Registry and data rules: KMS keys, ECR, Aurora, ElastiCache, S3 and Secrets Manager."""

from __future__ import annotations

from collections.abc import Iterator

from eks_refarch.conformance.aws.facts import (
    PUBLIC_ACCESS_BLOCK_FLAGS,
    BucketPublicAccess,
    CacheGroups,
    DbClusters,
    EcrRepositories,
    KmsKeys,
    Secrets,
    Vpcs,
)
from eks_refarch.conformance.aws.lookup import (
    describe_key,
    describe_subnets,
    key_matches,
    on_off,
    tier_of,
    undecided_vpc,
)
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    failed,
    passed,
    skipped,
)
from eks_refarch.conformance.registry import check
from eks_refarch.design import Design
from eks_refarch.i18n import Message, Text, joined, msg

ECR_DOCS = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/"
AURORA_DOCS = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/"


def _missing(kind: Message, name: str) -> Result:
    return failed(name, msg("{kind} {name} is missing", kind=kind, name=name))


ECR_REPOSITORY = msg("ECR repository")
AURORA_CLUSTER = msg("Aurora cluster")
CACHE = msg("ElastiCache replication group")
BUCKET = msg("S3 bucket")
SECRET = msg("secret")


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on automatic key rotation (KMS console > Customer managed keys > Key "
        "rotation).",
        terraform="aws_kms_key.enable_key_rotation = true",
    ),
    references=("https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",),
    decision="ADR-0009",
    needs=[KmsKeys],
)
def kms_key_rotation_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed customer-managed KMS key exists and rotates automatically.

    Rotation limits how much data one key version protects; the design's secrets, cluster
    and data stores are all encrypted with these keys.
    """
    keys = facts[KmsKeys]
    for spec in design.security.kms_keys:
        key = keys.by_alias(spec.alias)
        if key is None:
            yield failed(
                spec.alias, msg("no KMS key has the designed alias {alias}", alias=spec.alias)
            )
        elif not spec.rotation:
            yield skipped(key.arn, msg("the design does not rotate {alias}", alias=spec.alias))
        elif key.manager != "CUSTOMER":
            yield failed(
                key.arn,
                msg(
                    "{alias} points at an {manager}-managed key; the design uses a "
                    "customer-managed one",
                    alias=spec.alias,
                    manager=key.manager,
                ),
            )
        elif key.rotation_enabled:
            yield passed(
                key.arn,
                msg("{alias} ({key}) rotates automatically", alias=spec.alias, key=key.key_id),
            )
        else:
            yield failed(
                key.arn,
                msg(
                    "{alias} ({key}) does not rotate; the design rotates it",
                    alias=spec.alias,
                    key=key.key_id,
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Set tag immutability on the repository (ECR console > Repository > Edit).",
        terraform='aws_ecr_repository.image_tag_mutability = "IMMUTABLE"',
    ),
    references=(ECR_DOCS + "image-tag-mutability.html",),
    decision="ADR-0012",
    needs=[EcrRepositories],
)
def ecr_repositories_tags_immutable(facts: Facts, design: Design) -> Iterator[Result]:
    """Each microservice's ECR repository has immutable image tags.

    GitOps deploys a tag; if the tag can be pushed again, what runs is no longer what Git
    says, and a rollback may roll forward.
    """
    repos = facts[EcrRepositories]
    want = design.registry.image_tag_mutability
    for name in design.registry.repositories:
        repo = repos.get(name)
        if repo is None:
            yield _missing(ECR_REPOSITORY, name)
        elif repo.tag_mutability == want:
            yield passed(
                repo.arn, msg("ECR repository {name} has {want} tags", name=name, want=want)
            )
        else:
            yield failed(
                repo.arn,
                msg(
                    "ECR repository {name} has {seen} tags; the design has {want}",
                    name=name,
                    seen=repo.tag_mutability,
                    want=want,
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on scan on push (ECR console > Repository > Edit > Scan on push).",
        terraform="aws_ecr_repository.image_scanning_configuration.scan_on_push = true",
    ),
    references=(ECR_DOCS + "image-scanning.html",),
    decision="ADR-0012",
    needs=[EcrRepositories],
)
def ecr_repositories_scan_on_push(facts: Facts, design: Design) -> Iterator[Result]:
    """Each microservice's ECR repository scans images on push.

    A vulnerable image is reported when it is pushed, before Argo CD rolls it out.
    """
    repos = facts[EcrRepositories]
    for name in design.registry.repositories:
        repo = repos.get(name)
        if not design.registry.scan_on_push:
            yield skipped(name, msg("the design does not scan on push"))
        elif repo is None:
            yield _missing(ECR_REPOSITORY, name)
        elif repo.scan_on_push:
            yield passed(repo.arn, msg("ECR repository {name} scans on push", name=name))
        else:
            yield failed(repo.arn, msg("ECR repository {name} does not scan on push", name=name))


@check(
    severity=Severity.LOW,
    remediation=Remediation(
        steps="Recreate the repository with KMS encryption and the designed key (the "
        "encryption of a repository cannot be changed after creation).",
        terraform='aws_ecr_repository.encryption_configuration { encryption_type = "KMS", '
        "kms_key }",
    ),
    references=(ECR_DOCS + "encryption-at-rest.html",),
    decision="ADR-0009",
    needs=[EcrRepositories, KmsKeys],
)
def ecr_repositories_encrypted_with_designed_key(facts: Facts, design: Design) -> Iterator[Result]:
    """Each microservice's ECR repository is encrypted with the designed KMS key.

    An AWS-managed key encrypts too, but only a customer-managed key lets the key policy
    decide who may decrypt the images, and keeps rotation and key-use records in one
    place with the rest of the data (ADR-0009).
    """
    repos = facts[EcrRepositories]
    keys = facts[KmsKeys]
    alias = design.registry.kms_key
    for name in design.registry.repositories:
        repo = repos.get(name)
        if repo is None:
            yield _missing(ECR_REPOSITORY, name)
        elif repo.encryption_type == "KMS" and key_matches(repo.kms_key, alias, keys):
            yield passed(
                repo.arn,
                msg("ECR repository {name} is encrypted with {alias}", name=name, alias=alias),
            )
        else:
            yield failed(
                repo.arn,
                msg(
                    "ECR repository {name} is encrypted with {type} {key}; the design uses KMS "
                    "with {alias}",
                    name=name,
                    type=repo.encryption_type,
                    key=describe_key(repo.kms_key, keys),
                    alias=alias,
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Restore the cluster from a snapshot into an encrypted cluster with the "
        "designed key (encryption cannot be turned on in place).",
        terraform="aws_rds_cluster.storage_encrypted = true, kms_key_id",
    ),
    references=(AURORA_DOCS + "Overview.Encryption.html",),
    decision="ADR-0009",
    needs=[DbClusters, KmsKeys],
)
def rds_cluster_encrypted_with_designed_key(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed Aurora cluster is encrypted at rest with the designed KMS key.

    Encryption can only be chosen when a cluster is created, so finding it missing later
    means a restore from a snapshot. The designed key lets its key policy limit who can
    decrypt, and the cluster's snapshots inherit the same protection.
    """
    clusters = facts[DbClusters]
    keys = facts[KmsKeys]
    for spec in design.data.databases:
        db = clusters.get(spec.name)
        if db is None:
            yield _missing(AURORA_CLUSTER, spec.name)
        elif not spec.storage_encrypted:
            yield skipped(db.arn, msg("the design does not encrypt {name}", name=spec.name))
        elif db.storage_encrypted and key_matches(db.kms_key_id, spec.kms_key, keys):
            yield passed(
                db.arn,
                msg(
                    "Aurora cluster {name} is encrypted with {alias}",
                    name=spec.name,
                    alias=spec.kms_key,
                ),
            )
        elif db.storage_encrypted:
            yield failed(
                db.arn,
                msg(
                    "Aurora cluster {name} is encrypted with {key}; the design encrypts it "
                    "with {alias}",
                    name=spec.name,
                    key=describe_key(db.kms_key_id, keys),
                    alias=spec.kms_key,
                ),
            )
        else:
            yield failed(
                db.arn,
                msg(
                    "Aurora cluster {name} is not encrypted; the design encrypts it with {alias}",
                    name=spec.name,
                    alias=spec.kms_key,
                ),
            )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Turn off 'Publicly accessible' on every instance of the cluster (RDS console "
        "> Instance > Modify > Connectivity).",
        terraform="aws_rds_cluster_instance.publicly_accessible = false",
    ),
    references=(AURORA_DOCS + "USER_VPC.WorkingWithRDSInstanceinaVPC.html",),
    decision="ADR-0005",
    needs=[DbClusters],
)
def rds_cluster_not_publicly_accessible(facts: Facts, design: Design) -> Iterator[Result]:
    """No instance of a designed Aurora cluster is publicly accessible.

    Only the microservices inside the VPC talk to the databases; a public endpoint would
    expose them to password guessing from anywhere.
    """
    clusters = facts[DbClusters]
    for spec in design.data.databases:
        db = clusters.get(spec.name)
        if db is None:
            yield _missing(AURORA_CLUSTER, spec.name)
            continue
        public = [i.id for i in db.instances if i.publicly_accessible]
        if public:
            yield failed(
                db.arn,
                msg(
                    "Aurora cluster {name} has publicly accessible instances: {instances}",
                    name=spec.name,
                    instances=joined(public),
                ),
            )
        else:
            yield passed(
                db.arn,
                msg(
                    "Aurora cluster {name}'s {count} instance(s) are not publicly accessible",
                    name=spec.name,
                    count=len(db.instances),
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Use a DB subnet group made of the private-data subnets only.",
        terraform="aws_db_subnet_group.subnet_ids = the private-data subnets",
    ),
    references=(AURORA_DOCS + "USER_VPC.WorkingWithRDSInstanceinaVPC.html",),
    decision="ADR-0005",
    needs=[DbClusters, Vpcs],
)
def rds_cluster_in_private_data_subnets(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed Aurora cluster's subnet group holds only its designed subnet tier.

    The data tier has no route to the internet and none of the nodes' address space. A
    subnet of another tier in the group lets a failover place an instance under routes
    and network ACLs the design never meant for data (ADR-0005).
    """
    clusters = facts[DbClusters]
    vpcs = facts[Vpcs]
    if undecided := undecided_vpc(vpcs, design):
        yield undecided
        return
    for spec in design.data.databases:
        db = clusters.get(spec.name)
        if db is None:
            yield _missing(AURORA_CLUSTER, spec.name)
            continue
        outside = [s for s in db.subnet_ids if tier_of(s, vpcs, design) != spec.subnet_tier]
        if outside or not db.subnet_ids:
            yield failed(
                db.arn,
                msg(
                    "Aurora cluster {name}'s subnet group {group} has subnets outside the "
                    "{tier} tier: {subnets}",
                    name=spec.name,
                    group=db.subnet_group or msg("(none)"),
                    tier=spec.subnet_tier,
                    subnets=describe_subnets(outside, vpcs, design),
                ),
            )
        else:
            yield passed(
                db.arn,
                msg(
                    "Aurora cluster {name} is in {tier} subnets: {subnets}",
                    name=spec.name,
                    tier=spec.subnet_tier,
                    subnets=describe_subnets(db.subnet_ids, vpcs, design),
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Turn on deletion protection (RDS console > Cluster > Modify).",
        terraform="aws_rds_cluster.deletion_protection = true",
    ),
    references=(AURORA_DOCS + "USER_DeleteCluster.html",),
    decision="ADR-0009",
    needs=[DbClusters],
)
def rds_cluster_deletion_protection_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed Aurora cluster has deletion protection on.

    One misread Terraform plan, or a command run against the wrong environment, deletes a
    cluster; with deletion protection on, someone must first turn it off on purpose.
    """
    clusters = facts[DbClusters]
    for spec in design.data.databases:
        db = clusters.get(spec.name)
        if db is None:
            yield _missing(AURORA_CLUSTER, spec.name)
        elif db.deletion_protection == spec.deletion_protection:
            yield passed(
                db.arn,
                msg(
                    "Aurora cluster {name} has deletion protection {state} as designed",
                    name=spec.name,
                    state=on_off(spec.deletion_protection),
                ),
            )
        else:
            yield failed(
                db.arn,
                msg(
                    "Aurora cluster {name} has deletion protection {seen}; the design has it "
                    "{want}",
                    name=spec.name,
                    seen=on_off(db.deletion_protection),
                    want=on_off(spec.deletion_protection),
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Create the replication group with in-transit and at-rest encryption (they "
        "cannot both be turned on in place for every engine version) and migrate to it.",
        terraform="aws_elasticache_replication_group.transit_encryption_enabled = true, "
        "at_rest_encryption_enabled = true",
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html",
    ),
    decision="ADR-0009",
    needs=[CacheGroups],
)
def elasticache_replication_group_encrypted(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed cache encrypts in transit and at rest.

    Carts hold customers' session data; in-transit encryption keeps it off the wire in
    clear, at-rest encryption out of snapshots in clear.
    """
    groups = facts[CacheGroups]
    for spec in design.data.caches:
        group = groups.get(spec.name)
        if group is None:
            yield _missing(CACHE, spec.name)
            continue
        problems: list[Text] = []
        if spec.transit_encryption and not group.transit_encryption:
            problems.append(msg("in-transit encryption is off"))
        if spec.at_rest_encryption and not group.at_rest_encryption:
            problems.append(msg("at-rest encryption is off"))
        if problems:
            yield failed(
                group.arn,
                msg(
                    "cache {name}: {problems}",
                    name=spec.name,
                    problems=joined(problems, style="clauses"),
                ),
            )
        else:
            yield passed(
                group.arn, msg("cache {name} encrypts in transit and at rest", name=spec.name)
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Turn on all four settings of 'Block public access' on the bucket (S3 "
        "console > Bucket > Permissions).",
        terraform="aws_s3_bucket_public_access_block { block_public_acls, "
        "block_public_policy, ignore_public_acls, restrict_public_buckets = true }",
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    ),
    decision="ADR-0005",
    needs=[BucketPublicAccess],
)
def s3_bucket_public_access_blocked(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed bucket blocks public access with all four settings.

    The access logs and product images are served or read through AWS services only; a
    public ACL or policy on them would publish them.
    """
    for bucket in facts[BucketPublicAccess].buckets:
        spec = next(b for b in design.data.buckets if b.name == bucket.name)
        if not spec.block_public_access:
            yield skipped(
                bucket.name,
                msg("the design does not block public access to {bucket}", bucket=bucket.name),
            )
        elif not bucket.exists:
            yield _missing(BUCKET, bucket.name)
        elif bucket.block is None:
            yield failed(
                bucket.name,
                msg("S3 bucket {bucket} has no public access block", bucket=bucket.name),
            )
        elif off := [f for f in PUBLIC_ACCESS_BLOCK_FLAGS if not bucket.block.get(f)]:
            yield failed(
                bucket.name,
                msg(
                    "S3 bucket {bucket} does not set {flags}", bucket=bucket.name, flags=joined(off)
                ),
            )
        else:
            yield passed(
                bucket.name, msg("S3 bucket {bucket} blocks all public access", bucket=bucket.name)
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Change the secret's encryption key to the designed customer-managed key "
        "(Secrets Manager console > Secret > Edit encryption key), then rotate the secret.",
        terraform="aws_secretsmanager_secret.kms_key_id",
    ),
    references=(
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    ),
    decision="ADR-0007",
    needs=[Secrets, KmsKeys],
)
def secretsmanager_secret_encrypted_with_designed_key(
    facts: Facts, design: Design
) -> Iterator[Result]:
    """Each designed secret is encrypted with the designed customer-managed KMS key.

    With the AWS managed key anyone allowed to read the secret can decrypt it; with the
    designed key, the key policy is a second gate and its use is logged per key.
    """
    secrets = facts[Secrets]
    keys = facts[KmsKeys]
    for spec in design.data.secrets:
        secret = secrets.get(spec.name)
        if secret is None:
            yield _missing(SECRET, spec.name)
        elif key_matches(secret.kms_key_id, spec.kms_key, keys):
            yield passed(
                secret.arn,
                msg("secret {name} is encrypted with {alias}", name=spec.name, alias=spec.kms_key),
            )
        else:
            yield failed(
                secret.arn,
                msg(
                    "secret {name} is encrypted with {key}; the design uses {alias}",
                    name=spec.name,
                    key=describe_key(secret.kms_key_id, keys),
                    alias=spec.kms_key,
                ),
            )
