"""The JSON report: the stable shape other tools read ({"summary": ..., "findings": [...]}).

Keys, check ids, statuses and severities are the same in every language; only the
messages are in the report's language. ``read_json`` reads a report back, for the site
and for joining reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from eks_refarch.conformance.model import Finding, Severity, Status
from eks_refarch.conformance.report.data import Report
from eks_refarch.errors import Problem, UserInputError


def render_json(report: Report) -> str:
    document = {
        "summary": report.summary(),
        "findings": [f.as_dict(report.lang) for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Finding(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    check: str
    status: Status
    resource: str
    message: str
    severity: Severity


class _Document(BaseModel):
    model_config = ConfigDict(extra="allow")
    summary: dict[str, int]
    findings: list[_Finding]


def read_json(text: str, source: Path) -> tuple[Finding, ...]:
    """The findings of a JSON report, or a UserInputError naming the file and the field."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            [Problem(source, exc.lineno, (), f"not a JSON report: {exc.msg}")]
        ) from None
    return read_report(data, source)


def read_report(data: Any, source: Path) -> tuple[Finding, ...]:
    """The findings of a parsed JSON report document."""
    try:
        document = _Document.model_validate(data)
    except ValidationError as exc:
        raise UserInputError(
            [
                Problem(source, None, tuple(err["loc"]), f"{err['msg']} (a refarch JSON report)")
                for err in exc.errors()
            ]
        ) from None
    return tuple(
        Finding(f.check, f.status, f.resource, f.message, f.severity) for f in document.findings
    )
