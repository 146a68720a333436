"""Each view shows what the design says, where it belongs, and nothing the design and the pages
contradict (the SVG parsed): one test per fact a picture asserts."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest

from eks_refarch.design import Design
from eks_refarch.rendering import LANGS, VIEW_TITLES, VIEWS, render
from eks_refarch.rendering.graphviz_dot import find_dot, run_dot
from eks_refarch.rendering.iconart import ICON_DIR
from eks_refarch.rendering.kit import FONT
from eks_refarch.rendering.network import TIERS
from eks_refarch.rendering.platform import flows
from tests.helpers import SHIPPED_DESIGN, replace_once
from tests.rendering.svgtext import Drawing, read


def _view(rendered_dir: Path, view: str, lang: str = "en") -> Drawing:
    return read(rendered_dir / lang / f"{view}.svg")


def _has_text(drawing: Drawing, text: str) -> bool:
    return any(text in line for line in drawing.texts)


def _assert_routes(d: Drawing, design: Design, router: str, prefix: str) -> None:
    """Each routed service is reached from ``router`` by an edge labelled with its route."""
    for service in design.routed_microservices:
        assert service.route is not None
        label = d.label(router, f"{prefix}-{service.name}")
        assert label == (f"{service.route.path} :{service.port}",)


def _centre_x(drawing: Drawing, node: str) -> float:
    box = drawing.nodes[node]
    return (box.left + box.right) / 2


# The AWS network.


def test_aws_network_puts_each_subnet_in_its_zones_column(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "aws-network")
    assert _has_text(d, f"VPC {design.network.vpc_cidr}")
    for subnet in design.network.subnets:
        assert d.inside(f"subnet-{subnet.cidr}", f"VPC {design.network.vpc_cidr}", subnet.az)
        assert _has_text(d, subnet.cidr)
    for az in design.network.availability_zones:
        assert d.inside(f"nat-{az}", az, "public")
        assert d.inside(f"node-{az}", az, "private: app")
    for name in (*design.network.vpc_endpoints.gateway, *design.network.vpc_endpoints.interface):
        assert d.inside(f"vpce-{name}", "VPC endpoints")
    for store in design.data_store_names:
        assert d.inside(f"store-{store}", f"VPC {design.network.vpc_cidr}")
    assert _has_text(d, design.network.flow_logs.log_group)


@pytest.mark.parametrize("lang", LANGS)
def test_aws_network_keeps_the_zones_in_the_designs_order_in_every_tier(
    rendered_dir: Path, design: Design, lang: str
) -> None:
    d = _view(rendered_dir, "aws-network", lang)
    zones = list(design.network.availability_zones)
    for tier in TIERS:
        subnets = [s for s in design.network.subnets if s.tier == tier]
        in_picture = sorted(subnets, key=lambda s: _centre_x(d, f"subnet-{s.cidr}"))
        assert [s.az for s in in_picture] == zones, tier
    # Aligned columns: each zone's subnets one under the other, the tiers top to bottom.
    for az in zones:
        column = [
            d.nodes[f"subnet-{s.cidr}"]
            for tier in TIERS
            for s in design.network.subnets
            if s.tier == tier and s.az == az
        ]
        assert [b.top for b in column] == sorted(b.top for b in column)
        assert max(b.left for b in column) < min(b.right for b in column), az


def test_aws_network_puts_the_internet_gateway_on_the_vpcs_top_edge(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "aws-network")
    vpc = d.cluster(f"VPC {design.network.vpc_cidr}")
    igw = d.nodes["igw"]
    assert vpc.holds(igw)
    assert d.clusters_holding("igw")[-1].endswith(f"VPC {design.network.vpc_cidr}"), (
        "the internet gateway sits in no zone or subnet"
    )
    subnets = [d.nodes[f"subnet-{s.cidr}"] for s in design.network.subnets]
    assert igw.bottom < min(b.top for b in subnets), "above every subnet"
    assert igw.top - vpc.top < min(b.top for b in subnets) - vpc.top
    assert d.edges["internet->igw"], "and it is the VPC's way out"


def test_aws_network_sends_each_zones_egress_through_its_own_nat_gateway(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "aws-network")
    assert design.network.nat_gateways == "one-per-az"
    for az in design.network.availability_zones:
        assert f"nat-{az}->node-{az}" in d.edges
        assert f"igw->nat-{az}" in d.edges
        assert abs(_centre_x(d, f"nat-{az}") - _centre_x(d, f"node-{az}")) < 40


# The edge and the request path.


def test_aws_edge_draws_the_health_check_on_the_status_node_port(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "aws-edge")
    tg = design.edge.target_group
    to_nodes = d.labels_of("target-group->node-")
    assert (f"{tg.protocol} :{tg.port}",) in to_nodes
    assert any(f":{tg.health_check_port}{tg.health_check_path}" in lines for lines in to_nodes)
    assert tg.health_check_port == design.mesh.ingress_gateway.node_ports.status
    assert d.label("waf", "alb") == ()
    assert d.label("route53", "waf") == (f"HTTPS :{design.edge.alb.https_port}",)
    assert d.inside("alb", "public subnet")
    for az in design.network.availability_zones:
        assert f"node-{az}" in d.nodes


def test_app_north_south_follows_a_request_and_the_health_check_to_the_gateway(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "app-north-south")
    gateway, tg = design.mesh.ingress_gateway, design.edge.target_group
    assert d.label("client", "alb") == (f"HTTPS :{design.edge.alb.https_port}",)
    to_nodes = d.labels_of("alb->node-")
    assert (f"{tg.protocol} :{tg.port}",) in to_nodes
    assert ("health check", f":{tg.health_check_port}{tg.health_check_path}") in to_nodes
    for az in design.network.availability_zones:
        assert f"node-{az}->gateway-service" in d.edges
    to_gateway = d.edges["gateway-service->ingress-gateway"]
    assert (f":{gateway.http_target_port}",) in to_gateway
    assert ("readiness", f":{gateway.status_target_port}{gateway.readiness_path}") in to_gateway
    assert d.inside("gateway-service", f"namespace {gateway.namespace}")
    _assert_routes(d, design, "ingress-gateway", "envoy")


def test_app_east_west_draws_each_call_over_mutual_tls_and_each_store(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "app-east-west")
    mesh = f"Istio mesh, mutual TLS ({design.mesh.mtls})"
    for service in design.microservices:
        assert d.inside(f"pod-{service.name}", mesh, f"namespace {service.namespace}")
        meshed = service.namespace in design.mesh.injection.namespaces
        assert ("with Envoy sidecar" in d.node_texts[f"pod-{service.name}"]) == meshed
        for dependency in service.depends_on:
            if dependency in design.data_store_names:
                assert f"pod-{service.name}->store-{dependency}" in d.edges
            else:
                port = design.microservice(dependency).port
                assert d.label(f"pod-{service.name}", f"pod-{dependency}") == (f"mTLS :{port}",)


# The infrastructure domain.


def _infra_edges(rendered_dir: Path, lang: str = "en") -> list[str]:
    edges = []
    for view in ("infra-control", "infra-telemetry"):
        d = _view(rendered_dir, view, lang)
        edges += [title for title, found in d.edges.items() for _ in found]
    return edges


def test_every_infrastructure_arrow_is_a_watch_or_feed_of_the_design_and_each_is_drawn_once(
    rendered_dir: Path, design: Design
) -> None:
    designed = {f"{f.source}->{f.target}" for f in flows(design)}
    for c in design.platform.components:
        assert {f"{w}->{c.name}" for w in c.watches} <= designed
        assert {f"{c.name}->{f}" for f in c.feeds} <= designed
    drawn = _infra_edges(rendered_dir)
    assert sorted(drawn) == sorted(designed)


def test_the_infrastructure_views_draw_the_relations_the_page_names(
    rendered_dir: Path,
) -> None:
    # "desired state flows from Git through the Kubernetes API", and Karpenter launches
    # the instances the nodes run on (the page's and the design's words).
    control = _view(rendered_dir, "infra-control")
    assert "git->argo-cd" in control.edges
    assert "argo-cd->kubernetes-api" in control.edges
    assert "karpenter->ec2" in control.edges
    telemetry = _view(rendered_dir, "infra-telemetry")
    assert "opentelemetry-collector->prometheus" in telemetry.edges


def test_infra_views_group_components_by_namespace(rendered_dir: Path, design: Design) -> None:
    seen = set()
    for view in ("infra-control", "infra-telemetry"):
        d = _view(rendered_dir, view)
        for component in design.platform.components:
            if component.name in d.nodes:
                assert d.inside(component.name, f"namespace {component.namespace}")
                seen.add(component.name)
    assert seen == {c.name for c in design.platform.components}


@pytest.mark.parametrize(
    ("view", "node", "icon"),
    [
        ("infra-telemetry", "opentelemetry-collector", "opentelemetry.png"),
        ("infra-telemetry", "kiali", "kiali.png"),
        ("infra-control", "karpenter", "karpenter.png"),
    ],
)
def test_infra_views_draw_the_shipped_icons_inline(
    rendered_dir: Path, view: str, node: str, icon: str
) -> None:
    href = _view(rendered_dir, view).node_images[node]
    assert base64.b64decode(href.split(",", 1)[1]) == (ICON_DIR / icon).read_bytes()


# Ownership.


def _owner_box(design: Design, key: str) -> str:
    owner = design.owners[key]
    return f"{owner.tool}: team {owner.team}"


def _owned_by(d: Drawing, node: str, design: Design, key: str) -> bool:
    return any(_owner_box(design, key) in name for name in d.clusters_holding(node))


def test_ownership_draws_the_boundary_between_terraform_and_gitops(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "ownership")
    for node in ("vpc", "alb", "target-group", "waf", "eks", "iam", "node-group", "ecr", "kms"):
        assert _owned_by(d, node, design, "terraform"), node
        assert not _owned_by(d, node, design, "gitops"), node
    for node in ("gateway-service", "mesh-config", "workloads", "platform"):
        assert _owned_by(d, node, design, "gitops"), node
        assert not _owned_by(d, node, design, "terraform"), node
    tg, gateway = design.edge.target_group, design.mesh.ingress_gateway
    assert "target-group->boundary" in d.edges
    assert "boundary->gateway-service" in d.edges
    # What crosses is what the page says: two ports and a readiness path.
    assert d.node_texts["boundary"] == (
        f":{tg.port} = http nodePort",
        f":{tg.health_check_port} = status nodePort",
        f"{gateway.readiness_path} = readiness path",
    )
    assert not _has_text(d, "one port")


def test_ownership_gives_each_kms_key_a_line_of_its_own(rendered_dir: Path, design: Design) -> None:
    lines = _view(rendered_dir, "ownership").node_texts["kms"]
    assert [key.alias for key in design.security.kms_keys] == [
        line for line in lines if line.startswith("alias/")
    ]


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
    assert _owned_by(d, "gateway-service", design, "terraform")
    assert _owned_by(d, "workloads", design, "gitops")


# The alternatives.


def test_ecs_alternative_routes_paths_to_services_that_call_each_other(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "ecs-alternative")
    for service in design.microservices:
        assert d.inside(f"service-{service.name}", "private subnet (app)")
        for dependency in service.depends_on:
            if dependency in design.data_store_names:
                assert f"service-{service.name}->store-{dependency}" in d.edges
            else:
                label = d.label(f"service-{service.name}", f"service-{dependency}")
                assert label == (f":{design.microservice(dependency).port}",)
    _assert_routes(d, design, "alb", "service")


def test_lambda_alternative_makes_every_call_between_services_an_event(
    rendered_dir: Path, design: Design
) -> None:
    d = _view(rendered_dir, "lambda-alternative")
    calls = [
        (s.name, dep)
        for s in design.microservices
        for dep in s.depends_on
        if dep not in design.data_store_names
    ]
    assert calls
    for caller, callee in calls:
        assert d.label(f"function-{caller}", "event-bus") == ("event",)
        assert d.label("event-bus", f"queue-{callee}") == ("rule",)
        assert f"queue-{callee}->function-{callee}" in d.edges
    direct = [t for t in d.edges if t.startswith("function-") and "->function-" in t]
    assert direct == [], "no function calls another"
    for service in design.routed_microservices:
        assert service.route is not None
        assert d.label("api-gateway", f"function-{service.name}") == (service.route.path,)


def test_lambda_alternative_puts_waf_in_front_of_a_rest_api(rendered_dir: Path) -> None:
    # AWS WAF protects API Gateway REST APIs, not HTTP APIs.
    d = _view(rendered_dir, "lambda-alternative")
    assert "waf->api-gateway" in d.edges
    assert "REST API" in d.node_texts["api-gateway"]
    assert not _has_text(d, "HTTP API")


# Every view.

JAPANESE = {
    "aws-network": "インターネットゲートウェイ",
    "aws-edge": "ヘルスチェック",
    "app-north-south": "クライアント",
    "app-east-west": "Envoy サイドカー付き",
    "ownership": "チーム platform-infrastructure",
    "infra-control": "名前空間 argocd",
    "infra-telemetry": "名前空間 monitoring",
    "ecs-alternative": "2 タスク :8080",
    "lambda-alternative": "payments キュー",
}


@pytest.mark.parametrize("view", VIEWS)
def test_japanese_render_has_japanese_labels_and_the_same_nodes(
    rendered_dir: Path, view: str
) -> None:
    en, ja = _view(rendered_dir, view, "en"), _view(rendered_dir, view, "ja")
    # The title may wrap over lines: compare it with the picture's text run together.
    joined = "".join(ja.texts).replace(" ", "")
    assert VIEW_TITLES[view]["ja"].replace(" ", "") in joined
    assert _has_text(ja, JAPANESE[view])
    assert not _has_text(en, JAPANESE[view])
    assert set(ja.nodes) == set(en.nodes)
    assert set(ja.edges) == set(en.edges)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", VIEWS)
def test_every_label_is_set_in_the_house_font(rendered_dir: Path, view: str, lang: str) -> None:
    assert _view(rendered_dir, view, lang).fonts == {FONT}


def test_changing_the_gateway_http_node_port_changes_the_port_labels(
    write_design: Callable[[str], Path], tmp_path: Path, rendered_dir: Path, design: Design
) -> None:
    shipped = _view(rendered_dir, "app-north-south")
    assert ("HTTP :30080",) in shipped.edges[f"alb->node-{design.network.availability_zones[1]}"]
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    path = write_design(replace_once(text, "http: 30080", "http: 31080"))
    render(
        path,
        tmp_path / "out",
        views=["app-north-south"],
        views_dir=SHIPPED_DESIGN.parent / "diagrams",
    )
    for lang in LANGS:
        changed = read(tmp_path / "out" / lang / "app-north-south.svg")
        labels = [lab for found in changed.edges.values() for lab in found]
        assert ("HTTP :31080",) in labels
        assert _has_text(changed, "nodePort :31080, :30021")
        assert not _has_text(changed, "30080")


@pytest.mark.parametrize("view", VIEWS)
def test_a_picture_has_no_background_of_its_own(rendered_dir: Path, view: str) -> None:
    # The page puts each picture on a panel made for the colour scheme: a white slab
    # drawn into the SVG would stay white in the dark scheme.
    # (Graphviz draws its background as the graph's first shape, a white polygon.)
    svg = (rendered_dir / "en" / f"{view}.svg").read_text(encoding="utf-8")
    assert '<polygon fill="white"' not in svg
    assert '<polygon fill="white"' in _white_background_sample()


def _white_background_sample() -> str:
    """What Graphviz writes for a graph that keeps its default background."""
    return run_dot(find_dot(), "digraph g { a }", {}, to_stdout="svg").stdout.decode()
