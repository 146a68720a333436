"""The IAM policy page's documents: `refarch policy`'s own output, as code blocks."""

from __future__ import annotations

from eks_refarch import policy
from eks_refarch.conformance.builtin import load_builtin_checks

_LANGUAGES = {"aws": "json", "k8s": "yaml"}


def policy_block(output_format: str) -> str:
    """`refarch policy --format FORMAT`, byte for byte, in a fenced code block."""
    if output_format not in _LANGUAGES:
        raise ValueError(f"policy_document({output_format!r}): use one of {sorted(_LANGUAGES)}")
    text = policy.render(load_builtin_checks(), output_format)
    return f"```{_LANGUAGES[output_format]}\n{text}```"
