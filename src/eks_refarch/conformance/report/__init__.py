"""Reports of a conformance run: pure functions of a ``Report`` (plain data) to text.

Each format renders to a string in the report's language; writing it is the caller's
business (eks_refarch.output).
"""

from __future__ import annotations

from collections.abc import Callable

from eks_refarch.conformance.report.data import Report
from eks_refarch.conformance.report.json import render_json
from eks_refarch.conformance.report.junit import render_junit
from eks_refarch.conformance.report.markdown import render_markdown
from eks_refarch.conformance.report.openmetrics import render_openmetrics
from eks_refarch.conformance.report.sarif import render_sarif
from eks_refarch.conformance.report.text import render_text

Renderer = Callable[[Report], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "sarif": render_sarif,
    "markdown": render_markdown,
    "openmetrics": render_openmetrics,
}

__all__ = ["RENDERERS", "Renderer", "Report"]
