"""Manifests mode end to end: the shipped manifests pass; each mutation fails its check."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design
from tests.helpers import REPO, replace_once

MANIFESTS = REPO / "manifests"

PERMISSIVE_OVERRIDE = """\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: legacy-clients
  namespace: web
spec:
  mtls:
    mode: PERMISSIVE
"""

DISABLE_DESTINATION_RULE = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: payments-plaintext
  namespace: payments
spec:
  host: payments.payments.svc.cluster.local
  trafficPolicy:
    tls:
      mode: DISABLE
"""

PORT_LEVEL_DISABLE = """\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: metrics-port
  namespace: checkout
spec:
  selector:
    matchLabels:
      app: orders
  portLevelMtls:
    9090:
      mode: DISABLE
"""

LOADBALANCER_ELSEWHERE = """\
apiVersion: v1
kind: Service
metadata:
  name: grafana-public
  namespace: monitoring
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: grafana
  ports:
  - name: http
    port: 80
    targetPort: 3000
"""


def run_on(directory: Path, design: Design) -> RunResult:
    return run(design, {Source.CLUSTER: ManifestsSource(directory)})


def failing(result: RunResult) -> set[str]:
    return {f.check for f in result.findings if f.status is Status.FAIL}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "manifests"
    shutil.copytree(MANIFESTS, target)
    return target


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def test_the_shipped_manifests_pass_every_cluster_check(design: Design) -> None:
    result = run_on(MANIFESTS, design)
    bad = [f for f in result.findings if f.status in (Status.FAIL, Status.ERROR)]
    assert bad == []
    assert result.exit_code == 0
    # Readiness is the one thing manifests cannot show.
    skips = [f for f in result.findings if f.status is Status.SKIP]
    assert [(f.check, f.resource) for f in skips] == [
        ("platform_components_ready", "platform components")
    ]
    assert "10 of 10 components are present" in skips[0].message
    assert "readiness is only known on a live cluster" in skips[0].message
    assert {f.check for f in result.findings} == {c.id for c in result.checks}


Mutation = Callable[[Path], None]

GATEWAY = "mesh/ingress-gateway.yaml"
ROUTES = "mesh/routes.yaml"


def _gateway_loadbalancer(d: Path) -> None:
    edit(d, GATEWAY, "  type: NodePort\n", "  type: LoadBalancer\n")


def _http_node_port_changed(d: Path) -> None:
    edit(d, GATEWAY, "nodePort: 30080", "nodePort: 31080")


def _status_node_port_changed(d: Path) -> None:
    edit(d, GATEWAY, "nodePort: 30021", "nodePort: 31021")


def _permissive_override(d: Path) -> None:
    (d / "mesh" / "legacy.yaml").write_text(PERMISSIVE_OVERRIDE, encoding="utf-8")


def _port_level_disable(d: Path) -> None:
    (d / "mesh" / "metrics.yaml").write_text(PORT_LEVEL_DISABLE, encoding="utf-8")


def _mesh_wide_permissive(d: Path) -> None:
    edit(d, "mesh/peer-authentication.yaml", "mode: STRICT", "mode: PERMISSIVE")


def _injection_label_removed(d: Path) -> None:
    edit(
        d,
        "namespaces.yaml",
        "  name: payments\n  labels:\n    istio-injection: enabled\n",
        "  name: payments\n",
    )


def _both_injection_labels(d: Path) -> None:
    edit(
        d,
        "namespaces.yaml",
        "  name: catalog\n  labels:\n    istio-injection: enabled\n",
        "  name: catalog\n  labels:\n    istio-injection: enabled\n    istio.io/rev: canary\n",
    )


def _workload_opts_out(d: Path) -> None:
    edit(
        d,
        "apps/cart.yaml",
        "        app: cart\n        version: v1\n",
        "        app: cart\n        version: v1\n        sidecar.istio.io/inject: 'false'\n",
    )


def _virtual_service_on_another_gateway(d: Path) -> None:
    edit(d, ROUTES, "- istio-ingress/sakura-shop-gateway", "- istio-ingress/egress-gateway")


def _gateway_selects_other_pods(d: Path) -> None:
    edit(
        d,
        GATEWAY,
        "  selector:\n    istio: ingressgateway\n",
        "  selector:\n    istio: egressgateway\n",
    )


def _catch_all_route_first(d: Path) -> None:
    text = (d / ROUTES).read_text(encoding="utf-8")
    head, sep, storefront = text.partition("  - name: storefront\n")
    first = head.index("  - name: catalog\n")
    (d / ROUTES).write_text(head[:first] + sep + storefront + head[first:], encoding="utf-8")


def _destination_rule_disables_tls(d: Path) -> None:
    (d / "mesh" / "plaintext.yaml").write_text(DISABLE_DESTINATION_RULE, encoding="utf-8")


def _loadbalancer_elsewhere(d: Path) -> None:
    (d / "platform" / "grafana-public.yaml").write_text(LOADBALANCER_ELSEWHERE, encoding="utf-8")


def _unnamed_service_port(d: Path) -> None:
    edit(d, "apps/orders.yaml", "  - name: http\n    port: 8080\n", "  - port: 8080\n")


def _application_removed(d: Path) -> None:
    text = (d / "platform" / "applications.yaml").read_text(encoding="utf-8")
    docs = text.split("---\n")
    kept = [doc for doc in docs if "name: kiali\n" not in doc]
    assert len(kept) == len(docs) - 1
    (d / "platform" / "applications.yaml").write_text("---\n".join(kept), encoding="utf-8")


def _requests_removed(d: Path) -> None:
    edit(
        d,
        "apps/payments.yaml",
        "          requests:\n            cpu: 100m\n            memory: 128Mi\n",
        "",
    )


def _runs_as_root(d: Path) -> None:
    edit(d, "apps/catalog.yaml", "runAsUser: 65532", "runAsUser: 0")


def _no_readiness_probe(d: Path) -> None:
    edit(
        d,
        "apps/storefront.yaml",
        "        readinessProbe:\n          tcpSocket:\n            port: http\n"
        "          periodSeconds: 5\n",
        "",
    )


def _replicas_changed(d: Path) -> None:
    edit(d, "apps/orders.yaml", "  replicas: 2\n", "  replicas: 1\n")


MUTATIONS: list[tuple[Mutation, set[str]]] = [
    (_gateway_loadbalancer, {"istio_gateway_service_nodeport", "k8s_services_no_loadbalancer"}),
    (_http_node_port_changed, {"istio_gateway_nodeports_designed"}),
    (_status_node_port_changed, {"istio_gateway_nodeports_designed"}),
    (_permissive_override, {"istio_mtls_no_weaker_override"}),
    (_port_level_disable, {"istio_mtls_no_weaker_override"}),
    (_mesh_wide_permissive, {"istio_mtls_mesh_strict"}),
    (_injection_label_removed, {"istio_namespaces_injection_labelled"}),
    (_both_injection_labels, {"istio_namespaces_injection_labelled"}),
    (_workload_opts_out, {"istio_workloads_injection_enabled"}),
    (
        _virtual_service_on_another_gateway,
        {"istio_virtualservices_bound_to_gateway", "istio_routes_reach_microservices"},
    ),
    (_gateway_selects_other_pods, {"istio_virtualservices_bound_to_gateway"}),
    (_catch_all_route_first, {"istio_routes_reach_microservices"}),
    (_destination_rule_disables_tls, {"istio_destinationrules_keep_mtls"}),
    (_loadbalancer_elsewhere, {"k8s_services_no_loadbalancer"}),
    (
        _unnamed_service_port,
        {"istio_destinations_named_service_ports", "k8s_microservices_match_design"},
    ),
    (_application_removed, {"platform_components_present", "platform_components_ready"}),
    (_requests_removed, {"k8s_workloads_requests_set", "k8s_microservices_match_design"}),
    (_runs_as_root, {"k8s_workloads_non_root"}),
    (_no_readiness_probe, {"k8s_workloads_readiness_probe"}),
    (_replicas_changed, {"k8s_microservices_match_design"}),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), MUTATIONS, ids=[m.__name__.strip("_") for m, _ in MUTATIONS]
)
def test_a_mutated_copy_fails_exactly_the_expected_checks(
    copy: Path, design: Design, mutate: Mutation, expected: set[str]
) -> None:
    mutate(copy)
    result = run_on(copy, design)
    assert failing(result) == expected
    assert not [f for f in result.findings if f.status is Status.ERROR]
    assert result.exit_code == 1


def test_the_changed_node_port_is_named_with_both_numbers(copy: Path, design: Design) -> None:
    _http_node_port_changed(copy)
    (finding,) = [
        f
        for f in run_on(copy, design).findings
        if f.check == "istio_gateway_nodeports_designed" and f.status is Status.FAIL
    ]
    assert finding.resource == "Service istio-ingress/istio-ingressgateway port http"
    assert "nodePort is 31080, expected 30080 (mesh.ingress_gateway.node_ports.http)" in (
        finding.message
    )
    assert "ingress-gateway.yaml:" in finding.message


def test_a_shadowing_catch_all_route_is_explained(copy: Path, design: Design) -> None:
    _catch_all_route_first(copy)
    messages = {
        f.resource: f.message
        for f in run_on(copy, design).findings
        if f.check == "istio_routes_reach_microservices" and f.status is Status.FAIL
    }
    assert set(messages) == {
        "route shop.example.com/api/catalog",
        "route shop.example.com/api/cart",
        "route shop.example.com/api/orders",
    }
    assert "route 'storefront'" in messages["route shop.example.com/api/cart"]
    assert "expected Service checkout/cart port 8080" in messages["route shop.example.com/api/cart"]


def test_a_malformed_object_errors_only_the_checks_that_read_it(copy: Path, design: Design) -> None:
    edit(
        copy,
        "namespaces.yaml",
        "  name: web\n  labels:\n",
        "  name: web\n  annotations:\n    owner: 42\n  labels:\n",
    )
    result = run_on(copy, design)
    errors = {f.check: str(f.message) for f in result.findings if f.status is Status.ERROR}
    assert set(errors) == {"istio_namespaces_injection_labelled"}
    assert "namespaces.yaml:" in errors["istio_namespaces_injection_labelled"]
    assert (
        "metadata.annotations['owner']: expected a string, found 42"
        in (errors["istio_namespaces_injection_labelled"])
    )
    assert failing(result) == set()
