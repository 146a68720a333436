"""The terminal report: a table per status (what to fix first), then a summary table."""

from __future__ import annotations

import io

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from eks_refarch.conformance.aws.context import CallStats
from eks_refarch.conformance.model import Finding, Status
from eks_refarch.conformance.report.context import STATUS_ORDER, ReportContext
from eks_refarch.conformance.report.remediation import remediation_text

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.ERROR: "yellow", Status.SKIP: "dim"}
WIDTH = 140


def _console(buffer: io.StringIO, color: bool) -> Console:
    return Console(
        file=buffer, width=WIDTH, force_terminal=color, no_color=not color, highlight=False
    )


def render_text(report: ReportContext, *, color: bool = False) -> str:
    """Failures, errors and skips in full, then how to fix each failing check; passes as
    one line per check, since a reader acts on what differs, not on what matches."""
    buffer = io.StringIO()
    console = _console(buffer, color)
    for status in STATUS_ORDER:
        findings = report.by_status(status)
        if not findings:
            continue
        table = Table(
            title=f"{status.value} ({len(findings)})",
            title_style=STYLE[status],
            title_justify="left",
            expand=True,
        )
        table.add_column("check", style=STYLE[status], no_wrap=True)
        table.add_column("severity")
        if status is Status.PASS:
            table.add_column("resources", overflow="fold")
            for check_id, passes in _grouped(findings).items():
                table.add_row(check_id, passes[0].severity.value, _resources(passes))
        else:
            table.add_column("resource", overflow="fold", max_width=50)
            table.add_column("message", overflow="fold")
            for f in findings:
                table.add_row(f.check, f.severity.value, f.resource, f.message)
        console.print(table)
        console.print()
        if status is Status.FAIL:
            _print_fixes(console, report, findings)
    summary = Table(title="summary", title_justify="left")
    for status in Status:
        summary.add_column(status.value, justify="right", style=STYLE[status])
    summary.add_column("checks", justify="right")
    summary.add_column("seconds", justify="right")
    counts = report.result.summary()
    summary.add_row(
        *(str(counts[s.value]) for s in Status),
        str(len(report.check_ids())),
        f"{report.result.seconds:.2f}",
    )
    console.print(summary)
    return buffer.getvalue()


def _grouped(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.check, []).append(f)
    return groups


def _resources(findings: list[Finding]) -> str:
    if len(findings) == 1:
        return findings[0].resource
    return f"{len(findings)} resources"


def _print_fixes(console: Console, report: ReportContext, findings: list[Finding]) -> None:
    for check_id in _grouped(findings):
        spec = report.registry.get(check_id)
        body = Text()
        body.append(spec.title + "\n", style="bold")
        body.append(remediation_text(spec))
        console.print(Panel(body, title=f"to fix {check_id}", title_align="left", expand=True))
    console.print()


def render_stats(stats: CallStats, wall_seconds: float, *, color: bool = False) -> str:
    """The --stats table: each AWS operation's calls, retries and seconds, and the wall time."""
    buffer = io.StringIO()
    console = _console(buffer, color)
    table = Table(title="AWS API calls", title_justify="left", show_footer=True)
    rows = stats.rows()
    table.add_column("service", footer="total")
    table.add_column("operation", footer=f"{len(rows)} operations")
    table.add_column("calls", justify="right", footer=str(stats.total_calls))
    table.add_column("retries", justify="right", footer=str(sum(r[3] for r in rows)))
    table.add_column("seconds", justify="right", footer=f"{sum(r[4] for r in rows):.3f}")
    for service, operation, calls, retries, seconds in rows:
        table.add_row(service, operation, str(calls), str(retries), f"{seconds:.3f}")
    console.print(table)
    console.print(
        f"wall time {wall_seconds:.2f} s; {stats.total_calls} API calls; "
        f"{stats.cache_hits} repeated reads answered from the run's cache"
    )
    return buffer.getvalue()
