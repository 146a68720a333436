"""Node checks over a real SSH connection to a loopback sshd, with testinfra's own host URLs."""

from __future__ import annotations

import json
import os
import pwd
import socket
from pathlib import Path

import pytest

from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.nodes.hosts import TestinfraNodes, redact
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design
from eks_refarch.errors import UserInputError
from tests.conformance.nodes.conftest import Node, Sshd
from tests.conformance.reading import english, read_in_japanese

# paramiko warns about the loopback sshd's host key, which is new every session.
pytestmark = pytest.mark.filterwarnings("ignore:Unknown ssh-ed25519 host key:UserWarning")

NODE_CHECKS = {
    "kubelet_anonymous_auth_disabled",
    "kubelet_authorization_mode_webhook",
    "kubelet_cert_rotation_enabled",
    "kubelet_client_ca_file_set",
    "kubelet_config_mode_restricted",
    "kubelet_config_owner_designed",
    "kubelet_event_qps_designed",
    "kubelet_iptables_chains_managed",
    "kubelet_kubeconfig_mode_restricted",
    "kubelet_kubeconfig_owner_designed",
    "kubelet_read_only_port_disabled",
    "kubelet_server_cert_rotation_enabled",
    "kubelet_streaming_timeout_set",
}
FILE_CHECKS = {
    "kubelet_config_mode_restricted",
    "kubelet_config_owner_designed",
    "kubelet_kubeconfig_mode_restricted",
    "kubelet_kubeconfig_owner_designed",
}
SETTING_CHECKS = NODE_CHECKS - FILE_CHECKS


def lay_out_conforming(node: Node) -> None:
    expected = node.design.nodes.kubelet.expected
    config = {
        "kind": "KubeletConfiguration",
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "authentication": {
            "anonymous": {"enabled": expected.anonymous_auth},
            "webhook": {"enabled": True},
            "x509": {"clientCAFile": expected.client_ca_file},
        },
        "authorization": {"mode": expected.authorization_mode},
        "readOnlyPort": expected.read_only_port,
        "streamingConnectionIdleTimeout": expected.streaming_connection_idle_timeout,
        "makeIPTablesUtilChains": expected.make_iptables_util_chains,
        "rotateCertificates": expected.rotate_certificates,
        "featureGates": {"RotateKubeletServerCertificate": True},
    }
    node.config.write_text(json.dumps(config, indent=2), encoding="utf-8")
    node.config.chmod(0o644)
    # A YAML drop-in, as nodeadm writes them on AL2023.
    drop_in = node.drop_ins / "10-events.conf"
    drop_in.write_text(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        f"eventRecordQPS: {expected.event_record_qps}\n",
        encoding="utf-8",
    )
    drop_in.chmod(0o644)
    (node.drop_ins / "README").write_text("not a .conf file: ignored\n", encoding="utf-8")
    node.kubeconfig.write_text("apiVersion: v1\nkind: Config\n", encoding="utf-8")
    node.kubeconfig.chmod(0o600)


def run_nodes(design: Design, *urls: str) -> RunResult:
    """The node checks over testinfra; every finding, the collector's errors included
    (an unreachable host, no kubelet, a file it would refuse), is checked to read in
    Japanese."""
    result = run(design, {Source.NODES: TestinfraNodes(urls)})
    read_in_japanese(result.findings)
    return result


def statuses(result: RunResult) -> dict[str, set[Status]]:
    found: dict[str, set[Status]] = {}
    for f in result.findings:
        found.setdefault(f.check, set()).add(f.status)
    return found


@pytest.mark.parametrize("scheme", ["ssh", "paramiko", "local"])
def test_a_conforming_node_passes_every_node_check(sshd: Sshd, node: Node, scheme: str) -> None:
    lay_out_conforming(node)
    node.start_kubelet(*node.path_flags, "--node-ip", "127.0.0.1", "--v=2")
    url = {"ssh": sshd.ssh_url, "paramiko": sshd.paramiko_url, "local": "local://"}[scheme]
    result = run_nodes(node.design, url)
    assert {f.check for f in result.findings} == NODE_CHECKS
    assert [f for f in result.findings if f.status is not Status.PASS] == []
    assert {f.resource for f in result.findings} == {url}
    messages = {f.check: english(f.message) for f in result.findings}
    assert f"(from {node.drop_ins}/10-events.conf)" in messages["kubelet_event_qps_designed"]
    assert f"(from {node.config})" in messages["kubelet_read_only_port_disabled"]


def test_a_deviating_node_fails_exactly_where_it_deviates(sshd: Sshd, node: Node) -> None:
    lay_out_conforming(node)
    node.config.chmod(0o666)
    nobody = pwd.getpwnam("nobody")
    os.chown(node.kubeconfig, nobody.pw_uid, nobody.pw_gid)
    (node.drop_ins / "20-debug.conf").write_text(
        '{"readOnlyPort": 10255, "rotateCertificates": null}', encoding="utf-8"
    )
    (node.drop_ins / "20-debug.conf").chmod(0o644)
    node.start_kubelet(
        *node.path_flags,
        "--anonymous-auth=true",
        "--streaming-connection-idle-timeout",
        "0s",
        "--feature-gates=RotateKubeletServerCertificate=false,Other=true",
    )
    result = run_nodes(node.design, sshd.ssh_url)
    failing = {f.check: english(f.message) for f in result.findings if f.status is Status.FAIL}
    assert set(failing) == {
        "kubelet_config_mode_restricted",
        "kubelet_kubeconfig_owner_designed",
        "kubelet_read_only_port_disabled",
        "kubelet_anonymous_auth_disabled",
        "kubelet_streaming_timeout_set",
        "kubelet_cert_rotation_enabled",
        "kubelet_server_cert_rotation_enabled",
    }
    assert {f.status for f in result.findings if f.check not in failing} == {Status.PASS}
    assert f"{node.config} has mode 0666" in failing["kubelet_config_mode_restricted"]
    assert "owned by nobody:" in failing["kubelet_kubeconfig_owner_designed"]
    assert "is 10255 (from " in failing["kubelet_read_only_port_disabled"]
    assert "20-debug.conf)" in failing["kubelet_read_only_port_disabled"]
    assert "(from flag --anonymous-auth=true)" in failing["kubelet_anonymous_auth_disabled"]
    assert (
        "(from flag --streaming-connection-idle-timeout=0s)"
        in (failing["kubelet_streaming_timeout_set"])
    )
    # The drop-in's null removed the file's value: the kubelet's default applies.
    assert (
        "(from default (KubeletConfiguration v1beta1))"
        in (failing["kubelet_cert_rotation_enabled"])
    )


def test_an_unreachable_host_is_an_error_naming_it_and_the_others_still_run(
    sshd: Sshd, node: Node
) -> None:
    lay_out_conforming(node)
    node.start_kubelet(*node.path_flags)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    down_ssh = f"ssh://root@127.0.0.1:{closed}"
    down_paramiko = f"paramiko://root@127.0.0.1:{closed}?ssh_identity_file={sshd.client_key}"
    result = run_nodes(node.design, down_ssh, sshd.ssh_url, down_paramiko)
    by_resource: dict[str, set[Status]] = {}
    for f in result.findings:
        by_resource.setdefault(f.resource, set()).add(f.status)
        if f.resource != sshd.ssh_url:
            assert f"could not reach {f.resource}" in english(f.message)
    assert by_resource == {
        down_ssh: {Status.ERROR},
        sshd.ssh_url: {Status.PASS},
        down_paramiko: {Status.ERROR},
    }
    assert result.exit_code == 2


def test_without_a_kubelet_process_settings_are_unknown_and_files_still_judged(
    sshd: Sshd, node: Node
) -> None:
    lay_out_conforming(node)
    result = run_nodes(node.design, sshd.paramiko_url)
    found = statuses(result)
    assert {c for c, s in found.items() if s == {Status.ERROR}} == SETTING_CHECKS
    assert {c for c, s in found.items() if s == {Status.PASS}} == FILE_CHECKS
    errors = [english(f.message) for f in result.findings if f.status is Status.ERROR]
    assert all("no kubelet process on" in m for m in errors)


def test_a_config_file_the_kubelet_would_refuse_is_an_error_for_the_settings(
    sshd: Sshd, node: Node
) -> None:
    lay_out_conforming(node)
    node.config.write_text("{ not json", encoding="utf-8")
    node.start_kubelet(*node.path_flags)
    result = run_nodes(node.design, sshd.ssh_url)
    errors = {f.check: english(f.message) for f in result.findings if f.status is Status.ERROR}
    assert set(errors) == SETTING_CHECKS
    assert all(f"{node.config}:1: not valid JSON or YAML" in m for m in errors.values())


def test_urls_that_are_not_testinfra_hosts_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="'ftp://x' is not a testinfra host URL"):
        TestinfraNodes(["ftp://x", "ssh://fine"])


def test_a_password_in_a_url_is_not_shown() -> None:
    assert redact("paramiko://root:s3cret@127.0.0.1:1") == "paramiko://root:***@127.0.0.1:1"
    assert redact("ssh://node-a?sudo=true") == "ssh://node-a?sudo=true"
