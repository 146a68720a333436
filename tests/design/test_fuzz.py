"""Hypothesis: no input, however malformed, makes the loader raise anything but a
UserInputError whose every problem names the file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_refarch.design import load
from eks_refarch.errors import UserInputError
from tests.helpers import SHIPPED_DESIGN

BASE: dict[str, Any] = yaml.safe_load(SHIPPED_DESIGN.read_text(encoding="utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            out += _paths(child, (*prefix, i))
    return out


PATHS = _paths(BASE)


def _check(path: Path, *, field_named: bool = False) -> None:
    try:
        load(path)
    except UserInputError as exc:
        problems = exc.problems
    else:
        return
    assert problems
    for problem in problems:
        assert problem.path == path
        assert problem.message
        if field_named:
            assert problem.loc, f"no field named in {problem}"
            assert problem.line is not None, f"no line in {problem}"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_arbitrary_text_never_raises_anything_else(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    _check(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise_anything_else(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    _check(path)


Edits = list[tuple[tuple[Any, ...], Any]]


def edits(paths: list[tuple[Any, ...]]) -> st.SearchStrategy[Edits]:
    """One to three (path, new value) pairs among ``paths``."""
    return st.lists(st.tuples(st.sampled_from(paths), values), min_size=1, max_size=3)


def mutate(base: Any, changes: Edits, delete: bool) -> Any:
    """A copy of ``base`` with each path set to its new value (or its key deleted)."""
    data = copy.deepcopy(base)
    for where, value in changes:
        node: Any = data
        try:
            for key in where[:-1]:
                node = node[key]
            if delete and isinstance(node, dict):
                node.pop(where[-1], None)
            else:
                node[where[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced this branch
    return data


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=edits(PATHS), delete=st.booleans())
def test_mutated_designs_fail_cleanly_with_the_field_named(
    tmp_path: Path, changes: Edits, delete: bool
) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(
        yaml.safe_dump(mutate(BASE, changes, delete), allow_unicode=True), encoding="utf-8"
    )
    _check(path, field_named=True)
