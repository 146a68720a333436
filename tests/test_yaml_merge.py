"""YAML 1.1 merge keys (``<<``) in user input: own keys override merged ones, the first of
several merged mappings wins, chains of merges resolve, and real duplicates stay errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eks_refarch.design import load
from eks_refarch.errors import UserInputError
from eks_refarch.yamlio import parse_text
from tests.helpers import SHIPPED_DESIGN


def data(text: str) -> Any:
    (document,) = parse_text(text, Path("in.yaml"))
    return document.data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One key overridden after the merge, and before it: the mapping's own key wins.
        ("b: &b {x: 1, y: 1}\nd:\n  <<: *b\n  y: 2\n", {"x": 1, "y": 2}),
        ("b: &b {x: 1, y: 1}\nd:\n  y: 2\n  <<: *b\n", {"x": 1, "y": 2}),
        # Several merged mappings: the first one listed wins a shared key.
        ("a: &a {x: a}\nb: &b {x: b, z: b}\nd: {<<: [*a, *b]}\n", {"x": "a", "z": "b"}),
        # A merged mapping that itself overrides its own merge keeps its override.
        ("a: &a {x: 1}\nb: &b {<<: *a, x: 2}\nd: {<<: *b, y: 3}\n", {"x": 2, "y": 3}),
        # A mapping defined inline as the merge value, then reused by an alias.
        ("a: &a {x: 1}\nc: {<<: &b {<<: *a, x: 2}}\nd: {<<: *b, y: 0}\n", {"x": 2, "y": 0}),
        # Nested values are merged whole (YAML merges one level), then overridden whole.
        ("b: &b {n: {p: 1, q: 1}}\nd: {<<: *b, n: {p: 2}}\n", {"n": {"p": 2}}),
    ],
)
def test_merge_keys_follow_yaml_1_1(text: str, expected: dict[str, Any]) -> None:
    assert data(text)["d"] == expected


def test_the_anchored_mapping_is_unchanged_by_a_merge_that_overrides_it() -> None:
    loaded = data("b: &b {x: 1}\nd: {<<: *b, x: 2}\ne: *b\n")
    assert (loaded["b"], loaded["d"], loaded["e"]) == ({"x": 1}, {"x": 2}, {"x": 1})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("d: {x: 1, x: 2}\n", "in.yaml:1: d.x: duplicate key 'x'"),
        ("b: &b {x: 1}\nd:\n  <<: *b\n  y: 1\n  y: 2\n", "in.yaml:5: d.y: duplicate key 'y'"),
        ("d: {<<: 3}\n", "d: a merge key (<<) takes a mapping or a list of mappings"),
        ("d: {<<: [{x: 1}, 2]}\n", "a merge key (<<) takes a mapping or a list of mappings"),
    ],
)
def test_duplicates_and_bad_merges_are_still_refused(text: str, message: str) -> None:
    with pytest.raises(UserInputError) as refused:
        parse_text(text, Path("in.yaml"))
    assert message in str(refused.value)


def test_a_design_written_with_a_merge_and_an_override_loads_as_written(tmp_path: Path) -> None:
    """The shape the issue reports: a node group built from a base with one key changed."""
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    original = "  node_groups:\n    - name: core\n"
    assert text.count(original) == 1
    based = text.replace(
        original,
        "  node_groups:\n    - &core\n      name: core\n",
    )
    # A second node group: the first one's settings, another name and scaling.
    tail = "      attach_to_target_group: true\n"
    assert based.count(tail) == 1
    based = based.replace(
        tail,
        tail + "    - <<: *core\n      name: burst\n      scaling: {min: 0, desired: 0, max: 4}\n"
        "      attach_to_target_group: false\n",
    )
    path = tmp_path / "architecture.yaml"
    path.write_text(based, encoding="utf-8")
    design = load(path)
    core, burst = design.eks.node_groups
    assert (burst.name, burst.scaling.max, burst.attach_to_target_group) == ("burst", 4, False)
    assert (burst.instance_types, burst.imds, burst.root_volume) == (
        core.instance_types,
        core.imds,
        core.root_volume,
    )
