"""The OpenMetrics report: conformance as Prometheus metrics, for the design's own Grafana.

Machine text: metric names, label names and values are the same in every language, and
the HELP lines stay English, as Prometheus' own are. Every status of every judged check
is written, zeros included, so that an alert on ``status="fail"`` resolves when the
failure is fixed instead of going stale.
"""

from __future__ import annotations

from collections import Counter

from eks_refarch.conformance.model import Status
from eks_refarch.conformance.report.data import Report

FINDINGS = "refarch_conformance_findings"
RUN_DURATION = "refarch_conformance_run_duration_seconds"
ACCOUNT_DURATION = "refarch_conformance_account_duration_seconds"
# Every metric the exporter writes: the Grafana dashboard's queries use exactly these.
METRICS = (FINDINGS, RUN_DURATION, ACCOUNT_DURATION)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: str) -> str:
    inner = ",".join(f'{name}="{_escape(value)}"' for name, value in labels.items())
    return "{" + inner + "}"


def render_openmetrics(report: Report) -> str:
    counts = Counter((f.account, f.check, f.status) for f in report.findings)
    judged = sorted({(f.account, f.check) for f in report.findings})
    lines = [
        f"# TYPE {FINDINGS} gauge",
        f"# HELP {FINDINGS} Findings of the last conformance run, by check, status, "
        "severity and account.",
    ]
    for account, check in judged:
        severity = report.checks[check].severity.value
        for status in Status:
            scope = {"account": account} if account else {}
            labels = _labels(**scope, check=check, severity=severity, status=status.value)
            lines.append(f"{FINDINGS}{labels} {counts[account, check, status]}")
    lines += [
        f"# TYPE {RUN_DURATION} gauge",
        f"# UNIT {RUN_DURATION} seconds",
        f"# HELP {RUN_DURATION} Wall time of the last conformance run.",
        f"{RUN_DURATION} {report.seconds:.3f}",
    ]
    if report.accounts:
        lines += [
            f"# TYPE {ACCOUNT_DURATION} gauge",
            f"# UNIT {ACCOUNT_DURATION} seconds",
            f"# HELP {ACCOUNT_DURATION} Wall time of each account's checks in the last run.",
        ]
        lines += [
            f"{ACCOUNT_DURATION}{_labels(account=a.id, name=a.name)} {a.seconds:.3f}"
            for a in report.accounts
        ]
    return "\n".join(lines) + "\n# EOF\n"
