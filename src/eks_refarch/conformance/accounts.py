"""Check many AWS accounts: an accounts file or an Organization, sharded, in parallel.

Each account is one ordinary run (its own AWS context, the same rules) with a role
assumed in it. Accounts run ``concurrency`` at a time; each run's facts are dropped when
it ends, and only its findings are kept, so memory does not grow with the facts of every
account. An account whose role cannot be assumed is `error` for that account only.
Findings come out in account-id order whatever order the runs finish in, so a report,
and shards merged back together, read the same every time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
from botocore.endpoint import MAX_POOL_CONNECTIONS
from pydantic import BaseModel, ConfigDict, Field, ValidationError

# ``assumed`` is re-exported: tests replace it here to refuse one account's role.
from eks_refarch.conformance.aws.context import AwsContext, CallStats, RoleClients
from eks_refarch.conformance.aws.context import assumed as assumed
from eks_refarch.conformance.aws.settings import ROLE_ARN, AwsOptions
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.report.data import AccountSummary
from eks_refarch.conformance.runner import RunResult, in_threads, run
from eks_refarch.design import Design
from eks_refarch.design.loader import from_document
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.yamlio import Document, load_document

ACCOUNT_ID = re.compile(r"\d{12}")
SHARD = re.compile(r"(\d+)/(\d+)")
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")


@dataclass(frozen=True)
class Target:
    """One account to check: who it is, the role to assume in it, its design."""

    id: str
    name: str
    role_arn: str
    design: Design
    external_id: str | None = None
    region: str = ""  # where to read it; the design's region when empty

    @property
    def read_region(self) -> str:
        return self.region or self.design.product.region


@dataclass(frozen=True)
class AccountRun:
    """One account's findings, tagged with its id; its facts are not kept."""

    summary: AccountSummary
    result: RunResult
    calls: CallStats


# The accounts file.
class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=ACCOUNT_ID.pattern)
    name: str = Field(min_length=1)
    role: str | None = None  # a role name in the account, or a role ARN
    external_id: str | None = Field(default=None, min_length=2, max_length=1224)
    design: dict[str, Any] | None = None  # merged into the design for this account


class _AccountsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    accounts: list[_Entry] = Field(min_length=1)


def role_arn(account_id: str, role: str, region: str) -> str:
    """A role name made into its ARN in ``account_id``; an ARN as it is."""
    if role.startswith("arn:"):
        return role
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    if region.startswith("us-gov-"):
        partition = "aws-us-gov"
    return f"arn:{partition}:iam::{account_id}:role/{role}"


def load_accounts(
    path: Path,
    design: Design,
    design_document: Document,
    *,
    role_name: str | None,
    external_id: str | None,
) -> list[Target]:
    """The accounts of an accounts file, each with its role and design, or a UserInputError
    naming the file, the line and the field of every problem."""
    document = load_document(path, what="accounts file")
    try:
        parsed = _AccountsFile.model_validate(document.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "string_pattern_mismatch" and loc[-1:] == ("id",):
                message = "expected a 12-digit account id (quote it, or YAML may read a number)"
            elif err["type"] == "string_type" and loc[-1:] == ("id",):
                message = "expected a 12-digit account id in quotes"
            elif err["type"] == "extra_forbidden":
                message = "unknown field (expected one of: id, name, role, external_id, design)"
            else:
                message = err["msg"][:1].lower() + err["msg"][1:]
            problems.append(Problem(path, document.line_of(loc), loc, message))
        raise UserInputError(problems) from None
    problems = []
    targets = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(parsed.accounts):
        here = ("accounts", index)
        if entry.id in seen:
            problems.append(
                Problem(
                    path,
                    document.line_of((*here, "id")),
                    (*here, "id"),
                    f"account {entry.id} is listed twice (also accounts[{seen[entry.id]}])",
                )
            )
            continue
        seen[entry.id] = index
        role = entry.role or role_name
        if role is None:
            problems.append(
                Problem(
                    path,
                    document.line_of(here),
                    (*here, "role"),
                    "no role: give a role name or ARN here, or --role-name",
                )
            )
            continue
        if not (ROLE_ARN.fullmatch(role) if role.startswith("arn:") else ROLE_NAME.fullmatch(role)):
            problems.append(
                Problem(
                    path,
                    document.line_of((*here, "role")),
                    (*here, "role"),
                    f"expected an IAM role name or role ARN, found {role!r}",
                )
            )
            continue
        try:
            own = _overridden(design, design_document, entry.design, document, here)
        except UserInputError as exc:
            problems.extend(exc.problems)
            continue
        arn = role_arn(entry.id, role, own.product.region)
        targets.append(Target(entry.id, entry.name, arn, own, entry.external_id or external_id))
    if problems:
        raise UserInputError(problems)
    return sorted(targets, key=lambda t: t.id)


def _merged(base: Any, overrides: Any) -> Any:
    """``overrides`` laid over ``base``: mappings merge key by key, anything else replaces."""
    if isinstance(base, Mapping) and isinstance(overrides, Mapping):
        out = dict(base)
        for key, value in overrides.items():
            out[key] = _merged(base.get(key), value) if key in base else value
        return out
    return overrides


def _overridden(
    design: Design,
    design_document: Document,
    overrides: dict[str, Any] | None,
    accounts: Document,
    here: tuple[str | int, ...],
) -> Design:
    """The design with one account's overrides, validated like the design file; problems
    name the accounts file and the override's line."""
    if not overrides:
        return design
    prefix = (*here, "design")
    lines = {
        loc[len(prefix) :]: line
        for loc, line in accounts.lines.items()
        if loc[: len(prefix)] == prefix
    }
    merged = Document(accounts.path, _merged(design_document.data, overrides), lines)
    try:
        return from_document(merged)
    except UserInputError as exc:
        raise UserInputError([replace(p, loc=(*prefix, *p.loc)) for p in exc.problems]) from None


def organization_accounts(
    management: AwsContext,
    design: Design,
    *,
    role_name: str,
    external_id: str | None,
) -> list[Target]:
    """The ACTIVE member accounts of the Organization the management account's credentials
    see, each with ``role_name``. The management account itself is left out: it should
    hold no workload, and its own role is not the audit role of a member account."""
    if not ROLE_NAME.fullmatch(role_name):
        raise UserInputError(
            [
                Problem(
                    None, None, ("--role-name",), f"expected an IAM role name, found {role_name!r}"
                )
            ]
        )
    try:
        organization = management.call("organizations", "describe_organization")["Organization"]
        listed = management.paginate("organizations", "list_accounts")["Accounts"]
        management_id = organization["MasterAccountId"]
        accounts = [
            (account["Id"], account.get("Name") or account["Id"])
            for account in listed
            if (account.get("State") or account.get("Status")) == "ACTIVE"
            and account["Id"] != management_id
        ]
    except CollectionError as exc:
        raise UserInputError(
            [Problem(None, None, ("--organization",), f"cannot list the accounts: {exc}")]
        ) from None
    region = design.product.region
    return sorted(
        (
            Target(account_id, name, role_arn(account_id, role_name, region), design, external_id)
            for account_id, name in accounts
        ),
        key=lambda t: t.id,
    )


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``"2/3"`` -> (2, 3); a UserInputError for anything else."""
    if value is None:
        return None
    match = SHARD.fullmatch(value.strip())
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise UserInputError(
            [Problem(None, None, ("--shard",), f"expected I/N with 1 <= I <= N, found {value!r}")]
        )
    return int(match[1]), int(match[2])


def in_shard(account_id: str, shard: tuple[int, int] | None) -> bool:
    """Whether the account falls to shard I of N: a stable hash of its id, so N runners
    with shards 1..N check every account exactly once, whatever order they list them in."""
    if shard is None:
        return True
    index, count = shard
    digest = hashlib.sha256(account_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def design_digest(design: Design) -> str:
    """What `refarch report merge` compares so that shards judged against different
    designs are not merged."""
    return "sha256:" + hashlib.sha256(design.model_dump_json().encode()).hexdigest()


def run_accounts(
    targets: list[Target],
    options: AwsOptions,
    *,
    concurrency: int,
    only: Collection[str] | None,
    on_done: Callable[[AccountRun], None] | None = None,
) -> Iterator[AccountRun]:
    """Each target's run, ``concurrency`` at a time, yielded in the order of ``targets``."""
    base = boto3.Session(profile_name=options.profile, region_name=options.region)
    # One client per service and region for every account (each call signed as its own).
    clients = RoleClients(options, MAX_POOL_CONNECTIONS * concurrency)

    def one(target: Target) -> AccountRun:
        own = replace(
            options,
            region=target.read_region,
            role_arn=target.role_arn,
            external_id=target.external_id,
        )
        context = AwsContext(own, session_factory=lambda o: assumed(base, o, clients))
        try:
            result = run(target.design, {Source.AWS: context}, only=only, keep_facts=False)
        finally:
            context.close()
        findings = tuple(replace(f, account=target.id) for f in result.findings)
        summary = AccountSummary(target.id, target.name, result.seconds)
        done = AccountRun(summary, replace(result, findings=findings), context.stats)
        if on_done is not None:
            on_done(done)
        return done

    # In the targets' order; a finished run's facts are already gone.
    try:
        yield from in_threads(one, targets, concurrency)
    finally:
        clients.close()
