"""The JSON report: the stable shape other tools read ({"summary": ..., "findings": [...]})."""

from __future__ import annotations

import json

from eks_refarch.conformance.report.context import ReportContext


def render_json(report: ReportContext) -> str:
    document = {
        "summary": report.result.summary(),
        "findings": [f.as_dict() for f in report.result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
