"""The example report page shows what `refarch check` says of the demo account and manifests."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Finding, Severity, Status
from eks_refarch.conformance.report import Report
from eks_refarch.conformance.report.data import status_label
from eks_refarch.conformance.report.markdown import render_markdown
from eks_refarch.conformance.runner import RunResult
from eks_refarch.demo.provision import provision
from eks_refarch.demo.server import moto_server, reset
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_OK
from eks_refarch.i18n import tr
from eks_refarch.site import report
from tests.conformance.aws.test_cli_e2e import refarch
from tests.helpers import REPO, SHIPPED_DESIGN
from tests.site import sitebuild

PAGE = {"ja": "/conformance/example-report/", "en": "/en/conformance/example-report/"}
WORST_FIRST = ("fail", "error", "skip", "pass")


def _summary(lang: str) -> re.Pattern[str]:
    """The summary table, headed in the page's language."""
    headings = [status_label(Status(s), lang) for s in ("pass", "fail", "error", "skip")]
    headings.append(tr(lang, "checks"))
    return re.compile(
        r"\s*".join(f"<th[^>]*>{re.escape(h)}</th>" for h in headings)
        + r".*?<tbody>\s*<tr>\s*"
        + r"\s*".join([r"<td[^>]*>(\d+)</td>"] * 5),
        re.DOTALL,
    )


# Each check's verdict, where the page names it: under "failures and errors", in the
# table of skips, or at the top of its folded block of passes.
_CHECK_HEADING = re.compile(
    r'<a href="\.\./checks/([a-z0-9_]+)/"><code>\1</code></a>: (?:<strong>)?(\w+)'
)


@pytest.fixture(scope="module")
def direct_run(design: Design) -> dict[str, Any]:
    """The same run by way of the command: `refarch check --endpoint-url URL --manifests`."""
    with moto_server() as url:
        reset(url)  # moto's backends are shared by every emulator this process has started
        provision(url, design)
        proc = refarch("check", "--endpoint-url", url, "--manifests", "manifests", "-f", "json")
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def _shown(site: Path, lang: str) -> tuple[tuple[int, ...], dict[str, str]]:
    source = sitebuild.pages(site)[PAGE[lang]].read_text(encoding="utf-8")
    match = _summary(lang).search(source)
    assert match, "the report's summary table is not on the page"
    status_of = {status_label(s, lang): s.value for s in Status}
    verdicts = {check: status_of[label] for check, label in _CHECK_HEADING.findall(source)}
    return tuple(int(n) for n in match.groups()), verdicts


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_page_shows_the_counts_and_verdicts_of_a_direct_run(
    site: Path, direct_run: dict[str, Any], lang: str
) -> None:
    counts, verdicts = _shown(site, lang)
    summary = direct_run["summary"]
    by_check: dict[str, set[str]] = {}
    for finding in direct_run["findings"]:
        by_check.setdefault(finding["check"], set()).add(finding["status"])
    assert counts == (
        summary["pass"],
        summary["fail"],
        summary["error"],
        summary["skip"],
        len(by_check),
    )
    assert verdicts == {
        check: next(s for s in WORST_FIRST if s in statuses) for check, statuses in by_check.items()
    }


def test_the_page_covers_the_account_the_manifests_and_the_cross_layer_check(site: Path) -> None:
    _, verdicts = _shown(site, "en")
    sources = {frozenset(load_builtin_checks().get(c).sources) for c in verdicts}
    assert {frozenset({"aws"}), frozenset({"cluster"}), frozenset({"aws", "cluster"})} <= sources
    cross = [c for c in verdicts if len(load_builtin_checks().get(c).sources) > 1]
    assert cross
    assert all(verdicts[c] == "pass" for c in cross)


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_page_names_its_inputs_by_digest(site: Path, lang: str) -> None:
    text = sitebuild.parse(sitebuild.pages(site)[PAGE[lang]]).visible_text
    assert hashlib.sha256(SHIPPED_DESIGN.read_bytes()).hexdigest()[:16] in text
    inputs = report.fingerprint(SHIPPED_DESIGN, REPO / "manifests")
    assert inputs.key[:16] in text


# The cache, without the emulator: run_demo is replaced by a counter.


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []

    def fake_run(design: Design, manifests: Path) -> RunResult:
        calls.append(manifests)
        finding = Finding("vpc_cidr_matches_design", Status.PASS, "vpc-1", "fine", Severity.MEDIUM)
        return RunResult(findings=(finding,), checks=(), collections=(), seconds=0.5)

    monkeypatch.setattr(report, "run_demo", fake_run)
    return calls


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    copy = tmp_path / "manifests"
    shutil.copytree(REPO / "manifests", copy)
    return copy


def test_a_second_run_with_the_same_inputs_reads_the_cache(
    runs: list[Path], manifests: Path, design: Design, tmp_path: Path
) -> None:
    first, _ = report.cached_run(design, SHIPPED_DESIGN, manifests, tmp_path, load_builtin_checks())
    second, _ = report.cached_run(
        design, SHIPPED_DESIGN, manifests, tmp_path, load_builtin_checks()
    )
    assert len(runs) == 1
    assert second.findings == first.findings
    assert second.seconds == first.seconds


def test_a_changed_manifest_or_design_runs_the_demo_again(
    runs: list[Path], manifests: Path, design: Design, tmp_path: Path
) -> None:
    _, before = report.cached_run(
        design, SHIPPED_DESIGN, manifests, tmp_path, load_builtin_checks()
    )
    (manifests / "namespaces.yaml").write_text("# changed\n", encoding="utf-8")
    _, after = report.cached_run(design, SHIPPED_DESIGN, manifests, tmp_path, load_builtin_checks())
    changed = tmp_path / "architecture.yaml"
    changed.write_bytes(SHIPPED_DESIGN.read_bytes() + b"\n")
    _, third = report.cached_run(design, changed, manifests, tmp_path, load_builtin_checks())
    assert len(runs) == 3
    assert before.design == after.design != third.design
    assert before.manifests != after.manifests
    assert len({before.key, after.key, third.key}) == 3


def test_the_cache_keeps_only_the_most_recent_entries(
    runs: list[Path], manifests: Path, design: Design, tmp_path: Path
) -> None:
    for n in range(report.CACHE_ENTRIES + 2):
        (manifests / "extra.yaml").write_text(f"# {n}\n", encoding="utf-8")
        report.cached_run(design, SHIPPED_DESIGN, manifests, tmp_path, load_builtin_checks())
    assert len(list((tmp_path / report.CACHE_DIR).glob("*.json"))) == report.CACHE_ENTRIES


# The Markdown reporter's options for a report embedded in a page.

FINDINGS = (
    Finding("vpc_cidr_matches_design", Status.PASS, "vpc-1", "fine", Severity.MEDIUM),
    Finding("eks_endpoint_private", Status.FAIL, "cluster", "public", Severity.CRITICAL),
)


@pytest.fixture
def context() -> Report:
    result = RunResult(findings=FINDINGS, checks=(), collections=(), seconds=1.0)
    return Report.of(result, load_builtin_checks(), title="Example")


def test_the_markdown_report_starts_at_the_given_heading_level(context: Report) -> None:
    text = render_markdown(context, heading_level=2)
    assert text.startswith("## Example\n")
    assert "\n### `eks_endpoint_private`: **fail**\n" in text
    assert "\n## `" not in text


def test_the_markdown_report_links_check_ids_when_asked(context: Report) -> None:
    text = render_markdown(context, check_link=lambda c: f"checks/{c}.md")
    assert "\n## [`vpc_cidr_matches_design`](checks/vpc_cidr_matches_design.md): pass\n" in text
    assert render_markdown(context).startswith("# Example\n")
    assert "## `vpc_cidr_matches_design`: pass" in render_markdown(context)


def test_the_markdown_report_refuses_a_heading_level_markdown_lacks(
    context: Report,
) -> None:
    with pytest.raises(ValueError, match="heading_level must be 1 to 5"):
        render_markdown(context, heading_level=6)
