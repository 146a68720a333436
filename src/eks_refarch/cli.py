"""The `refarch` command line: one entry point for the design, diagrams and checks."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import NamedTuple

import click
from rich.console import Console
from rich.markup import escape

from eks_refarch import __version__, extras
from eks_refarch.errors import (
    EXIT_CODES_HELP,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    UserInputError,
)


class Subcommand(NamedTuple):
    target: str  # module:attribute of the click command
    extra: str | None  # the extra its module needs at import time; None: the base install


SUBCOMMANDS = {
    "check": Subcommand("eks_refarch.conformance.cli:check", None),
    "demo": Subcommand("eks_refarch.demo.cli:demo", "demo"),
    "design": Subcommand("eks_refarch.design.cli:design", None),
    "diagrams": Subcommand("eks_refarch.rendering.cli:diagrams", "diagrams"),
    "manifests": Subcommand("eks_refarch.manifests.cli:manifests", None),
    "policy": Subcommand("eks_refarch.policy:policy", None),
    "report": Subcommand("eks_refarch.conformance.fleet:report", None),
    "terraform": Subcommand("eks_refarch.terraform.cli:terraform", None),
}


class Commands(click.Group):
    """Imports a subcommand's module only when the command is listed or run, so that a
    command whose extra is not installed is listed with the extra to install, and says
    so when run, while every other command works."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = SUBCOMMANDS.get(cmd_name)
        if spec is None:
            return None
        if spec.extra is not None and not extras.installed(spec.extra):
            return _needs_extra(cmd_name, spec.extra)
        module, _, attribute = spec.target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


def _needs_extra(name: str, extra: str) -> click.Command:
    """Stands in for a command whose extra is missing: whatever follows, it says which."""

    def stop() -> None:
        raise extras.MissingExtra(extra, f"refarch {name}")

    return click.Command(
        name,
        callback=stop,
        help=f"Needs the '{extra}' extra: {extras.install_hint(extra)}",
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )


@click.group(
    cls=Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="refarch")
def app() -> None:
    """Reference architecture for microservices on Amazon EKS.

    One design model, architecture.yaml, drives the site's pages, the diagrams and the
    conformance checks, so the three cannot drift apart.
    """


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: maps every outcome to a documented exit code."""
    code = run(argv)
    if code == EXIT_INTERRUPTED:
        # Not sys.exit: at exit, Python joins the worker threads of concurrent.futures,
        # and a collector may be waiting on a read timeout of minutes.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


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
