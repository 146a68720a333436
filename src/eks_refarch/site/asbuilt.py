"""The example report's as-built pictures: the demo account as designed and after one drift.

Rendered while the site is built, like the diagrams: the gen-files script calls
``generate``, which runs the demo (a seeded moto server on 127.0.0.1, nothing leaves the
machine) once for the conforming account and once for ``DRIFT``, draws each as built in
both languages and adds the SVGs to the site under ``assets/as-built/<lang>/``. The runs
take seconds, so the pictures are cached under ``.cache/site/as-built`` keyed by the
example report's fingerprint (the design, the package's source, the emulator's version)
and Graphviz's version: a rebuild with the same inputs reads the cache. ``figures`` is what
the example report page shows: the two pictures side by side.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from mkdocs.config.defaults import MkDocsConfig

from eks_refarch.conformance.model import Source
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.run import demo_context, provision_with_drift
from eks_refarch.demo.server import moto_server, reset
from eks_refarch.design import Design, load
from eks_refarch.output import write_file
from eks_refarch.rendering import asbuilt
from eks_refarch.rendering.graphviz_dot import dot_version, find_dot
from eks_refarch.rendering.views import Lang
from eks_refarch.site import report
from eks_refarch.site.diagrams import FIGURE_CLASS
from eks_refarch.site.markdown import LANGS

# The drift the example report shows beside the conforming account: the boundary the
# design cares most about, the target group's port against the gateway's nodePort.
DRIFT = "target-group-port"
SCENARIOS: tuple[str | None, ...] = (None, DRIFT)
ASSETS = "assets/as-built"
CACHE_DIR = Path(".cache") / "site" / "as-built"
CACHE_ENTRIES = 4 * len(SCENARIOS) * len(LANGS)

log = logging.getLogger("mkdocs.plugins.refarch")

Opener = Callable[[str, str], IO[Any]]

_CAPTIONS = {
    None: {"en": "The demo account as designed", "ja": "設計どおりのデモアカウント"},
    "drift": {"en": "After the drift {name}", "ja": "ずれ {name} を加えた後"},
}


def scenario_name(drift: str | None) -> str:
    return drift or "as-designed"


def image_path(drift: str | None, lang: str) -> str:
    """Where one picture lives in the site: ``assets/as-built/<lang>/<scenario>.svg``."""
    return f"{ASSETS}/{lang}/{scenario_name(drift)}.svg"


def demo_run(design: Design, drift: str | None) -> RunResult:
    """The AWS checks of the demo account, drifted or not, in an emulator seeded so that
    the same design gives the same resource ids, so the same facts and the same picture."""
    with moto_server() as url:
        # The emulator's backends live in this process: empty them before and after, for
        # the runs before and after this one (the example report's own, say).
        reset(url)
        try:
            # The example report seeds its emulator so; the same seed gives the same ids.
            report.seed(url)
            provision_with_drift(url, design, drift)
            return run(design, {Source.AWS: demo_context(design, url)})
        finally:
            reset(url)


def pictures(design_path: Path, manifests_dir: Path, cache_root: Path) -> dict[str, bytes]:
    """Each picture's SVG by its path in the site: from the cache, or drawn now."""
    inputs = report.fingerprint(design_path, manifests_dir)
    graphviz = dot_version(find_dot())
    key = hashlib.sha256(f"{inputs.key}\n{graphviz}\n{DRIFT}".encode()).hexdigest()[:32]
    cache = cache_root / CACHE_DIR
    wanted = {
        image_path(drift, lang): cache / f"{key}-{scenario_name(drift)}-{lang}.svg"
        for drift in SCENARIOS
        for lang in LANGS
    }
    if not all(path.is_file() for path in wanted.values()):
        log.info("as-built pictures: running the demo account (inputs changed or no cache)")
        design = load(design_path)
        for drift in SCENARIOS:
            result = demo_run(design, drift)
            for lang in LANGS:
                svg = asbuilt.render_svg(design, result, cast(Lang, lang))
                write_file(wanted[image_path(drift, lang)], svg.decode())
        entries = sorted(cache.glob("*.svg"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[CACHE_ENTRIES:]:
            stale.unlink()
    return {target: path.read_bytes() for target, path in wanted.items()}


def generate(config: MkDocsConfig, design_file: Path, manifests: Path, open_file: Opener) -> None:
    """Add the as-built pictures to the site's files."""
    root = Path(config.config_file_path).parent
    for target, svg in pictures(design_file, manifests, root).items():
        with open_file(target, "wb") as handle:
            handle.write(svg)


def figures(lang: str, link: Callable[[str], str]) -> str:
    """The two pictures side by side, each captioned, each opening in the zoom view."""
    cells = []
    for drift in SCENARIOS:
        caption = (
            _CAPTIONS[None][lang]
            if drift is None
            else _CAPTIONS["drift"][lang].format(name=f"<code>{drift}</code>")
        )
        title = caption.replace("<code>", "").replace("</code>", "")
        cells += [
            f'<figure class="{FIGURE_CLASS}" markdown="span">',
            f"  ![{title}]({link(image_path(drift, lang))})",
            f"  <figcaption>{caption}</figcaption>",
            "</figure>",
        ]
    return "\n".join(['<div class="refarch-side-by-side" markdown>', *cells, "</div>"])
