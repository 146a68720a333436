"""EKS rules on literal facts: the status, resource and whole message of every result."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance.aws.facts import (
    Addons,
    EksCluster,
    NodeGroups,
    OidcProviders,
    Volume,
)
from eks_refarch.conformance.model import Status
from eks_refarch.design import Design, support
from tests.conformance.aws.account import DATA_KEY, EKS_KEY, ISSUER, KMS, conforming
from tests.conformance.aws.test_data_rules import FAIL, OTHER_KEY, PASS, SKIP, judged, redesigned
from tests.conformance.aws.test_rules import Facts_, _cluster, _first, _template, change, edit

CLUSTER_CHECKS = (
    "eks_cluster_version_at_least_floor",
    "eks_endpoint_private",
    "eks_control_plane_logs_enabled",
    "eks_secrets_encrypted_with_designed_key",
    "iam_oidc_provider_registered",
)


def _seen() -> tuple[str, str]:
    """The conforming cluster's name and ARN."""
    cluster = conforming()[EksCluster].cluster
    assert cluster is not None
    return cluster.name, cluster.arn


@pytest.mark.parametrize("check_id", CLUSTER_CHECKS)
def test_a_missing_cluster_fails_naming_the_designed_cluster(design: Design, check_id: str) -> None:
    name = design.eks.cluster_name
    facts = change(EksCluster, name=name, cluster=None)(conforming())
    assert judged(check_id, facts, design) == [
        (FAIL, name, f"no EKS cluster is named {name}, the designed cluster")
    ]


def test_irsa_is_skipped_when_the_design_uses_pod_identity(design_data: dict[str, Any]) -> None:
    design = redesigned(design_data, lambda d: d["eks"].update(pod_credentials="pod-identity"))
    name = design.eks.cluster_name
    skip = (SKIP, name, "the design uses pod-identity, not IRSA")
    for facts in (conforming(), change(EksCluster, name=name, cluster=None)(conforming())):
        assert judged("iam_oidc_provider_registered", facts, design) == [skip]


# Version -------------------------------------------------------------------------------


def _end(version: str) -> str:
    release = support.kubernetes_release(version)
    assert release is not None
    return release.end_of_standard_support.isoformat()


def test_version_results_name_the_version_floor_and_support_dates(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "eks_cluster_version_at_least_floor"
    name, arn = _seen()
    floor = design.eks.version_floor
    version = conforming()[EksCluster].cluster.version
    assert judged(check, conforming(), design) == [
        (
            PASS,
            arn,
            f"cluster {name} runs {version} (floor {floor}), in standard support until "
            f"{_end(version)}",
        )
    ]
    assert judged(check, _cluster(version="1.32")(conforming()), design) == [
        (FAIL, arn, f"cluster {name} runs 1.32, below the design's floor {floor}")
    ]
    recorded = support.calendars().kubernetes.recorded.isoformat()
    assert judged(check, _cluster(version="1.99")(conforming()), design) == [
        (
            PASS,
            arn,
            f"cluster {name} runs 1.99 (floor {floor}); the support calendar recorded on "
            f"{recorded} does not list it yet",
        )
    ]
    low = redesigned(design_data, lambda d: d["eks"].update(version_floor="1.31"))
    assert judged(check, _cluster(version="1.32")(conforming()), low) == [
        (
            FAIL,
            arn,
            f"cluster {name} runs 1.32, whose standard support on EKS ended on {_end('1.32')}: "
            "extended support is billed",
        )
    ]


def test_a_version_is_in_standard_support_on_its_last_day(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, arn = _seen()
    version = conforming()[EksCluster].cluster.version
    real = support.calendars()
    release = real.kubernetes.versions[version]
    last_day = real.model_copy(
        update={
            "kubernetes": real.kubernetes.model_copy(
                update={"recorded": release.end_of_standard_support}
            )
        }
    )
    monkeypatch.setattr(support, "calendars", lambda: last_day)
    assert judged("eks_cluster_version_at_least_floor", conforming(), design) == [
        (
            PASS,
            arn,
            f"cluster {name} runs {version} (floor {design.eks.version_floor}), in standard "
            f"support until {_end(version)}",
        )
    ]


# Endpoint ------------------------------------------------------------------------------


def _public_design(design_data: dict[str, Any], cidrs: list[str]) -> Design:
    return redesigned(
        design_data,
        lambda d: d["eks"]["endpoint"].update(public_access=True, public_access_cidrs=cidrs),
    )


@pytest.mark.parametrize(
    ("designed", "fields", "status", "told"),
    [
        (None, {}, PASS, "'s endpoint is private (private access on, public access off)"),
        (None, {"endpoint_private": False}, FAIL, "'s endpoint: private access is off"),
        (
            None,
            {"endpoint_private": False, "endpoint_public": True},
            FAIL,
            "'s endpoint: private access is off; public access is on; the design has it off",
        ),
        (
            ["198.51.100.0/24"],
            {"endpoint_public": True, "public_access_cidrs": ("198.51.100.128/25",)},
            PASS,
            "'s endpoint is private (private access on, public access restricted to designed "
            "CIDRs)",
        ),
        (
            ["198.51.100.0/24"],
            {
                "endpoint_private": False,
                "endpoint_public": True,
                "public_access_cidrs": ("198.51.100.0/25", "0.0.0.0/0", "10.0.0.0/8"),
            },
            FAIL,
            "'s endpoint: private access is off; public access is open to 0.0.0.0/0, "
            "10.0.0.0/8, beyond the designed 198.51.100.0/24",
        ),
        (
            [],
            {"endpoint_public": True, "public_access_cidrs": ("0.0.0.0/0",)},
            FAIL,
            "'s endpoint: public access is open to 0.0.0.0/0, beyond the designed nothing",
        ),
        (
            ["198.51.100.0/24"],
            {"endpoint_public": True, "public_access_cidrs": None},
            SKIP,
            ": public access is on as designed, but the endpoint did not report "
            "publicAccessCidrs (an emulator gap: moto 5.2.5 omits it)",
        ),
    ],
    ids=[
        "private",
        "private-off",
        "private-off-public-on",
        "public-inside",
        "public-wider",
        "public-to-nothing",
        "cidrs-unknown",
    ],
)
def test_endpoint_results_name_each_problem(
    design: Design,
    design_data: dict[str, Any],
    designed: list[str] | None,
    fields: dict[str, Any],
    status: Status,
    told: str,
) -> None:
    name, arn = _seen()
    chosen = design if designed is None else _public_design(design_data, designed)
    assert judged("eks_endpoint_private", _cluster(**fields)(conforming()), chosen) == [
        (status, arn, f"cluster {name}{told}")
    ]


def test_endpoint_without_designed_private_access_says_it_is_off(
    design_data: dict[str, Any],
) -> None:
    name, arn = _seen()
    design = redesigned(design_data, lambda d: d["eks"]["endpoint"].update(private_access=False))
    facts = _cluster(endpoint_private=False)(conforming())
    assert judged("eks_endpoint_private", facts, design) == [
        (PASS, arn, f"cluster {name}'s endpoint is private (private access off, public access off)")
    ]


# Logs, Secrets encryption, IRSA ----------------------------------------------------------


@pytest.mark.parametrize("enabled", [("api",), ()], ids=["api-only", "none"])
def test_control_plane_logs_name_the_missing_and_enabled_types(
    design: Design, enabled: tuple[str, ...]
) -> None:
    check = "eks_control_plane_logs_enabled"
    name, arn = _seen()
    designed = design.eks.control_plane_logs
    assert judged(check, conforming(), design) == [
        (PASS, arn, f"cluster {name} logs {', '.join(designed)}")
    ]
    missing = ", ".join(t for t in designed if t not in enabled)
    assert judged(check, _cluster(enabled_log_types=enabled)(conforming()), design) == [
        (
            FAIL,
            arn,
            f"cluster {name} does not log {missing} (enabled: {', '.join(enabled) or 'none'})",
        )
    ]


def test_secrets_encryption_names_the_keys_seen(design: Design) -> None:
    check = "eks_secrets_encrypted_with_designed_key"
    name, arn = _seen()
    alias = design.eks.secrets_encryption.kms_key
    passing = [(PASS, arn, f"cluster {name} encrypts Secrets with {alias}")]
    assert judged(check, conforming(), design) == passing
    either = _cluster(secrets_key_arns=(OTHER_KEY, f"{KMS}/{EKS_KEY}"))(conforming())
    assert judged(check, either, design) == passing
    none = _cluster(secrets_key_arns=())(conforming())
    assert judged(check, none, design) == [
        (
            FAIL,
            arn,
            f"cluster {name} does not encrypt Secrets with a KMS key; the design uses {alias}",
        )
    ]
    wrong = _cluster(secrets_key_arns=(OTHER_KEY, f"{KMS}/{DATA_KEY}"))(conforming())
    assert judged(check, wrong, design) == [
        (
            FAIL,
            arn,
            f"cluster {name} encrypts Secrets with {OTHER_KEY}, {KMS}/{DATA_KEY} "
            f"({design.registry.kms_key}); the design uses {alias}",
        )
    ]


@pytest.mark.parametrize(
    ("issuer", "urls", "status", "told"),
    [
        (f"https://{ISSUER}", (ISSUER,), PASS, f"{ISSUER} is an IAM OIDC provider"),
        (f"https://{ISSUER}", (), FAIL, f"{ISSUER} is not registered as an IAM OIDC provider"),
        (None, ("",), FAIL, "(none) is not registered as an IAM OIDC provider"),
    ],
    ids=["registered", "unregistered", "no-issuer"],
)
def test_oidc_provider_names_the_issuer(
    design: Design, issuer: str | None, urls: tuple[str, ...], status: Status, told: str
) -> None:
    name, arn = _seen()
    facts = change(OidcProviders, urls=urls)(_cluster(oidc_issuer=issuer)(conforming()))
    assert judged("iam_oidc_provider_registered", facts, design) == [
        (status, arn, f"cluster {name}'s issuer {told}")
    ]


# Node groups ---------------------------------------------------------------------------


def _spare_first(design_data: dict[str, Any], **root_volume: Any) -> Design:
    """The design with a second node group, `spare`, listed before the shipped one."""

    def add(d: dict[str, Any]) -> None:
        spare = copy.deepcopy(d["eks"]["node_groups"][0])
        spare["name"] = "spare"
        spare["root_volume"].update(root_volume)
        d["eks"]["node_groups"].insert(0, spare)

    return redesigned(design_data, add)


def _no_groups(facts: Facts_) -> Facts_:
    return edit(NodeGroups, lambda n: replace(n, groups=()))(facts)


def _app_subnets(tier: str) -> str:
    return ", ".join(f"subnet-app-{z} ({tier}, ap-northeast-1{z})" for z in "acd")


def test_node_group_subnets_name_the_group_tier_and_subnets(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "eks_node_groups_in_designed_subnets"
    spec = design.eks.node_groups[0]
    cluster = conforming()[NodeGroups].cluster
    tier = spec.subnet_tier
    passing = (
        PASS,
        spec.name,
        f"node group {spec.name} uses only {tier} subnets: {_app_subnets(tier)}",
    )
    assert judged(check, conforming(), design) == [passing]
    for subnets, outside in (
        (("subnet-app-a", "subnet-pub-c"), "subnet-pub-c (public, ap-northeast-1c)"),
        ((), "none"),
    ):
        facts = _first(NodeGroups, "groups", subnet_ids=subnets)(conforming())
        assert judged(check, facts, design) == [
            (
                FAIL,
                spec.name,
                f"node group {spec.name} uses subnets outside the {tier} tier: {outside}",
            )
        ]
    missing = (FAIL, "spare", f"node group spare of cluster {cluster} is missing")
    assert judged(check, conforming(), _spare_first(design_data)) == [missing, passing]


def test_imds_names_the_template_and_both_settings(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "ec2_launch_template_requires_imdsv2"
    spec = design.eks.node_groups[0]
    want = spec.imds
    cluster = conforming()[NodeGroups].cluster
    passing = (
        PASS,
        "lt-core:1",
        f"launch template of node group {spec.name} sets tokens {want.http_tokens}, hop limit "
        f"{want.hop_limit}",
    )
    assert judged(check, conforming(), design) == [passing]
    designed = f"the design has tokens {want.http_tokens}, hop limit {want.hop_limit}"
    for fields, seen in (
        ({"http_tokens": None, "hop_limit": None}, "tokens unset (optional), hop limit unset"),
        ({"hop_limit": 2}, f"tokens {want.http_tokens}, hop limit 2"),
        ({"http_tokens": "optional"}, f"tokens optional, hop limit {want.hop_limit}"),
    ):
        assert judged(check, _template(**fields)(conforming()), design) == [
            (
                FAIL,
                "lt-core:1",
                f"launch template of node group {spec.name} sets {seen}; {designed}",
            )
        ]
    untemplated = _first(NodeGroups, "groups", launch_template=None)(conforming())
    assert judged(check, untemplated, design) == [
        (
            FAIL,
            spec.name,
            f"node group {spec.name} uses no launch template, so its nodes get EKS's default "
            f"metadata options, not tokens {want.http_tokens}",
        )
    ]
    missing = (FAIL, "spare", f"node group spare of cluster {cluster} is missing")
    assert judged(check, conforming(), _spare_first(design_data)) == [missing, passing]
    assert judged(check, _no_groups(conforming()), design) == [
        (FAIL, spec.name, f"node group {spec.name} of cluster {cluster} is missing")
    ]


def test_volume_encryption_names_the_template_and_devices(
    design: Design, design_data: dict[str, Any]
) -> None:
    check = "ec2_launch_template_volumes_encrypted"
    name = design.eks.node_groups[0].name
    cluster = conforming()[NodeGroups].cluster
    passing = (PASS, "lt-core:1", f"launch template of node group {name} encrypts /dev/xvda")
    assert judged(check, conforming(), design) == [passing]
    two = (Volume("/dev/xvda", True, "gp3", 50), Volume("/dev/xvdb", True, "gp3", 100))
    assert judged(check, _template(volumes=two)(conforming()), design) == [
        (PASS, "lt-core:1", f"launch template of node group {name} encrypts /dev/xvda, /dev/xvdb")
    ]
    plain = (Volume("/dev/xvda", False, "gp3", 50), Volume("/dev/xvdb", True, "gp3", 100))
    assert judged(check, _template(volumes=plain)(conforming()), design) == [
        (FAIL, "lt-core:1", f"launch template of node group {name} leaves /dev/xvda unencrypted")
    ]
    unmapped = (
        FAIL,
        name,
        f"node group {name}'s launch template maps no EBS volume, so it cannot require encryption",
    )
    assert judged(check, _template(volumes=())(conforming()), design) == [unmapped]
    untemplated = _first(NodeGroups, "groups", launch_template=None)(conforming())
    assert judged(check, untemplated, design) == [unmapped]
    assert judged(check, _no_groups(conforming()), design) == [
        (FAIL, name, f"node group {name} of cluster {cluster} is missing")
    ]
    missing = (FAIL, "spare", f"node group spare of cluster {cluster} is missing")
    assert judged(check, conforming(), _spare_first(design_data)) == [missing, passing]


def test_volume_encryption_not_designed_is_skipped_per_group(design_data: dict[str, Any]) -> None:
    design = _spare_first(design_data, encrypted=False)
    name = design.eks.node_groups[1].name
    assert judged("ec2_launch_template_volumes_encrypted", conforming(), design) == [
        (SKIP, "spare", "the design does not encrypt node group spare's volumes"),
        (PASS, "lt-core:1", f"launch template of node group {name} encrypts /dev/xvda"),
    ]


# Add-ons -------------------------------------------------------------------------------


def test_addons_name_the_cluster_and_each_addon(design: Design) -> None:
    check = "eks_addons_installed"
    cluster = conforming()[Addons].cluster
    first, *rest = design.eks.addons
    passing = [(PASS, f"{cluster}/{a}", f"add-on {a} is installed") for a in rest]
    assert judged(check, change(Addons, names=tuple(rest))(conforming()), design) == [
        (FAIL, f"{cluster}/{first}", f"add-on {first} is not installed on cluster {cluster}"),
        *passing,
    ]
    gap = "the endpoint does not implement eks:ListAddons"
    assert judged(check, change(Addons, names=None, gap=gap)(conforming()), design) == [
        (SKIP, cluster, f"add-ons of cluster {cluster} could not be listed: {gap}")
    ]
    assert judged(check, change(Addons, names=None, gap=None)(conforming()), design) == [
        (SKIP, cluster, f"add-ons of cluster {cluster} could not be listed: ")
    ]
