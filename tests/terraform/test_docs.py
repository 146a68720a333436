"""The Terraform page and the check catalog say what the module and the answer table do."""

from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.design import Design
from eks_refarch.site import catalog
from eks_refarch.terraform.answers import reads_for_actions
from eks_refarch.terraform.computed import computed
from eks_refarch.terraform.reader import evaluate, read_module
from eks_refarch.terraform.render import render
from tests.helpers import REPO
from tests.terraform.conftest import MODULE

PAGES = [REPO / "docs" / lang / "terraform.md" for lang in ("en", "ja")]
VALUE_ROW = re.compile(r"^\| `(?P<design>[a-z_.]+)` \| `(?P<variable>var\.[a-z_.]+)` \|", re.M)
FILE_ROW = re.compile(r"^\| `(?P<file>[a-z]+\.tf)` \|", re.M)
# Where the design derives a value, the page names the field it is derived from.
DERIVED = {
    "mesh.ingress_gateway.node_ports.http": "edge.target_group.port",
    "mesh.ingress_gateway.node_ports.status": "edge.target_group.health_check_port",
    "mesh.ingress_gateway.readiness_path": "edge.target_group.health_check_path",
}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_each_design_value_on_the_page_is_what_its_variable_holds(
    page: Path, design: Design
) -> None:
    module = read_module(MODULE, computed)
    rows = VALUE_ROW.findall(page.read_text(encoding="utf-8"))
    assert len(rows) >= 10
    for path, variable in rows:
        value = reduce(getattr, DERIVED.get(path, path).split("."), design)
        assert evaluate(module, variable) == value, f"{variable} is not design {path}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_the_layout_on_the_page_is_the_rendered_files(page: Path, design: Design) -> None:
    listed = FILE_ROW.findall(page.read_text(encoding="utf-8"))
    assert listed == [f.path for f in render(design)]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_each_aws_check_page_names_what_it_reads_in_a_terraform_module(lang: str) -> None:
    registry = load_builtin_checks()
    for spec in registry.checks():
        page = catalog.page(spec, registry, lang, lambda target: target, "ADR")
        if Source.AWS not in spec.sources:
            assert "--terraform" not in page
            continue
        actions = [a for kind in spec.needs for a in registry.collector_for(kind).actions]
        reads = reads_for_actions(actions)
        assert reads, spec.id
        assert all(f"`{r}`" in page for r in reads), spec.id
