"""`refarch demo`: provision the design into an embedded emulator, drift it, check it."""

from __future__ import annotations

from pathlib import Path

import click

from eks_refarch.conformance.cli import (
    CheckGroup,
    execute,
    parse_only,
    report_options,
)
from eks_refarch.conformance.model import Source
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.organization import AUDIT_ROLE, provision_organization
from eks_refarch.demo.run import demo_context, provision_with_drift
from eks_refarch.demo.server import moto_server, require_loopback
from eks_refarch.design import load
from eks_refarch.design.cli import design_option
from eks_refarch.i18n import default_language, tr

drift_option = click.option(
    "--drift",
    type=click.Choice(sorted(DRIFTS)),
    help="Apply this drift scenario after provisioning (see `refarch demo drifts`).",
)


@click.group(cls=CheckGroup, invoke_without_command=True)
@design_option
@drift_option
@report_options
@click.pass_context
def demo(
    ctx: click.Context,
    design_file: Path,
    drift: str | None,
    output_format: str,
    output: Path | None,
    lang: str,
    only: str | None,
    as_built: Path | None,
    stats: bool,
) -> int | None:
    """Check the design's own account, built in an embedded AWS emulator.

    Starts a moto server on 127.0.0.1 at a free port, provisions the reference
    environment exactly as the design says (the conforming account), optionally applies
    one drift scenario, runs the AWS checks against it and prints the report. Works
    offline: nothing leaves the loopback interface, and the demo uses its own dummy
    credentials, never yours.
    """
    if ctx.invoked_subcommand:
        return None
    design = load(design_file)
    title = (
        tr(lang, "Demo account: drift {drift}", drift=drift)
        if drift
        else tr(lang, "Demo account, as designed")
    )
    with moto_server() as url:
        provision_with_drift(url, design, drift)
        return execute(
            design,
            design_file,
            {Source.AWS: demo_context(design, url)},
            output_format=output_format,
            output=output,
            only=parse_only(only),
            stats=stats,
            lang=lang,
            title=title,
            as_built=as_built,
        )


@demo.command("provision")
@click.option(
    "--endpoint-url",
    required=True,
    help="The running emulator to provision into; only loopback addresses are accepted.",
)
@design_option
@drift_option
@click.option(
    "--accounts",
    type=click.IntRange(1, 500),
    help="Build an organization of this many member accounts instead of one account.",
)
@click.option(
    "--drift-every",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="With --accounts: every Nth member account carries one built-in drift.",
)
@click.option(
    "--role-name",
    default=AUDIT_ROLE,
    show_default=True,
    help="With --accounts: the audit role created in each member account.",
)
def provision_command(
    endpoint_url: str,
    design_file: Path,
    drift: str | None,
    accounts: int | None,
    drift_every: int,
    role_name: str,
) -> None:
    """Provision the design into an emulator that is already running.

    With --accounts N, an AWS Organization of N member accounts, each with an audit role
    to assume and the design provisioned into it, every Nth one (--drift-every) carrying
    one built-in drift, named in the output.

    Refuses (exit 3) any endpoint whose host is not 127.0.0.0/8, ::1 or localhost, so
    it cannot create anything in a real account.
    """
    require_loopback(endpoint_url)
    design = load(design_file)
    if accounts is not None:
        if drift:
            raise click.UsageError("--drift applies to one account; --accounts plants its own")
        lang = default_language()
        for member in provision_organization(
            endpoint_url, design, accounts, every=drift_every, role_name=role_name
        ):
            line = (
                tr(
                    lang,
                    "{id} {name}: drift {drift} (fails {check})",
                    id=member.id,
                    name=member.name,
                    drift=member.drift,
                    check=member.check,
                )
                if member.drift
                else tr(lang, "{id} {name}: as designed", id=member.id, name=member.name)
            )
            click.echo(line)
        return
    account = provision_with_drift(endpoint_url, design, drift)
    click.echo(
        f"provisioned {design.product.name} into {account.endpoint_url}: "
        f"{len(account.ids)} resources" + (f", drift {drift} applied" if drift else "")
    )


@demo.command("drifts")
def drifts_command() -> None:
    """List the drift scenarios and the one check each must turn to fail."""
    lang = default_language()
    names = max(len(d.name) for d in DRIFTS.values())
    checks = max(len(d.check) for d in DRIFTS.values())
    for drift in DRIFTS.values():
        summary = tr(lang, drift.summary)
        click.echo(f"{drift.name:<{names}} {drift.check:<{checks}} {summary}")
