"""The JSON report: the stable shape other tools read ({"summary": ..., "findings": [...]}).

Keys, check ids, statuses and severities are the same in every language; only the
messages are in the report's language. ``read_json`` reads a report back, for the site
and for joining reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from eks_refarch.conformance.model import Finding, Severity, Status
from eks_refarch.conformance.report.data import AccountSummary, Report
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.i18n import SOURCE_LANGUAGE


def render_json(report: Report) -> str:
    document: dict[str, Any] = {
        "summary": report.summary(),
        "findings": [f.as_dict(report.lang) for f in report.findings],
    }
    if report.design_digest:  # a run over accounts, even a shard that drew none
        # What `refarch report merge` needs to join shards: each account's summary, the
        # design they were judged against, the shard, the language of the messages.
        document["accounts"] = [
            {"id": a.id, "name": a.name, "summary": part.summary(), "seconds": round(a.seconds, 3)}
            for a, part in report.per_account()
        ]
        document["design"] = report.design_digest
        document["shard"] = report.shard
        document["lang"] = report.lang
        document["seconds"] = round(report.seconds, 3)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Finding(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    check: str
    status: Status
    resource: str
    message: str
    severity: Severity
    account: str = ""


class _Account(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    name: str
    seconds: float


class _Document(BaseModel):
    model_config = ConfigDict(extra="allow")
    summary: dict[str, int]
    findings: list[_Finding]
    accounts: list[_Account] = []
    design: str = ""
    shard: str = ""
    lang: str = SOURCE_LANGUAGE
    seconds: float = 0.0


@dataclass(frozen=True)
class AccountsDocument:
    """A JSON report of a run over accounts, as `refarch report merge` reads it."""

    findings: tuple[Finding, ...]
    accounts: tuple[AccountSummary, ...]
    design: str
    shard: str
    lang: str
    seconds: float


def read_json(text: str, source: Path) -> tuple[Finding, ...]:
    """The findings of a JSON report, or a UserInputError naming the file and the field."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            [Problem(source, exc.lineno, (), f"not a JSON report: {exc.msg}")]
        ) from None
    return read_report(data, source)


def read_report(data: Any, source: Path) -> tuple[Finding, ...]:
    """The findings of a parsed JSON report document."""
    return _validated(data, source).findings


def read_accounts_json(text: str, source: Path) -> AccountsDocument:
    """A JSON report over accounts, or a UserInputError naming the file and the field."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserInputError(
            [Problem(source, exc.lineno, (), f"not a JSON report: {exc.msg}")]
        ) from None
    document = _validated(data, source)
    if not document.design:
        raise UserInputError(
            [
                Problem(
                    source,
                    None,
                    ("accounts",),
                    "not a report over accounts (written by refarch check --accounts or "
                    "--organization with --format json)",
                )
            ]
        )
    return document


def _validated(data: Any, source: Path) -> AccountsDocument:
    try:
        document = _Document.model_validate(data)
    except ValidationError as exc:
        raise UserInputError(
            [
                Problem(source, None, tuple(err["loc"]), f"{err['msg']} (a refarch JSON report)")
                for err in exc.errors()
            ]
        ) from None
    return AccountsDocument(
        findings=tuple(
            Finding(f.check, f.status, f.resource, f.message, f.severity, f.account)
            for f in document.findings
        ),
        accounts=tuple(AccountSummary(a.id, a.name, a.seconds) for a in document.accounts),
        design=document.design,
        shard=document.shard,
        lang=document.lang,
        seconds=document.seconds,
    )
