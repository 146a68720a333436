"""docs/data/generic-benchmark.yaml: every entry has the shape the site renders, names only
checks refarch has, and says why in both languages wherever the design departs from the
generic benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.errors import UserInputError
from eks_refarch.site import benchmark
from tests.helpers import REPO

DATA = REPO / "docs" / "data" / "generic-benchmark.yaml"


@pytest.fixture(scope="module")
def data() -> benchmark.Comparison:
    return benchmark.load(DATA, load_builtin_checks())


def test_the_benchmark_is_named_with_its_source_and_scope(data: benchmark.Comparison) -> None:
    assert data.benchmark.url.startswith("https://")
    assert data.benchmark.scope.en.strip()
    assert data.benchmark.scope.ja.strip()


def test_each_new_aws_check_answers_some_generic_one(data: benchmark.Comparison) -> None:
    """The comparison is kept up: the checks this design adds beside a benchmark's appear."""
    named = {check for entry in data.checks for check in entry.refarch}
    for check in (
        "cloudtrail_trail_multi_region_logging",
        "cloudtrail_log_file_validation_enabled",
        "cloudtrail_trail_encrypted_with_designed_key",
        "vpc_undeclared_subnets_keep_nodes_and_data_off_internet",
        "elbv2_alb_forwards_to_gateway_nodeport",
    ):
        assert check in named, check


def test_more_generic_checks_are_answered_than_adopted(data: benchmark.Comparison) -> None:
    verdicts = [entry.verdict for entry in data.checks]
    assert verdicts.count("not-adopted") >= 20
    assert verdicts.count("adopted") >= 20


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DATA.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path = tmp_path / "generic-benchmark.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unknown_refarch_check_names_the_file_line_and_entry(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "refarch: [ec2_node_security_group_closed_to_internet]",
        "refarch: [ec2_node_security_group_closed]",
    )
    with pytest.raises(UserInputError) as caught:
        benchmark.load(path, load_builtin_checks())
    said = str(caught.value)
    assert f"{path}:" in said
    assert "checks.0.refarch.0" in said or "checks[0].refarch[0]" in said, said
    assert "'ec2_node_security_group_closed' is not a refarch check id" in said


def test_a_departure_without_a_reason_is_refused(tmp_path: Path) -> None:
    text = DATA.read_text(encoding="utf-8")
    start = text.index("    verdict: not-adopted")
    why = text.index("    why:", start)
    end = text.index("  - id:", why)
    path = tmp_path / "generic-benchmark.yaml"
    path.write_text(text[:why] + text[end:], encoding="utf-8")
    with pytest.raises(UserInputError, match="a not-adopted check says why, in en and ja"):
        benchmark.load(path, load_builtin_checks())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_tables_link_every_named_check_to_its_catalog_page(
    data: benchmark.Comparison, lang: str
) -> None:
    rendered = benchmark.render(data, lang, lambda page: f"../{page}")
    for check in {c for entry in data.checks for c in entry.refarch}:
        assert f"[`{check}`](../conformance/checks/{check}.md)" in rendered
    assert rendered.count("\n### ") + rendered.startswith("### ") == len(benchmark.VERDICTS)
    for entry in data.checks:
        assert f"`{entry.id}`" in rendered
