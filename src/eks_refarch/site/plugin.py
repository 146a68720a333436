"""The `refarch` MkDocs plugin: renders each page as a Jinja template over the design model.

A page writes ``{{ gw.node_ports.http }}`` where it would otherwise type a number, so a
change to architecture.yaml reaches every page on the next build. Undefined names fail
the build, naming the page. The design file is ``design`` in mkdocs.yml unless the
environment variable REFARCH_DESIGN names another, and the manifests folder likewise
``manifests`` or REFARCH_MANIFESTS (the tests build from altered copies).

The check catalog's pages have no source file: the plugin adds one page per registered
check to both language folders, each a call of ``check_page()``, and points its edit
link at the rule module that declares the check. They are not in the navigation; the
catalog's index page lists and filters them.
"""

from __future__ import annotations

import inspect
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
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from eks_refarch.errors import UserInputError
from eks_refarch.output import write_file
from eks_refarch.site import catalog, decisions, diagrams, search
from eks_refarch.site.context import Inputs, SiteData, page_globals
from eks_refarch.site.markdown import LANGS, lang_of, page_path
from eks_refarch.site.repository import Repository

DESIGN_ENV = "REFARCH_DESIGN"
MANIFESTS_ENV = "REFARCH_MANIFESTS"
# Where to keep each page's Markdown as rendered, values from the design filled in: the
# prose lint (tests/site/test_prose.py) reads what readers see, not the templates.
RENDERED_ENV = "REFARCH_RENDERED"
# The whole source of a generated check page: the page is drawn from the registry.
CHECK_PAGE_SOURCE = "{{ check_page() }}\n"

# Material fetches "sitemap.xml" relative to every <link rel="alternate" hreflang> in the
# head, expecting language roots there. The i18n plugin points them at the translated
# page instead, so each page load asked for two sitemaps that do not exist. The language
# selector in the header already links each page to its translation without them.
_HREFLANG_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


# mkdocs' Config and BasePlugin declare an untyped __init_subclass__.
class RefarchConfig(base.Config):  # type: ignore[no-untyped-call]
    design = c.Type(str, default="architecture.yaml")
    alternatives = c.Type(str, default="docs/data/compute-alternatives.yaml")
    benchmark = c.Type(str, default="docs/data/generic-benchmark.yaml")
    manifests = c.Type(str, default="manifests")
    decisions_section = c.Type(str)
    # The repository's web address: the source of every link into it (see repository.py).
    repository = c.Type(str, default="")
    branch = c.Type(str, default="main")


class RefarchPlugin(BasePlugin[RefarchConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self._data: SiteData | None = None
        self._generated: set[str] = set()
        self._jinja = jinja2.Environment(
            undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
        )

    def design_file(self, config: MkDocsConfig) -> Path:
        """The design the site is built from: $REFARCH_DESIGN, else ``design`` in mkdocs.yml."""
        root = Path(config.config_file_path).parent
        return Path(os.environ.get(DESIGN_ENV) or root / self.config.design)

    def _inputs(self, config: MkDocsConfig) -> Inputs:
        root = Path(config.config_file_path).parent
        try:
            repository = Repository.from_setting(self.config.repository, self.config.branch)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        return Inputs(
            design=self.design_file(config),
            comparison=root / self.config.alternatives,
            benchmark=root / self.config.benchmark,
            manifests=Path(os.environ.get(MANIFESTS_ENV) or root / self.config.manifests),
            design_name=self.config.design,
            manifests_name=self.config.manifests,
            repository=repository,
            root=root,
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        inputs = self._inputs(config)
        repository = inputs.repository
        docs = Path(config.docs_dir).relative_to(inputs.root).as_posix()
        # Edit links and the header's repository link come from the one setting; with it
        # empty the site shows neither (mkdocs makes no edit link without an edit_uri).
        config.edit_uri = repository.edit_url(f"{docs}/") if repository else None
        config.extra["social"] = [repository.social] if repository else []
        try:
            self._data = SiteData.load(inputs)
        except UserInputError as exc:
            raise PluginError("\n".join(str(p) for p in exc.problems)) from None
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        decision_pages = [decisions.page_of(d.id) for d in self._data.design.decisions]
        # The check pages stay out of the navigation: the catalog's index lists them all,
        # with search and filters, where ~75 entries would bury the rest of the site.
        config.nav = _with_pages(config.nav, self.config.decisions_section, decision_pages)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        data = self._site()
        present: dict[str, set[str]] = {lang: set() for lang in LANGS}
        for file in files.documentation_pages():
            path = page_path(file.src_uri)
            try:
                decision = decisions.decision_of_page(path, data.design)
                check = catalog.check_of_page(path, data.registry)
            except ValueError as exc:
                raise PluginError(f"docs/{file.src_uri}: {exc}") from None
            if decision is not None:
                present[lang_of(file.src_uri)].add(decision.id)
            if check is not None:
                raise PluginError(
                    f"docs/{file.src_uri}: the page of {check.id} is generated from the check "
                    "registry; write its text beside the rule, not here"
                )
        for lang, ids in present.items():
            for decision in data.design.decisions:
                if decision.id not in ids:
                    raise PluginError(
                        f"{decision.id} has no page: write docs/{lang}/"
                        f"{decisions.page_of(decision.id)}"
                    )
        return self._with_check_pages(files, config)

    def _with_check_pages(self, files: Files, config: MkDocsConfig) -> Files:
        """One page per check in each language folder, as if written in docs/.

        The i18n plugin, which runs after this one, only places files that claim to live
        in docs/; their content comes from on_page_read_source.
        """
        for lang in LANGS:
            for path in catalog.pages(self._site().registry):
                src_uri = f"{lang}/{path}"
                self._generated.add(src_uri)
                files.append(
                    File(
                        src_uri,
                        config.docs_dir,
                        config.site_dir,
                        config.use_directory_urls,
                    )
                )
        return files

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        return CHECK_PAGE_SOURCE if page.file.src_uri in self._generated else None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        src = page.file.src_uri
        if src in self._generated:
            page.edit_url = self._rule_edit_url(page_path(src))
        try:
            template = self._jinja.from_string(markdown)
            rendered = template.render(page_globals(self._site(), src))
        except jinja2.TemplateSyntaxError as exc:
            raise PluginError(f"docs/{src}:{exc.lineno}: {exc.message}") from None
        except (jinja2.UndefinedError, ValueError, KeyError) as exc:
            raise PluginError(f"docs/{src}: {exc}") from None
        if os.environ.get(RENDERED_ENV):
            write_file(Path(os.environ[RENDERED_ENV]) / src, rendered.encode("utf-8"))
        return rendered

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        head, sep, body = output.partition("</head>")
        output = _HREFLANG_LINK.sub("", head) + sep + body
        if lang_of(page.file.src_uri) != LANGS[0]:
            output = search.page_base(output)  # this language's own search index
        return output

    @event_priority(-200)  # after the i18n plugin (-100) merged every language's index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search.split(Path(config.site_dir), LANGS[1])

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        inputs = self._inputs(config)
        for path in (inputs.design, inputs.comparison, inputs.manifests):
            server.watch(str(path))
        server.watch(str(Path(config.config_file_path).parent / diagrams.VIEWS_DIR))
        return server

    def _rule_edit_url(self, path: str) -> str | None:
        """The edit link of a check's page: the rule module that declares the check."""
        data = self._site()
        spec = catalog.check_of_page(path, data.registry)
        source = inspect.getsourcefile(spec.rule) if spec is not None else None
        root = data.inputs.root.resolve()
        repository = data.inputs.repository
        if repository is None or source is None or not Path(source).resolve().is_relative_to(root):
            return None  # no repository set, or an installed package's source
        return repository.edit_url(Path(source).resolve().relative_to(root).as_posix())

    def _site(self) -> SiteData:
        if self._data is None:
            raise PluginError("the refarch plugin was used before its configuration was read")
        return self._data


def _with_pages(nav: Any, section: str, pages: tuple[str, ...] | list[str]) -> Any:
    """The nav with the given pages appended to the section of that title, at any depth.

    Idempotent, because the i18n plugin runs the build (and so on_config) once per language.
    """

    def find(items: Any) -> list[Any] | None:
        for item in items or []:
            if isinstance(item, dict):
                for title, children in item.items():
                    if title == section and isinstance(children, list):
                        return children
                    found = find(children) if isinstance(children, list) else None
                    if found is not None:
                        return found
        return None

    entries = find(nav)
    if entries is None:
        raise PluginError(f"mkdocs.yml: the nav has no section {section!r} for generated pages")
    entries[:] = [e for e in entries if e not in pages] + list(pages)
    return nav
