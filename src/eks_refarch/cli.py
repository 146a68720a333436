"""The `refarch` command line: one entry point for the design, diagrams and checks."""

from __future__ import annotations

import os
import sys
import traceback

import click
from rich.console import Console
from rich.markup import escape

from eks_refarch import __version__
from eks_refarch.conformance.cli import check
from eks_refarch.demo.cli import demo
from eks_refarch.design.cli import design
from eks_refarch.errors import (
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UserInputError,
)
from eks_refarch.manifests.cli import manifests
from eks_refarch.policy import policy
from eks_refarch.rendering.cli import diagrams
from eks_refarch.terraform.cli import terraform


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="refarch")
def app() -> None:
    """Reference architecture for microservices on Amazon EKS.

    One design model, architecture.yaml, drives the site's pages, the diagrams and the
    conformance checks, so the three cannot drift apart.
    """


app.add_command(design)
app.add_command(diagrams)
app.add_command(manifests)
app.add_command(terraform)
app.add_command(check)
app.add_command(demo)
app.add_command(policy)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: maps every outcome to a documented exit code."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        result = app.main(args=argv, prog_name="refarch", standalone_mode=False)
    except UserInputError as exc:
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {escape(str(problem))}")
        return exc.exit_code
    except click.ClickException as exc:  # a UsageError too: its show() adds the usage line
        exc.show()
        return EXIT_USAGE
    except click.Abort as exc:
        # click turns Ctrl-C into Abort (and prints a newline); the shell's convention for
        # a run stopped by SIGINT is 128 + 2, which scripts and CI runners rely on.
        if isinstance(exc.__context__, KeyboardInterrupt):
            err.print("interrupted")
            return EXIT_INTERRUPTED
        err.print("aborted")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last resort: never a bare traceback for the user
        if os.environ.get("REFARCH_DEBUG"):
            traceback.print_exc()
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
            "This is a bug in refarch; run again with REFARCH_DEBUG=1 to see the traceback "
            "and report it."
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    main()
