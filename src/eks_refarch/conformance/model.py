"""What a conformance run produces: statuses, severities, findings and check metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from eks_refarch.i18n import SOURCE_LANGUAGE, Text, render, tr_in

if TYPE_CHECKING:
    from eks_refarch.conformance.facts import Facts
    from eks_refarch.design import Design


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # could not verify: a permission, an endpoint or a host was missing
    SKIP = "skip"  # not applicable, with the reason


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Source(StrEnum):
    """Where facts come from. A check runs only when every source it needs was given."""

    AWS = "aws"
    CLUSTER = "cluster"
    NODES = "nodes"


@dataclass(frozen=True)
class Remediation:
    """How to bring the resource back to the design."""

    steps: str  # console, CLI or kubectl steps, in prose
    # The Terraform attribute to set, e.g. aws_lb.drop_invalid_header_fields = true.
    terraform: str | None = None
    kubernetes: str | None = None  # the manifest field to set, for cluster checks


@dataclass(frozen=True)
class CheckText:
    """A check's reader-facing text in one language: its title, why it matters, how to fix it.

    English is written beside the rule (the docstring and the Remediation); every other
    language comes from that language's catalog (see eks_refarch.i18n). Terraform and
    Kubernetes attribute names are the same in every language and are not translated.
    """

    title: str
    rationale: str
    steps: str


@dataclass(frozen=True)
class Result:
    """What a rule says about one resource; the runner turns it into a Finding.

    The message is a ``Message`` (``i18n.msg``) so that reports can show it in the
    reader's language; a plain string is shown as it is in every language.
    """

    status: Status
    resource: str
    message: Text


def passed(resource: str, message: Text) -> Result:
    return Result(Status.PASS, resource, message)


def failed(resource: str, message: Text) -> Result:
    return Result(Status.FAIL, resource, message)


def skipped(resource: str, reason: Text) -> Result:
    return Result(Status.SKIP, resource, reason)


def errored(resource: str, message: Text) -> Result:
    """For one resource the rule could not judge (an unreachable node, say)."""
    return Result(Status.ERROR, resource, message)


Rule = Callable[["Facts", "Design"], Iterable[Result]]


@dataclass(frozen=True)
class CheckSpec:
    """A check's metadata, declared once beside its rule by the ``check`` decorator."""

    id: str
    title: str
    rationale: str
    severity: Severity
    remediation: Remediation
    references: tuple[str, ...]
    decision: str
    needs: tuple[type[Any], ...]
    sources: frozenset[Source]
    rule: Rule = field(compare=False, repr=False)
    module: str = ""

    def text_parts(self, lang: str) -> tuple[tuple[str, str], ...]:
        """(part, text) for the title, rationale and steps, in ``lang``; the check id is the
        catalog context, so two checks may share an English sentence and not a translation."""
        english = (
            ("title", self.title),
            ("rationale", self.rationale),
            ("steps", self.remediation.steps),
        )
        return tuple(
            (part, tr_in(lang, f"{self.id}.{part}", text) if text else "") for part, text in english
        )

    def text(self, lang: str) -> CheckText:
        """The title, rationale and remediation steps in ``lang`` (one of i18n.LANGUAGES)."""
        return CheckText(**dict(self.text_parts(lang)))


@dataclass(frozen=True)
class Finding:
    """One verdict on one resource. The JSON report is a list of these."""

    check: str
    status: Status
    resource: str
    message: Text
    severity: Severity
    account: str = ""  # the AWS account id, in a run over several accounts

    def as_dict(self, lang: str = SOURCE_LANGUAGE) -> dict[str, str]:
        """The JSON report's shape: keys and values stay the same in every language but
        the message, which is in ``lang``."""
        out = {
            "check": self.check,
            "status": self.status.value,
            "resource": self.resource,
            "message": render(self.message, lang),
            "severity": self.severity.value,
        }
        if self.account:
            out["account"] = self.account
        return out
