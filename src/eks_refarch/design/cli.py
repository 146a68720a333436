"""`refarch design ...`: validate the design file and show it with its derived values."""

from __future__ import annotations

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
def validate(file: Path) -> None:
    """Check a design file, field by field and across fields.

    FILE defaults to architecture.yaml. Every field is checked, and every rule relating
    one part of the design to another (subnets inside the VPC, references that resolve).
    Prints one line per problem (file:line: field: what was expected, what was found)
    and exits 3 when there is any.
    """
    model = load(file)
    click.echo(
        f"{file}: valid: {len(model.microservices)} microservices, "
        f"{len(model.platform.components)} platform components, "
        f"{len(model.decisions)} decisions"
    )


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
