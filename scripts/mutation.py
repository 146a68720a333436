"""Mutation testing in batches (`make mutation`), and the score table it leaves behind.

mutmut (configured in pyproject.toml's [tool.mutmut]) copies src/ into mutants/, records
once which fast unit test reaches which function, then runs each mutant against those
tests alone. This script runs one batch of modules at a time, so a long run can be
stopped and resumed batch by batch (mutmut keeps every verdict in mutants/*.meta), and
then writes tests/mutation/RESULTS.md: the score per module, and every surviving mutant
with its justification from tests/mutation/justified/ or marked as unexplained.

    scripts/mutation.py                 every batch, then the summary
    scripts/mutation.py report runner   those batches, then the summary
    scripts/mutation.py aws.edge        one module (its name under eks_refarch.conformance
                                        or eks_refarch), then the summary
    scripts/mutation.py --again report  re-run that batch's survivors (after new tests)
    scripts/mutation.py --summary       only the summary, from the verdicts on disk
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import libcst as cst
import yaml

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
RESULTS = ROOT / "tests/mutation/RESULTS.md"
# One file per module (eks_refarch.conformance.aws.edge -> conformance.aws.edge.yaml), so
# that work on different modules never touches the same file.
JUSTIFIED = ROOT / "tests/mutation/justified"

# Batch name -> the mutant names it runs (fnmatch patterns over module.function names).
BATCHES: dict[str, tuple[str, ...]] = {
    "report": ("eks_refarch.conformance.report.*",),
    "runner": ("eks_refarch.conformance.runner.*",),
    "design": ("eks_refarch.design.*",),
    "aws": ("eks_refarch.conformance.aws.*",),
    "cluster": ("eks_refarch.conformance.cluster.*",),
    "nodes": ("eks_refarch.conformance.nodes.*",),
}

# mutmut's exit codes, as its stats module reads them.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
SURVIVED = 0
NO_TESTS = {5, 33}


@dataclass
class Module:
    name: str
    counts: Counter[str]
    survivors: list[str]  # survived, or reached by no selected test
    pending: list[str] = field(default_factory=list)  # not run yet


def patterns_of(name: str) -> tuple[str, ...] | None:
    """A batch's patterns, or one module's (``aws.edge``, ``conformance.aws.edge`` or
    ``design.loader``); None if the name is neither."""
    if name in BATCHES:
        return BATCHES[name]
    for dotted in (f"eks_refarch.conformance.{name}", f"eks_refarch.{name}"):
        if (ROOT / "src" / (dotted.replace(".", "/") + ".py")).is_file():
            return (f"{dotted}.*",)
    return None


def sync_data_files() -> None:
    """Copy src/'s non-Python files (the compiled message catalogs) into mutants/src.

    mutmut copies them once, when it makes mutants/, and afterwards renews only the .py
    files it mutates: a message added later would read in English from the stale .mo and
    fail every Japanese test, each failure a kill that proves nothing."""
    source, target = ROOT / "src", MUTANTS / "src"
    if not target.is_dir():
        return  # mutmut has yet to make mutants/, and will copy everything
    for path in source.rglob("*"):
        if path.is_file() and path.suffix not in {".py", ".pyc"}:
            copy = target / path.relative_to(source)
            if not copy.is_file() or copy.read_bytes() != path.read_bytes():
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, copy)


def run_batches(names: list[str], children: int, *, again: bool) -> None:
    """Each batch's mutants; with ``again``, only those that survived or no test reached
    (after new tests, say), which mutmut otherwise leaves with their old verdict."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    sync_data_files()
    survivors = [key for module in read_verdicts() for key in module.survivors] if again else []
    for name in names:
        patterns = patterns_of(name) or ()
        targets = [k for k in survivors if any(fnmatch(k, p) for p in patterns)]
        if again and not targets:
            continue
        print(f"mutation: batch {name}", flush=True)
        command = [sys.executable, __file__, "mutmut", "run", "--max-children", str(children)]
        subprocess.run([*command, *(targets or patterns)], cwd=ROOT, env=env, check=True)


def _is_rule(node: object) -> bool:
    """A function whose decorators are all ``@check(...)``: a rule of the registry."""
    return (
        isinstance(node, cst.FunctionDef)
        and bool(node.decorators)
        and all(
            isinstance(d.decorator, cst.Call)
            and isinstance(d.decorator.func, cst.Name)
            and d.decorator.func.value == "check"
            for d in node.decorators
        )
    )


def mutmut_with_rules(args: list[str]) -> None:
    """Run mutmut's command line, mutating the rules too.

    mutmut 3 leaves every decorated function unmutated
    (``file_mutation.MutationVisitor._skip_node_and_children``): it copies a function once
    as the original and once per mutant, and a decorator run on each copy could register
    it many times. Every rule here is decorated with ``@check(...)``, so nothing of the
    rules would be mutated. ``@check`` only registers the function it is given, under its
    ``__name__`` and docstring, which the trampoline keeps (functools.wraps); so the rules
    are mutated, ``@check`` stays on the trampoline alone (registered once, as before),
    and the copies are left undecorated. Mutant generation forks (mutmut sets the start
    method), so the workers inherit these patches.
    """
    from mutmut.__main__ import cli
    from mutmut.mutation import file_mutation

    skip = file_mutation.MutationVisitor._skip_node_and_children
    arrange = file_mutation.function_trampoline_arrangement

    def skip_unless_rule(visitor: file_mutation.MutationVisitor, node: cst.CSTNode) -> bool:
        return False if _is_rule(node) else skip(visitor, node)

    def arrange_rule(
        function: cst.FunctionDef, mutants: Iterable[file_mutation.Mutation], class_name: str | None
    ) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any], Sequence[str]]:
        if not _is_rule(function):
            return arrange(function, mutants, class_name)
        declared, nodes, assigned, names = arrange(
            function.with_changes(decorators=()), mutants, class_name
        )
        trampoline, *copies = nodes
        assert isinstance(trampoline, cst.FunctionDef)
        trampoline = trampoline.with_changes(
            decorators=[*function.decorators, *trampoline.decorators]
        )
        return declared, [trampoline, *copies], assigned, names

    setattr(file_mutation.MutationVisitor, "_skip_node_and_children", skip_unless_rule)  # noqa: B010
    file_mutation.function_trampoline_arrangement = arrange_rule
    cli.main(args=args, prog_name="mutmut")


# Calls that take a message template, and where: the wording of what the user reads.
# tr's first argument is the language, its template the second.
TEMPLATE_CALLS = {"msg": 0, "N_": 0, "tr": 1}
WORDING = (
    "changes only the wording of a message template (msg's or N_'s first argument, tr's "
    "second); "
    "tests pin what a message names (its fields), not its prose, and tests/test_i18n.py "
    "holds every template to its translation"
)


def _functions(path: Path) -> dict[str, ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _only_rewords(original: ast.FunctionDef, mutant: ast.FunctionDef) -> bool:
    """Whether ``mutant`` differs from ``original`` in one template string alone."""
    parents = {
        id(child): node for node in ast.walk(original) for child in ast.iter_child_nodes(node)
    }
    changed = [
        (a, b)
        for a, b in zip(ast.walk(original), ast.walk(mutant), strict=False)
        if type(a) is not type(b)
        or (isinstance(a, ast.Constant) and isinstance(b, ast.Constant) and a.value != b.value)
    ]
    if len(changed) != 1:
        return False
    before, after = changed[0]
    if not (isinstance(before, ast.Constant) and isinstance(after, ast.Constant)):
        return False
    if not (isinstance(before.value, str) and isinstance(after.value, str)):
        return False
    call = parents.get(id(before))
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in TEMPLATE_CALLS
        and len(call.args) > TEMPLATE_CALLS[call.func.id]
        and call.args[TEMPLATE_CALLS[call.func.id]] is before
    )


def rewordings(modules: list[Module]) -> set[str]:
    """The survivors that change nothing but a message template's wording."""
    found: set[str] = set()
    for module in modules:
        path = MUTANTS / "src" / (module.name.replace(".", "/") + ".py")
        functions = _functions(path)
        for key in module.survivors:
            name = key.rpartition(".")[2]
            original = functions.get(name.rpartition("__mutmut_")[0] + "__mutmut_orig")
            mutant = functions.get(name)
            if original and mutant and _only_rewords(original, mutant):
                found.add(key)
    return found


def read_verdicts() -> list[Module]:
    modules: list[Module] = []
    for meta in sorted(MUTANTS.glob("src/**/*.py.meta")):
        relative = meta.relative_to(MUTANTS / "src").with_suffix("").with_suffix("")
        module = Module(".".join(relative.parts), Counter(), [])
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for key, code in sorted(codes.items()):
            if code in KILLED:
                module.counts["killed"] += 1
            elif code == SURVIVED:
                module.counts["survived"] += 1
                module.survivors.append(key)
            elif code in NO_TESTS:
                module.counts["no tests"] += 1
                module.survivors.append(key)
            elif code is None:
                module.counts["not run"] += 1
                module.pending.append(key)
            else:
                module.counts["other"] += 1
        if codes:
            modules.append(module)
    return modules


def summary(modules: list[Module], justified: dict[str, str]) -> str:
    lines = [
        "# Mutation testing: results",
        "",
        "Written by `scripts/mutation.py`: `make mutation` runs every batch (mutmut, per-mutant",
        "timeout from each test's measured duration), `scripts/mutation.py BATCH...` some of",
        f"them ({', '.join(BATCHES)}), `scripts/mutation.py --summary` rewrites this file from",
        "the verdicts in mutants/. The justifications come from `tests/mutation/justified/`.",
        "Score = (killed + justified survivors) / (killed + survived + no tests); a mutant",
        "that no selected test reaches counts against the score. `not run`: not yet run.",
        "",
        "| module | mutants | killed | survived | no tests | justified | not run | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    unexplained: list[str] = []
    for module in modules:
        c = module.counts
        ok = [s for s in module.survivors if s in justified]
        unexplained += [s for s in module.survivors if s not in justified]
        total = sum(c.values())
        tested = c["killed"] + c["survived"] + c["no tests"]
        score = f"{100 * (c['killed'] + len(ok)) / tested:.1f}%" if tested else "n/a"
        lines.append(
            f"| `{module.name}` | {total} | {c['killed']} | {c['survived']} | {c['no tests']} "
            f"| {len(ok)} | {c['not run']} | {score} |"
        )
    lines += ["", "## Justified survivors", ""]
    for module in modules:
        for key in module.survivors:
            if key in justified and justified[key] != WORDING:
                lines.append(f"- `{key}`: {justified[key]}")
    lines += ["", "## Justified survivors: message wording", "", f"Each {WORDING}.", ""]
    for module in modules:
        reworded = [k.rpartition(".")[2] for k in module.survivors if justified.get(k) == WORDING]
        if reworded:
            lines.append(f"- `{module.name}`: " + ", ".join(f"`{k}`" for k in reworded))
    lines += ["", "## Unexplained survivors", ""]
    lines += [f"- `{key}`" for key in unexplained] or ["None."]
    # A justification whose mutant a test now kills, or that mutmut no longer makes (its
    # function changed and the mutants were numbered anew): it may name another mutant.
    stale = sorted(
        key
        for module in modules
        for key in justified
        if key.startswith(module.name + ".x")
        and justified[key] != WORDING
        and key not in module.survivors
        and key not in module.pending
    )
    lines += ["", "## Stale justifications (killed, or no such mutant)", ""]
    lines += [f"- `{key}`" for key in stale] or ["None."]
    return "\n".join(lines) + "\n"


def read_justified(folder: Path) -> dict[str, str]:
    """Every justification, each file holding only its own module's mutants."""
    justified: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        module = f"eks_refarch.{path.stem}."
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(entries, dict):
            raise ValueError(f"{path.relative_to(ROOT)}: expected a mapping of mutant to reason")
        for key, reason in entries.items():
            if not str(key).startswith(module) or not isinstance(reason, str) or not reason:
                raise ValueError(
                    f"{path.relative_to(ROOT)}: {key}: expected a mutant of {module[:-1]} "
                    "with a reason"
                )
        justified |= entries
    return justified


def main() -> int:
    if sys.argv[1:2] == ["mutmut"]:
        mutmut_with_rules(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="*", help=f"some of: {', '.join(BATCHES)}")
    parser.add_argument("--summary", action="store_true", help="only write RESULTS.md")
    parser.add_argument(
        "--again", action="store_true", help="re-run only the survivors of the chosen batches"
    )
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    unknown = [name for name in args.batches if patterns_of(name) is None]
    if unknown:
        parser.error(
            f"no batch or module {', '.join(unknown)}; the batches are {', '.join(BATCHES)}, "
            "a module is named as aws.edge or design.loader"
        )
    if not args.summary:
        run_batches(args.batches or list(BATCHES), args.children, again=args.again)
    try:
        justified = read_justified(JUSTIFIED)
    except ValueError as error:
        print(f"mutation: {error}", file=sys.stderr)
        return 2
    modules = read_verdicts()
    justified |= dict.fromkeys(rewordings(modules) - set(justified), WORDING)
    RESULTS.write_text(summary(modules, justified), encoding="utf-8")
    print(f"mutation: wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
