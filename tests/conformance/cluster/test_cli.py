"""`refarch check` and `pytest checks/` with cluster sources, and joined with the demo account."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from eks_refarch import cli
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.model import Source
from eks_refarch.demo.server import moto_server, reset
from eks_refarch.errors import EXIT_ERRORED, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.conformance.aws.test_cli_e2e import refarch
from tests.conformance.cluster.apiserver import kubeconfig, serve
from tests.helpers import REPO, pytest_checks, replace_once

MANIFESTS = REPO / "manifests"
CROSS = "elbv2_target_group_matches_gateway_service"
CLUSTER_ONLY = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.CLUSTER}}


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = cli.run(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any AWS session a run would create fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an AWS session was created")

    monkeypatch.setattr(boto3.session.Session, "__init__", refuse)


def test_manifests_alone_run_only_the_cluster_checks_and_make_no_aws_call(
    no_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = report(capsys, "--manifests", str(MANIFESTS))
    assert code == EXIT_OK
    assert {f["check"] for f in out["findings"]} == CLUSTER_ONLY
    assert out["summary"]["fail"] == out["summary"]["error"] == 0


def test_a_kubeconfig_checks_the_live_cluster_and_its_kubelets_through_the_api_server(
    no_aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve() as server:
        code, out = report(capsys, "--kubeconfig", str(kubeconfig(tmp_path, server.url)))
    assert code == EXIT_FAILED
    sources = {frozenset(load_builtin_checks().get(f["check"]).sources) for f in out["findings"]}
    assert sources == {frozenset({Source.CLUSTER}), frozenset({Source.NODES})}
    failing = {(f["check"], f["resource"]) for f in out["findings"] if f["status"] == "fail"}
    assert ("platform_components_ready", "component tempo") in failing
    assert any(check.startswith("kubelet_") for check, _ in failing)
    assert {r.method for r in server.requests} == {"GET"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--manifests", str(MANIFESTS), "--kubeconfig", "k"], "not both"),
        (["--context", "prod"], "--context selects a context"),
        (["--manifests", "/nonexistent"], "--manifests: expected a directory"),
        (["--hosts", "ftp://node"], "is not a testinfra host URL"),
    ],
)
def test_bad_cluster_and_node_options_exit_3(
    no_aws: None, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.run(["check", *args]) == EXIT_USAGE
    assert message in capsys.readouterr().err


# End to end, as processes: the demo account in a moto server, and manifests on disk.


@pytest.fixture(scope="module")
def demo_endpoint() -> Iterator[str]:
    with moto_server() as url:
        reset(url)
        done = refarch("demo", "provision", "--endpoint-url", url)
        assert done.returncode == EXIT_OK, done.stderr
        yield url


def cross_layer(proc: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    out = json.loads(proc.stdout)
    return [f for f in out["findings"] if f["check"] == CROSS]


def test_the_demo_account_and_the_shipped_manifests_agree_across_layers(
    demo_endpoint: str,
) -> None:
    proc = refarch(
        "check", "--endpoint-url", demo_endpoint, "--manifests", "manifests", "--format", "json"
    )
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    (finding,) = cross_layer(proc)
    assert finding["status"] == "pass"
    assert "forwards to port 30080 and health-checks port 30021" in finding["message"]


def test_a_changed_http_nodeport_fails_the_cross_layer_check_naming_both_numbers(
    demo_endpoint: str, tmp_path: Path
) -> None:
    copy = tmp_path / "manifests"
    shutil.copytree(MANIFESTS, copy)
    gateway = copy / "mesh" / "ingress-gateway.yaml"
    gateway.write_text(
        replace_once(gateway.read_text(encoding="utf-8"), "nodePort: 30080", "nodePort: 31080"),
        encoding="utf-8",
    )
    proc = refarch(
        "check", "--endpoint-url", demo_endpoint, "--manifests", str(copy), "--format", "json"
    )
    assert proc.returncode == EXIT_FAILED, proc.stderr
    (finding,) = cross_layer(proc)
    assert finding["status"] == "fail"
    assert finding["severity"] == "critical"
    assert (
        "forwards to port 30080, but the http nodePort of Service "
        "istio-ingress/istio-ingressgateway is 31080"
    ) in finding["message"]
    assert "ingress-gateway.yaml:" in finding["message"]


def test_pytest_checks_reads_manifests_as_one_test_per_finding(tmp_path: Path) -> None:
    passing = pytest_checks("--manifests", "manifests", "-m", "cluster")
    assert passing.returncode == 0, passing.stdout
    assert "63 passed, 1 skipped" in passing.stdout
    copy = tmp_path / "manifests"
    shutil.copytree(MANIFESTS, copy)
    namespaces = copy / "namespaces.yaml"
    namespaces.write_text(
        replace_once(
            namespaces.read_text(encoding="utf-8"),
            "  name: payments\n  labels:\n    istio-injection: enabled\n",
            "  name: payments\n",
        ),
        encoding="utf-8",
    )
    failing = pytest_checks("--manifests", str(copy))
    assert failing.returncode == 1
    assert "FAILED checks/test_conformance.py::test_conforms" in failing.stdout
    assert "istio_namespaces_injection_labelled[Namespace payments]" in failing.stdout


def test_an_error_finding_exits_2_through_the_cli(
    no_aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(refuse={kinds.PEER_AUTHENTICATIONS.path: 403}) as server:
        config = str(kubeconfig(tmp_path, server.url))
        code, out = report(capsys, "--kubeconfig", config, "--only", "istio_mtls_mesh_strict")
    assert code == EXIT_ERRORED
    (finding,) = out["findings"]
    assert "needs list peerauthentications.security.istio.io" in finding["message"]
