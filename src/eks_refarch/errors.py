"""Errors caused by what the user gave us, reported as messages rather than tracebacks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Exit codes shared by every command. 0-2 are verdicts of `refarch check`; usage and
# input errors start at 3 so a script can tell "the account failed" from "I was misused".
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERRORED = 2
EXIT_USAGE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
EXIT_CODES_HELP = (
    "Exit codes: 0 everything passed (or was skipped); 1 something failed; 2 nothing "
    "failed but something could not be verified; 3 usage or input error; 4 internal error; "
    "130 interrupted (Ctrl-C)."
)


def dotted(loc: Sequence[str | int]) -> str:
    """``("network", "subnets", 2, "cidr")`` -> ``network.subnets[2].cidr``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, precise enough to fix without guessing."""

    path: Path | None
    line: int | None
    loc: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(str(self.path) + (f":{self.line}" if self.line is not None else ""))
        if self.loc:
            parts.append(dotted(self.loc))
        parts.append(self.message)
        return ": ".join(parts)


class UserInputError(Exception):
    """Raised for bad input; the CLI prints each problem on its own line and exits 3."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
