"""The design model's field validators and derived values, one by one."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter, ValidationError

from eks_refarch.design import Design
from eks_refarch.design.model import (
    NODE_PORT_MAX,
    NODE_PORT_MIN,
    Cidr,
    Injection,
    KubeVersion,
    NodePort,
    Port,
    Scaling,
    TargetGroup,
    Text,
    _pattern,
)


def _error(annotation: Any, value: Any) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(annotation).validate_python(value)
    [error] = caught.value.errors()
    return error["type"], error["msg"]


def test_a_pattern_accepts_a_whole_match_and_names_what_it_expected_otherwise() -> None:
    """``_pattern`` builds the validators at import, so it is called here to be tested."""
    letters = Annotated[str, _pattern(r"[a-c]+", "letters a to c")]
    assert TypeAdapter(letters).validate_python("abc") == "abc"
    assert _error(letters, "abcd") == ("pattern", "expected letters a to c")
    assert _error(letters, "") == ("pattern", "expected letters a to c")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("10.20.0.1/16", "10.20.0.1/16 has host bits set"),
        ("10.20.0.0/33", "'33' is not a valid netmask"),
    ],
)
def test_a_cidr_that_is_not_a_network_names_the_reason(value: str, reason: str) -> None:
    assert _error(Cidr, value) == (
        "cidr",
        f"expected an IPv4 CIDR block such as 10.0.0.0/16 ({reason})",
    )


def test_a_cidr_is_kept_as_written() -> None:
    assert TypeAdapter(Cidr).validate_python("10.20.0.0/16") == "10.20.0.0/16"


@pytest.mark.parametrize("port", [1, 65535])
def test_a_port_at_either_end_of_the_range_is_accepted(port: int) -> None:
    assert TypeAdapter(Port).validate_python(port) == port


@pytest.mark.parametrize("port", [0, 65536])
def test_a_port_outside_the_range_names_the_range(port: int) -> None:
    assert _error(Port, port) == ("port", "expected a TCP port between 1 and 65535")


@pytest.mark.parametrize("port", [NODE_PORT_MIN, NODE_PORT_MAX])
def test_a_node_port_at_either_end_of_the_range_is_accepted(port: int) -> None:
    assert TypeAdapter(NodePort).validate_python(port) == port


@pytest.mark.parametrize("port", [NODE_PORT_MIN - 1, NODE_PORT_MAX + 1])
def test_a_node_port_outside_the_range_names_the_range(port: int) -> None:
    assert _error(NodePort, port) == (
        "node_port",
        f"expected a nodePort inside the Kubernetes NodePort range {NODE_PORT_MIN}-{NODE_PORT_MAX}",
    )


@pytest.mark.parametrize("value", [1.3, 1])
def test_a_version_written_as_a_number_asks_for_quotes(value: float) -> None:
    assert _error(KubeVersion, value) == (
        "quoted_version",
        'expected the version in quotes, such as "1.33" (YAML reads 1.30 as the number 1.3)',
    )


def test_a_version_written_as_a_boolean_is_not_taken_for_a_number() -> None:
    assert _error(KubeVersion, True)[0] == "string_type"


def test_scaling_out_of_order_names_the_three_values() -> None:
    with pytest.raises(ValidationError) as caught:
        Scaling(min=3, desired=2, max=5)
    [error] = caught.value.errors()
    assert (error["type"], error["msg"]) == (
        "scaling_order",
        "expected min <= desired <= max, found 3 / 2 / 5",
    )
    assert Scaling(min=2, desired=2, max=2).desired == 2


def test_a_text_is_read_in_either_language() -> None:
    text = Text(en="Shop", ja="ショップ")
    assert (text["en"], text["ja"]) == ("Shop", "ショップ")


def test_subnets_of_a_tier_are_those_the_design_lists_for_it(design: Design) -> None:
    network = design.network
    for tier in ("public", "private-app", "private-data"):
        assert network.subnets_in(tier) == tuple(s for s in network.subnets if s.tier == tier)
        assert {s.az for s in network.subnets_in(tier)} == set(network.availability_zones)


def test_the_injection_label_value_is_enabled_or_the_revision() -> None:
    namespaces = ("web",)
    assert Injection(label="istio-injection", namespaces=namespaces).label_value == "enabled"
    revision = Injection(label="istio.io/rev", revision="stable", namespaces=namespaces)
    assert revision.label_value == "stable"


def test_a_target_group_outside_a_design_has_no_ports(design: Design) -> None:
    loose = TargetGroup.model_validate(
        design.edge.target_group.model_dump(
            exclude={"port", "health_check_port", "health_check_path"}
        )
    )
    with pytest.raises(RuntimeError) as caught:
        _ = loose.port
    assert str(caught.value) == "TargetGroup is only complete inside a loaded Design"


def test_routed_microservices_are_those_with_a_route(design: Design) -> None:
    routed = design.routed_microservices
    assert routed == tuple(m for m in design.microservices if m.route is not None)
    assert len(routed) < len(design.microservices)


def test_data_store_names_are_the_databases_then_the_caches(design: Design) -> None:
    assert design.data_store_names == (
        *(d.name for d in design.data.databases),
        *(c.name for c in design.data.caches),
    )
