"""The reports: pure renderings of one run, each in the shape its reader expects."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from eks_refarch.conformance.aws.context import CallStats
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cli import decision_lines
from eks_refarch.conformance.model import Finding, Severity, Status
from eks_refarch.conformance.report import RENDERERS, Report
from eks_refarch.conformance.report.data import severity_label
from eks_refarch.conformance.report.json import read_json
from eks_refarch.conformance.report.markdown import render_markdown
from eks_refarch.conformance.report.remediation import remediation_text
from eks_refarch.conformance.report.text import WIDTH, render_stats, render_text
from eks_refarch.conformance.runner import RunResult
from eks_refarch.design import Design
from eks_refarch.errors import UserInputError
from eks_refarch.i18n import LANGUAGES, joined, msg
from tests.helpers import REPO, SHIPPED_DESIGN

REGISTRY = load_builtin_checks()
FINDINGS = (
    Finding(
        "eks_endpoint_private",
        Status.FAIL,
        "arn:aws:eks:ap-northeast-1:111122223333:cluster/sakura-shop",
        "cluster sakura-shop's endpoint: public access is on; the design has it off",
        Severity.CRITICAL,
    ),
    Finding(
        "vpc_flow_logs_enabled",
        Status.ERROR,
        "ec2 describe_flow_logs in ap-northeast-1",
        "could not verify: AccessDenied (needs ec2:DescribeFlowLogs)",
        Severity.MEDIUM,
    ),
    Finding("eks_addons_installed", Status.SKIP, "sakura-shop", "emulator gap", Severity.LOW),
    Finding("kms_key_rotation_enabled", Status.PASS, "arn:aws:kms:k", "rotates", Severity.MEDIUM),
)
RESULT = RunResult(
    findings=FINDINGS,
    checks=tuple(REGISTRY.get(f.check) for f in FINDINGS),
    collections=(),
    seconds=1.5,
)
REPORT = Report.of(
    RESULT,
    REGISTRY,
    design_path="architecture.yaml",
    decision_lines={"ADR-0005": 420},
)
# The parts of SARIF 2.1.0 that GitHub code scanning requires of an upload.
SARIF_REQUIRED = {
    "type": "object",
    "required": ["version", "runs", "$schema"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id",
                                                "shortDescription",
                                                "fullDescription",
                                                "help",
                                                "helpUri",
                                            ],
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations"],
                            "properties": {
                                "message": {"type": "object", "required": ["text"]},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "kind": {
                                    "enum": [
                                        "notApplicable",
                                        "pass",
                                        "fail",
                                        "review",
                                        "open",
                                        "informational",
                                    ]
                                },
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    }
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_json_has_exactly_the_documented_shape() -> None:
    assert json.loads(RENDERERS["json"](REPORT)) == {
        "summary": {"pass": 1, "fail": 1, "error": 1, "skip": 1},
        "findings": [
            {
                "check": f.check,
                "status": f.status.value,
                "resource": f.resource,
                "message": f.message,
                "severity": f.severity.value,
            }
            for f in FINDINGS
        ],
    }


def test_junit_has_one_testcase_per_finding_with_its_outcome() -> None:
    root = ET.fromstring(RENDERERS["junit"](REPORT))
    suite = root.find("testsuite")
    assert suite is not None
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "4",
        "failures": "1",
        "errors": "1",
        "skipped": "1",
    }
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failing = cases[f"eks_endpoint_private[{FINDINGS[0].resource}]"]
    failure = failing.find("failure")
    assert failure is not None
    assert "endpoint_public_access = false" in (failure.text or "")
    assert failing.find("properties/property[@name='severity']").get("value") == "critical"  # type: ignore[union-attr]
    assert cases[f"vpc_flow_logs_enabled[{FINDINGS[1].resource}]"].find("error") is not None
    assert cases["eks_addons_installed[sakura-shop]"].find("skipped") is not None
    passing = cases["kms_key_rotation_enabled[arn:aws:kms:k]"]
    assert [child.tag for child in passing] == ["properties"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sarif_is_valid_against_the_official_sarif_2_1_0_schema(lang: str) -> None:
    schema = json.loads((REPO / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    document = json.loads(RENDERERS["sarif"](dataclasses.replace(REPORT, lang=lang)))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, "\n".join(errors)
    assert document["runs"][0]["results"]  # a document with no results would prove little


def test_decision_lines_are_where_the_design_file_writes_each_decision(design: Design) -> None:
    lines = decision_lines(SHIPPED_DESIGN, design)
    text = SHIPPED_DESIGN.read_text(encoding="utf-8").splitlines()
    assert set(lines) == {d.id for d in design.decisions}
    for decision_id, line in lines.items():
        assert text[line - 1].strip() == f"- id: {decision_id}", decision_id


def test_sarif_holds_what_code_scanning_requires() -> None:
    document = json.loads(RENDERERS["sarif"](REPORT))
    jsonschema.validate(document, SARIF_REQUIRED)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(f.check for f in FINDINGS)
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["eks_endpoint_private", "vpc_flow_logs_enabled"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "architecture.yaml"
    failed, errored = results
    assert (failed["kind"], failed["level"]) == ("fail", "error")
    assert failed["locations"][0]["physicalLocation"]["region"]["startLine"] == 420  # ADR-0005
    assert (errored["kind"], errored["level"]) == ("open", "none")
    endpoint_rule = rules[failed["ruleIndex"]]
    assert endpoint_rule["properties"]["security-severity"] == "9.5"
    assert "endpoint_private_access = true" in endpoint_rule["help"]["text"]
    assert endpoint_rule["helpUri"].startswith("https://docs.aws.amazon.com/")
    again = json.loads(RENDERERS["sarif"](REPORT))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in results]


def test_markdown_groups_by_check_and_shows_remediation_only_where_needed() -> None:
    page = RENDERERS["markdown"](REPORT)
    assert page.startswith("# Conformance report\n")
    assert "| 1 | 1 | 1 | 1 | 4 | 1.5 |" in page
    sections = page.split("\n## ")[1:]
    assert [s.split(":")[0].strip("`") for s in sections] == sorted(f.check for f in FINDINGS)
    by_check = {s.split(":")[0].strip("`"): s for s in sections}
    assert "**To fix:**" in by_check["eks_endpoint_private"]
    assert "**To fix:**" in by_check["vpc_flow_logs_enabled"]
    assert "**To fix:**" not in by_check["kms_key_rotation_enabled"]


def test_markdown_escapes_pipes_and_newlines_so_a_message_stays_in_its_cell() -> None:
    tricky = dataclasses.replace(
        FINDINGS[0], resource="a|b", message="rule 1 | rule 2\nsecond line"
    )
    page = RENDERERS["markdown"](dataclasses.replace(REPORT, findings=(tricky,)))
    row = next(line for line in page.splitlines() if "rule 1" in line)
    assert row == "| **fail** | `a\\|b` | rule 1 \\| rule 2 second line |"
    # Three cells: the escaped pipes do not split the row.
    assert len(re.split(r"(?<!\\)\|", row)) == 5


def test_text_puts_failures_first_and_ends_with_the_summary() -> None:
    text = RENDERERS["text"](REPORT)
    order = [text.index(title) for title in ("fail (1)", "error (1)", "skip (1)", "pass (1)")]
    assert order == sorted(order)
    assert text.rstrip().splitlines()[-2].split() == [
        "│",
        "1",
        "│",
        "1",
        "│",
        "1",
        "│",
        "1",
        "│",
        "4",
        "│",
        "1.50",
        "│",
    ]


def test_text_says_how_to_fix_each_failing_check() -> None:
    text = RENDERERS["text"](REPORT)
    spec = REGISTRY.get("eks_endpoint_private")
    fix = text[text.index("to fix eks_endpoint_private") :]
    assert spec.title in fix
    assert spec.remediation.terraform is not None
    assert spec.remediation.terraform.split()[0] in fix
    assert "to fix vpc_flow_logs_enabled" not in text  # an error's fix is the permission


def test_text_lists_passes_once_per_check() -> None:
    many = tuple(
        Finding(
            "kms_key_rotation_enabled", Status.PASS, f"arn:aws:kms:k{i}", "rotates", Severity.MEDIUM
        )
        for i in range(3)
    )
    report = Report.of(
        RunResult(
            findings=many,
            checks=(REGISTRY.get("kms_key_rotation_enabled"),),
            collections=(),
            seconds=0.1,
        ),
        REGISTRY,
    )
    text = RENDERERS["text"](report)
    assert text.count("kms_key_rotation_enabled") == 1
    assert "3 resources" in text
    assert "arn:aws:kms:k0" not in text


def test_stats_show_each_operation_and_the_wall_time() -> None:
    stats = CallStats()
    stats.of("elbv2", "DescribeLoadBalancers").calls = 1
    stats.of("elbv2", "DescribeLoadBalancers").attempts = 3
    text = render_stats(stats.rows(), stats.cache_hits, 2.25)
    row = next(line for line in text.splitlines() if "DescribeLoadBalancers" in line)
    assert row.split("│")[3:5] == ["     1 ", "       2 "]
    assert "wall time 2.25 s; 1 API calls" in text


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_speaks_the_reports_language_and_keeps_ids_and_statuses(fmt: str) -> None:
    message = msg("{check} reads {resources}", check="the check", resources=joined(["a", "b"]))
    findings = (*FINDINGS[:3], dataclasses.replace(FINDINGS[3], message=message))
    ja = Report.of(dataclasses.replace(RESULT, findings=findings), REGISTRY, lang="ja")
    en = dataclasses.replace(ja, lang="en")
    # XML escapes the ">" of console paths, and the terminal wraps text in boxes: compare
    # without markup and white space.
    japanese, english = (re.sub(r"[\s│]", "", html.unescape(RENDERERS[fmt](r))) for r in (ja, en))
    title = re.sub(r"\s", "", REGISTRY.get("eks_endpoint_private").text("ja").title)
    steps = re.sub(r"\s", "", REGISTRY.get("eks_endpoint_private").text("ja").steps)
    if fmt == "json":
        # Only messages change: keys, ids, statuses and severities are the same.
        assert json.loads(japanese)["summary"] == json.loads(english)["summary"]
        assert [
            {k: v for k, v in f.items() if k != "message"} for f in json.loads(japanese)["findings"]
        ] == [
            {k: v for k, v in f.items() if k != "message"} for f in json.loads(english)["findings"]
        ]
        assert json.loads(japanese)["findings"][3]["message"] == "thecheckreadsa、b"
    elif fmt == "openmetrics":
        # Metrics carry ids, statuses and severities only: the same in every language.
        assert japanese == english
    else:
        assert steps in japanese
        assert steps not in english
        if fmt in ("text", "markdown", "sarif"):
            assert title in japanese
        if fmt in ("text", "markdown"):
            assert "不合格" in japanese
            assert "不合格" not in english
    for check_id in ("eks_endpoint_private", "vpc_flow_logs_enabled"):
        assert check_id in japanese


def test_a_json_report_reads_back_as_the_findings_it_was_written_from() -> None:
    text = RENDERERS["json"](REPORT)
    assert read_json(text, Path("report.json")) == FINDINGS


def test_a_file_that_is_not_json_is_a_user_error_naming_the_file_and_the_line() -> None:
    with pytest.raises(UserInputError) as caught:
        read_json('{\n  "summary": {},\n  oops\n}', Path("out/report.json"))
    (problem,) = caught.value.problems
    assert str(problem).startswith("out/report.json:3: not a JSON report: ")


def test_a_finding_without_a_status_is_a_user_error_naming_the_field() -> None:
    document = json.loads(RENDERERS["json"](REPORT))
    del document["findings"][1]["status"]
    with pytest.raises(UserInputError) as caught:
        read_json(json.dumps(document), Path("report.json"))
    (problem,) = caught.value.problems
    assert str(problem) == "report.json: findings[1].status: Field required (a refarch JSON report)"


TWO = (FINDINGS[0], FINDINGS[3])  # a failure with a Terraform answer, and a pass
TWO_REPORT = Report.of(
    dataclasses.replace(RESULT, findings=TWO, checks=tuple(REGISTRY.get(f.check) for f in TWO)),
    REGISTRY,
)


def test_markdown_page_of_a_run_is_a_table_of_counts_then_one_section_per_check() -> None:
    """The whole page, line by line: the blank lines matter (a table that follows a
    paragraph without one is not a table), and so does every cell."""
    page = RENDERERS["markdown"](TWO_REPORT)
    endpoint, kms = (TWO_REPORT.checks[f.check] for f in TWO)
    e, k = TWO_REPORT.text(endpoint), TWO_REPORT.text(kms)
    assert e.rationale  # both checks have one; a check without one has no paragraph
    assert k.rationale
    assert endpoint.remediation.terraform
    assert page == "\n".join(
        [
            "# Conformance report",
            "",
            "<!-- generated by `refarch check --format markdown`; do not edit by hand -->",
            "",
            "| pass | fail | error | skip | checks | seconds |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            "| 1 | 1 | 0 | 0 | 2 | 1.5 |",
            "",
            "`pass`: as designed. `fail`: differs from the design. `error`: could not be "
            "verified (a permission or endpoint is missing). `skip`: not applicable, with the "
            "reason.",
            "",
            "## `eks_endpoint_private`: **fail**",
            "",
            f"**{e.title}** Severity: critical. Decision: {endpoint.decision}.",
            "",
            e.rationale.replace("\n", " "),
            "",
            "| status | resource | message |",
            "| --- | --- | --- |",
            f"| **fail** | `{TWO[0].resource}` | {TWO[0].message} |",
            "",
            f"**To fix:** {e.steps}",
            "",
            f"Terraform: `{endpoint.remediation.terraform}`",
            "",
            "References: " + ", ".join(f"<{url}>" for url in endpoint.references),
            "",
            "## `kms_key_rotation_enabled`: pass",
            "",
            f"**{k.title}** Severity: medium. Decision: {kms.decision}.",
            "",
            k.rationale.replace("\n", " "),
            "",
            "| status | resource | message |",
            "| --- | --- | --- |",
            f"| pass | `{TWO[1].resource}` | {TWO[1].message} |",
            "",
            "References: " + ", ".join(f"<{url}>" for url in kms.references),
            "",
        ]
    )


def test_markdown_embedded_in_a_page_starts_at_its_level_and_links_each_check() -> None:
    page = render_markdown(TWO_REPORT, heading_level=5, check_link=lambda c: f"checks/{c}.md")
    assert page.startswith("##### Conformance report\n")
    assert "###### [`eks_endpoint_private`](checks/eks_endpoint_private.md): **fail**" in page
    assert "###### [`kms_key_rotation_enabled`](checks/kms_key_rotation_enabled.md): pass" in page


@pytest.mark.parametrize("level", [0, 6])
def test_markdown_refuses_a_heading_level_with_no_room_below(level: int) -> None:
    with pytest.raises(ValueError, match=f"heading_level must be 1 to 5 .*, not {level}$"):
        render_markdown(TWO_REPORT, heading_level=level)


def test_the_summary_counts_every_finding_of_a_status() -> None:
    failures = (FINDINGS[0], dataclasses.replace(FINDINGS[0], resource="another cluster"))
    report = dataclasses.replace(REPORT, findings=failures)
    assert report.summary()["fail"] == 2


@pytest.mark.parametrize("severity", list(Severity))
def test_a_severity_reads_as_its_value_in_english_and_translated_in_japanese(
    severity: Severity,
) -> None:
    assert severity_label(severity, "en") == severity.value
    assert severity_label(severity, "ja") not in {severity.value, ""}


def test_junit_carries_each_outcome_where_ci_tools_read_it() -> None:
    root = ET.fromstring(RENDERERS["junit"](REPORT))
    assert (root.tag, root.get("name"), root.get("time")) == (
        "testsuites",
        "refarch check",
        "1.500",
    )
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("time")) == ("refarch check", "1.500")
    cases = list(suite.iter("testcase"))
    assert [(c.get("classname"), c.get("time")) for c in cases] == [
        (f"refarch.aws.{f.check}", "0") for f in FINDINGS
    ]
    for case, finding in zip(cases, FINDINGS, strict=True):
        spec = REPORT.spec(finding)
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        assert properties == {
            "severity": finding.severity.value,
            "decision": spec.decision,
            "resource": finding.resource,
        }
    failure, error, skipped = (
        cases[0].find("failure"),
        cases[1].find("error"),
        cases[2].find("skipped"),
    )
    assert failure is not None
    assert error is not None
    assert skipped is not None
    assert failure.attrib == {"message": FINDINGS[0].message, "type": "fail"}
    assert error.attrib == {"message": FINDINGS[1].message, "type": "could-not-verify"}
    assert error.text == FINDINGS[1].message
    assert skipped.attrib == {"message": FINDINGS[2].message}


def test_the_remediation_text_gives_steps_each_fix_the_decision_and_every_reference() -> None:
    spec = next(
        c for c in REGISTRY.checks() if c.remediation.kubernetes and c.remediation.terraform
    )
    assert remediation_text(spec, "en").splitlines() == [
        f"Remediation: {spec.text('en').steps}",
        f"Terraform: {spec.remediation.terraform}",
        f"Kubernetes: {spec.remediation.kubernetes}",
        f"Decision: {spec.decision}",
        *(f"See: {url}" for url in spec.references),
    ]


def test_sarif_rule_is_a_security_rule_with_its_help_as_hard_broken_markdown() -> None:
    document = json.loads(RENDERERS["sarif"](REPORT))
    (run,) = document["runs"]
    assert run["tool"]["driver"]["name"] == "refarch"
    # Code scanning keeps one alert per automation id and fingerprint across uploads.
    assert run["automationDetails"] == {"id": "refarch-check/"}
    spec = REGISTRY.get("eks_endpoint_private")
    text = spec.text("en")
    help_text = remediation_text(spec, "en")
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == spec.id)
    assert rule["name"] == "EksEndpointPrivate"
    assert rule["fullDescription"] == {"text": text.rationale}
    assert rule["help"] == {"text": help_text, "markdown": help_text.replace("\n", "  \n")}
    # security-severity is read only from a rule tagged "security".
    assert rule["properties"] == {
        "tags": ["security", "conformance", "aws"],
        "security-severity": "9.5",
        "precision": "very-high",
        "decision": spec.decision,
    }
    (result, _) = run["results"]
    assert result["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": FINDINGS[0].resource, "kind": "resource"}
    ]
    assert list(result["partialFingerprints"]) == ["refarchFinding/v1"]


def test_sarif_points_a_decision_whose_line_is_unknown_at_the_first_line() -> None:
    report = dataclasses.replace(REPORT, decision_lines={})
    (result, _) = json.loads(RENDERERS["sarif"](report))["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_documents_are_indented_and_keep_japanese_as_written(fmt: str) -> None:
    said = dataclasses.replace(FINDINGS[0], message="エンドポイントが公開されている")
    text = RENDERERS[fmt](dataclasses.replace(REPORT, findings=(said,), lang="ja"))
    assert text.startswith('{\n  "')
    assert text.endswith("}\n")
    assert "エンドポイントが公開されている" in text


@pytest.mark.parametrize("count", [1, 2])
def test_text_names_a_single_passing_resource_and_counts_several(count: int) -> None:
    passes = tuple(
        dataclasses.replace(FINDINGS[3], resource=f"arn:aws:kms:k{i}") for i in range(count)
    )
    text = RENDERERS["text"](dataclasses.replace(REPORT, findings=passes))
    assert ("arn:aws:kms:k0" in text) is (count == 1)
    assert ("2 resources" in text) is (count == 2)


def test_text_is_plain_unless_colour_is_asked_for_and_fills_the_terminal_width() -> None:
    plain = render_text(REPORT)
    assert "\x1b[" not in plain
    assert max(len(line) for line in plain.splitlines()) == WIDTH
    coloured = render_text(REPORT, color=True)
    assert "\x1b[1;31m" in coloured  # the failures' title: bold red
    assert "\x1b[1m" + REPORT.text(REGISTRY.get("eks_endpoint_private")).title in coloured


def test_stats_table_has_its_title_columns_and_totals() -> None:
    rows = [("ec2", "DescribeVpcs", 2, 1, 0.25), ("eks", "DescribeCluster", 1, 0, 0.5)]
    lines = render_stats(rows, 3, 1.0).splitlines()
    assert lines[0].strip() == "AWS API calls"
    cells = [[c.strip() for c in line.split("┃" if "┃" in line else "│")[1:-1]] for line in lines]
    assert ["service", "operation", "calls", "retries", "seconds"] in cells
    assert ["total", "2 operations", "3", "1", "0.750"] in cells
    assert "\x1b[" not in "\n".join(lines)
    assert "\x1b[" in render_stats(rows, 3, 1.0, color=True)


@pytest.mark.parametrize("finding", [FINDINGS[1], FINDINGS[2]], ids=["error", "skip"])
def test_text_shows_each_unpassed_findings_severity_resource_and_message(
    finding: Finding,
) -> None:
    text = RENDERERS["text"](REPORT)
    (row,) = [line for line in text.splitlines() if finding.check in line and "│" in line]
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells[:3] == [finding.check, finding.severity.value, finding.resource]
    assert cells[3]  # the message, folded over as many lines as it needs
    assert str(finding.message).startswith(cells[3])
    assert "summary" in [line.strip() for line in text.splitlines()]


def _cells(line: str) -> list[str]:
    """The cells of one table row, header (┃) or body (│), stripped."""
    return [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]


def test_text_tables_name_their_columns_and_a_pass_row_its_severity() -> None:
    text = render_text(REPORT)
    headers = [_cells(line) for line in text.splitlines() if line.startswith("┃")]
    unpassed = ["check", "severity", "resource", "message"]
    summary = [status.value for status in Status] + ["checks", "seconds"]
    assert headers == [unpassed, unpassed, unpassed, ["check", "severity", "resources"], summary]
    (row,) = [line for line in text.splitlines() if FINDINGS[3].check in line]
    assert _cells(row) == [FINDINGS[3].check, "medium", FINDINGS[3].resource]


# What a reader learns from colour alone: failures bold red, errors yellow, skips dim,
# passes green, on each table's title, each check id in it and its count in the summary.
SGR = {Status.FAIL: "1;31", Status.ERROR: "33", Status.SKIP: "2", Status.PASS: "32"}


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_text_colours_a_status_title_its_check_ids_and_its_summary_count(status: Status) -> None:
    lines = render_text(REPORT, color=True).splitlines()
    finding = next(f for f in FINDINGS if f.status is status)
    start = f"\x1b[{SGR[status]}m"
    assert any(line.startswith(f"{start}{status.value} (1)") for line in lines)
    assert any(
        re.search(re.escape(start + finding.check) + r" *\x1b\[0m", line)
        for line in lines
        if "│" in line
    )
    (counts,) = [line for line in lines if "1.50" in line]
    assert re.search(re.escape(start) + r" *1\x1b\[0m", counts)


def test_text_status_tables_fill_the_terminal_width() -> None:
    tops = [line for line in render_text(REPORT).splitlines() if line.startswith("┏")]
    assert [len(line) for line in tops[:-1]] == [WIDTH] * 4  # the summary's is as wide as it needs


def test_text_folds_a_long_resource_or_message_over_lines_and_never_cuts_it() -> None:
    arn = "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/" + "x" * 90
    token = "y" * 200
    failing = dataclasses.replace(FINDINGS[0], resource=arn, message=f"the rule {token} is wrong")
    passing = dataclasses.replace(FINDINGS[3], resource=arn + "/passed")
    text = render_text(dataclasses.replace(REPORT, findings=(failing, passing)))
    assert "…" not in text
    rows = [_cells(line) for line in text.splitlines() if line.startswith("│ ")]
    fail_rows = [r for r in rows if len(r) == 4]
    pass_rows = [r for r in rows if len(r) == 3]
    assert "".join(r[2] for r in fail_rows) == arn
    assert token in "".join(r[3] for r in fail_rows)
    assert "".join(r[2] for r in pass_rows) == arn + "/passed"


def test_text_opens_each_fix_with_the_checks_title_on_its_own_line() -> None:
    lines = render_text(REPORT).splitlines()
    at = next(i for i, line in enumerate(lines) if "to fix eks_endpoint_private" in line)
    title = REPORT.text(REGISTRY.get("eks_endpoint_private")).title
    assert _cells(lines[at + 1]) == [title]
    assert not _cells(lines[at + 2])[0].startswith(title)


def test_stats_rows_carry_each_operation_right_aligned_so_digits_line_up() -> None:
    rows = [("ec2", "DescribeVpcs", 2, 1, 0.25), ("eks", "DescribeCluster", 12, 0, 12.5)]
    lines = render_stats(rows, 3, 1.0).splitlines()
    body = [re.split("│", line)[1:-1] for line in lines if line.startswith("│")]
    assert [[c.strip() for c in cells] for cells in body] == [
        ["ec2", "DescribeVpcs", "2", "1", "0.250"],
        ["eks", "DescribeCluster", "12", "0", "12.500"],
        ["total", "2 operations", "14", "1", "12.750"],
    ]
    for cells in body:
        for cell in cells[2:]:
            assert cell == " " + cell.strip().rjust(len(cell) - 2) + " "


def test_junit_classes_a_check_under_every_source_it_reads() -> None:
    check = "elbv2_target_group_matches_gateway_service"
    assert {s.value for s in REGISTRY.get(check).sources} == {"aws", "cluster"}
    finding = Finding(check, Status.PASS, "tg", "forwards to the gateway", Severity.HIGH)
    result = RunResult(
        findings=(finding,), checks=(REGISTRY.get(check),), collections=(), seconds=0
    )
    root = ET.fromstring(RENDERERS["junit"](Report.of(result, REGISTRY)))
    (case,) = root.iter("testcase")
    assert case.get("classname") == f"refarch.aws.cluster.{check}"


def test_stats_name_the_critical_path_and_its_seconds() -> None:
    path = [("ec2 DescribeVpcs", 0.25), ("eks DescribeCluster", 0.5)]
    text = render_stats([("ec2", "DescribeVpcs", 1, 0, 0.25)], 0, 1.0, critical_path=path)
    assert text.rstrip().splitlines()[-1] == (
        "critical path 2 calls, 0.75 s: ec2 DescribeVpcs -> eks DescribeCluster"
    )
    assert "critical path" not in render_stats([("ec2", "DescribeVpcs", 1, 0, 0.25)], 0, 1.0)


def test_markdown_lists_every_reference_of_a_check_comma_separated() -> None:
    spec = REGISTRY.get("acm_certificate_issued_not_expiring")
    assert len(spec.references) > 1
    finding = Finding(spec.id, Status.PASS, "cert", "issued", spec.severity)
    result = RunResult(findings=(finding,), checks=(spec,), collections=(), seconds=0)
    text = render_markdown(Report.of(result, REGISTRY))
    urls = [f"<{url}>" for url in spec.references]
    assert "References: " + ", ".join(urls) in text.splitlines()
