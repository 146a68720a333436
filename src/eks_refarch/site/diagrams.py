"""The design's diagrams on the site: rendered at build time, each language its own render.

Rendered images are not committed. The gen-files script (scripts/gen_site_diagrams.py)
calls ``generate`` on every build, which renders through ``eks_refarch.rendering`` with
its cache under ``.cache/diagrams`` and adds ``assets/diagrams/<lang>/<view>.svg`` to the
site; pages show them with ``figure``. The images sit outside the language folders
because the i18n plugin relocates only files that exist under docs/, and gen-files
writes elsewhere: a language-neutral path is the same in both language builds.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from eks_refarch.errors import UserInputError
from eks_refarch.rendering import VIEW_TITLES, VIEWS, render
from eks_refarch.site.markdown import LANGS

DIAGRAMS_DIR = "assets/diagrams"
CACHE_DIR = Path(".cache") / "diagrams"
VIEWS_DIR = Path("diagrams")

log = logging.getLogger("mkdocs.plugins.refarch")

Opener = Callable[[str, str], IO[Any]]


def image_path(view: str, lang: str) -> str:
    """Where a view's image in one language lives: ``assets/diagrams/<lang>/<view>.svg``."""
    if view not in VIEWS:
        raise ValueError(f"unknown diagram view {view!r} (expected one of: {', '.join(VIEWS)})")
    return f"{DIAGRAMS_DIR}/{lang}/{view}.svg"


def generate(config: MkDocsConfig, design_file: Path, open_file: Opener) -> None:
    """Render every view in every language and add the SVGs to the site's files."""
    root = Path(config.config_file_path).parent
    with tempfile.TemporaryDirectory(prefix="refarch-diagrams-") as out:
        try:
            result = render(
                design_file,
                Path(out),
                formats=("svg",),
                langs=LANGS,
                cache_dir=root / CACHE_DIR,
                views_dir=root / VIEWS_DIR,
            )
        except UserInputError as exc:
            raise PluginError("\n".join(str(p) for p in exc.problems)) from None
        for warning in result.warnings:
            log.warning("diagram %s", warning)
        for output in result.outputs:
            with open_file(image_path(output.view, output.lang), "wb") as target:
                target.write(output.path.read_bytes())


# The class the site's stylesheet and zoom script (docs/assets/) know a diagram by.
FIGURE_CLASS = "refarch-diagram"


def figure(view: str, lang: str, link: Callable[[str], str]) -> str:
    """A view's image in the page's language, with its title as caption.

    The picture sits on a panel of its own (light in both colour schemes) and opens in
    the site's zoom view on click, Enter or Space (docs/assets/javascripts/diagram-zoom.js).
    ``link`` turns a path under docs/ (not under a language folder) into a link target.
    """
    title = VIEW_TITLES[view][lang]  # type: ignore[index]
    return "\n".join(
        [
            f'<figure class="{FIGURE_CLASS}" markdown="span">',
            f"  ![{title}]({link(image_path(view, lang))})",
            f"  <figcaption>{title}</figcaption>",
            "</figure>",
        ]
    )
