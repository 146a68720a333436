"""Every argument and nested block of terraform/ is one the AWS provider documents.

tests/data/terraform/terraform-aws-arguments.json lists them per resource type, read from
the provider's documentation (see its README.md). Without a Terraform binary, this is
what catches a misspelt argument before `terraform validate` would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lark import Tree

from eks_refarch.terraform.reader import _children, _labels, _name, _trees, read_module
from tests.helpers import REPO
from tests.terraform.conftest import MODULE

DOCUMENTED = json.loads(
    (REPO / "tests/data/terraform/terraform-aws-arguments.json").read_text(encoding="utf-8")
)["resources"]
# Terraform's own arguments, valid in every resource block.
META = {"count", "for_each", "depends_on", "provider", "lifecycle"}
# Data sources the module reads, each without arguments (the provider documents none
# that the module would need: they read the caller, the partition and the region).
DATA_SOURCES = {"aws_caller_identity", "aws_partition", "aws_elb_service_account"}


def names(body: Tree[Any], path: str) -> Iterator[tuple[str, str]]:
    """(path, name) for every argument and block in ``body``, dynamic blocks by label."""
    for node in _trees(body):
        if node.data == "attribute":
            yield path, _name(_children(node)[0])
        elif node.data == "block":
            kind = _name(_children(node)[0])
            inner = next(c for c in _trees(node) if c.data == "body")
            if kind == "dynamic":
                kind = _labels(node)[0]
                content = next(
                    c
                    for c in _trees(inner)
                    if c.data == "block" and _name(_children(c)[0]) == "content"
                )
                inner = next(c for c in _trees(content) if c.data == "body")
            yield path, kind
            if path or kind not in META:
                yield from names(inner, f"{path}.{kind}" if path else kind)


def undocumented(directory: Path) -> list[str]:
    """Each argument or block of the module that the documentation does not list."""
    module = read_module(directory)
    found = []
    for declaration in module.declarations.values():
        body = next(c for c in _trees(declaration.body) if c.data == "body")
        where = f"{declaration.source} {declaration.address}"
        if declaration.mode == "data":
            if declaration.type not in DATA_SOURCES or list(names(body, "")):
                found.append(f"{where}: data source not expected, or given arguments")
            continue
        spec = DOCUMENTED.get(declaration.type)
        if spec is None:
            found.append(f"{where}: resource type not in the documented list")
            continue
        for path, name in names(body, ""):
            if not path:
                allowed = set(spec["arguments"]) | META
            elif path.split(".")[0] == "lifecycle":
                continue
            else:
                allowed = set(spec["blocks"].get(path, ()))
            if name not in allowed:
                found.append(f"{where}: {'.'.join(filter(None, (path, name)))}")
    return found


def test_every_argument_and_block_of_the_module_is_documented() -> None:
    assert undocumented(MODULE) == []


def test_the_module_uses_every_resource_type_only_from_the_documented_list() -> None:
    module = read_module(MODULE)
    types = {d.type for d in module.declarations.values() if d.mode == "resource"}
    assert types <= set(DOCUMENTED)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "drop_invalid_header_fields = var.alb",
            "drop_invalid_headers = var.alb",
            "aws_lb.edge: drop_invalid_headers",
        ),
        ("http_tokens                 = each", "http_token = each", "metadata_options.http_token"),
        ('resource "aws_lb" "edge"', 'resource "aws_alb_v3" "edge"', "resource type not in"),
    ],
)
def test_an_undocumented_name_is_reported(
    module_copy: Path, old: str, new: str, expected: str
) -> None:
    for path in module_copy.glob("*.tf"):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            break
    else:
        pytest.fail(f"{old!r} is in no file of the module")
    assert any(expected in line for line in undocumented(module_copy))
