"""Live mode against a stand-in API server on 127.0.0.1 serving synthesized responses.

The responses are synthesized from the shipped manifests (api/README.md), not recorded
from a cluster; what these tests prove is the client side: paging, read-only GETs,
one request per list, and how refusals and outages become `error` findings.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster import kinds
from eks_refarch.conformance.cluster.kinds import Permission
from eks_refarch.conformance.cluster.live import api_client, live_source
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design
from eks_refarch.errors import UserInputError
from tests.conformance.cluster import synthesize
from tests.conformance.cluster.apiserver import RESPONSES, FakeApiServer, kubeconfig, serve

CLUSTER_CHECKS = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.CLUSTER}}


def run_live(tmp_path: Path, design: Design, server: FakeApiServer) -> RunResult:
    source = live_source(kubeconfig(tmp_path, server.url), None)
    return run(design, {Source.CLUSTER: source}, only=sorted(CLUSTER_CHECKS))


def by_status(result: RunResult, status: Status) -> dict[tuple[str, str], str]:
    return {(f.check, f.resource): str(f.message) for f in result.findings if f.status is status}


def test_the_stored_responses_equal_a_fresh_synthesis(design: Design) -> None:
    fresh = synthesize.responses(design)
    stored = {
        p.relative_to(RESPONSES).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in RESPONSES.rglob("*.json")
    }
    assert stored == fresh, "run `python -m tests.conformance.cluster.synthesize`"


def test_a_live_cluster_is_judged_like_its_manifests_and_readiness_is_known(
    tmp_path: Path, design: Design
) -> None:
    with serve() as server:
        result = run_live(tmp_path, design, server)
    assert by_status(result, Status.ERROR) == {}
    assert by_status(result, Status.SKIP) == {}
    failures = by_status(result, Status.FAIL)
    assert failures == {
        ("platform_components_ready", "component tempo"): (
            "StatefulSet tracing/tempo is not ready: 0/1 replicas ready"
        )
    }
    passes = by_status(result, Status.PASS)
    assert passes[("platform_components_ready", "component argo-cd")] == (
        "Deployment argocd/argocd-server: 1/1 replicas ready"
    )
    assert passes[
        ("istio_gateway_nodeports_designed", "Service istio-ingress/istio-ingressgateway port http")
    ]


def test_only_get_requests_are_sent_each_list_once_each_mapping_to_a_declared_permission(
    tmp_path: Path, design: Design
) -> None:
    with serve() as server:
        run_live(tmp_path, design, server)
    assert {r.method for r in server.requests} == {"GET"}
    declared = {
        Permission.parse(a)
        for spec in load_builtin_checks().collectors()
        if spec.source is Source.CLUSTER
        for a in spec.actions
    }
    by_path = {k.path: k.list_permission for k in kinds.KINDS}
    used = [by_path[r.path] for r in server.requests]
    assert set(used) <= declared
    # Services come in two pages; every other list in one request.
    pages = [r.path for r in server.requests]
    assert pages.count(kinds.SERVICES.path) == 2
    assert all(pages.count(p) == 1 for p in set(pages) if p != kinds.SERVICES.path)
    second = [r for r in server.requests if r.path == kinds.SERVICES.path][1]
    assert second.query["continue"] == [synthesize.CONTINUE]
    assert all(r.query.get("limit") == ["500"] for r in server.requests)


def test_the_second_page_is_read(tmp_path: Path, design: Design) -> None:
    with serve() as server:
        names = [
            o.data["metadata"]["name"]
            for o in live_source(kubeconfig(tmp_path, server.url), None).list(kinds.SERVICES)
        ]
    first = json.loads((RESPONSES / "api/v1/services.json").read_text(encoding="utf-8"))
    assert len(names) > len(first["items"])
    assert "istio-ingressgateway" in names


def test_a_forbidden_list_errors_only_the_checks_that_need_it(
    tmp_path: Path, design: Design
) -> None:
    with serve(refuse={kinds.PEER_AUTHENTICATIONS.path: 403}) as server:
        result = run_live(tmp_path, design, server)
    errors = {check: message for (check, _), message in by_status(result, Status.ERROR).items()}
    assert set(errors) == {"istio_mtls_mesh_strict", "istio_mtls_no_weaker_override"}
    for message in errors.values():
        assert "needs list peerauthentications.security.istio.io" in message
        assert "403 Forbidden" in message
    # Everything else ran as before.
    assert set(by_status(result, Status.FAIL)) == {("platform_components_ready", "component tempo")}


def test_a_missing_custom_resource_definition_is_named(tmp_path: Path, design: Design) -> None:
    with serve(refuse={kinds.APPLICATIONS.path: 404}) as server:
        result = run_live(tmp_path, design, server)
    errors = by_status(result, Status.ERROR)
    assert {check for check, _ in errors} == {
        "platform_components_present",
        "platform_components_ready",
    }
    assert all("is its CustomResourceDefinition installed?" in m for m in errors.values())


def test_wrong_credentials_are_an_error_not_a_verdict(tmp_path: Path, design: Design) -> None:
    with serve() as server:
        source = live_source(kubeconfig(tmp_path, server.url, token="expired"), None)
        result = run(design, {Source.CLUSTER: source}, only=sorted(CLUSTER_CHECKS))
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert all("valid credentials in the kubeconfig" in str(f.message) for f in result.findings)
    assert result.exit_code == 2


def test_an_unreachable_api_server_is_an_error_naming_it(tmp_path: Path, design: Design) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    source = live_source(kubeconfig(tmp_path, url), None)
    result = run(design, {Source.CLUSTER: source}, only=sorted(CLUSTER_CHECKS))
    assert {f.status for f in result.findings} == {Status.ERROR}
    assert all(f"a reachable API server at {url}" in str(f.message) for f in result.findings)


def test_an_unknown_context_names_the_ones_there_are(tmp_path: Path) -> None:
    path = kubeconfig(tmp_path, "http://127.0.0.1:1")
    with pytest.raises(
        UserInputError, match=r"no context named 'prod'; the kubeconfig has \['synthetic'\]"
    ):
        api_client(path, "prod")


def test_relative_certificate_paths_resolve_next_to_the_kubeconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_dir = tmp_path / "conf"
    config_dir.mkdir()
    (config_dir / "ca.crt").write_text("not parsed until a TLS connection\n", encoding="utf-8")
    path = config_dir / "kubeconfig"
    path.write_text(
        kubeconfig(tmp_path, "https://127.0.0.1:1")
        .read_text(encoding="utf-8")
        .replace(
            "    server: https://127.0.0.1:1\n",
            "    server: https://127.0.0.1:1\n    certificate-authority: ca.crt\n",
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    client = api_client(path, None)
    assert client.configuration.ssl_ca_cert == str(config_dir / "ca.crt")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- not a mapping\n", "expected a kubeconfig mapping"),
        ("apiVersion: v1\nkind: Config\ncontexts: []\n", "unusable kubeconfig"),
    ],
)
def test_unusable_kubeconfigs_are_input_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kubeconfig"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError, match=message):
        api_client(path, None)
