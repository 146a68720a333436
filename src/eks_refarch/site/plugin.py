"""The `refarch` MkDocs plugin: renders each page as a Jinja template over the design model.

A page writes ``{{ gw.node_ports.http }}`` where it would otherwise type a number, so a
change to architecture.yaml reaches every page on the next build. Undefined names fail
the build, naming the page. The design file is ``design`` in mkdocs.yml unless the
environment variable REFARCH_DESIGN names another (the tests build from altered copies).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from eks_refarch.design import Design, load
from eks_refarch.errors import UserInputError
from eks_refarch.site import decisions, diagrams
from eks_refarch.site.context import SiteData, page_globals
from eks_refarch.site.markdown import LANGS, lang_of, page_path

DESIGN_ENV = "REFARCH_DESIGN"

# Material fetches "sitemap.xml" relative to every <link rel="alternate" hreflang> in the
# head, expecting language roots there. The i18n plugin points them at the translated
# page instead, so each page load asked for two sitemaps that do not exist. The language
# selector in the header already links each page to its translation without them.
_HREFLANG_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


# mkdocs' Config and BasePlugin declare an untyped __init_subclass__.
class RefarchConfig(base.Config):  # type: ignore[no-untyped-call]
    design = c.Type(str, default="architecture.yaml")
    alternatives = c.Type(str, default="docs/data/compute-alternatives.yaml")
    decisions_section = c.Type(str)


class RefarchPlugin(BasePlugin[RefarchConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._data: SiteData | None = None
        self._jinja = jinja2.Environment(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
        )

    def design_file(self, config: MkDocsConfig) -> Path:
        """The design the site is built from: $REFARCH_DESIGN, else ``design`` in mkdocs.yml."""
        root = Path(config.config_file_path).parent
        return Path(os.environ.get(DESIGN_ENV) or root / self.config.design)

    def _paths(self, config: MkDocsConfig) -> tuple[Path, Path]:
        root = Path(config.config_file_path).parent
        return self.design_file(config), root / self.config.alternatives

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        design_path, alternatives_path = self._paths(config)
        try:
            self._data = SiteData.load(design_path, alternatives_path)
        except UserInputError as exc:
            raise PluginError("\n".join(str(p) for p in exc.problems)) from None
        config.nav = _with_decision_pages(
            config.nav, self.config.decisions_section, self._data.design
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        design = self._site().design
        present: dict[str, set[str]] = {lang: set() for lang in LANGS}
        for file in files.documentation_pages():
            try:
                decision = decisions.decision_of_page(page_path(file.src_uri), design)
            except ValueError as exc:
                raise PluginError(f"docs/{file.src_uri}: {exc}") from None
            if decision is not None:
                present[lang_of(file.src_uri)].add(decision.id)
        for lang, ids in present.items():
            for decision in design.decisions:
                if decision.id not in ids:
                    raise PluginError(
                        f"{decision.id} has no page: write docs/{lang}/"
                        f"{decisions.page_of(decision.id)}"
                    )
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        src = page.file.src_uri
        try:
            template = self._jinja.from_string(markdown)
            return template.render(page_globals(self._site(), src))
        except jinja2.TemplateSyntaxError as exc:
            raise PluginError(f"docs/{src}:{exc.lineno}: {exc.message}") from None
        except (jinja2.UndefinedError, ValueError, KeyError) as exc:
            raise PluginError(f"docs/{src}: {exc}") from None

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        head, sep, body = output.partition("</head>")
        return _HREFLANG_LINK.sub("", head) + sep + body

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        for path in self._paths(config):
            server.watch(str(path))
        server.watch(str(Path(config.config_file_path).parent / diagrams.VIEWS_DIR))
        return server

    def _site(self) -> SiteData:
        if self._data is None:
            raise PluginError("the refarch plugin was used before its configuration was read")
        return self._data


def _with_decision_pages(nav: Any, section: str, design: Design) -> Any:
    """The nav with one entry per design decision appended to the decisions section.

    Idempotent, because the i18n plugin runs the build (and so on_config) once per language.
    """
    pages = [decisions.page_of(d.id) for d in design.decisions]
    for item in nav or []:
        if isinstance(item, dict) and section in item:
            entries = [e for e in item[section] if e not in pages]
            item[section] = entries + pages
            return nav
    raise PluginError(f"mkdocs.yml: the nav has no section {section!r} for the decision records")
