"""Node rules on literal facts: settings with their sources, files, and what could not be read."""

from __future__ import annotations

from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Result, Source, Status
from eks_refarch.conformance.nodes.facts import FileFact, KubeletNode, KubeletNodes, Unknown
from eks_refarch.conformance.nodes.kubelet import FILE_DEFAULTS, Setting, effective
from eks_refarch.design import Design
from tests.conformance.reading import english, read_in_japanese

CONFIG = "/etc/kubernetes/kubelet/config.json"
GOOD = {
    "authentication": {
        "anonymous": {"enabled": False},
        "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"},
    },
    "authorization": {"mode": "Webhook"},
    "readOnlyPort": 0,
    "streamingConnectionIdleTimeout": "4h0m0s",
    "makeIPTablesUtilChains": True,
    "eventRecordQPS": 5,
    "rotateCertificates": True,
    "featureGates": {"RotateKubeletServerCertificate": True},
}
SETTING_CHECKS = [
    "kubelet_anonymous_auth_disabled",
    "kubelet_authorization_mode_webhook",
    "kubelet_client_ca_file_set",
    "kubelet_read_only_port_disabled",
    "kubelet_streaming_timeout_set",
    "kubelet_iptables_chains_managed",
    "kubelet_event_qps_designed",
    "kubelet_cert_rotation_enabled",
    "kubelet_server_cert_rotation_enabled",
]
FILE_CHECKS = [
    "kubelet_kubeconfig_mode_restricted",
    "kubelet_kubeconfig_owner_designed",
    "kubelet_config_mode_restricted",
    "kubelet_config_owner_designed",
]


def node(
    settings: dict[str, Any] | None = None,
    flags: dict[str, str] | None = None,
    files: list[FileFact] | None = None,
    kubeconfig: FileFact | None = None,
) -> KubeletNode:
    return KubeletNode(
        "ssh://node-a",
        effective(
            [(CONFIG, settings if settings is not None else GOOD)], flags or {}, config_file=True
        ),
        files if files is not None else [FileFact(CONFIG, 0o644, "root", "root")],
        kubeconfig or FileFact(KUBECONFIG, 0o600, "root", "root"),
    )


def rule(check: str, design: Design, *nodes: KubeletNode) -> list[Result]:
    facts = Facts({KubeletNodes: KubeletNodes(nodes)})
    return list(load_builtin_checks().get(check).rule(facts, design))


def judge(check: str, design: Design, *nodes: KubeletNode) -> list[Result]:
    """The rule's results, each of whose messages is checked to read in Japanese."""
    results = rule(check, design, *nodes)
    read_in_japanese(results)
    return results


KUBECONFIG = "/var/lib/kubelet/kubeconfig"
SEEN = {
    "kubelet_anonymous_auth_disabled": "authentication.anonymous.enabled is False",
    "kubelet_authorization_mode_webhook": "authorization.mode is 'Webhook'",
    "kubelet_client_ca_file_set": (
        "authentication.x509.clientCAFile is '/etc/kubernetes/pki/ca.crt'"
    ),
    "kubelet_read_only_port_disabled": "readOnlyPort is 0",
    "kubelet_streaming_timeout_set": "streamingConnectionIdleTimeout is '4h0m0s'",
    "kubelet_iptables_chains_managed": "makeIPTablesUtilChains is True",
    "kubelet_event_qps_designed": "eventRecordQPS is 5",
    "kubelet_cert_rotation_enabled": "rotateCertificates is True",
    "kubelet_server_cert_rotation_enabled": "featureGates.RotateKubeletServerCertificate is True",
}
FILES_SEEN = {
    "kubelet_kubeconfig_mode_restricted": f"mode: {KUBECONFIG} 0600 root:root",
    "kubelet_kubeconfig_owner_designed": f"owner: {KUBECONFIG} 0600 root:root",
    "kubelet_config_mode_restricted": f"mode: {CONFIG} 0644 root:root",
    "kubelet_config_owner_designed": f"owner: {CONFIG} 0644 root:root",
}


@pytest.mark.parametrize("check", SETTING_CHECKS + FILE_CHECKS)
def test_a_node_as_designed_passes_every_node_check_saying_what_it_saw(
    check: str, design: Design
) -> None:
    (result,) = judge(check, design, node())
    assert result.status is Status.PASS
    said = FILES_SEEN.get(check) or f"{SEEN[check]} (from {CONFIG})"
    assert english(result.message) == said


@pytest.mark.parametrize(
    ("check", "flags", "seen"),
    [
        ("kubelet_anonymous_auth_disabled", {"anonymous-auth": "true"}, "True"),
        (
            "kubelet_authorization_mode_webhook",
            {"authorization-mode": "AlwaysAllow"},
            "'AlwaysAllow'",
        ),
        ("kubelet_client_ca_file_set", {"client-ca-file": ""}, "''"),
        ("kubelet_read_only_port_disabled", {"read-only-port": "10255"}, "10255"),
        ("kubelet_streaming_timeout_set", {"streaming-connection-idle-timeout": "0s"}, "'0s'"),
        ("kubelet_iptables_chains_managed", {"make-iptables-util-chains": "false"}, "False"),
        ("kubelet_event_qps_designed", {"event-qps": "0"}, "0"),
        ("kubelet_cert_rotation_enabled", {"rotate-certificates": "false"}, "False"),
        (
            "kubelet_server_cert_rotation_enabled",
            {"feature-gates": "RotateKubeletServerCertificate=false"},
            "False",
        ),
    ],
)
def test_a_flag_that_overrides_the_file_fails_and_is_named(
    check: str, flags: dict[str, str], seen: str, design: Design
) -> None:
    (result,) = judge(check, design, node(flags=flags))
    assert result.status is Status.FAIL
    assert f"is {seen} (from flag --" in english(result.message)
    assert "nodes.kubelet.expected." in english(result.message)


def test_a_value_missing_from_the_file_is_judged_at_its_default(design: Design) -> None:
    settings = {k: v for k, v in GOOD.items() if k != "rotateCertificates"}
    (result,) = judge("kubelet_cert_rotation_enabled", design, node(settings))
    assert result.status is Status.FAIL
    assert f"(from {FILE_DEFAULTS})" in english(result.message)


@pytest.mark.parametrize(
    ("value", "status"),
    [("240m", Status.PASS), ("4h", Status.PASS), ("5m", Status.FAIL), ("0", Status.FAIL)],
)
def test_durations_compare_by_length(value: str, status: Status, design: Design) -> None:
    settings = {**GOOD, "streamingConnectionIdleTimeout": value}
    assert [r.status for r in judge("kubelet_streaming_timeout_set", design, node(settings))] == [
        status
    ]


def test_a_port_written_as_a_boolean_does_not_pass_as_zero(design: Design) -> None:
    (result,) = judge(
        "kubelet_read_only_port_disabled", design, node({**GOOD, "readOnlyPort": False})
    )
    assert result.status is Status.FAIL


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        (0o644, Status.PASS),
        (0o600, Status.PASS),
        (0o400, Status.PASS),
        (0o664, Status.FAIL),
        (0o646, Status.FAIL),
        (0o755, Status.FAIL),
    ],
)
def test_modes_may_not_exceed_the_designed_mode(mode: int, status: Status, design: Design) -> None:
    drop_in = FileFact(f"{CONFIG}.d/10.conf", mode, "root", "root")
    results = judge(
        "kubelet_config_mode_restricted",
        design,
        node(files=[FileFact(CONFIG, 0o644, "root", "root"), drop_in]),
    )
    assert [r.status for r in results] == [status]
    if status is Status.FAIL:
        assert f"10.conf has mode 0{mode:o}, more permissive than 0644" in english(
            results[0].message
        )


def test_ownership_and_a_missing_file_fail(design: Design) -> None:
    kubeconfig = FileFact("/var/lib/kubelet/kubeconfig", 0o600, "ec2-user", "root")
    (owner,) = judge("kubelet_kubeconfig_owner_designed", design, node(kubeconfig=kubeconfig))
    assert "owned by ec2-user:root, expected root:root" in english(owner.message)
    (missing,) = judge(
        "kubelet_config_mode_restricted", design, node(files=[FileFact(CONFIG, None, None, None)])
    )
    assert missing.status is Status.FAIL
    assert f"{CONFIG} does not exist" in english(missing.message)


@pytest.mark.parametrize(
    ("check", "says"),
    [
        ("kubelet_kubeconfig_mode_restricted", "kubeconfig has mode 0666, more permissive than"),
        ("kubelet_kubeconfig_owner_designed", "kubeconfig is owned by ec2-user:ec2-user, expected"),
        ("kubelet_config_mode_restricted", "config.json has mode 0666, more permissive than"),
        ("kubelet_config_owner_designed", "config.json is owned by ec2-user:ec2-user, expected"),
    ],
)
def test_every_file_check_fails_a_node_whose_files_anyone_may_write(
    check: str, says: str, design: Design
) -> None:
    loose = node(
        files=[FileFact(CONFIG, 0o666, "ec2-user", "ec2-user")],
        kubeconfig=FileFact(KUBECONFIG, 0o666, "ec2-user", "ec2-user"),
    )
    (result,) = judge(check, design, loose)
    assert result.status is Status.FAIL
    assert says in english(result.message)


def test_the_lists_above_hold_every_node_check() -> None:
    nodes = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.NODES}}
    assert set(SETTING_CHECKS) | set(FILE_CHECKS) == nodes


@pytest.mark.parametrize("check", SETTING_CHECKS + FILE_CHECKS)
def test_an_unreadable_node_is_an_error_and_an_unseen_file_a_skip(
    check: str, design: Design
) -> None:
    down = KubeletNode.unreadable("ssh://node-b", "could not reach ssh://node-b: refused")
    unseen = Unknown("file modes cannot be read through the API server", skip=True)
    configz = KubeletNode("node/c", node().settings, unseen, unseen)
    # The reasons are the collectors' text, passed on as they are (not judged here).
    results = {r.resource: r for r in rule(check, design, node(), down, configz)}
    assert results["ssh://node-a"].status is Status.PASS
    assert results["ssh://node-b"].status is Status.ERROR
    assert "ssh://node-b" in english(results["ssh://node-b"].message)
    expected = Status.SKIP if check in FILE_CHECKS else Status.PASS
    assert results["node/c"].status is expected


def test_settings_remember_where_they_came_from() -> None:
    settings = node().settings
    assert isinstance(settings, dict)
    assert settings["read_only_port"] == Setting(0, CONFIG)
