"""What every reporter reads: the run's result, the checks' metadata and the design file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from eks_refarch.conformance.model import CheckSpec, Finding, Status
from eks_refarch.conformance.registry import Registry
from eks_refarch.conformance.runner import RunResult

# The order a reader wants: what to fix first.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.SKIP, Status.PASS)


@dataclass(frozen=True)
class ReportContext:
    result: RunResult
    registry: Registry
    design_path: str = "architecture.yaml"
    # Decision id -> line of its entry in the design file, where SARIF anchors findings.
    decision_lines: Mapping[str, int] = field(default_factory=dict)
    title: str = "Conformance report"

    def spec(self, finding: Finding) -> CheckSpec:
        return self.registry.get(finding.check)

    def by_status(self, status: Status) -> list[Finding]:
        return [f for f in self.result.findings if f.status is status]

    def check_ids(self) -> list[str]:
        """Every check with a finding, in registry (id) order."""
        seen = {f.check for f in self.result.findings}
        return [c.id for c in self.registry.checks() if c.id in seen]
