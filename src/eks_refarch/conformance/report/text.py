"""The terminal report: a table per status (what to fix first), then a summary table."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from eks_refarch.conformance.model import Finding, Status
from eks_refarch.conformance.report.data import (
    STATUS_ORDER,
    AccountSummary,
    Report,
    severity_label,
    status_label,
)
from eks_refarch.conformance.report.remediation import remediation_text
from eks_refarch.i18n import tr

# One AWS operation's line in --stats: service, operation, calls, retries, seconds.
StatsRow = tuple[str, str, int, int, float]

STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.ERROR: "yellow", Status.SKIP: "dim"}
WIDTH = 140


def _console(buffer: io.StringIO, color: bool) -> Console:
    return Console(
        file=buffer, width=WIDTH, force_terminal=color, no_color=not color, highlight=False
    )


def render_text(report: Report, *, color: bool = False) -> str:
    """Failures, errors and skips in full, then how to fix each failing check; passes as
    one line per check, since a reader acts on what differs, not on what matches."""
    if report.accounts:  # each account in turn, then one line per account
        parts = report.per_account()
        out = "".join(
            _heading(report.account_heading(account), color) + render_text(part, color=color)
            for account, part in parts
        )
        return out + _accounts_table(report, parts, color)
    buffer = io.StringIO()
    console = _console(buffer, color)
    lang = report.lang
    for status in STATUS_ORDER:
        findings = report.by_status(status)
        if not findings:
            continue
        table = Table(
            title=f"{status_label(status, lang)} ({len(findings)})",
            title_style=STYLE[status],
            title_justify="left",
            expand=True,
        )
        table.add_column(tr(lang, "check"), style=STYLE[status], no_wrap=True)
        table.add_column(tr(lang, "severity"))
        if status is Status.PASS:
            table.add_column(tr(lang, "resources"), overflow="fold")
            for check_id, passes in _grouped(findings).items():
                severity = severity_label(passes[0].severity, lang)
                table.add_row(check_id, severity, _resources(passes, lang))
        else:
            table.add_column(tr(lang, "resource"), overflow="fold", max_width=50)
            table.add_column(tr(lang, "message"), overflow="fold")
            for f in findings:
                severity = severity_label(f.severity, lang)
                table.add_row(f.check, severity, f.resource, report.message(f))
        console.print(table)
        console.print()
        if status is Status.FAIL:
            _print_fixes(console, report, findings)
    summary = Table(title=tr(lang, "summary"), title_justify="left")
    for status in Status:
        summary.add_column(status_label(status, lang), justify="right", style=STYLE[status])
    summary.add_column(tr(lang, "checks"), justify="right")
    summary.add_column(tr(lang, "seconds"), justify="right")
    counts = report.summary()
    summary.add_row(
        *(str(counts[s.value]) for s in Status),
        str(len(report.check_ids())),
        f"{report.seconds:.2f}",
    )
    console.print(summary)
    return buffer.getvalue()


def _heading(text: str, color: bool) -> str:
    buffer = io.StringIO()
    _console(buffer, color).rule(text, align="left")
    return buffer.getvalue()


def _accounts_table(
    report: Report, parts: Sequence[tuple[AccountSummary, Report]], color: bool
) -> str:
    buffer = io.StringIO()
    lang = report.lang
    table = Table(title=tr(lang, "accounts"), title_justify="left")
    table.add_column(tr(lang, "account"))
    table.add_column(tr(lang, "name"))
    for status in Status:
        table.add_column(status_label(status, lang), justify="right", style=STYLE[status])
    table.add_column(tr(lang, "seconds"), justify="right")
    for account, part in parts:
        counts = part.summary()
        table.add_row(
            account.id,
            account.name,
            *(str(counts[s.value]) for s in Status),
            f"{account.seconds:.2f}",
        )
    _console(buffer, color).print(table)
    return buffer.getvalue()


def _grouped(findings: list[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.check, []).append(f)
    return groups


def _resources(findings: list[Finding], lang: str) -> str:
    if len(findings) == 1:
        return findings[0].resource
    return tr(lang, "{count} resources", count=len(findings))


def _print_fixes(console: Console, report: Report, findings: list[Finding]) -> None:
    for check_id in _grouped(findings):
        spec = report.checks[check_id]
        body = Text()
        body.append(report.text(spec).title + "\n", style="bold")
        body.append(remediation_text(spec, report.lang))
        title = tr(report.lang, "to fix {check}", check=check_id)
        console.print(Panel(body, title=title, title_align="left", expand=True))
    console.print()


def render_stats(
    rows: Sequence[StatsRow],
    cache_hits: int,
    wall_seconds: float,
    *,
    critical_path: Sequence[tuple[str, float]] = (),
    color: bool = False,
) -> str:
    """The --stats table: each AWS operation's calls, retries and seconds, and the wall time."""
    buffer = io.StringIO()
    console = _console(buffer, color)
    table = Table(title="AWS API calls", title_justify="left", show_footer=True)
    calls = sum(r[2] for r in rows)
    table.add_column("service", footer="total")
    table.add_column("operation", footer=f"{len(rows)} operations")
    table.add_column("calls", justify="right", footer=str(calls))
    table.add_column("retries", justify="right", footer=str(sum(r[3] for r in rows)))
    table.add_column("seconds", justify="right", footer=f"{sum(r[4] for r in rows):.3f}")
    for service, operation, count, retries, seconds in rows:
        table.add_row(service, operation, str(count), str(retries), f"{seconds:.3f}")
    console.print(table)
    console.print(
        f"wall time {wall_seconds:.2f} s; {calls} API calls; "
        f"{cache_hits} repeated reads answered from the run's cache"
    )
    if critical_path:
        # What a parallel run cannot go below: each of these waited for the one before.
        seconds = sum(s for _, s in critical_path)
        console.print(
            f"critical path {len(critical_path)} calls, {seconds:.2f} s: "
            + " -> ".join(operation for operation, _ in critical_path)
        )
    return buffer.getvalue()
