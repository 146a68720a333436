"""The prose lint: textlint over every page as readers see it, in each language's rules.

The pages are linted as the refarch plugin rendered them, so the text that comes from
the design (labels, tables, component reasons) is linted with the hand-written text.
Material's own block syntax (admonitions, content tabs, definition lists) is not
Markdown to textlint; it is turned into the paragraphs it displays before linting.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.site import sitebuild

TEXTLINT = REPO / "node_modules" / ".bin" / "textlint"
CONFIG = {lang: REPO / f".textlintrc.{lang}.yml" for lang in sitebuild.LANGS}

# `!!! note "Title"` and `=== "Tab"`: a block whose title is a label, body indented below.
_BLOCK = re.compile(r'^(?P<indent> *)(?:!!!|\?\?\?\+?|===) *(?:[a-z]+ *)?(?:"(?P<title>[^"]*)")?$')
_DEFINITION = re.compile(r"^(?P<indent> *):   (?P<text>.*)$")


def as_paragraphs(markdown: str) -> str:
    """Material's block syntax as the paragraphs it shows; everything else unchanged.

    A block's title becomes a heading and its body is dedented; a definition
    (``:   text``) becomes a paragraph after its term, which becomes a heading.
    """
    out: list[str] = []
    dedent: list[int] = []  # indents of the open blocks' bodies
    fence = False
    for line in markdown.splitlines():
        stripped = line.strip()
        while dedent and stripped and len(line) - len(line.lstrip(" ")) < dedent[-1]:
            dedent.pop()
        cut = dedent[-1] if dedent else 0
        text = line[cut:] if line[:cut].strip() == "" else line
        if stripped.startswith(("```", "~~~")):
            fence = not fence
        if not fence and (block := _BLOCK.match(text)):
            out += ["", f"#### {block['title']}" if block["title"] else "", ""]
            dedent.append(cut + len(block["indent"]) + 4)
            continue
        if not fence and (definition := _DEFINITION.match(text)):
            term = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
            if term is not None and not out[term].startswith("#"):
                out[term] = "#### " + out[term].strip()
            out += ["", definition["text"]]
            dedent.append(cut + len(definition["indent"]) + 4)
            continue
        out.append(text)
    return "\n".join(out) + "\n"


def test_material_blocks_become_paragraphs() -> None:
    source = '!!! tip "Title"\n    Body line.\n\nTerm\n:   Definition.\n    More.\n\nAfter.\n'
    shown = "\n#### Title\n\nBody line.\n\n#### Term\n\nDefinition.\nMore.\n\nAfter.\n"
    assert as_paragraphs(source) == shown


def _lint(lang: str, root: Path, files: list[Path]) -> list[str]:
    result = subprocess.run(
        [str(TEXTLINT), "--config", str(CONFIG[lang]), "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    if result.returncode not in (0, 1):
        pytest.fail(f"textlint could not run:\n{result.stderr}")
    problems = []
    for report in json.loads(result.stdout):
        lines = Path(report["filePath"]).read_text(encoding="utf-8").splitlines()
        for m in report["messages"]:
            where = Path(report["filePath"]).relative_to(root)
            line = lines[m["line"] - 1] if m["line"] <= len(lines) else ""
            problems.append(
                f"{where}:{m['line']}: {m['ruleId']}: {m['message'].splitlines()[0]}\n"
                f"    {line.strip()[:160]}"
            )
    return problems


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_every_page_passes_the_prose_lint_of_its_language(
    lang: str, rendered: Path, tmp_path: Path
) -> None:
    sources = sorted((rendered / lang).rglob("*.md"))
    assert len(sources) > 50, "the build wrote no rendered pages"
    files = []
    for source in sources:
        target = tmp_path / lang / source.relative_to(rendered / lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(as_paragraphs(source.read_text(encoding="utf-8")), encoding="utf-8")
        files.append(target)
    problems = _lint(lang, tmp_path, files)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
