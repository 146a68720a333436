"""docs/data/generic-benchmark.yaml: every entry has the shape the site renders, names only
checks refarch has, and says why in both languages wherever the design departs from the
generic benchmark."""

from __future__ import annotations

import re
from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.yamlio import load_document
from tests.helpers import REPO

DATA = REPO / "docs" / "data" / "generic-benchmark.yaml"
VERDICTS = {"adopted", "narrowed", "not-adopted"}
PROWLER_ID = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")
CIS_SECTION = re.compile(r"\d+(\.\d+)+")


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = load_document(DATA, what="benchmark data").data
    return loaded


def test_the_benchmark_is_named_with_its_source_and_scope(data: dict[str, Any]) -> None:
    benchmark = data["benchmark"]
    assert benchmark["url"].startswith("https://")
    assert set(benchmark["scope"]) == {"en", "ja"}


def test_every_entry_has_the_shape_the_site_renders(data: dict[str, Any]) -> None:
    known = {c.id for c in load_builtin_checks().checks()}
    ids = [entry["id"] for entry in data["checks"]]
    assert len(ids) == len(set(ids))
    for entry in data["checks"]:
        assert set(entry) <= {"id", "cis", "verdict", "refarch", "why"}, entry["id"]
        assert PROWLER_ID.fullmatch(entry["id"]), entry["id"]
        assert entry["verdict"] in VERDICTS, entry["id"]
        assert "cis" not in entry or CIS_SECTION.fullmatch(entry["cis"]), entry["id"]
        assert set(entry.get("refarch", ())) <= known, entry["id"]
        if entry["verdict"] == "adopted":
            assert entry["refarch"], entry["id"]
        else:
            assert set(entry["why"]) == {"en", "ja"}, entry["id"]
            assert all(entry["why"][lang].strip() for lang in ("en", "ja")), entry["id"]


def test_each_new_aws_check_answers_some_generic_one(data: dict[str, Any]) -> None:
    """The comparison is kept up: the checks this design adds beside a benchmark's appear."""
    named = {check for entry in data["checks"] for check in entry.get("refarch", ())}
    for check in (
        "cloudtrail_trail_multi_region_logging",
        "cloudtrail_log_file_validation_enabled",
        "cloudtrail_trail_encrypted_with_designed_key",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
        "elbv2_alb_forwards_to_gateway_nodeport",
    ):
        assert check in named, check


def test_more_generic_checks_are_answered_than_adopted(data: dict[str, Any]) -> None:
    verdicts = [entry["verdict"] for entry in data["checks"]]
    assert verdicts.count("not-adopted") >= 20
    assert verdicts.count("adopted") >= 20
