"""A check's remediation as plain text in the report's language, for the reports that print it."""

from __future__ import annotations

from eks_refarch.conformance.model import CheckSpec
from eks_refarch.i18n import tr


def remediation_text(spec: CheckSpec, lang: str) -> str:
    lines = [tr(lang, "Remediation: {steps}", steps=spec.text(lang).steps)]
    if spec.remediation.terraform:
        lines.append(f"Terraform: {spec.remediation.terraform}")
    if spec.remediation.kubernetes:
        lines.append(f"Kubernetes: {spec.remediation.kubernetes}")
    lines.append(tr(lang, "Decision: {decision}", decision=spec.decision))
    lines.extend(tr(lang, "See: {url}", url=url) for url in spec.references)
    return "\n".join(lines)
