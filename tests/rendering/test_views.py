"""Each view shows its key elements, read from the design, where they belong (SVG parsed)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest

from eks_refarch.design import Design
from eks_refarch.rendering import LANGS, VIEW_TITLES, VIEWS, render
from eks_refarch.rendering.iconart import ICON_DIR
from eks_refarch.rendering.kit import FONT
from tests.helpers import SHIPPED_DESIGN, replace_once
from tests.rendering.svgtext import Drawing, read


def _view(rendered_dir: Path, view: str, lang: str = "en") -> Drawing:
    return read(rendered_dir / lang / f"{view}.svg")


def _has_text(drawing: Drawing, text: str) -> bool:
    return any(text in line for line in drawing.texts)


def test_aws_architecture_puts_each_resource_in_its_tier_and_az(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "aws-architecture")
    tiers = {
        "public": "Public subnets",
        "private-app": "Private app subnets",
        "private-data": "Private data subnets",
    }
    assert _has_text(d, f"VPC {design.network.vpc_cidr}")
    for subnet in design.network.subnets:
        assert d.inside(f"subnet-{subnet.cidr}", tiers[subnet.tier], subnet.az)
        assert _has_text(d, subnet.cidr)
    for az in design.network.availability_zones:
        assert d.inside(f"nat-{az}", "Public subnets", az)
        assert d.inside(f"node-{az}", "Private app subnets", az)
        assert d.edges[f"alb->node-{az}"] == (f"HTTP :{design.edge.target_group.port}",)
    assert d.inside("alb", "Public subnets")
    for store in design.data_store_names:
        assert d.inside(f"store-{store}", "Private data subnets")
    endpoints = design.network.vpc_endpoints
    for name in (*endpoints.gateway, *endpoints.interface):
        assert d.inside(f"vpce-{name}", "VPC endpoints")
    assert {"users", "route53", "waf", "acm", "ecr", "kms", "secrets-manager", "cloudwatch"} <= set(
        d.nodes
    )
    assert "users->route53" in d.edges
    assert "route53->waf" in d.edges
    assert d.edges["waf->alb"] == (f"HTTPS :{design.edge.alb.https_port}",)
    assert _has_text(d, design.network.flow_logs.log_group)


def test_app_domain_follows_a_request_from_the_client_to_each_pod_and_its_data(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "app-domain")
    gateway, target_group = design.mesh.ingress_gateway, design.edge.target_group
    mesh = f"Istio mesh, mutual TLS ({design.mesh.mtls})"
    assert d.edges["client->alb"] == (f"HTTPS :{design.edge.alb.https_port}",)
    assert "acm->alb" in d.edges
    for az in design.network.availability_zones:
        assert d.edges[f"alb->node-{az}"] == (
            f"HTTP :{target_group.port}",
            f"health :{target_group.health_check_port}{target_group.health_check_path}",
        )
        assert f"node-{az}->gateway-service" in d.edges
    assert d.edges["gateway-service->ingress-gateway"] == (f":{gateway.http_target_port}",)
    assert d.inside("gateway-service", f"namespace {gateway.namespace}")
    for service in design.microservices:
        pod_label = f"pod {service.name} ×{service.replicas} replicas"
        pod = (mesh, f"namespace {service.namespace}", pod_label)
        assert d.inside(f"envoy-{service.name}", *pod)
        assert d.inside(f"app-{service.name}", *pod)
        assert d.edges[f"envoy-{service.name}->app-{service.name}"] == (f":{service.port}",)
        for dependency in service.depends_on:
            if dependency in design.data_store_names:
                assert f"envoy-{service.name}->store-{dependency}" in d.edges
            else:
                port = design.microservice(dependency).port
                label = d.edges[f"envoy-{service.name}->envoy-{dependency}"]
                assert label == (f"mTLS :{port}",)
    for service in design.routed_microservices:
        assert service.route is not None
        label = d.edges[f"ingress-gateway->envoy-{service.name}"]
        assert label == (f"{service.route.path} :{service.port}",)


def test_infra_domain_groups_components_by_namespace_with_what_each_watches_and_feeds(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "infra-domain")
    expected_edges = {"git->argo-cd"}
    for component in design.platform.components:
        assert d.inside(component.name, f"namespace {component.namespace}")
        assert _has_text(d, component.title)
        expected_edges |= {f"{watched}->{component.name}" for watched in component.watches}
        expected_edges |= {f"{component.name}->{fed}" for fed in component.feeds}
    assert set(d.edges) == expected_edges
    assert _has_text(d, "(telemetry pipeline)")
    assert _has_text(d, "(node autoscaling)")


@pytest.mark.parametrize(
    ("node", "icon"),
    [
        ("opentelemetry-collector", "opentelemetry.png"),
        ("kiali", "kiali.png"),
        ("karpenter", "karpenter.png"),
    ],
)
def test_infra_domain_draws_the_shipped_icons_inline(
    rendered_dir: Path, node: str, icon: str
) -> None:
    href = _view(rendered_dir, "infra-domain").node_images[node]
    assert base64.b64decode(href.split(",", 1)[1]) == (ICON_DIR / icon).read_bytes()


def _owner_box(design: Design, key: str) -> str:
    owner = design.owners[key]
    return f"{owner.tool}: team {owner.team}\n{owner.summary.en}"


def test_ownership_draws_the_boundary_between_terraform_and_gitops(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "ownership")
    terraform, gitops = _owner_box(design, "terraform"), _owner_box(design, "gitops")
    for node in ("vpc", "alb", "target-group", "waf", "eks", "iam", "node-group", "ecr"):
        assert d.inside(node, terraform), node
        assert not d.inside(node, gitops), node
    for node in ("gateway-service", "mesh-config", "workloads", "platform"):
        assert d.inside(node, gitops), node
        assert not d.inside(node, terraform), node
    assert d.edges["target-group->gateway-service"] == ("target port = nodePort",)
    port = design.edge.target_group.port
    assert _has_text(d, f"HTTP :{port}")
    assert _has_text(d, f"NodePort :{port}")


def test_ownership_moves_a_section_when_the_design_gives_it_another_owner(
    write_design: Callable[[str], Path], tmp_path: Path, design: Design
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    moved = replace_once(text, "mesh:\n  owner: gitops", "mesh:\n  owner: terraform")
    path = write_design(moved)
    render(
        path,
        tmp_path / "out",
        langs=["en"],
        views=["ownership"],
        views_dir=SHIPPED_DESIGN.parent / "diagrams",
    )
    d = read(tmp_path / "out" / "en" / "ownership.svg")
    assert d.inside("gateway-service", _owner_box(design, "terraform"))
    assert d.inside("workloads", _owner_box(design, "gitops"))


def test_ecs_alternative_routes_paths_to_services_that_call_each_other(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "ecs-alternative")
    for service in design.microservices:
        assert d.inside(f"service-{service.name}", "ECS cluster on Fargate sakura-shop")
        for dependency in service.depends_on:
            if dependency in design.data_store_names:
                assert f"service-{service.name}->store-{dependency}" in d.edges
            else:
                label = d.edges[f"service-{service.name}->service-{dependency}"]
                assert label == (f"Service Connect :{design.microservice(dependency).port}",)
    for service in design.routed_microservices:
        assert service.route is not None
        assert d.edges[f"alb->service-{service.name}"] == (f"{service.route.path} :{service.port}",)


def test_lambda_alternative_turns_calls_to_unrouted_services_into_queued_events(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "lambda-alternative")
    for service in design.microservices:
        assert d.inside(f"function-{service.name}", "Lambda functions")
    for service in design.routed_microservices:
        assert service.route is not None
        assert d.edges[f"api-gateway->function-{service.name}"] == (service.route.path,)
    assert design.microservice("payments").route is None
    assert "orders" in {s.name for s in design.microservices if "payments" in s.depends_on}
    assert d.edges["function-orders->event-bus"] == ("event",)
    assert d.edges["event-bus->queue-payments"] == ("rule",)
    assert "queue-payments->function-payments" in d.edges
    assert d.edges["function-storefront->function-catalog"] == ("invoke",)


JAPANESE = {
    "aws-architecture": "パブリックサブネット",
    "app-domain": "Envoy サイドカー",
    "infra-domain": "名前空間 monitoring",
    "ownership": "チーム platform-infrastructure",
    "ecs-alternative": "2 タスク :8080",
    "lambda-alternative": "payments キュー",
}


@pytest.mark.parametrize("view", VIEWS)
def test_japanese_render_has_japanese_labels_and_the_same_nodes(
    rendered_dir: Path, view: str
) -> None:
    en, ja = _view(rendered_dir, view, "en"), _view(rendered_dir, view, "ja")
    assert _has_text(ja, VIEW_TITLES[view]["ja"])
    assert _has_text(ja, JAPANESE[view])
    assert not _has_text(en, JAPANESE[view])
    assert set(ja.nodes) == set(en.nodes)
    assert set(ja.edges) == set(en.edges)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_every_label_is_set_in_the_house_font(rendered_dir: Path, view: str, lang: str) -> None:
    assert _view(rendered_dir, view, lang).fonts == {FONT}


def test_changing_the_gateway_http_node_port_changes_the_port_label_in_app_domain(
    write_design: Callable[[str], Path], tmp_path: Path, rendered_dir: Path, design: Design
) -> None:
    azs = design.network.availability_zones
    shipped = _view(rendered_dir, "app-domain")
    assert {shipped.edges[f"alb->node-{az}"][0] for az in azs} == {"HTTP :30080"}
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    path = write_design(replace_once(text, "http: 30080", "http: 31080"))
    render(
        path, tmp_path / "out", views=["app-domain"], views_dir=SHIPPED_DESIGN.parent / "diagrams"
    )
    for lang in LANGS:
        changed = read(tmp_path / "out" / lang / "app-domain.svg")
        assert {changed.edges[f"alb->node-{az}"][0] for az in azs} == {"HTTP :31080"}
        assert _has_text(changed, "nodePort :31080")
        assert not _has_text(changed, "30080")
