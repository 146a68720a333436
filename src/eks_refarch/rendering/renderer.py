"""Renders every view of the design in each language and format, reusing cached renders."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import traceback
import types
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import cast

import eks_refarch.design
from eks_refarch.design import Design, load
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.rendering.cache import RenderCache, digest
from eks_refarch.rendering.graphviz_dot import dot_version, find_dot, run_dot, self_contained
from eks_refarch.rendering.kit import FONT, Canvas, ViewDiagram
from eks_refarch.rendering.problems import Complaint, complaint
from eks_refarch.rendering.views import FORMATS, LANGS, VIEWS, Lang

Draw = Callable[[Design, Canvas], None]

# Code whose change can change a picture: this package (the kit, the shipped icons) and
# the design model (derived values). Hashed into every cache key.
_SOURCE_DIRS = (Path(__file__).resolve().parent, Path(eks_refarch.design.__file__).resolve().parent)


@dataclass(frozen=True)
class Output:
    """One written file, and whether it was drawn now or copied from the cache."""

    view: str
    lang: Lang
    format: str
    path: Path
    reused: bool


@dataclass(frozen=True)
class RenderResult:
    outputs: tuple[Output, ...]
    warnings: tuple[str, ...]

    @property
    def files(self) -> list[Path]:
        return [o.path for o in self.outputs]

    @property
    def rendered(self) -> list[tuple[str, Lang]]:
        """(view, lang) pairs drawn by this run (at least one format was not cached)."""
        return _pairs(o for o in self.outputs if not o.reused)

    @property
    def reused(self) -> list[tuple[str, Lang]]:
        """(view, lang) pairs whose every format came from the cache."""
        drawn = set(self.rendered)
        return [pair for pair in _pairs(self.outputs) if pair not in drawn]


@dataclass(frozen=True)
class Difference:
    """A file in a directory of committed renders that is not what a fresh render gives."""

    view: str
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem} (view {self.view})"


def render(
    design_path: Path,
    out_dir: Path,
    *,
    formats: Sequence[str] = ("svg",),
    langs: Sequence[str] = LANGS,
    cache_dir: Path | None = None,
    views_dir: Path | None = None,
    views: Sequence[str] = VIEWS,
) -> RenderResult:
    """Render ``views`` into ``out_dir/<lang>/<view>.<format>``.

    ``views_dir`` defaults to ``diagrams/`` beside the design file. Without
    ``cache_dir`` every view is drawn afresh. Raises UserInputError for bad input.
    """
    chosen_formats = _chosen("format", formats, FORMATS)
    chosen_langs, chosen_views, design, scripts = _inputs(design_path, langs, views_dir, views)
    dot = find_dot()
    font = _font_family(FONT)
    cache = RenderCache(cache_dir) if cache_dir is not None else None
    inputs = _inputs_digest(design_path, dot, font) if cache is not None else ""

    outputs: list[Output] = []
    pending: list[_Pending] = []
    # Graphviz runs in worker threads while the next view is drawn in this one: drawing
    # is Python, dot is another process, so the two overlap on a second core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for view in chosen_views:
            script, script_bytes = scripts[view], scripts[view].read_bytes()
            draw: Draw | None = None
            for lang in chosen_langs:
                job = _Job(view, lang, script, out_dir, chosen_formats)
                hits = dict.fromkeys(chosen_formats)
                if cache is not None:
                    job.keys = _keys(inputs, script_bytes, view, lang, chosen_formats)
                    hits = {fmt: cache.get(view, lang, fmt, job.keys[fmt]) for fmt in hits}
                outputs += [job.copy(fmt, hit) for fmt, hit in hits.items() if hit]
                missing = [fmt for fmt, hit in hits.items() if hit is None]
                if not missing:
                    continue
                draw = draw or _load_script(script)
                diagram = _draw(draw, script, design, view, lang)
                run = pool.submit(_run_dot, dot, diagram, job, missing)
                pending.append(_Pending(job, missing, run))

        warnings = []
        for item in pending:
            message = item.finish(cache, outputs)
            if message:
                warnings.append(f"{item.job.view} ({item.job.lang}): {message}")
    order = {
        key: i
        for i, key in enumerate(itertools.product(chosen_views, chosen_langs, chosen_formats))
    }
    outputs.sort(key=lambda o: order[o.view, o.lang, o.format])
    return RenderResult(tuple(outputs), tuple(warnings))


def _keys(
    inputs: str, script: bytes, view: str, lang: Lang, formats: Sequence[str]
) -> dict[str, str]:
    """The cache key of each format of one view in one language."""
    return {
        fmt: digest(
            [
                ("inputs", inputs.encode()),
                ("script", script),
                ("view", view.encode()),
                ("lang", lang.encode()),
                ("format", fmt.encode()),
            ]
        )
        for fmt in formats
    }


def _run_dot(dot: str, diagram: ViewDiagram, job: _Job, formats: Sequence[str]) -> str:
    """Run in a worker thread: dot, straight into the output files, the SVG's icons
    inlined on the way (it comes through stdout). Returns dot's warnings."""
    job.targets[formats[0]].parent.mkdir(parents=True, exist_ok=True)
    files = {fmt: job.targets[fmt] for fmt in formats if fmt != "svg"}
    svg = "svg" if "svg" in formats else None
    run = run_dot(dot, cast(str, diagram.source), files, to_stdout=svg)
    if svg:
        job.targets["svg"].write_bytes(self_contained(run.stdout, diagram.icons.values()))
    return run.warnings


class _Job:
    """One view in one language: where its files go, and (with a cache) their keys."""

    def __init__(
        self, view: str, lang: Lang, script: Path, out_dir: Path, formats: Sequence[str]
    ) -> None:
        self.view, self.lang, self.script = view, lang, script
        self.targets = {fmt: out_dir / lang / f"{view}.{fmt}" for fmt in formats}
        self.keys: dict[str, str] = {}

    def copy(self, fmt: str, cached: Path) -> Output:
        target = self.targets[fmt]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        return Output(self.view, self.lang, fmt, target, reused=True)


@dataclass(frozen=True)
class _Pending:
    """A job whose diagram is drawn and whose dot run is under way."""

    job: _Job
    formats: list[str]
    run: Future[str]

    def finish(self, cache: RenderCache | None, outputs: list[Output]) -> str:
        """Wait for dot, then record and cache its files; return dot's warnings."""
        job = self.job
        try:
            message = self.run.result()
        except RuntimeError as exc:
            raise UserInputError(
                [
                    Problem(
                        job.script, None, (), f"dot failed on view {job.view} ({job.lang}): {exc}"
                    )
                ]
            ) from None
        for fmt in self.formats:
            outputs.append(Output(job.view, job.lang, fmt, job.targets[fmt], reused=False))
            if cache is not None:
                cache.put(job.view, job.lang, fmt, job.keys[fmt], job.targets[fmt])
        return message


def sources(
    design_path: Path,
    *,
    langs: Sequence[str] = LANGS,
    views_dir: Path | None = None,
    views: Sequence[str] = VIEWS,
) -> dict[tuple[str, Lang], str]:
    """The DOT source of each view and language, as the renderer hands it to ``dot``."""
    chosen_langs, chosen_views, design, scripts = _inputs(design_path, langs, views_dir, views)
    drawn = {}
    for view in chosen_views:
        draw = _load_script(scripts[view])
        for lang in chosen_langs:
            drawn[view, lang] = cast(str, _draw(draw, scripts[view], design, view, lang).source)
    return drawn


def compare(result: RenderResult, committed_dir: Path) -> list[Difference]:
    """The files of ``committed_dir`` (same layout) that differ from ``result``'s renders."""
    differences = []
    for output in result.outputs:
        committed = committed_dir / output.lang / output.path.name
        if not committed.is_file():
            differences.append(Difference(output.view, committed, "missing"))
        elif committed.read_bytes() != output.path.read_bytes():
            differences.append(Difference(output.view, committed, "differs from a fresh render"))
    return differences


def _pairs(outputs: Iterable[Output]) -> list[tuple[str, Lang]]:
    pairs: list[tuple[str, Lang]] = []
    for output in outputs:
        if (output.view, output.lang) not in pairs:
            pairs.append((output.view, output.lang))
    return pairs


def _inputs(
    design_path: Path, langs: Sequence[str], views_dir: Path | None, views: Sequence[str]
) -> tuple[tuple[Lang, ...], tuple[str, ...], Design, dict[str, Path]]:
    """The chosen languages and views, the loaded design and each view's script."""
    chosen_langs = cast(tuple[Lang, ...], _chosen("lang", langs, LANGS))
    chosen_views = _chosen("view", views, VIEWS)
    design = load(design_path)
    scripts = _scripts(views_dir or design_path.parent / "diagrams", chosen_views)
    return chosen_langs, chosen_views, design, scripts


def _chosen(kind: str, given: Sequence[str], allowed: Sequence[str]) -> tuple[str, ...]:
    if not given:
        raise complaint(f"no {kind} given")
    expected = ", ".join(allowed)
    unknown = [
        Complaint(None, None, (), f"unknown {kind} {name!r} (expected one of: {expected})")
        for name in given
        if name not in allowed
    ]
    if unknown:
        raise UserInputError(unknown)
    return tuple(dict.fromkeys(given))


def _scripts(views_dir: Path, views: Sequence[str]) -> dict[str, Path]:
    if not views_dir.is_dir():
        raise UserInputError([Problem(views_dir, None, (), "views directory not found")])
    scripts = {view: views_dir / f"{view}.py" for view in views}
    missing = [path for path in scripts.values() if not path.is_file()]
    if missing:
        raise UserInputError([Problem(path, None, (), "view script not found") for path in missing])
    return scripts


@functools.cache
def _font_family(font: str) -> str:
    """The family fontconfig gives for the house font; an error when it substitutes another.

    Without the font, Graphviz measures labels in whatever fontconfig picks instead:
    Japanese turns into empty boxes and the layout, so the bytes, change.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        # fontconfig's command-line tools are optional; Graphviz works without them.
        return "unverified"
    family = subprocess.run(
        [fc_match, "-f", "%{family}", font], capture_output=True, text=True, check=True
    ).stdout
    if font not in family.split(","):
        raise complaint(
            f"the font {font} is not installed (fontconfig offers {family!r}): "
            "run `make setup`, which installs fonts-ipafont-gothic"
        )
    return family


def _inputs_digest(design_path: Path, dot: str, font: str) -> str:
    """Everything besides the view script that decides a render's bytes."""
    parts = [
        ("design", design_path.read_bytes()),
        ("diagrams", version("diagrams").encode()),
        ("graphviz-python", version("graphviz").encode()),
        ("dot", dot_version(dot).encode()),
        ("font", font.encode()),
    ]
    for base in _SOURCE_DIRS:
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts.append((f"{base.name}/{path.relative_to(base)}", path.read_bytes()))
    return digest(parts)


def _load_script(path: Path) -> Draw:
    module = types.ModuleType(f"refarch_view_{path.stem.replace('-', '_')}")
    module.__file__ = str(path)
    try:
        exec(_compiled(path.read_bytes(), str(path)), module.__dict__)
    except Exception as exc:  # any failure of the user's script is reported, never hidden
        raise _script_failure(path, exc) from None
    draw = getattr(module, "draw", None)
    if not callable(draw):
        raise UserInputError([Problem(path, None, (), "expected a function draw(design, canvas)")])
    return cast(Draw, draw)


@functools.lru_cache(maxsize=64)
def _compiled(source: bytes, filename: str) -> types.CodeType:
    # Compiled once per process and content: the site's build and the tests render
    # again and again, and no .pyc is written beside the scripts to reuse.
    return compile(source, filename, "exec")


def _draw(draw: Draw, script: Path, design: Design, view: str, lang: Lang) -> ViewDiagram:
    canvas = Canvas(view, lang, design.product.title[lang])
    try:
        draw(design, canvas)
    except Exception as exc:  # any failure of the user's script is reported, never hidden
        raise _script_failure(script, exc) from None
    if len(canvas.drawn) != 1 or canvas.drawn[0].source is None:
        raise UserInputError(
            [Problem(script, None, (), "draw() must draw one diagram: `with canvas.diagram():`")]
        )
    return canvas.drawn[0]


def _script_failure(script: Path, exc: BaseException) -> UserInputError:
    """The script's own line where it failed, and what failed."""
    line = exc.lineno if isinstance(exc, SyntaxError) else None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename) == script:
            line = frame.lineno
    return UserInputError([Problem(script, line, (), f"{type(exc).__name__}: {exc}")])
