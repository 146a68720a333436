"""What the loader says about a design that fails field validation, exactly, field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from eks_refarch.design import Design, load
from eks_refarch.design.loader import _allowed_fields
from eks_refarch.design.model import Owner, Route, Subnet, TargetGroup, Text
from eks_refarch.errors import UserInputError
from tests.design.test_model import _problems, _set
from tests.helpers import REPO, SHIPPED_DESIGN


def _located(data: dict[str, Any], tmp_path: Path) -> list[str]:
    """The problems without their ``file:line`` prefix (test_model checks that part)."""
    return [p.split(": ", 1)[1] for p in _problems(data, tmp_path)]


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _item(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        node = node[int(key) if key.isdigit() else key]
    return node


@pytest.mark.parametrize(
    ("parent", "model"),
    [
        ("", Design),
        ("edge.target_group", TargetGroup),
        ("network.subnets.0", Subnet),
        ("owners.{owner}", Owner),
        ("microservices.0.route", Route),
        ("platform.components.0.why", Text),
    ],
    ids=["top", "section", "list-item", "mapping-value", "optional", "text"],
)
def test_an_unknown_field_lists_the_fields_expected_there(
    design_data: dict[str, Any], tmp_path: Path, parent: str, model: type[BaseModel]
) -> None:
    parent = parent.format(owner=next(iter(design_data["owners"])))
    node = _item(design_data, parent) if parent else design_data
    node["port"] = 30080  # a scalar: the message does not echo an unknown field's value
    dotted = parent.replace(".0", "[0]") + "." if parent else ""
    assert _located(design_data, tmp_path) == [
        f"{dotted}port: unknown field (expected one of: {_fields(model)})"
    ]


@pytest.mark.parametrize(
    ("loc", "model"),
    [
        ((), Design),
        (("owners", "anyone"), Owner),
        (("network", "subnets", 3), Subnet),
        (("microservices", 0, "route"), Route),
        (("product", "name"), None),  # a string, not a model
        (("product", "name", "more"), None),
        (("network", "nowhere"), None),
    ],
)
def test_the_fields_allowed_at_a_path_are_those_of_its_model(
    loc: tuple[str | int, ...], model: type[BaseModel] | None
) -> None:
    assert _allowed_fields(loc) == (list(model.model_fields) if model else [])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("product.name", 5, "expected a string, found 5"),
        ("product.name", 1.5, "expected a string, found 1.5"),
        ("product.name", None, "expected a string, found None"),
        ("product.name", "", "expected a non-empty string, found ''"),
        ("microservices.0.port", "80", "expected an integer, found '80'"),
        ("edge.alb.deletion_protection", "yes", "expected true or false, found 'yes'"),
        (
            "network.availability_zones",
            "ap-northeast-1a",
            "expected a list, found 'ap-northeast-1a'",
        ),
        ("owners", ["terraform"], "expected a mapping"),
        ("product", "sakura", "expected a mapping, found 'sakura'"),
        ("edge.alb.scheme", "public", "expected 'internet-facing' or 'internal', found 'public'"),
        (
            "microservices.0.replicas",
            0,
            "expected a value that is greater than or equal to 1, found 0",
        ),
        ("network.availability_zones", ["ap-northeast-1a"], "expected at least 2 items"),
        ("eks.node_groups", [], "expected at least 1 item"),
    ],
)
def test_a_field_error_says_what_was_expected_and_the_scalar_found(
    design_data: dict[str, Any], tmp_path: Path, field: str, value: Any, message: str
) -> None:
    _set(design_data, field, value)
    dotted = ".".join(f"[{p}]" if p.isdigit() else p for p in field.split(".")).replace(".[", "[")
    assert _located(design_data, tmp_path) == [f"{dotted}: {message}"]


def test_a_missing_field_is_named_without_what_surrounds_it(
    design_data: dict[str, Any], tmp_path: Path
) -> None:
    del design_data["product"]["name"]
    assert _located(design_data, tmp_path) == ["product.name: required field is missing"]


def test_an_empty_list_beside_another_error_reports_both(
    design_data: dict[str, Any], tmp_path: Path
) -> None:
    """Only a "too short" that echoes errors inside its own list is left out."""
    design_data["eks"]["node_groups"] = []
    design_data["eks"]["cluster_name"] = "Not_A_Label"
    assert sorted(_located(design_data, tmp_path)) == sorted(
        [
            "eks.node_groups: expected at least 1 item",
            "eks.cluster_name: expected a lowercase DNS label (letters, digits and '-', "
            "at most 63 characters), found 'Not_A_Label'",
        ]
    )


def test_a_document_that_is_not_a_mapping_is_named(tmp_path: Path) -> None:
    path = tmp_path / "architecture.yaml"
    path.write_text("- product\n- network\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: expected a mapping of design sections"
    ]
    assert caught.value.problems[0].loc == ()  # the whole document, as a tuple like any loc


def test_load_reads_architecture_yaml_of_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    assert load() == load(SHIPPED_DESIGN)


def test_a_directory_given_as_the_design_is_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as caught:
        load(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}: expected a design file, found a directory"
    ]
