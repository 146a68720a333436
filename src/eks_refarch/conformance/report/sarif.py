"""The SARIF 2.1.0 report, for GitHub code scanning.

One rule per check (title, rationale, remediation, help URI), one result per `fail` or
`error` finding. Code scanning needs a file location for every result; an account has
no source line, so each result points at the design file's entry for the decision the
check enforces, and names the AWS resource as a logical location.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from eks_refarch import __version__
from eks_refarch.conformance.model import CheckSpec, Finding, Severity, Status
from eks_refarch.conformance.report.data import Report
from eks_refarch.conformance.report.remediation import remediation_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/"
# GitHub ranks security alerts by this number: >= 9.0 critical, >= 7.0 high, >= 4.0 medium.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}


def _rule(spec: CheckSpec, lang: str) -> dict[str, Any]:
    help_text = remediation_text(spec, lang)
    text = spec.text(lang)
    return {
        "id": spec.id,
        "name": "".join(part.title() for part in spec.id.split("_")),
        "shortDescription": {"text": text.title},
        "fullDescription": {"text": text.rationale or text.title},
        "help": {"text": help_text, "markdown": help_text.replace("\n", "  \n")},
        "helpUri": spec.references[0],
        "defaultConfiguration": {"level": LEVEL[spec.severity]},
        "properties": {
            "tags": ["security", "conformance", *sorted(s.value for s in spec.sources)],
            "security-severity": SECURITY_SEVERITY[spec.severity],
            "precision": "very-high",
            "decision": spec.decision,
        },
    }


def _result(report: Report, finding: Finding, index: int) -> dict[str, Any]:
    spec = report.spec(finding)
    fingerprint = hashlib.sha256(f"{finding.check}\0{finding.resource}".encode()).hexdigest()
    result: dict[str, Any] = {
        "ruleId": finding.check,
        "ruleIndex": index,
        "message": {"text": f"{report.message(finding)} ({finding.resource})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": report.design_path},
                    "region": {"startLine": report.decision_lines.get(spec.decision, 1)},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"refarchFinding/v1": fingerprint},
    }
    if finding.status is Status.FAIL:
        result.update(kind="fail", level=LEVEL[finding.severity])
    else:
        # SARIF's "open": the tool could not determine whether the rule holds.
        result.update(kind="open", level="none")
    return result


def render_sarif(report: Report) -> str:
    # A run over several accounts is one SARIF run per account, each with its own
    # automation id, so a code-scanning UI keeps their alerts apart.
    runs = (
        [_run(part, f"refarch-check/{account.id}/") for account, part in report.per_account()]
        if report.accounts
        else [_run(report, "refarch-check/")]
    )
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _run(report: Report, automation_id: str) -> dict[str, Any]:
    specs = [report.checks[check_id] for check_id in report.check_ids()]
    index = {spec.id: i for i, spec in enumerate(specs)}
    results = [
        _result(report, f, index[f.check])
        for f in report.findings
        if f.status in (Status.FAIL, Status.ERROR)
    ]
    return {
        "tool": {
            "driver": {
                "name": "refarch",
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(spec, report.lang) for spec in specs],
            }
        },
        "language": report.lang,
        "automationDetails": {"id": automation_id},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
