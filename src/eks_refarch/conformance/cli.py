"""`refarch check`: run the conformance checks against the sources given, and report.

Each source (AWS, the cluster, the nodes) is a ``SourceSpec``: the command-line options
that select it and a small function that builds its collector context. A source runs
when one of its options is given; with no source option at all, the default sources
(AWS) run. A new source is one SourceSpec and its click options.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import boto3
import click
from rich.console import Console

from eks_refarch.conformance.aws.context import AwsContext, AwsOptions, CallStats, RetryMode
from eks_refarch.conformance.cluster.sources import build_cluster
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.nodes.sources import build_nodes
from eks_refarch.conformance.registry import load_builtin_checks
from eks_refarch.conformance.report import RENDERERS, ReportContext
from eks_refarch.conformance.report.text import render_stats, render_text
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.design import Design, load
from eks_refarch.design.cli import design_option
from eks_refarch.errors import EXIT_CODES_HELP, Problem, UserInputError
from eks_refarch.rendering import asbuilt
from eks_refarch.yamlio import load_document

FORMATS = tuple(RENDERERS)


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
AWS_TUNING = ("retry_mode", "max_attempts", "connect_timeout", "read_timeout")


def build_aws(params: Mapping[str, Any], design: Design) -> AwsContext:
    """The AWS context: --region (else the design's region), the boto3 credential chain."""
    profile = params.get("profile")
    if profile and profile not in boto3.Session().available_profiles:
        raise UserInputError([Problem(None, None, ("--profile",), f"no AWS profile {profile!r}")])
    tuning = {name: params[name] for name in AWS_TUNING if params.get(name) is not None}
    return AwsContext(
        AwsOptions(
            region=params.get("region") or design.product.region,
            profile=profile,
            role_arn=params.get("role_arn"),
            endpoint_url=params.get("endpoint_url"),
            **tuning,
        )
    )


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(Source.AWS, ("region", "profile", "role_arn", "endpoint_url"), build_aws, True),
    SourceSpec(Source.CLUSTER, ("kubeconfig", "context", "manifests"), build_cluster, False),
    # Nodes over SSH when --hosts is given, else each kubelet's /configz via --kubeconfig.
    SourceSpec(Source.NODES, ("hosts", "kubeconfig"), build_nodes, False),
)


def contexts(params: Mapping[str, Any], design: Design) -> dict[Source, Any]:
    """The collector context of every selected source; nothing is called yet."""
    given = [s for s in SOURCES if any(params.get(o) is not None for o in s.options)]
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


def write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and a rename: never half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def execute(
    design: Design,
    design_path: Path,
    sources: Mapping[Source, Any],
    *,
    output_format: str,
    output: Path | None,
    only: Collection[str] | None,
    stats: bool,
    title: str = "Conformance report",
    as_built: Path | None = None,
) -> int:
    """Run, report and return the exit code. Shared by `refarch check` and `refarch demo`."""
    err = Console(stderr=True, highlight=False)
    progress: AbstractContextManager[Any] = (
        err.status("checking…") if err.is_terminal else nullcontext()
    )
    with progress as status:
        on_progress = status.update if status is not None else None
        result = run(design, sources, only=only, on_progress=on_progress)
    if as_built is not None:
        write_atomically(as_built, asbuilt.render_svg(design, result).decode())
    report = ReportContext(
        result=result,
        registry=load_builtin_checks(),
        design_path=_relative(design_path),
        decision_lines=decision_lines(design_path, design),
        title=title,
    )
    to_terminal = output is None and output_format == "text" and sys.stdout.isatty()
    text = render_text(report, color=True) if to_terminal else RENDERERS[output_format](report)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
    if stats:
        click.echo(_stats(result, sources), err=True, nl=False)
    return result.exit_code


def _stats(result: RunResult, sources: Mapping[Source, Any]) -> str:
    context = sources.get(Source.AWS)
    calls = context.stats if isinstance(context, AwsContext) else CallStats()
    return render_stats(calls, result.seconds, color=sys.stderr.isatty())


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--format, --output, --only and --stats, shared with `refarch demo`."""
    for option in reversed(
        (
            click.option(
                "--format",
                "-f",
                "output_format",
                type=click.Choice(FORMATS),
                default="text",
                show_default=True,
                help="Report format. json: {summary, findings}; junit and sarif for CI; "
                "markdown for the site.",
            ),
            click.option(
                "--output",
                "-o",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Write the report to FILE (atomically) instead of standard output.",
            ),
            click.option("--only", metavar="ID,...", help="Run only these check ids."),
            click.option(
                "--as-built",
                metavar="FILE.svg",
                type=click.Path(path_type=Path, dir_okay=False),
                help="Also draw the account as this run observed it, laid out like the "
                "design's network view, each resource marked with its checks' verdict.",
            ),
            click.option(
                "--stats",
                is_flag=True,
                help="Print each AWS operation's calls, retries and seconds, and the wall "
                "time, to standard error.",
            ),
        )
    ):
        func = option(func)
    return func


@click.command(cls=CheckCommand)
@design_option
@click.option("--region", help="AWS region; defaults to the design's product.region.")
@click.option("--profile", help="AWS profile from the shared config files.")
@click.option("--role-arn", help="Assume this (read-only) role through STS first.")
@click.option("--endpoint-url", help="Send every AWS call to this endpoint (an emulator).")
@click.option(
    "--retry-mode",
    type=click.Choice(get_args(RetryMode)),
    default=AwsOptions.retry_mode,
    show_default=True,
    help="botocore retry mode.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    default=AwsOptions.max_attempts,
    show_default=True,
    help="Attempts per API call, the first included.",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0.1),
    default=AwsOptions.connect_timeout,
    show_default=True,
)
@click.option(
    "--read-timeout",
    type=click.FloatRange(min=0.1),
    default=AwsOptions.read_timeout,
    show_default=True,
)
@click.option(
    "--kubeconfig",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check the live cluster of this kubeconfig (list calls only), and its nodes' "
    "kubelets through the API server unless --hosts is given.",
)
@click.option("--context", help="The kubeconfig context to use (default: its current-context).")
@click.option(
    "--manifests",
    type=click.Path(path_type=Path, file_okay=False),
    help="Check the manifests in this directory (plain or Helm-rendered YAML) instead of a "
    "live cluster.",
)
@click.option(
    "--hosts",
    "hosts",
    multiple=True,
    metavar="URL",
    # click gives an empty tuple for an absent repeatable option; None keeps the nodes
    # source unselected, as for every other absent source option.
    callback=lambda ctx, param, value: value or None,
    help="Check the kubelet on this testinfra host (ssh://host, paramiko://user@host:port, "
    "local://); repeat it, or separate URLs with commas.",
)
@report_options
def check(
    design_file: Path,
    output_format: str,
    output: Path | None,
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
    return execute(
        design,
        design_file,
        contexts(params, design),
        output_format=output_format,
        output=output,
        only=parse_only(only),
        stats=stats,
        as_built=as_built,
    )
