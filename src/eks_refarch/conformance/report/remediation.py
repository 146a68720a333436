"""A check's remediation as plain text, shared by the reports that print it."""

from __future__ import annotations

from eks_refarch.conformance.model import CheckSpec


def remediation_text(spec: CheckSpec) -> str:
    lines = [f"Remediation: {spec.remediation.steps}"]
    if spec.remediation.terraform:
        lines.append(f"Terraform: {spec.remediation.terraform}")
    if spec.remediation.kubernetes:
        lines.append(f"Kubernetes: {spec.remediation.kubernetes}")
    lines.append(f"Decision: {spec.decision}")
    lines.extend(f"See: {url}" for url in spec.references)
    return "\n".join(lines)
