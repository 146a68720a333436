"""Reports over accounts: JSON adds the account and a per-account summary, every other
format groups by account, OpenMetrics parses with the Prometheus client's parsers."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Finding, Severity, Status
from eks_refarch.conformance.report import RENDERERS, Report
from eks_refarch.conformance.report.data import AccountSummary
from eks_refarch.conformance.report.json import read_accounts_json
from eks_refarch.conformance.report.markdown import render_markdown
from eks_refarch.conformance.report.openmetrics import METRICS
from eks_refarch.conformance.report.text import WIDTH, render_text
from eks_refarch.errors import UserInputError

REGISTRY = load_builtin_checks()
A, B = "111111111111", "222222222222"
FINDINGS = (
    Finding("eks_endpoint_private", Status.PASS, "cluster c", "ok", Severity.HIGH, A),
    Finding("vpc_flow_logs_enabled", Status.PASS, "vpc v", "ok", Severity.MEDIUM, A),
    Finding("eks_endpoint_private", Status.FAIL, "cluster c", 'mark-b "on"\n', Severity.HIGH, B),
    Finding("vpc_flow_logs_enabled", Status.ERROR, "vpc v", "denied", Severity.MEDIUM, B),
)
CHECKS = {s.id: s for s in REGISTRY.checks() if s.id in {f.check for f in FINDINGS}}
REPORT = Report(
    findings=FINDINGS,
    checks=CHECKS,
    seconds=3.5,
    lang="en",
    accounts=(AccountSummary(A, "prod", 1.25), AccountSummary(B, "dev", 2.5)),
    design_digest="sha256:abc",
    shard="1/2",
)


def test_json_adds_the_account_and_a_summary_per_account(tmp_path: Path) -> None:
    document = json.loads(RENDERERS["json"](REPORT))
    assert document["summary"] == {"pass": 2, "fail": 1, "error": 1, "skip": 0}
    assert [f["account"] for f in document["findings"]] == [A, A, B, B]
    assert document["accounts"] == [
        {
            "id": A,
            "name": "prod",
            "summary": {"pass": 2, "fail": 0, "error": 0, "skip": 0},
            "seconds": 1.25,
        },
        {
            "id": B,
            "name": "dev",
            "summary": {"pass": 0, "fail": 1, "error": 1, "skip": 0},
            "seconds": 2.5,
        },
    ]
    back = read_accounts_json(RENDERERS["json"](REPORT), tmp_path / "r.json")
    assert back.findings == tuple(
        Finding(f.check, f.status, f.resource, str(f.message), f.severity, f.account)
        for f in FINDINGS
    )
    assert back.accounts == REPORT.accounts
    assert (back.design, back.shard) == ("sha256:abc", "1/2")


def test_json_over_accounts_keeps_the_language_and_the_seconds_to_the_millisecond(
    tmp_path: Path,
) -> None:
    timed = dataclasses.replace(
        REPORT,
        seconds=3.14159,
        lang="ja",
        accounts=(AccountSummary(A, "prod", 1.23456), AccountSummary(B, "dev", 2.0)),
    )
    text = RENDERERS["json"](timed)
    document = json.loads(text)
    assert (document["lang"], document["seconds"]) == ("ja", 3.142)
    assert [a["seconds"] for a in document["accounts"]] == [1.235, 2.0]
    back = read_accounts_json(text, tmp_path / "r.json")
    assert (back.lang, back.seconds) == ("ja", 3.142)
    assert [a.seconds for a in back.accounts] == [1.235, 2.0]


def _merge_problem(text: str) -> str:
    with pytest.raises(UserInputError) as caught:
        read_accounts_json(text, Path("shards/1.json"))
    (problem,) = caught.value.problems
    return str(problem)


def test_a_shard_that_is_not_json_is_a_user_error_naming_the_file_and_the_line() -> None:
    assert _merge_problem('{\n  "summary": {},\n  oops\n}').startswith(
        "shards/1.json:3: not a JSON report: "
    )


def test_a_shard_account_without_seconds_is_a_user_error_naming_the_file_and_the_field() -> None:
    document = json.loads(RENDERERS["json"](REPORT))
    del document["accounts"][1]["seconds"]
    assert _merge_problem(json.dumps(document)) == (
        "shards/1.json: accounts[1].seconds: Field required (a refarch JSON report)"
    )


def test_a_report_of_one_account_is_no_shard_and_the_error_says_how_to_write_one() -> None:
    single = Report(findings=FINDINGS[:2], checks=CHECKS, seconds=1)
    assert _merge_problem(RENDERERS["json"](single)) == (
        "shards/1.json: accounts: not a report over accounts (written by refarch check "
        "--accounts or --organization with --format json)"
    )


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_human_formats_have_a_section_per_account(fmt: str) -> None:
    text = RENDERERS[fmt](REPORT)
    first, second = text.index(f"Account prod ({A})"), text.index(f"Account dev ({B})")
    assert first < second
    # The failure is in the second account's section, not the first's.
    assert text.index("mark-b", first) > second


def test_text_ends_with_a_line_per_account_of_its_counts_and_seconds() -> None:
    text = RENDERERS["text"](REPORT)
    lines = text.splitlines()
    assert lines[0].startswith(f"Account prod ({A}) ─")  # each section under a rule
    assert len(lines[0]) == WIDTH
    table = lines[[line.strip() for line in lines].index("accounts") :]
    cells = [[c.strip() for c in re.split("[│┃]", line)[1:-1]] for line in table]
    assert [row for row in cells if row] == [
        ["account", "name", "pass", "fail", "error", "skip", "seconds"],
        [A, "prod", "2", "0", "0", "0", "1.25"],
        [B, "dev", "0", "1", "1", "0", "2.50"],
    ]
    for line in table:  # counts and seconds right-aligned, so that digits line up
        for cell in re.split("[│┃]", line)[3:-1] if line.startswith("│") else ():
            assert cell == " " + cell.strip().rjust(len(cell) - 2) + " "
    assert any(line.startswith(f"Account dev ({B}) ─") for line in lines)


def test_text_over_accounts_keeps_colour_in_every_part_when_asked_for_it() -> None:
    lines = render_text(REPORT, color=True).splitlines()
    assert lines[0].startswith(f"Account prod ({A}) \x1b[")  # its heading rule, coloured
    assert any(line.startswith("\x1b[1;31mfail (1)") for line in lines)  # in the second's
    (dev,) = [line for line in lines if B in line and "│" in line]
    assert "\x1b[1;31m" in dev  # its failure count in the accounts table
    assert "\x1b[" not in RENDERERS["text"](REPORT)


def test_markdown_puts_each_account_one_level_below_the_title_and_its_checks_below_that() -> None:
    text = render_markdown(REPORT, heading_level=4, check_link=lambda check: f"c/{check}.md")
    lines = text.splitlines()
    assert lines[:2] == ["#### Conformance report", ""]
    headings = [line for line in lines if line.startswith("#")]
    check = "###### [`{0}`](c/{0}.md): {1}"
    assert headings == [
        "#### Conformance report",
        f"##### Account prod ({A})",
        check.format("eks_endpoint_private", "pass"),
        check.format("vpc_flow_logs_enabled", "pass"),
        f"##### Account dev ({B})",
        check.format("eks_endpoint_private", "**fail**"),
        check.format("vpc_flow_logs_enabled", "**error**"),
    ]
    with pytest.raises(
        ValueError, match="a report over accounts needs heading_level 1 to 4, not 5"
    ):
        render_markdown(REPORT, heading_level=5)


def test_junit_has_a_suite_per_account() -> None:
    root = ET.fromstring(RENDERERS["junit"](REPORT))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        f"refarch check prod ({A})",
        f"refarch check dev ({B})",
    ]
    assert [(s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("2", "0", "0"),
        ("2", "1", "1"),
    ]
    assert [s.get("time") for s in suites] == ["1.250", "2.500"]  # each account's own time


def test_sarif_has_a_run_per_account() -> None:
    runs = json.loads(RENDERERS["sarif"](REPORT))["runs"]
    assert [r["automationDetails"]["id"] for r in runs] == [
        f"refarch-check/{A}/",
        f"refarch-check/{B}/",
    ]
    assert [len(r["results"]) for r in runs] == [0, 2]


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_openmetrics_parses_and_counts_findings_by_check_status_severity_and_account() -> None:
    text = RENDERERS["openmetrics"](REPORT)
    assert text.endswith("# EOF\n")
    # prometheus_client's parsers carry no annotations.
    families = {f.name: f for f in openmetrics_families(text)}  # type: ignore[no-untyped-call]
    assert set(families) == set(METRICS)
    samples = _samples(text)
    key = (
        "refarch_conformance_findings",
        (
            ("account", B),
            ("check", "eks_endpoint_private"),
            ("severity", CHECKS["eks_endpoint_private"].severity.value),
            ("status", "fail"),
        ),
    )
    assert samples[key] == 1
    zero = (key[0], (("account", A), *key[1][1:3], ("status", "fail")))
    assert samples[zero] == 0  # written, so an alert on failures resolves
    assert samples["refarch_conformance_run_duration_seconds", ()] == 3.5
    assert (
        samples["refarch_conformance_account_duration_seconds", (("account", B), ("name", "dev"))]
        == 2.5
    )
    # Every status of every (account, check) pair, and nothing else.
    findings = [k for k in samples if k[0] == "refarch_conformance_findings"]
    assert len(findings) == 2 * 2 * len(Status)


def test_openmetrics_of_one_account_has_no_account_label() -> None:
    single = Report(findings=tuple(f for f in FINDINGS if f.account == A), checks=CHECKS, seconds=1)
    single = Report(
        findings=tuple(
            Finding(f.check, f.status, f.resource, f.message, f.severity) for f in single.findings
        ),
        checks=CHECKS,
        seconds=1,
    )
    text = RENDERERS["openmetrics"](single)
    list(openmetrics_families(text))  # type: ignore[no-untyped-call]  # strict: raises on bad text
    assert all("account" not in dict(labels) for _, labels in _samples(text))


def test_openmetrics_escapes_backslash_quote_and_newline_in_a_label_value() -> None:
    """An account's name is the one free-text label: OpenMetrics escapes exactly these
    three characters in a label value, each with a backslash."""
    name = 'ops\\eu "blue"\nteam'
    named = dataclasses.replace(REPORT, accounts=(AccountSummary(A, name, 1.25),))
    text = RENDERERS["openmetrics"](named)
    assert (
        'refarch_conformance_account_duration_seconds{account="111111111111",'
        'name="ops\\\\eu \\"blue\\"\\nteam"} 1.250\n'
    ) in text
    families = {f.name: f for f in openmetrics_families(text)}  # type: ignore[no-untyped-call]
    (sample,) = families["refarch_conformance_account_duration_seconds"].samples
    assert sample.labels == {"account": A, "name": name}


def test_a_shard_that_drew_no_account_is_still_a_report_to_merge(tmp_path: Path) -> None:
    empty = Report(findings=(), checks={}, seconds=0.5, design_digest="sha256:abc", shard="3/3")
    document = json.loads(RENDERERS["json"](empty))
    assert (document["accounts"], document["shard"], document["design"]) == (
        [],
        "3/3",
        "sha256:abc",
    )
    assert read_accounts_json(RENDERERS["json"](empty), tmp_path / "r.json").accounts == ()
