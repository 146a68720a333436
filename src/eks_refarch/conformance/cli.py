"""`refarch check`: run the conformance checks against the sources given, and report.

Each source (AWS, the cluster, the nodes) is a ``SourceSpec``: the command-line options
that select it and a small function that builds its collector context. A source runs
when one of its options is given; with no source option at all, the default sources
(AWS) run. A new source is one SourceSpec and its click options.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import boto3
import click
from rich.console import Console

from eks_refarch import extras
from eks_refarch.conformance.aws.context import AwsContext, CallStats
from eks_refarch.conformance.aws.settings import REGION_NAME, ROLE_ARN, AwsOptions
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster.sources import build_cluster
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.nodes.sources import build_nodes
from eks_refarch.conformance.options import (
    ACCOUNTS,
    AWS,
    CLUSTER,
    DESIGN,
    NODES,
    REPORT,
    click_options,
)
from eks_refarch.conformance.report import RENDERERS, Report
from eks_refarch.conformance.report.text import render_stats, render_text
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design, load
from eks_refarch.errors import EXIT_CODES_HELP, Problem, UserInputError
from eks_refarch.output import check_destination, write_output
from eks_refarch.yamlio import load_document


class ExitCodesHelp:
    """Ends a command's help with the shared exit codes of `refarch`."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(EXIT_CODES_HELP)


class CheckCommand(ExitCodesHelp, click.Command):
    pass


class CheckGroup(ExitCodesHelp, click.Group):
    pass


@dataclass(frozen=True)
class SourceSpec:
    source: Source
    options: tuple[str, ...]  # click parameter names that select this source
    build: Callable[[Mapping[str, Any], Design], Any]
    default: bool  # runs when no source option at all is given


# AwsOptions fields that have defaults there; an absent option (the pytest adapter has
# none of these) keeps that default.
AWS_TUNING = ("retry_mode", "max_attempts", "connect_timeout", "read_timeout", "scope")


def build_aws(params: Mapping[str, Any], design: Design) -> AwsContext:
    """The AWS context: --region (else the design's region), the boto3 credential chain."""
    given = params.get("region")
    region = design.product.region if given is None else given  # "" is a typo, not absence
    role_arn = params.get("role_arn")
    problems = []
    if not REGION_NAME.fullmatch(region):
        problems.append(
            Problem(
                None,
                None,
                ("--region",),
                f"{region!r} is not an AWS region name (such as {design.product.region})",
            )
        )
    if role_arn is not None and not ROLE_ARN.fullmatch(role_arn):
        problems.append(
            Problem(
                None,
                None,
                ("--role-arn",),
                f"{role_arn!r} is not an IAM role ARN "
                "(arn:aws:iam::<12-digit account id>:role/<name>)",
            )
        )
    profile = params.get("profile")
    if profile and profile not in boto3.Session().available_profiles:
        problems.append(Problem(None, None, ("--profile",), f"no AWS profile {profile!r}"))
    if problems:
        raise UserInputError(problems)
    tuning = {name: params[name] for name in AWS_TUNING if params.get(name) is not None}
    return AwsContext(
        AwsOptions(
            region=region,
            profile=profile,
            role_arn=role_arn,
            endpoint_url=params.get("endpoint_url"),
            **tuning,
        )
    )


def build_terraform(params: Mapping[str, Any], design: Design) -> Any:
    """The AWS source answered from a Terraform module; AWS options make no sense with it."""
    extras.require("terraform", "refarch check --terraform")
    from eks_refarch.terraform.context import TerraformContext  # python-hcl2 only here

    given = [f"--{o.replace('_', '-')}" for o in AWS_SOURCE_OPTIONS if params.get(o) is not None]
    if given:
        raise UserInputError(
            [Problem(None, None, ("--terraform",), f"cannot be combined with {', '.join(given)}")]
        )
    return TerraformContext(Path(params["terraform"]))


AWS_SOURCE_OPTIONS = ("region", "profile", "role_arn", "endpoint_url")
SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(Source.AWS, AWS_SOURCE_OPTIONS, build_aws, True),
    SourceSpec(Source.AWS, ("terraform",), build_terraform, False),
    SourceSpec(Source.CLUSTER, ("kubeconfig", "context", "manifests"), build_cluster, False),
    # Nodes over SSH when --hosts is given, else each kubelet's /configz via --kubeconfig.
    SourceSpec(Source.NODES, ("hosts", "kubeconfig"), build_nodes, False),
)


def contexts(params: Mapping[str, Any], design: Design) -> dict[Source, Any]:
    """The collector context of every selected source; nothing is called yet."""
    given = [s for s in SOURCES if any(params.get(o) is not None for o in s.options)]
    if params.get("terraform") is not None:  # the module stands in for the account
        given = [s for s in given if s.build is not build_aws]
    chosen = given or [s for s in SOURCES if s.default]
    return {s.source: s.build(params, design) for s in chosen}


def parse_only(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def decision_lines(design_path: Path, design: Design) -> dict[str, int]:
    """Each decision's line in the design file, where SARIF results are anchored."""
    document = load_document(design_path, what="design")
    lines = {}
    for index, decision in enumerate(design.decisions):
        line = document.line_of(("decisions", index))
        if line is not None:
            lines[decision.id] = line
    return lines


def execute(
    design: Design,
    design_path: Path,
    sources: Mapping[Source, Any],
    *,
    output_format: str,
    output: Path | None,
    only: Collection[str] | None,
    stats: bool,
    lang: str,
    title: str = "",
    as_built: Path | None = None,
) -> int:
    """Run, report and return the exit code. Shared by `refarch check` and `refarch demo`."""
    for destination in (output, as_built):
        if destination is not None:
            check_destination(destination)  # before the run, not after minutes of it
    if as_built is not None:
        extras.require("diagrams", "refarch check --as-built")
    err = Console(stderr=True, highlight=False)
    progress: AbstractContextManager[Any] = (
        err.status("checking…") if err.is_terminal else nullcontext()
    )
    with progress as status:
        on_progress = status.update if status is not None else None
        result = run(design, sources, only=only, on_progress=on_progress)
    if as_built is not None:
        write_output(as_built, as_built_svg(design, result, lang))
    report = Report.of(
        result,
        load_builtin_checks(),
        lang=lang,
        title=title,
        design_path=_relative(design_path),
        decision_lines=decision_lines(design_path, design),
    )
    emit(report, output_format, output)
    if stats:
        click.echo(_stats(result, sources), err=True, nl=False)
    return result.exit_code


def emit(report: Report, output_format: str, output: Path | None) -> None:
    """Write the report to ``output``, or print it (in colour on a terminal)."""
    to_terminal = output is None and output_format == "text" and sys.stdout.isatty()
    text = render_text(report, color=True) if to_terminal else RENDERERS[output_format](report)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)


def as_built_svg(design: Design, result: RunResult, lang: str) -> bytes:
    """The as-built picture of a run (needs the diagrams extra, checked before the run)."""
    from eks_refarch.rendering import asbuilt  # the diagrams library only here
    from eks_refarch.rendering.views import Lang

    return asbuilt.render_svg(design, result, cast(Lang, lang))


def _stats(result: RunResult, sources: Mapping[Source, Any]) -> str:
    context = sources.get(Source.AWS)
    calls = context.stats if isinstance(context, AwsContext) else CallStats()
    return render_stats(
        calls.rows(),
        calls.cache_hits,
        result.seconds,
        critical_path=calls.critical_path,
        color=sys.stderr.isatty(),
    )


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


report_options = click_options(REPORT)  # --format, --output, --lang, --only, --stats


@click.command(cls=CheckCommand)
@click_options((DESIGN, *AWS, *ACCOUNTS, *CLUSTER, *NODES, *REPORT))
def check(
    design_file: Path,
    output_format: str,
    output: Path | None,
    lang: str,
    only: str | None,
    as_built: Path | None,
    stats: bool,
    **params: Any,
) -> int:
    """Check an account, a cluster and its nodes against the design: pass, fail, error or skip.

    Read-only: only Describe, List and Get calls to AWS, get and list to Kubernetes, and
    file and process reads on nodes. AWS credentials come from the standard boto3 chain
    (environment, shared files, SSO, instance role); --role-arn assumes a role first.
    Only the layers whose options are given run: AWS with any AWS option (or when no
    source option is given at all), the cluster with --kubeconfig or --manifests, the
    nodes with --hosts (or --kubeconfig, through the API server). Checks that join two
    layers, such as the ALB target group against the gateway's nodePorts, run when both
    are given. `error` means "could not verify" and names the missing permission or the
    unreachable endpoint or host; it is never a pass or a fail.
    """
    design = load(design_file)
    if params.get("accounts") is not None or params.get("organization"):
        from eks_refarch.conformance.fleet import execute_accounts

        return execute_accounts(
            design,
            design_file,
            params,
            output_format=output_format,
            output=output,
            only=parse_only(only),
            stats=stats,
            lang=lang,
            as_built=as_built,
        )
    given = [
        f"--{n.replace('_', '-')}" for n in ("shard", "role_name", "external_id") if params.get(n)
    ]
    if given:
        raise UserInputError(
            [Problem(None, None, (given[0],), "needs --accounts FILE or --organization")]
        )
    return execute(
        design,
        design_file,
        contexts(params, design),
        output_format=output_format,
        output=output,
        only=parse_only(only),
        stats=stats,
        lang=lang,
        as_built=as_built,
    )
