"""The JUnit XML report: one testcase per finding, so CI systems show each as a test."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from eks_refarch.conformance.model import Status
from eks_refarch.conformance.report.data import Report
from eks_refarch.conformance.report.remediation import remediation_text


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name="refarch check", time=f"{report.seconds:.3f}")
    if report.accounts:  # one suite per account, named after it
        for account, part in report.per_account():
            _suite(suites, part, f"refarch check {account.name} ({account.id})")
    else:
        _suite(suites, report, "refarch check")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _suite(suites: ET.Element, report: Report, name: str) -> None:
    counts = report.summary()
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=name,
        tests=str(len(report.findings)),
        failures=str(counts[Status.FAIL.value]),
        errors=str(counts[Status.ERROR.value]),
        skipped=str(counts[Status.SKIP.value]),
        time=f"{report.seconds:.3f}",
    )
    for finding in report.findings:
        spec = report.spec(finding)
        message = report.message(finding)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"refarch.{'.'.join(sorted(s.value for s in spec.sources))}.{spec.id}",
            name=f"{finding.check}[{finding.resource}]",
            time="0",
        )
        properties = ET.SubElement(case, "properties")
        for name, value in (
            ("severity", finding.severity.value),
            ("decision", spec.decision),
            ("resource", finding.resource),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        if finding.status is Status.FAIL:
            element = ET.SubElement(case, "failure", message=message, type="fail")
            element.text = f"{message}\n\n{remediation_text(spec, report.lang)}"
        elif finding.status is Status.ERROR:
            element = ET.SubElement(case, "error", message=message, type="could-not-verify")
            element.text = message
        elif finding.status is Status.SKIP:
            ET.SubElement(case, "skipped", message=message)
