"""EKS rules: version, endpoint, logs, secrets encryption, IRSA, node groups, add-ons."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from eks_refarch.conformance.aws.facts import (
    Addons,
    EksCluster,
    KmsKeys,
    NodeGroups,
    OidcProviders,
    Vpcs,
)
from eks_refarch.conformance.aws.lookup import (
    describe_key,
    describe_subnets,
    key_matches,
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
from eks_refarch.design import Design, support
from eks_refarch.i18n import Text, joined, msg

EKS_DOCS = "https://docs.aws.amazon.com/eks/latest/userguide/"


def _missing_cluster(name: str) -> Result:
    return failed(name, msg("no EKS cluster is named {name}, the designed cluster", name=name))


def missing_node_group(name: str, cluster: str) -> Result:
    return failed(
        name,
        msg(
            "node group {node_group} of cluster {cluster} is missing",
            node_group=name,
            cluster=cluster,
        ),
    )


def _minor(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2] if p.isdigit())


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Upgrade the cluster one minor version at a time to at least the design's "
        "floor and to a version in standard support (EKS console > Cluster > Upgrade "
        "version), then its node groups.",
        terraform="aws_eks_cluster.version",
    ),
    references=(EKS_DOCS + "kubernetes-versions.html",),
    decision="ADR-0001",
    needs=[EksCluster],
)
def eks_cluster_version_at_least_floor(facts: Facts, design: Design) -> Iterator[Result]:
    """The cluster runs at least the design's Kubernetes version floor, in standard support.

    Versions below the floor leave standard support (and cost extended support fees), and
    the manifests of the design are written against the floor's APIs. Standard support is
    judged by the EKS calendar in eks_refarch/design/support.yaml on the day it was
    recorded, so a run's verdict does not depend on the clock.
    """
    eks = facts[EksCluster]
    cluster = eks.cluster
    floor = design.eks.version_floor
    if cluster is None:
        yield _missing_cluster(eks.name)
        return
    calendar = support.calendars().kubernetes
    release = support.kubernetes_release(cluster.version)
    if _minor(cluster.version) < _minor(floor):
        yield failed(
            cluster.arn,
            msg(
                "cluster {name} runs {version}, below the design's floor {floor}",
                name=cluster.name,
                version=cluster.version,
                floor=floor,
            ),
        )
    elif release is not None and release.end_of_standard_support < calendar.recorded:
        yield failed(
            cluster.arn,
            msg(
                "cluster {name} runs {version}, whose standard support on EKS ended on {end}: "
                "extended support is billed",
                name=cluster.name,
                version=cluster.version,
                end=release.end_of_standard_support.isoformat(),
            ),
        )
    elif release is None:
        yield passed(
            cluster.arn,
            msg(
                "cluster {name} runs {version} (floor {floor}); the support calendar "
                "recorded on {recorded} does not list it yet",
                name=cluster.name,
                version=cluster.version,
                floor=floor,
                recorded=calendar.recorded.isoformat(),
            ),
        )
    else:
        yield passed(
            cluster.arn,
            msg(
                "cluster {name} runs {version} (floor {floor}), in standard support until {end}",
                name=cluster.name,
                version=cluster.version,
                floor=floor,
                end=release.end_of_standard_support.isoformat(),
            ),
        )


@check(
    severity=Severity.CRITICAL,
    remediation=Remediation(
        steps="Turn private endpoint access on and public access off, or restrict public "
        "access to the designed CIDRs (EKS console > Networking > Manage endpoint access).",
        terraform="aws_eks_cluster.vpc_config { endpoint_private_access = true, "
        "endpoint_public_access = false, public_access_cidrs }",
    ),
    references=(EKS_DOCS + "cluster-endpoint.html",),
    decision="ADR-0005",
    needs=[EksCluster],
)
def eks_endpoint_private(facts: Facts, design: Design) -> Iterator[Result]:
    """The cluster's API endpoint is private, or public only to the designed CIDRs.

    A Kubernetes API reachable from the whole internet is one leaked credential or one
    API-server CVE away from the cluster.
    """
    eks = facts[EksCluster]
    cluster = eks.cluster
    want = design.eks.endpoint
    if cluster is None:
        yield _missing_cluster(eks.name)
        return
    problems: list[Text] = []
    if want.private_access and not cluster.endpoint_private:
        problems.append(msg("private access is off"))
    if cluster.endpoint_public and not want.public_access:
        problems.append(msg("public access is on; the design has it off"))
    elif cluster.endpoint_public:
        if cluster.public_access_cidrs is None:
            yield skipped(
                cluster.arn,
                msg(
                    "cluster {cluster}: public access is on as designed, but the endpoint did "
                    "not report publicAccessCidrs (an emulator gap: moto 5.2.5 omits it)",
                    cluster=cluster.name,
                ),
            )
            return
        allowed = [ipaddress.ip_network(c) for c in want.public_access_cidrs]
        extra = [
            c
            for c in cluster.public_access_cidrs
            if not any(ipaddress.ip_network(c).subnet_of(a) for a in allowed)  # type: ignore[arg-type]
        ]
        if extra:
            problems.append(
                msg(
                    "public access is open to {cidrs}, beyond the designed {designed}",
                    cidrs=joined(extra),
                    designed=joined(want.public_access_cidrs)
                    if want.public_access_cidrs
                    else msg("nothing"),
                )
            )
    if problems:
        yield failed(
            cluster.arn,
            msg(
                "cluster {cluster}'s endpoint: {problems}",
                cluster=cluster.name,
                problems=joined(problems, style="clauses"),
            ),
        )
    else:
        yield passed(
            cluster.arn,
            msg(
                "cluster {cluster}'s endpoint is private (private access {private}, public "
                "access {public})",
                cluster=cluster.name,
                private=msg("on") if cluster.endpoint_private else msg("off"),
                public=msg("restricted to designed CIDRs")
                if cluster.endpoint_public
                else msg("off"),
            ),
        )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Enable the missing control plane log types (EKS console > Observability > "
        "Manage logging).",
        terraform="aws_eks_cluster.enabled_cluster_log_types",
    ),
    references=(EKS_DOCS + "control-plane-logs.html",),
    decision="ADR-0006",
    needs=[EksCluster],
)
def eks_control_plane_logs_enabled(facts: Facts, design: Design) -> Iterator[Result]:
    """Every designed control-plane log type is sent to CloudWatch Logs.

    The audit and authenticator logs are the only record of who did what through the
    Kubernetes API; they cannot be turned on after the fact.
    """
    eks = facts[EksCluster]
    cluster = eks.cluster
    if cluster is None:
        yield _missing_cluster(eks.name)
        return
    missing = [t for t in design.eks.control_plane_logs if t not in cluster.enabled_log_types]
    if missing:
        yield failed(
            cluster.arn,
            msg(
                "cluster {cluster} does not log {missing} (enabled: {enabled})",
                cluster=cluster.name,
                missing=joined(missing),
                enabled=joined(cluster.enabled_log_types)
                if cluster.enabled_log_types
                else msg("none"),
            ),
        )
    else:
        yield passed(
            cluster.arn,
            msg(
                "cluster {cluster} logs {types}",
                cluster=cluster.name,
                types=joined(design.eks.control_plane_logs),
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Enable envelope encryption of Kubernetes Secrets with the designed KMS key "
        "(EKS console > Overview > Secrets encryption > Enable); it cannot be turned off.",
        terraform='aws_eks_cluster.encryption_config { resources = ["secrets"], '
        "provider { key_arn } }",
    ),
    references=(EKS_DOCS + "enable-kms.html",),
    decision="ADR-0009",
    needs=[EksCluster, KmsKeys],
)
def eks_secrets_encrypted_with_designed_key(facts: Facts, design: Design) -> Iterator[Result]:
    """Kubernetes Secrets are envelope-encrypted with the designed KMS key.

    etcd backups and snapshots then hold only ciphertext, and access to the plaintext is
    governed by the key's policy and rotation (checked by kms_key_rotation_enabled).
    """
    eks = facts[EksCluster]
    keys = facts[KmsKeys]
    cluster = eks.cluster
    alias = design.eks.secrets_encryption.kms_key
    if cluster is None:
        yield _missing_cluster(eks.name)
    elif not cluster.secrets_key_arns:
        yield failed(
            cluster.arn,
            msg(
                "cluster {cluster} does not encrypt Secrets with a KMS key; the design uses "
                "{alias}",
                cluster=cluster.name,
                alias=alias,
            ),
        )
    elif any(key_matches(k, alias, keys) for k in cluster.secrets_key_arns):
        yield passed(
            cluster.arn,
            msg(
                "cluster {cluster} encrypts Secrets with {alias}", cluster=cluster.name, alias=alias
            ),
        )
    else:
        yield failed(
            cluster.arn,
            msg(
                "cluster {cluster} encrypts Secrets with {seen}; the design uses {alias}",
                cluster=cluster.name,
                seen=joined(describe_key(k, keys) for k in cluster.secrets_key_arns),
                alias=alias,
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Register the cluster's OIDC issuer as an IAM identity provider (eksctl utils "
        "associate-iam-oidc-provider, or IAM console > Identity providers).",
        terraform="aws_iam_openid_connect_provider.url = aws_eks_cluster.identity[0].oidc[0]"
        ".issuer",
    ),
    references=(EKS_DOCS + "enable-iam-roles-for-service-accounts.html",),
    decision="ADR-0007",
    needs=[EksCluster, OidcProviders],
)
def iam_oidc_provider_registered(facts: Facts, design: Design) -> Iterator[Result]:
    """The cluster's OIDC issuer is registered in IAM, so pods can assume roles (IRSA).

    Without it, pods that need AWS (External Secrets, Karpenter) fall back to the node's
    role, which every pod on the node shares.
    """
    eks = facts[EksCluster]
    cluster = eks.cluster
    if design.eks.pod_credentials != "irsa":
        yield skipped(
            eks.name,
            msg("the design uses {credentials}, not IRSA", credentials=design.eks.pod_credentials),
        )
        return
    if cluster is None:
        yield _missing_cluster(eks.name)
        return
    issuer = (cluster.oidc_issuer or "").removeprefix("https://")
    if issuer and issuer in facts[OidcProviders].urls:
        yield passed(
            cluster.arn,
            msg(
                "cluster {cluster}'s issuer {issuer} is an IAM OIDC provider",
                cluster=cluster.name,
                issuer=issuer,
            ),
        )
    else:
        yield failed(
            cluster.arn,
            msg(
                "cluster {cluster}'s issuer {issuer} is not registered as an IAM OIDC provider",
                cluster=cluster.name,
                issuer=issuer or msg("(none)"),
            ),
        )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Recreate the node group in the designed subnet tier (a node group's subnets "
        "cannot be changed in place).",
        terraform="aws_eks_node_group.subnet_ids = the private-app subnets",
    ),
    references=(EKS_DOCS + "managed-node-groups.html", EKS_DOCS + "private-clusters.html"),
    decision="ADR-0005",
    needs=[NodeGroups, Vpcs],
)
def eks_node_groups_in_designed_subnets(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed node group launches only into its designed subnet tier.

    Nodes belong in the private-app tier: no public address, outbound through NAT, and
    reached by the ALB only on the gateway's nodePorts.
    """
    nodes = facts[NodeGroups]
    vpcs = facts[Vpcs]
    if undecided := undecided_vpc(vpcs, design):
        yield undecided
        return
    for spec in design.eks.node_groups:
        group = nodes.get(spec.name)
        if group is None:
            yield missing_node_group(spec.name, nodes.cluster)
            continue
        outside = [s for s in group.subnet_ids if tier_of(s, vpcs, design) != spec.subnet_tier]
        if outside or not group.subnet_ids:
            yield failed(
                spec.name,
                msg(
                    "node group {node_group} uses subnets outside the {tier} tier: {subnets}",
                    node_group=spec.name,
                    tier=spec.subnet_tier,
                    subnets=describe_subnets(outside, vpcs, design),
                ),
            )
        else:
            yield passed(
                spec.name,
                msg(
                    "node group {node_group} uses only {tier} subnets: {subnets}",
                    node_group=spec.name,
                    tier=spec.subnet_tier,
                    subnets=describe_subnets(group.subnet_ids, vpcs, design),
                ),
            )


@check(
    severity=Severity.HIGH,
    remediation=Remediation(
        steps="Give the node group a launch template whose metadata options require "
        "IMDSv2 tokens with the designed hop limit, then roll the nodes.",
        terraform='aws_launch_template.metadata_options { http_tokens = "required", '
        "http_put_response_hop_limit }",
    ),
    references=(
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html",
        EKS_DOCS + "launch-templates.html",
    ),
    decision="ADR-0011",
    needs=[NodeGroups],
)
def ec2_launch_template_requires_imdsv2(facts: Facts, design: Design) -> Iterator[Result]:
    """The node group's launch template requires IMDSv2 with the designed hop limit.

    With tokens required and a hop limit of 1, a pod cannot read the node role's
    credentials from the instance metadata service.
    """
    nodes = facts[NodeGroups]
    for spec in design.eks.node_groups:
        group = nodes.get(spec.name)
        template = group.launch_template if group else None
        want = spec.imds
        if group is None:
            yield missing_node_group(spec.name, nodes.cluster)
        elif template is None:
            yield failed(
                spec.name,
                msg(
                    "node group {node_group} uses no launch template, so its nodes get EKS's "
                    "default metadata options, not tokens {tokens}",
                    node_group=spec.name,
                    tokens=want.http_tokens,
                ),
            )
        elif (template.http_tokens, template.hop_limit) == (want.http_tokens, want.hop_limit):
            yield passed(
                f"{template.id}:{template.version}",
                msg(
                    "launch template of node group {node_group} sets tokens {tokens}, hop "
                    "limit {hops}",
                    node_group=spec.name,
                    tokens=want.http_tokens,
                    hops=want.hop_limit,
                ),
            )
        else:
            yield failed(
                f"{template.id}:{template.version}",
                msg(
                    "launch template of node group {node_group} sets tokens {tokens}, hop "
                    "limit {hops}; the design has tokens {want_tokens}, hop limit {want_hops}",
                    node_group=spec.name,
                    tokens=template.http_tokens or msg("unset (optional)"),
                    hops=template.hop_limit or msg("unset"),
                    want_tokens=want.http_tokens,
                    want_hops=want.hop_limit,
                ),
            )


@check(
    severity=Severity.MEDIUM,
    remediation=Remediation(
        steps="Set 'Encrypted' on every EBS volume of the node group's launch template, "
        "then roll the nodes.",
        terraform="aws_launch_template.block_device_mappings.ebs.encrypted = true",
    ),
    references=("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",),
    decision="ADR-0011",
    needs=[NodeGroups],
)
def ec2_launch_template_volumes_encrypted(facts: Facts, design: Design) -> Iterator[Result]:
    """The node group's launch template encrypts every EBS volume.

    Container images, emptyDir volumes and logs on the node's disk are then encrypted at rest.
    """
    nodes = facts[NodeGroups]
    for spec in design.eks.node_groups:
        if not spec.root_volume.encrypted:
            yield skipped(
                spec.name,
                msg(
                    "the design does not encrypt node group {node_group}'s volumes",
                    node_group=spec.name,
                ),
            )
            continue
        group = nodes.get(spec.name)
        template = group.launch_template if group else None
        if group is None:
            yield missing_node_group(spec.name, nodes.cluster)
        elif template is None or not template.volumes:
            yield failed(
                spec.name,
                msg(
                    "node group {node_group}'s launch template maps no EBS volume, so it "
                    "cannot require encryption",
                    node_group=spec.name,
                ),
            )
        elif plain := [v.device for v in template.volumes if not v.encrypted]:
            yield failed(
                f"{template.id}:{template.version}",
                msg(
                    "launch template of node group {node_group} leaves {devices} unencrypted",
                    node_group=spec.name,
                    devices=joined(plain),
                ),
            )
        else:
            yield passed(
                f"{template.id}:{template.version}",
                msg(
                    "launch template of node group {node_group} encrypts {devices}",
                    node_group=spec.name,
                    devices=joined(v.device for v in template.volumes),
                ),
            )


@check(
    severity=Severity.LOW,
    remediation=Remediation(
        steps="Install the missing EKS add-ons (EKS console > Add-ons > Get more add-ons).",
        terraform="aws_eks_addon.addon_name, one per eks.addons entry",
    ),
    references=(EKS_DOCS + "eks-add-ons.html",),
    decision="ADR-0001",
    needs=[Addons],
)
def eks_addons_installed(facts: Facts, design: Design) -> Iterator[Result]:
    """Each designed EKS add-on is installed on the cluster.

    EKS-managed add-ons are patched with the control plane; installed by hand they drift
    behind it.
    """
    addons = facts[Addons]
    if addons.names is None:
        yield skipped(
            addons.cluster,
            msg(
                "add-ons of cluster {cluster} could not be listed: {gap}",
                cluster=addons.cluster,
                gap=addons.gap or "",
            ),
        )
        return
    for name in design.eks.addons:
        if name in addons.names:
            yield passed(f"{addons.cluster}/{name}", msg("add-on {addon} is installed", addon=name))
        else:
            yield failed(
                f"{addons.cluster}/{name}",
                msg(
                    "add-on {addon} is not installed on cluster {cluster}",
                    addon=name,
                    cluster=addons.cluster,
                ),
            )
