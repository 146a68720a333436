"""What every reporter formats: plain data, the findings and the metadata of their checks.

A reporter is a pure function of a ``Report``: no client, no registry, no context. The
language is part of the data, so one run can be reported in any language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from eks_refarch.conformance.model import CheckSpec, CheckText, Finding, Severity, Status
from eks_refarch.i18n import SOURCE_LANGUAGE, render, tr

if TYPE_CHECKING:
    from eks_refarch.conformance.registry import Registry
    from eks_refarch.conformance.runner import RunResult

# The order a reader wants: what to fix first.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.SKIP, Status.PASS)


@dataclass(frozen=True)
class AccountSummary:
    """One account of a run over several: who it is and how long its checks took."""

    id: str
    name: str
    seconds: float


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    # Every check with a finding, by id, in the order reports list them.
    checks: Mapping[str, CheckSpec]
    seconds: float
    lang: str = SOURCE_LANGUAGE
    title: str = ""  # empty: "Conformance report" in the report's language
    design_path: str = "architecture.yaml"
    # Decision id -> line of its entry in the design file, where SARIF anchors findings.
    decision_lines: Mapping[str, int] = field(default_factory=dict)
    # A run over several accounts: each account, in the order reports list them, the
    # digest of the design they were judged against and the shard ("2/3") it covered.
    accounts: tuple[AccountSummary, ...] = ()
    design_digest: str = ""
    shard: str = ""

    @classmethod
    def of(cls, result: RunResult, registry: Registry, **fields: Any) -> Report:
        """The report of a run, with the metadata of exactly the checks it judged."""
        judged = {f.check for f in result.findings}
        checks = {spec.id: spec for spec in registry.checks() if spec.id in judged}
        return cls(findings=result.findings, checks=checks, seconds=result.seconds, **fields)

    @property
    def heading(self) -> str:
        return self.title or tr(self.lang, "Conformance report")

    def spec(self, finding: Finding) -> CheckSpec:
        return self.checks[finding.check]

    def text(self, spec: CheckSpec) -> CheckText:
        """A check's title, rationale and steps in the report's language."""
        return spec.text(self.lang)

    def message(self, finding: Finding) -> str:
        """A finding's message in the report's language."""
        return render(finding.message, self.lang)

    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    def by_status(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status is status]

    def per_account(self) -> list[tuple[AccountSummary, Report]]:
        """Each account with the report of its own findings: how formats group by account."""
        return [
            (
                account,
                replace(
                    self,
                    findings=tuple(f for f in self.findings if f.account == account.id),
                    seconds=account.seconds,
                    accounts=(),
                ),
            )
            for account in self.accounts
        ]

    def account_heading(self, account: AccountSummary) -> str:
        return tr(self.lang, "Account {name} ({id})", name=account.name, id=account.id)

    def check_ids(self) -> list[str]:
        """Every check with a finding, in id order."""
        return sorted({f.check for f in self.findings})


def status_label(status: Status, lang: str) -> str:
    """A status as a reader of ``lang`` calls it; machine formats keep ``status.value``."""
    labels = {
        Status.PASS: tr(lang, "pass"),
        Status.FAIL: tr(lang, "fail"),
        # Translators: "could not verify", never a verdict.
        Status.ERROR: tr(lang, "error"),
        Status.SKIP: tr(lang, "skip"),
    }
    return labels[status]


def severity_label(severity: Severity, lang: str) -> str:
    labels = {
        Severity.CRITICAL: tr(lang, "critical"),
        Severity.HIGH: tr(lang, "high"),
        Severity.MEDIUM: tr(lang, "medium"),
        Severity.LOW: tr(lang, "low"),
    }
    return labels[severity]


__all__ = ["STATUS_ORDER", "AccountSummary", "Report", "severity_label", "status_label"]
