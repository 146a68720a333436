"""The rendered module: committed output equals a fresh render, laid out as terraform fmt would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eks_refarch.cli import run
from eks_refarch.design import Design
from eks_refarch.terraform.hclwrite import Attr, Block, Raw, block, document
from eks_refarch.terraform.render import HEADER, generated_files, render
from tests.terraform.conftest import MODULE

ASSIGNMENT = re.compile(r"^(?P<indent> *)(?P<name>[^\s=#][^=]*?)(?P<pad> +)= (?P<value>.*)$")


def test_committed_module_equals_a_fresh_render(design: Design) -> None:
    fresh = {f.path: f.text() for f in render(design)}
    committed = {p.name: p for p in generated_files(MODULE)}
    stale = sorted(set(committed) - set(fresh))
    missing = sorted(set(fresh) - set(committed))
    changed = sorted(
        path
        for path in set(fresh) & set(committed)
        if committed[path].read_text(encoding="utf-8") != fresh[path]
    )
    assert (stale, missing, changed) == ([], [], []), (
        "terraform/ differs from the design (stale, missing, changed); run "
        "`refarch terraform render`"
    )


def test_render_command_writes_the_module_and_removes_only_stale_generated_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "tf"
    out.mkdir()
    (out / "backend.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
    (out / "old.tf").write_text(HEADER + "\n")
    assert run(["terraform", "render", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.glob("*.tf"))
    assert "old.tf" not in names
    assert "backend.tf" in names
    assert {p.name for p in generated_files(out)} == {p.name for p in generated_files(MODULE)}


def _bracket_change(value: str) -> int:
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"', '""', value)
    return sum(stripped.count(c) for c in "([{") - sum(stripped.count(c) for c in ")]}")


def fmt_problems(text: str) -> list[str]:
    """Where ``text`` breaks terraform fmt's layout, by hclwrite's rules: a line is indented
    two spaces per open bracket group, and the equals signs of consecutive single-line
    assignments line up one space after the longest name."""
    problems: list[str] = []
    run: list[tuple[int, re.Match[str]]] = []
    indents: list[int] = []

    def close() -> None:
        if run:
            width = max(len(m["name"]) for _, m in run)
            problems.extend(
                f"line {n}: '=' is not aligned with its neighbours"
                for n, m in run
                if len(m["name"]) + len(m["pad"]) != width + 1
            )
        run.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        comment = stripped.startswith("#")
        net = _bracket_change(stripped) if stripped and not comment else 0
        closed = -net
        while closed > 0 and indents:
            if closed >= indents[-1]:
                closed -= indents.pop()
            else:
                indents[-1] -= closed
                closed = 0
        have = len(line) - len(line.lstrip(" "))
        if stripped and have != 2 * len(indents):
            problems.append(f"line {number}: indented {have}, not {2 * len(indents)}")
        if net > 0:
            indents.append(net)
        if line != line.rstrip():
            problems.append(f"line {number}: trailing whitespace")
        match = ASSIGNMENT.match(line)
        if match and not comment and _bracket_change(match["value"]) == 0:
            run.append((number, match))
        else:
            close()
    close()
    return problems


@pytest.mark.parametrize("path", generated_files(MODULE), ids=lambda p: p.name)
def test_committed_file_is_laid_out_as_terraform_fmt_would(path: Path) -> None:
    assert fmt_problems(path.read_text(encoding="utf-8")) == []


def test_layout_check_catches_misaligned_and_misindented_lines() -> None:
    good = document([block("resource", "a", "b", body=(Attr("x", 1), Attr("long_name", 2)))])
    assert fmt_problems(good) == []
    assert fmt_problems(good.replace("x         =", "x =")) != []
    assert fmt_problems(good.replace("  x", "   x")) != []


def test_writer_breaks_alignment_at_multi_line_values_and_blocks() -> None:
    text = document(
        [
            Block(
                "locals",
                (),
                (
                    Attr("a", 1),
                    Attr("much_longer", {"k": Raw("var.x")}),
                    Attr("b", 2),
                    Attr("cc", [1, 2]),
                ),
            )
        ]
    )
    assert text == (
        "locals {\n  a = 1\n  much_longer = {\n    k = var.x\n  }\n  b  = 2\n  cc = [1, 2]\n}\n"
    )
