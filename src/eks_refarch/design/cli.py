"""`refarch design ...`: validate the design file and show it with its derived values."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click
import yaml

from eks_refarch.design.loader import DEFAULT_DESIGN, load

design_file = click.argument(
    "file", type=click.Path(path_type=Path), default=DEFAULT_DESIGN, required=False
)

# The option by which the other commands are told which design to read.
design_option = click.option(
    "--design",
    "design_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_DESIGN,
    show_default=True,
    help="The design file.",
)


@click.group()
def design() -> None:
    """Validate and inspect the design model (architecture.yaml)."""


@design.command()
@design_file
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to judge support on, as YYYY-MM-DD (default: the current date).",
)
def validate(file: Path, today: datetime.datetime | None) -> None:
    """Check a design file, field by field and across fields.

    FILE defaults to architecture.yaml. Every field is checked, and every rule relating
    one part of the design to another (subnets inside the VPC, references that resolve).
    Prints one line per problem (file:line: field: what was expected, what was found)
    and exits 3 when there is any.

    Then warns, without failing, about each version the design names (the Kubernetes
    floor, Istio, the platform components' Helm charts) that is out of standard support
    on --today, by the support calendars in eks_refarch/design/support.yaml.
    """
    # Imported here: the charts module reads the design package, not the other way round.
    from eks_refarch.design.support import designed_versions, lapses
    from eks_refarch.manifests.charts import CHARTS

    model = load(file)
    click.echo(
        f"{file}: valid: {len(model.microservices)} microservices, "
        f"{len(model.platform.components)} platform components, "
        f"{len(model.decisions)} decisions"
    )
    day = today.date() if today else datetime.date.today()
    pinned = [(c.chart, c.version) for c in CHARTS if c.version != "istio"]
    for lapse in lapses(designed_versions(model, pinned), day):
        click.echo(f"{file}: warning: {lapse}", err=True)


@design.command()
@design_file
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Output format.",
)
def show(file: Path, output_format: str) -> None:
    """Print the resolved design, derived values included.

    FILE defaults to architecture.yaml. Derived values (the target group's ports, the
    ECR repository names) appear where they belong, as every reader of the design sees them.
    """
    data = load(file).model_dump(mode="json")
    if output_format == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), nl=False)
