"""`refarch check --hosts` and `pytest checks/ --hosts` (testinfra's option) on a loopback sshd."""

from __future__ import annotations

import json

import pytest

from eks_refarch import cli
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.errors import EXIT_FAILED, EXIT_OK
from tests.conformance.nodes.conftest import Node, Sshd
from tests.conformance.nodes.test_ssh import lay_out_conforming
from tests.helpers import pytest_checks

NODE_CHECKS = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.NODES}}


def test_refarch_check_hosts_runs_only_the_node_checks(
    sshd: Sshd, node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    lay_out_conforming(node)
    node.start_kubelet(*node.path_flags)
    code = cli.run(
        [
            "check",
            "--design",
            str(node.design_path),
            "--hosts",
            sshd.ssh_url,
            "--hosts",
            "local://",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert {f["check"] for f in out["findings"]} == NODE_CHECKS
    assert {f["resource"] for f in out["findings"]} == {sshd.ssh_url, "local://"}
    assert {f["status"] for f in out["findings"]} == {"pass"}


def test_pytest_checks_uses_testinfras_own_hosts_option(sshd: Sshd, node: Node) -> None:
    lay_out_conforming(node)
    node.config.chmod(0o666)
    node.start_kubelet(*node.path_flags)
    proc = pytest_checks(
        "--design",
        str(node.design_path),
        "--hosts",
        "refarch-node",
        "--connection",
        "ssh",
        "--ssh-config",
        str(sshd.ssh_config),
        "-m",
        "nodes",
    )
    assert proc.returncode == EXIT_FAILED, proc.stdout + proc.stderr
    assert "12 passed" in proc.stdout
    assert "FAILED checks/test_conformance.py::test_conforms[kubelet_config_mode_restricted" in (
        proc.stdout
    )
