"""Write HCL text the way `terraform fmt` would: two-space indents, aligned equals signs.

The alignment rule is hclwrite's (the library behind `terraform fmt`): consecutive lines
that assign a whole single-line value form a run whose ``=`` signs line up one space
after the longest name; a blank line, a comment, a nested block or a value that opens a
bracket across lines ends the run. Values are Python data; ``Raw`` is an expression
written as is (a reference, a function call).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # keys with dashes are quoted, for the reader
INDENT = "  "
# Lists of plain values longer than this are written one element per line.
INLINE_LIMIT = 72


@dataclass(frozen=True)
class Raw:
    """An HCL expression written as is: ``Raw("aws_vpc.main.id")``."""

    text: str


@dataclass(frozen=True)
class Attr:
    name: str
    value: Any


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: tuple[Item, ...] = field(default=())


Item = Attr | Comment | Blank | Block
BLANK = Blank()


def block(kind: str, *labels: str, body: Iterable[Item | None] = ()) -> Block:
    """A block; ``None`` items are dropped, so optional arguments can be written inline."""
    return Block(kind, labels, tuple(i for i in body if i is not None))


def attrs(**values: Any) -> tuple[Attr, ...]:
    return tuple(Attr(k, v) for k, v in values.items())


def string(text: str) -> str:
    """A quoted HCL string; ``${`` and ``%{`` are escaped so the text is taken literally."""
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("${", "$${").replace("%{", "%%{")


def key(name: str) -> str:
    return name if IDENTIFIER.fullmatch(name) else string(name)


def _scalar(value: Any) -> str | None:
    if isinstance(value, Raw):
        return value.text if "\n" not in value.text else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return string(value)
    return None


def value_lines(value: Any, depth: int) -> list[str]:
    """The value's text: one line, or an opening line, inner lines and a closing line."""
    scalar = _scalar(value)
    if scalar is not None:
        return [scalar]
    pad = INDENT * (depth + 1)
    if isinstance(value, Raw):  # a multi-line expression, indented as written
        first, *rest = value.text.split("\n")
        return [first, *(INDENT * depth + line if line else "" for line in rest)]
    if isinstance(value, Mapping):
        if not value:
            return ["{}"]
        body = [Attr(key(str(k)), v) for k, v in value.items()]
        return ["{", *body_lines(body, depth + 1), INDENT * depth + "}"]
    if isinstance(value, Sequence):
        items = [_scalar(v) for v in value]
        if all(i is not None for i in items):
            inline = "[" + ", ".join(str(i) for i in items) + "]"
            if len(inline) <= INLINE_LIMIT:
                return [inline]
        lines = ["["]
        for item in value:
            inner = value_lines(item, depth + 1)
            lines += [pad + inner[0], *inner[1:-1], *([inner[-1]] if len(inner) > 1 else [])]
            lines[-1] += ","
        return [*lines, INDENT * depth + "]"]
    raise TypeError(f"no HCL form for {type(value).__name__}: {value!r}")


def body_lines(items: Sequence[Item], depth: int) -> list[str]:
    pad = INDENT * depth
    out: list[str] = []
    run: list[tuple[str, str]] = []  # (name, single-line value) awaiting alignment

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        out.extend(f"{pad}{name.ljust(width)} = {text}" for name, text in run)
        run.clear()

    for item in items:
        if isinstance(item, Attr):
            lines = value_lines(item.value, depth)
            if len(lines) == 1:
                run.append((item.name, lines[0]))
                continue
            flush()
            out.append(f"{pad}{item.name} = {lines[0]}")
            out.extend(lines[1:])
            continue
        flush()
        if isinstance(item, Blank):
            out.append("")
        elif isinstance(item, Comment):
            out.extend(f"{pad}# {line}".rstrip() for line in item.text.split("\n"))
        else:
            out.extend(block_lines(item, depth))
    flush()
    return out


def block_lines(item: Block, depth: int = 0) -> list[str]:
    pad = INDENT * depth
    head = " ".join([item.type, *(string(label) for label in item.labels)])
    if not item.body:
        return [f"{pad}{head} {{}}"]
    return [f"{pad}{head} {{", *body_lines(item.body, depth + 1), f"{pad}}}"]


def document(items: Iterable[Item]) -> str:
    """Top-level items, separated as given, ending in one newline."""
    return "\n".join(body_lines(tuple(items), 0)).rstrip("\n") + "\n"
