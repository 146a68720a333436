"""Node checks through the API server (/configz) against the stand-in API server.

The node list and the kubelets' /configz answers are synthesized (see
tests/conformance/cluster/api/README.md), not recorded from a cluster.
"""

from __future__ import annotations

from pathlib import Path

from eks_refarch.conformance.cluster.kinds import NODES
from eks_refarch.conformance.cluster.live import live_source
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.nodes.configz import ConfigzNodes
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design
from tests.conformance.cluster.apiserver import FakeApiServer, kubeconfig, serve
from tests.conformance.cluster.synthesize import DEVIANT_NODE, SILENT_NODE
from tests.conformance.cluster.synthesize import NODES as NODE_NAMES

CONFORMING = f"node/{NODE_NAMES[0]}"
DEVIANT, SILENT = f"node/{DEVIANT_NODE}", f"node/{SILENT_NODE}"
SILENT_PATH = f"/api/v1/nodes/{SILENT_NODE}/proxy/configz"


def run_configz(tmp_path: Path, design: Design, server: FakeApiServer) -> RunResult:
    nodes = ConfigzNodes(live_source(kubeconfig(tmp_path, server.url), None))
    return run(design, {Source.NODES: nodes})


def test_each_kubelet_is_judged_from_its_configz_and_files_are_skipped(
    tmp_path: Path, design: Design
) -> None:
    with serve(refuse={SILENT_PATH: 500}) as server:
        result = run_configz(tmp_path, design, server)
    by_node: dict[str, dict[str, Status]] = {}
    for f in result.findings:
        by_node.setdefault(f.resource, {})[f.check] = f.status
    file_checks = {c for c, s in by_node[CONFORMING].items() if s is Status.SKIP}
    assert file_checks == {
        "kubelet_config_mode_restricted",
        "kubelet_config_owner_designed",
        "kubelet_kubeconfig_mode_restricted",
        "kubelet_kubeconfig_owner_designed",
    }
    assert {s for c, s in by_node[CONFORMING].items() if c not in file_checks} == {Status.PASS}
    assert {c for c, s in by_node[DEVIANT].items() if s is Status.FAIL} == {
        "kubelet_anonymous_auth_disabled",
        "kubelet_read_only_port_disabled",
    }
    assert {c for c, s in by_node[SILENT].items() if s is Status.ERROR} == (
        set(by_node[SILENT]) - file_checks
    )
    messages = {(f.resource, f.check): str(f.message) for f in result.findings}
    assert f"(from {DEVIANT}/configz)" in messages[(DEVIANT, "kubelet_read_only_port_disabled")]
    assert "HTTP 500" in messages[(SILENT, "kubelet_anonymous_auth_disabled")]
    assert "give --hosts" in messages[(CONFORMING, "kubelet_config_mode_restricted")]
    assert {r.method for r in server.requests} == {"GET"}
    assert server.requests[0].path == NODES.path


def test_a_forbidden_node_proxy_errors_every_node_check_naming_the_permission(
    tmp_path: Path, design: Design
) -> None:
    refuse = {f"/api/v1/nodes/{n}/proxy/configz": 403 for n in NODE_NAMES}
    with serve(refuse=refuse) as server:
        result = run_configz(tmp_path, design, server)
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert all("needs get nodes/proxy" in str(f.message) for f in result.findings)
    assert result.exit_code == 2


def test_a_forbidden_node_list_names_list_nodes(tmp_path: Path, design: Design) -> None:
    with serve(refuse={NODES.path: 403}) as server:
        result = run_configz(tmp_path, design, server)
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert all("needs list nodes" in str(f.message) for f in result.findings)
