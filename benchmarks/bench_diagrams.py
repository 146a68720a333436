"""Benchmark: a cold render of every view against Graphviz's `dot` alone on the same sources.

Run with `.venv/bin/python benchmarks/bench_diagrams.py [ROUNDS]` from the repository
root. "Cold" means no render cache: each round draws every view in both languages
from the view scripts, runs `dot` once per view and language for all formats, and
inlines the icons. The baseline runs the same `dot` command lines (run_dot, SVG on
stdout, other formats to files) on the DOT sources the renderer produced, and does
nothing else. Prints the median wall-clock and CPU
seconds of each and their ratios; exits 1 when a ratio is above the target.
"""

from __future__ import annotations

import functools
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from eks_refarch.rendering import LANGS, VIEWS, Lang, render
from eks_refarch.rendering.graphviz_dot import find_dot, run_dot
from eks_refarch.rendering.renderer import sources

REPO = Path(__file__).resolve().parents[1]
DESIGN = REPO / "architecture.yaml"
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Cost:
    wall: float  # seconds on the clock
    cpu: float  # CPU seconds of this process and of the dot processes it ran


def _cpu() -> float:
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _medians(rounds: int, contenders: dict[str, Callable[[Path], object]]) -> dict[str, Cost]:
    """Median wall-clock and CPU seconds of each contender, each run into a fresh directory.

    Rounds interleave the contenders, so a burst of load on a shared machine slows all
    of them alike instead of one; CPU seconds hardly depend on that load at all.
    """
    costs: dict[str, list[Cost]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, run in contenders.items():
            with tempfile.TemporaryDirectory() as tmp:
                wall, cpu = time.perf_counter(), _cpu()
                run(Path(tmp))
                costs[name].append(Cost(time.perf_counter() - wall, _cpu() - cpu))
    return {
        name: Cost(
            statistics.median(c.wall for c in values), statistics.median(c.cpu for c in values)
        )
        for name, values in costs.items()
    }


def _dot_alone(
    dot: str, dot_sources: dict[tuple[str, Lang], str], formats: tuple[str, ...], workers: int
) -> Callable[[Path], None]:
    def one(out: Path, view: str, lang: str, source: str) -> None:
        files = {fmt: out / f"{view}.{lang}.{fmt}" for fmt in formats if fmt != "svg"}
        run_dot(dot, source, files, to_stdout="svg" if "svg" in formats else None)

    def run(out: Path) -> None:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = [pool.submit(one, out, v, lang, src) for (v, lang), src in dot_sources.items()]
        for finished in runs:
            finished.result()  # a failed dot run fails the benchmark

    return run


def main(rounds: int) -> int:
    dot = find_dot()
    dot_sources = sources(DESIGN, langs=LANGS)
    # The renderer runs dot on as many workers as there are CPUs; the wall-clock
    # baseline that counts gets the same, so the ratio measures the renderer's own
    # work, not its parallelism. CPU seconds do not depend on it.
    workers = os.cpu_count() or 1
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{len(dot_sources)} renders ({len(VIEWS)} views x {len(LANGS)} languages), "
        f"{workers} CPUs, load average {load}, median of {rounds} rounds"
    )
    worst = 0.0
    for formats in (("svg",), ("svg", "png")):
        medians = _medians(
            rounds,
            {
                "render": functools.partial(render, DESIGN, formats=formats, cache_dir=None),
                "alone": _dot_alone(dot, dot_sources, formats, workers),
                "serial": _dot_alone(dot, dot_sources, formats, 1),
            },
        )
        rendered, alone, serial = medians["render"], medians["alone"], medians["serial"]
        wall_ratio, cpu_ratio = rendered.wall / alone.wall, rendered.cpu / alone.cpu
        worst = max(worst, wall_ratio, cpu_ratio)
        print(
            f"  {'+'.join(formats)}:\n"
            f"    wall: cold render {rendered.wall:.3f} s, dot alone {alone.wall:.3f} s "
            f"({workers} at a time; {serial.wall:.3f} s one at a time), ratio {wall_ratio:.2f}\n"
            f"    CPU:  cold render {rendered.cpu:.3f} s, dot alone {alone.cpu:.3f} s, "
            f"ratio {cpu_ratio:.2f}"
        )
    print(f"worst ratio {worst:.2f} (target <= {TARGET_RATIO})")
    return 0 if worst <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
