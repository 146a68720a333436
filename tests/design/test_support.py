"""Support calendars: validate warns about designed versions out of standard support on a
day, and the EKS cluster-version check judges by the same calendar."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from eks_refarch.cli import run
from eks_refarch.conformance.aws.eks import eks_cluster_version_at_least_floor
from eks_refarch.conformance.aws.facts import EksCluster
from eks_refarch.conformance.facts import Facts
from eks_refarch.conformance.model import Status
from eks_refarch.design import load, support
from eks_refarch.errors import UserInputError
from eks_refarch.manifests.charts import CHARTS
from tests.conformance.aws.account import conforming
from tests.helpers import SHIPPED_DESIGN, replace_once

CALENDAR = support.calendars()


def _validate(path: Path, today: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["design", "validate", str(path), "--today", today])
    return code, capsys.readouterr().err


def test_every_designed_version_and_pinned_chart_is_in_its_calendar() -> None:
    design = load(SHIPPED_DESIGN)
    pinned = [(c.chart, c.version) for c in CHARTS if c.version != "istio"]
    missing = [v.field for v in support.designed_versions(design, pinned) if v.release is None]
    assert not missing


def test_validate_warns_without_failing_when_the_kubernetes_floor_left_standard_support(
    write_design: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    floor = load(SHIPPED_DESIGN).eks.version_floor
    path = write_design(replace_once(text, f'version_floor: "{floor}"', 'version_floor: "1.32"'))
    end = CALENDAR.kubernetes.versions["1.32"].end_of_standard_support
    code, err = _validate(path, (end + datetime.timedelta(days=1)).isoformat(), capsys)
    assert code == 0
    assert f"warning: eks.version_floor: Kubernetes 1.32 left standard support on {end}" in err
    code, err = _validate(path, end.isoformat(), capsys)
    assert code == 0
    assert "eks.version_floor" not in err


def test_validate_names_each_chart_and_istio_once_their_support_ended(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = _validate(SHIPPED_DESIGN, "2030-01-01", capsys)
    assert code == 0
    for chart in CHARTS:
        field = "mesh.istio_version" if chart.version == "istio" else f"charts.{chart.chart}"
        assert f"warning: {field}:" in err
    early = min(r.released for c in CALENDAR.charts.charts.values() for r in c.versions.values())
    code, err = _validate(SHIPPED_DESIGN, early.isoformat(), capsys)
    assert "warning" not in err


def test_validate_rejects_a_malformed_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["design", "validate", str(SHIPPED_DESIGN), "--today", "2026-13-01"]) != 0
    assert "Traceback" not in capsys.readouterr().err


def _cluster_at(version: str) -> Facts:
    eks = conforming()[EksCluster]
    assert eks.cluster is not None
    return Facts({EksCluster: replace(eks, cluster=replace(eks.cluster, version=version))})


# Judged on the day the calendar was recorded: ended before it fails, ends after it passes.
EXPECTED = {
    version: Status.PASS
    if release.end_of_standard_support >= CALENDAR.kubernetes.recorded
    else Status.FAIL
    for version, release in CALENDAR.kubernetes.versions.items()
}


def test_the_calendar_holds_versions_in_and_out_of_standard_support() -> None:
    assert set(EXPECTED.values()) == {Status.PASS, Status.FAIL}


@pytest.mark.parametrize(("version", "status"), sorted(EXPECTED.items()))
def test_cluster_version_check_reads_the_eks_calendar(version: str, status: Status) -> None:
    shipped = load(SHIPPED_DESIGN)
    lowest = support.by_version(CALENDAR.kubernetes.versions)[0][0]
    design = shipped.model_copy(
        update={"eks": shipped.eks.model_copy(update={"version_floor": lowest})}
    )
    (result,) = eks_cluster_version_at_least_floor(_cluster_at(f"{version}.7"), design)
    assert result.status is status
    end = CALENDAR.kubernetes.versions[version].end_of_standard_support.isoformat()
    assert end in str(result.message)


def test_cluster_version_check_fails_below_the_floor_even_in_standard_support() -> None:
    design = load(SHIPPED_DESIGN)
    below = [v for v, s in EXPECTED.items() if s is Status.PASS and v < design.eks.version_floor]
    for version in below or ["1.9"]:
        (result,) = eks_cluster_version_at_least_floor(_cluster_at(version), design)
        assert result.status is Status.FAIL
        assert "below the design's floor" in str(result.message)


def test_a_warning_names_what_lapsed_and_the_calendar_that_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, err = _validate(SHIPPED_DESIGN, "2030-01-01", capsys)
    istio = support.minor(load(SHIPPED_DESIGN).mesh.istio_version)
    end = CALENDAR.istio.versions[istio].end_of_standard_support
    assert f"mesh.istio_version: Istio {istio} left standard support on {end}" in err
    assert f"({CALENDAR.istio.source})" in err
    floor = load(SHIPPED_DESIGN).eks.version_floor
    assert f"eks.version_floor: Kubernetes {floor} left standard support on " in err
    assert f"({CALENDAR.kubernetes.source})" in err
    chart = next(c for c in CHARTS if c.version != "istio")
    assert f"charts.{chart.chart}: chart {chart.chart} {chart.version} left standard" in err
    assert f"({CALENDAR.charts.charts[chart.chart].source})" in err


def test_a_chart_missing_from_the_calendar_lapses_with_its_end_unknown() -> None:
    design = load(SHIPPED_DESIGN)
    versions = list(support.designed_versions(design, [("nowhere", "9.9.9")]))
    (missing,) = [v for v in versions if v.release is None]
    (lapse,) = [
        lapse
        for lapse in support.lapses(versions, datetime.date(2000, 1, 1))
        if lapse.release is None
    ]
    assert str(lapse) == (
        "charts.nowhere: chart nowhere 9.9.9 is not in the support calendar (support.yaml); "
        "its end of standard support is unknown"
    )
    assert missing.source == "support.yaml"


@pytest.mark.parametrize("estimated", [True, False])
def test_a_lapse_says_when_its_end_of_support_was_estimated(estimated: bool) -> None:
    release = support.Release(
        released=datetime.date(2024, 1, 1),
        end_of_standard_support=datetime.date(2025, 1, 1),
        estimated=estimated,
    )
    lapse = support.Lapse("charts.loki", "chart loki 6.0.0", release, "https://example.org")
    note = " (estimated)" if estimated else ""
    assert str(lapse) == (
        f"charts.loki: chart loki 6.0.0 left standard support on 2025-01-01{note} "
        "(https://example.org)"
    )


def test_versions_sort_by_their_numbers_with_a_part_that_is_no_number_first() -> None:
    release = CALENDAR.kubernetes.versions[support.by_version(CALENDAR.kubernetes.versions)[0][0]]
    releases = dict.fromkeys(["1.10", "1.1", "1.x", "1.9"], release)
    assert [v for v, _ in support.by_version(releases)] == ["1.x", "1.1", "1.9", "1.10"]


def test_the_calendar_file_reads_back_as_the_calendars() -> None:
    read = support.load_data(support.CALENDAR_FILE, support.Calendars, "support calendar")
    assert read == CALENDAR


def test_a_malformed_calendar_names_its_file_line_field_and_what_was_wrong(tmp_path: Path) -> None:
    text = support.CALENDAR_FILE.read_text(encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "released: " in s)
    broken = tmp_path / "support.yaml"
    lines = text.splitlines()
    version = lines[line - 1].split('"')[1]
    lines[line - 1] = re.sub(r"released: [0-9-]+", "released: someday", lines[line - 1])
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        support.calendars(broken)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{broken}:{line}: kubernetes.versions.{version}.released: ")
    assert "date" in problem.message


def test_an_empty_calendar_file_is_named_as_the_support_calendar(tmp_path: Path) -> None:
    empty = tmp_path / "support.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UserInputError, match="the support calendar file is empty"):
        support.calendars(empty)
