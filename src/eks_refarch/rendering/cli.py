"""`refarch diagrams`: render every view, or tell which committed renders are stale."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from eks_refarch.design.cli import design_option
from eks_refarch.errors import EXIT_FAILED, EXIT_OK
from eks_refarch.rendering.renderer import compare, render
from eks_refarch.rendering.views import FORMATS, LANGS, VIEWS

DEFAULT_OUT = Path("build/diagrams")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@click.command()
@design_option
@click.option(
    "--out",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help=f"Write DIR/<lang>/<view>.<format> [default: {DEFAULT_OUT}; with --check "
    "and no --out, nothing is written].",
)
@click.option(
    "--format",
    "formats",
    metavar="LIST",
    default="svg",
    show_default=True,
    help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--lang",
    "langs",
    metavar="LIST",
    default=",".join(LANGS),
    show_default=True,
    help="Comma-separated languages.",
)
@click.option(
    "--view",
    "views",
    metavar="LIST",
    default=",".join(VIEWS),
    help="Comma-separated views to render [default: all].",
)
@click.option(
    "--check",
    "check_dir",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Compare DIR (same layout) with a fresh render; exit 1 naming each stale view.",
)
@click.option(
    "--views-dir",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="The view scripts [default: diagrams/ beside the design file].",
)
@click.option(
    "--cache-dir",
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where renders are kept [default: .cache/diagrams beside the design file].",
)
@click.option("--no-cache", is_flag=True, help="Draw every view afresh; read no cache, keep none.")
def diagrams(
    design_file: Path,
    out: Path | None,
    formats: str,
    langs: str,
    views: str,
    check_dir: Path | None,
    views_dir: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> int:
    """Render the architecture views from the design, in each language and format.

    A view whose design, script, renderer and Graphviz are unchanged is copied from
    the cache instead of redrawn. Output is byte-identical across runs and clones on
    the same Graphviz version; each SVG carries its icons inline.
    """
    if not no_cache and cache_dir is None:
        cache_dir = design_file.parent / ".cache" / "diagrams"
    with tempfile.TemporaryDirectory(prefix="refarch-diagrams-") as scratch:
        target = out or (Path(scratch) if check_dir is not None else DEFAULT_OUT)
        result = render(
            design_file,
            target,
            formats=_split(formats),
            langs=_split(langs),
            cache_dir=None if no_cache else cache_dir,
            views_dir=views_dir,
            views=_split(views),
        )
        for warning in result.warnings:
            click.echo(f"warning: dot: {warning}", err=True)
        if check_dir is None or out is not None:
            for output in result.outputs:
                how = "reused" if output.reused else "rendered"
                click.echo(f"{how:8} {output.path}")
        drawn, reused = len(result.rendered), len(result.reused)
        click.echo(f"{drawn + reused} views × languages: {drawn} rendered, {reused} from the cache")
        if check_dir is None:
            return EXIT_OK
        differences = compare(result, check_dir)
    for difference in differences:
        click.echo(f"stale: {difference}", err=True)
    if differences:
        stale = sorted({d.view for d in differences})
        click.echo(f"{len(stale)} stale view(s): {', '.join(stale)}", err=True)
        return EXIT_FAILED
    click.echo(f"{check_dir}: every file matches a fresh render")
    return EXIT_OK
