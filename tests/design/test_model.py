"""The design model: the shipped file validates, derived values are derived, and each
cross-field rule rejects a broken design with a message that names the field and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_refarch.design import Design, load
from eks_refarch.errors import UserInputError
from tests.helpers import SHIPPED_DESIGN, line_of, replace_once


def test_shipped_design_validates(design: Design) -> None:
    assert design.product.region == "ap-northeast-1"
    assert len(design.network.availability_zones) == 3
    assert 4 <= len(design.microservices) <= 6


def test_target_group_ports_are_the_gateway_node_ports(design: Design) -> None:
    gateway = design.mesh.ingress_gateway
    assert design.edge.target_group.port == gateway.node_ports.http
    assert design.edge.target_group.health_check_port == gateway.node_ports.status
    assert design.edge.target_group.health_check_path == "/healthz/ready"


def test_changing_the_node_port_changes_the_derived_target_group_port(
    write_design: Callable[[str], Path],
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    changed = load(write_design(replace_once(text, "http: 30080", "http: 31080")))
    assert changed.edge.target_group.port == 31080


def test_derived_values_appear_in_the_dump(design: Design) -> None:
    dumped = design.model_dump(mode="json")
    assert dumped["edge"]["target_group"]["port"] == design.mesh.ingress_gateway.node_ports.http
    assert dumped["registry"]["repositories"] == [
        f"{design.registry.repository_prefix}/{m.name}" for m in design.microservices
    ]


def test_derived_values_cannot_be_written_in_the_file(
    design_data: dict[str, Any], tmp_path: Path
) -> None:
    design_data["edge"]["target_group"]["port"] = 30080
    problems = _problems(design_data, tmp_path)
    assert any("edge.target_group.port: unknown field" in p for p in problems), problems


def test_node_port_outside_the_range_names_the_field_and_its_line(
    write_design: Callable[[str], Path],
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    path = write_design(replace_once(text, "http: 30080", "http: 29999"))
    with pytest.raises(UserInputError) as exc:
        load(path)
    assert len(exc.value.problems) == 1
    problem = exc.value.problems[0]
    assert problem.line == line_of(text, "http: 30080")
    assert str(problem) == (
        f"{path}:{problem.line}: mesh.ingress_gateway.node_ports.http: expected a nodePort "
        "inside the Kubernetes NodePort range 30000-32767, found 29999"
    )


def _problems(data: dict[str, Any], tmp_path: Path) -> list[str]:
    path = tmp_path / "architecture.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(UserInputError) as exc:
        load(path)
    return [str(p) for p in exc.value.problems]


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys: list[Any] = [int(k) if k.isdigit() else k for k in dotted.split(".")]
    node: Any = data
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


def _subnet_outside_vpc(d: dict[str, Any]) -> None:
    d["network"]["subnets"][7]["cidr"] = "10.99.65.0/24"


def _overlapping_subnets(d: dict[str, Any]) -> None:
    d["network"]["subnets"][1]["cidr"] = "10.20.0.128/25"


def _two_public_subnets_in_one_az(d: dict[str, Any]) -> None:
    d["network"]["subnets"][1]["az"] = "ap-northeast-1a"


def _same_node_port_twice(d: dict[str, Any]) -> None:
    d["mesh"]["ingress_gateway"]["node_ports"]["status"] = 30080


def _namespace_not_injected(d: dict[str, Any]) -> None:
    d["microservices"][4]["namespace"] = "billing"


def _unknown_decision(d: dict[str, Any]) -> None:
    d["platform"]["components"][0]["decision"] = "ADR-0999"


def _governs_nothing(d: dict[str, Any]) -> None:
    d["decisions"][1]["governs"].append("edge.loadbalancer")


def _duplicate_component(d: dict[str, Any]) -> None:
    d["platform"]["components"][1]["name"] = "argo-cd"


def _service_named_like_a_store(d: dict[str, Any]) -> None:
    d["microservices"][4]["name"] = "orders-db"
    d["microservices"][3]["depends_on"] = ["orders-db"]
    d["data"]["secrets"][0]["used_by"] = []


def _dangling_dependency(d: dict[str, Any]) -> None:
    d["microservices"][0]["depends_on"].append("inventory")


def _unknown_kms_alias(d: dict[str, Any]) -> None:
    d["data"]["databases"][0]["kms_key"] = "alias/other"


def _unknown_owner(d: dict[str, Any]) -> None:
    d["edge"]["owner"] = "cloudformation"


def _open_public_endpoint(d: dict[str, Any]) -> None:
    d["eks"]["endpoint"]["public_access"] = True


def _host_outside_the_certificate(d: dict[str, Any]) -> None:
    d["microservices"][1]["route"]["host"] = "a.b.shop.example.com"


def _two_services_on_one_route(d: dict[str, Any]) -> None:
    d["microservices"][2]["route"]["path"] = "/api/catalog"


def _internal_tier_for_internet_facing_alb(d: dict[str, Any]) -> None:
    d["edge"]["alb"]["subnet_tier"] = "private-app"


def _gateway_namespace_injected(d: dict[str, Any]) -> None:
    d["mesh"]["injection"]["namespaces"].append("istio-ingress")


CROSS_FIELD_CASES: list[tuple[Callable[[dict[str, Any]], None], str, str]] = [
    (_subnet_outside_vpc, "network.subnets[7].cidr", "is not inside the VPC CIDR 10.20.0.0/16"),
    (_overlapping_subnets, "network.subnets[1].cidr", "overlaps network.subnets[0]"),
    (
        _two_public_subnets_in_one_az,
        "network.subnets[1]",
        "a second public subnet in ap-northeast-1a",
    ),
    (
        _same_node_port_twice,
        "mesh.ingress_gateway.node_ports.status",
        "distinct from node_ports.http",
    ),
    (_namespace_not_injected, "microservices[4].namespace", "'billing' is not injection-labelled"),
    (_unknown_decision, "platform.components[0].decision", "found 'ADR-0999'"),
    (_governs_nothing, "decisions[1].governs[3]", "'edge.loadbalancer', which does not resolve"),
    (_duplicate_component, "platform.components[1].name", "component name 'argo-cd' is used twice"),
    (
        _service_named_like_a_store,
        "data.databases[1].name",
        "'orders-db' is already used by a microservice",
    ),
    (_dangling_dependency, "microservices[0].depends_on[3]", "found 'inventory'"),
    (_unknown_kms_alias, "data.databases[0].kms_key", "found 'alias/other'"),
    (_unknown_owner, "edge.owner", "found 'cloudformation'"),
    (_open_public_endpoint, "eks.endpoint.public_access_cidrs", "an open endpoint is not a design"),
    (
        _host_outside_the_certificate,
        "microservices[1].route.host",
        "not covered by the certificate",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    CROSS_FIELD_CASES,
    ids=[case[0].__name__.strip("_") for case in CROSS_FIELD_CASES],
)
def test_cross_field_rule_rejects_a_broken_design(
    design_data: dict[str, Any],
    tmp_path: Path,
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    message: str,
) -> None:
    mutate(design_data)
    problems = _problems(design_data, tmp_path)
    matching = [p for p in problems if f": {field}: " in p and message in p]
    assert matching, problems
    assert all(":" in p.split(f": {field}")[0] for p in matching)  # file:line prefix


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("eks.version_floor", 1.30, 'expected the version in quotes, such as "1.33"'),
        ("network.vpc_cidr", "10.20.0.1/16", "expected an IPv4 CIDR block"),
        ("edge.alb.deletion_protection", "yes", "expected true or false, found 'yes'"),
        ("edge.alb.scheme", "public", "expected 'internet-facing' or 'internal', found 'public'"),
        ("mesh.ingress_gateway.service_type", "LoadBalancer", "expected 'NodePort'"),
        ("microservices.0.port", 70000, "expected a TCP port between 1 and 65535"),
        ("eks.node_groups.0.scaling.min", 9, "expected min <= desired <= max"),
        ("product.region", "tokyo", "expected an AWS region"),
    ],
)
def test_field_rules_name_what_was_expected_and_found(
    design_data: dict[str, Any], tmp_path: Path, field: str, value: Any, message: str
) -> None:
    _set(design_data, field, value)
    problems = _problems(design_data, tmp_path)
    assert len(problems) == 1, problems
    assert message in problems[0]


def test_an_empty_list_is_reported_once(design_data: dict[str, Any], tmp_path: Path) -> None:
    design_data["eks"]["node_groups"] = []
    problems = _problems(design_data, tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].endswith(": eks.node_groups: expected at least 1 item")


def test_missing_section_is_named(design_data: dict[str, Any], tmp_path: Path) -> None:
    del design_data["mesh"]
    problems = _problems(design_data, tmp_path)
    assert any(p.endswith("mesh: required field is missing") for p in problems), problems


def test_every_problem_is_reported_not_just_the_first(
    design_data: dict[str, Any], tmp_path: Path
) -> None:
    _subnet_outside_vpc(design_data)
    _dangling_dependency(design_data)
    _unknown_owner(design_data)
    assert len(_problems(design_data, tmp_path)) == 3


def test_design_is_immutable(design: Design) -> None:
    with pytest.raises(ValueError, match="frozen"):
        design.product.name = "other"  # type: ignore[misc]


def test_a_lookup_finds_what_the_design_names(design: Design) -> None:
    first = design.decisions[0]
    assert design.decision(first.id) is first
    service = design.microservices[-1]
    assert design.microservice(service.name) is service
    component = design.platform.components[-1]
    assert design.component(component.name) is component


@pytest.mark.parametrize(
    ("kind", "known"),
    [
        ("decision", lambda d: [x.id for x in d.decisions]),
        ("microservice", lambda d: [x.name for x in d.microservices]),
        ("component", lambda d: [x.name for x in d.platform.components]),
    ],
)
def test_a_lookup_of_a_name_the_design_lacks_names_it_and_what_there_is(
    design: Design, kind: str, known: Callable[[Design], list[str]]
) -> None:
    with pytest.raises(ValueError, match=f"the design has no {kind} 'no-such'") as caught:
        getattr(design, kind)("no-such")
    assert str(caught.value).endswith(f"(it has {', '.join(known(design))})")
