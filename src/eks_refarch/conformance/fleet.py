"""`refarch check --accounts/--organization` and `refarch report merge`: many accounts."""

from __future__ import annotations

import sys
import time
from collections.abc import Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from eks_refarch.conformance.accounts import (
    AccountRun,
    design_digest,
    in_shard,
    load_accounts,
    organization_accounts,
    parse_shard,
    run_accounts,
)
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cli import AWS_TUNING, emit
from eks_refarch.conformance.options import FORMATS
from eks_refarch.conformance.report import Report
from eks_refarch.conformance.report.data import AccountSummary
from eks_refarch.conformance.report.json import read_accounts_json
from eks_refarch.conformance.report.text import render_stats
from eks_refarch.conformance.runner import exit_code
from eks_refarch.design import Design
from eks_refarch.errors import (
    Problem,
    UserInputError,
)
from eks_refarch.output import check_destination
from eks_refarch.yamlio import load_document

# Options of a single-account run that a run over accounts sets per account itself.
PER_ACCOUNT = ("role_arn", "terraform", "kubeconfig", "manifests", "hosts")


def execute_accounts(
    design: Design,
    design_path: Path,
    params: Mapping[str, Any],
    *,
    output_format: str,
    output: Path | None,
    only: Collection[str] | None,
    stats: bool,
    lang: str,
    as_built: Path | None,
) -> int:
    """Check every selected account, report them together, return the worst exit code."""
    given = [f"--{n.replace('_', '-')}" for n in PER_ACCOUNT if params.get(n) is not None]
    if as_built is not None:
        given.append("--as-built")
    if params.get("accounts") is not None and params.get("organization"):
        given.append("--organization")
    if given:
        which = "--accounts" if params.get("accounts") is not None else "--organization"
        raise UserInputError(
            [Problem(None, None, (which,), f"cannot be combined with {', '.join(given)}")]
        )
    shard = parse_shard(params.get("shard"))
    if output is not None:
        check_destination(output)
    options = _options(design, params)
    if params.get("accounts") is not None:
        targets = load_accounts(
            Path(params["accounts"]),
            design,
            load_document(design_path, what="design"),
            role_name=params.get("role_name"),
            external_id=params.get("external_id"),
        )
    else:
        if not params.get("role_name"):
            raise UserInputError(
                [Problem(None, None, ("--organization",), "needs --role-name NAME")]
            )
        targets = organization_accounts(
            AwsContext(options),
            design,
            role_name=params["role_name"],
            external_id=params.get("external_id"),
        )
    # --region, when given, is where every account is read; else each account's design's.
    region = params.get("region") or ""
    targets = [replace(t, region=region) for t in targets if in_shard(t.id, shard)]
    err = Console(stderr=True, highlight=False)
    started = time.perf_counter()
    runs: list[AccountRun] = []

    def done(account: AccountRun) -> None:
        if err.is_terminal:
            err.print(
                f"{account.summary.id} {account.summary.name}: {account.summary.seconds:.1f} s"
            )

    for account in run_accounts(
        targets, options, concurrency=params.get("concurrency") or 1, only=only, on_done=done
    ):
        runs.append(account)
    report = Report(
        findings=tuple(f for r in runs for f in r.result.findings),
        checks=_checks({f.check for r in runs for f in r.result.findings}),
        seconds=time.perf_counter() - started,
        lang=lang,
        design_path=design_path.as_posix(),
        accounts=tuple(r.summary for r in runs),
        design_digest=design_digest(design),
        shard=f"{shard[0]}/{shard[1]}" if shard else "",
    )
    emit(report, output_format, output)
    if stats:
        for account in runs:
            click.echo(f"{account.summary.id} {account.summary.name}", err=True)
            calls = account.calls
            table = render_stats(
                calls.rows(),
                calls.cache_hits,
                account.summary.seconds,
                critical_path=calls.critical_path,
                color=sys.stderr.isatty(),
            )
            click.echo(table, err=True, nl=False)
    return exit_code(report.findings, internal=any(r.result.internal_errors for r in runs))


def _options(design: Design, params: Mapping[str, Any]) -> AwsOptions:
    tuning = {name: params[name] for name in AWS_TUNING if params.get(name) is not None}
    return AwsOptions(
        region=params.get("region") or design.product.region,
        profile=params.get("profile"),
        endpoint_url=params.get("endpoint_url"),
        **tuning,
    )


def _checks(judged: Collection[str]) -> dict[str, Any]:
    return {spec.id: spec for spec in load_builtin_checks().checks() if spec.id in judged}


def merge(paths: list[Path], lang: str | None) -> Report:
    """The report of shard reports joined: each account once, one design, one language."""
    documents = [
        (path, read_accounts_json(path.read_text(encoding="utf-8"), path)) for path in paths
    ]
    problems = []
    first_path, first = documents[0]
    owner: dict[str, Path] = {}
    for path, document in documents:
        if document.design != first.design:
            problems.append(
                Problem(
                    path,
                    None,
                    ("design",),
                    f"judged against another design ({document.design}) than "
                    f"{first_path} ({first.design}): these reports cannot be merged",
                )
            )
        if document.lang != first.lang:
            problems.append(
                Problem(
                    path,
                    None,
                    ("lang",),
                    f"messages in {document.lang!r}, those of {first_path} in {first.lang!r}",
                )
            )
        for account in document.accounts:
            if account.id in owner:
                problems.append(
                    Problem(
                        path,
                        None,
                        ("accounts",),
                        f"account {account.id} is also in {owner[account.id]}: overlapping shards",
                    )
                )
            owner.setdefault(account.id, path)
    if problems:
        raise UserInputError(problems)
    accounts: list[AccountSummary] = sorted(
        (a for _, d in documents for a in d.accounts), key=lambda a: a.id
    )
    order = {a.id: i for i, a in enumerate(accounts)}
    findings = sorted(
        (f for _, d in documents for f in d.findings), key=lambda f: order.get(f.account, -1)
    )
    return Report(
        findings=tuple(findings),
        checks=_checks({f.check for f in findings}),
        seconds=max(d.seconds for _, d in documents),
        lang=lang or first.lang,
        accounts=tuple(accounts),
        design_digest=first.design,
    )


@click.group()
def report() -> None:
    """Work with the reports of `refarch check`."""


@report.command("merge")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(FORMATS),
    default="json",
    show_default=True,
    help="The merged report's format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the merged report to FILE instead of standard output.",
)
def merge_command(files: tuple[Path, ...], output_format: str, output: Path | None) -> int:
    """Join the JSON reports of shards (`refarch check --shard I/N --format json`) into one.

    Refuses reports that share an account (overlapping shards), that were judged against
    different designs, or whose messages are in different languages. The exit code is
    the merged run's, as if one run had checked every account.
    """
    merged = merge(list(files), None)
    emit(merged, output_format, output)
    return exit_code(merged.findings, internal=False)
