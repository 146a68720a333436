"""Build, serve and read the MkDocs site from tests."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from tests.helpers import REPO, LoopbackServer, threaded

LANGS = ("ja", "en")
DEFAULT_LANG = "ja"
# The repository the tests' builds link to (the refarch plugin's `repository` setting),
# so that edit links and links into the repository can be checked; the shipped
# mkdocs.yml leaves it empty and shows no such links.
REPOSITORY = "https://github.com/refarch-tests/eks-refarch"


def build(
    dest: Path,
    *,
    config: Path = REPO / "mkdocs.yml",
    design: Path | None = None,
    manifests: Path | None = None,
    rendered: Path | None = None,
) -> str:
    """`mkdocs build --strict` into ``dest``; returns the build log, fails with it.

    ``rendered``, when given, receives each page's Markdown as the refarch plugin
    rendered it (``<lang>/<path>.md``).
    """
    result = run_build(dest, config=config, design=design, manifests=manifests, rendered=rendered)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def run_build(
    dest: Path,
    *,
    config: Path = REPO / "mkdocs.yml",
    design: Path | None = None,
    manifests: Path | None = None,
    rendered: Path | None = None,
    repository: str = REPOSITORY,
) -> subprocess.CompletedProcess[str]:
    """The build, with the design file and the manifests folder replaced where given."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "REFARCH_REPOSITORY": repository,
    }
    for name, path in (
        ("REFARCH_DESIGN", design),
        ("REFARCH_MANIFESTS", manifests),
        ("REFARCH_RENDERED", rendered),
    ):
        env.pop(name, None)
        if path is not None:
            env[name] = str(path)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(dest)],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env=env,
        timeout=300,
        check=False,
    )


def pages(site: Path) -> dict[str, Path]:
    """Every page of a built site by its URL path (``/``, ``/en/aws-architecture/``)."""
    found = {}
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        found["/" if rel == "." else f"/{rel}/"] = html
    return found


def lang_of_url(url_path: str) -> str:
    return "en" if url_path.startswith("/en/") else DEFAULT_LANG


def counterpart(url_path: str) -> str:
    """The same page in the other language."""
    return url_path.removeprefix("/en") if url_path.startswith("/en/") else "/en" + url_path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 at an ephemeral port; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    with threaded(LoopbackServer(("127.0.0.1", 0), handler)) as url:
        yield url


class Html(HTMLParser):
    """The parts of one built page that the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.headings: list[str] = []
        self.edit_links: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(str(a[key]))
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.links.append(str(a[key]))
        if tag == "a" and a.get("rel") == "edit" and a.get("href"):
            self.edit_links.append(str(a["href"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(tag)
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join(self.text)


@functools.cache
def parse(path: Path) -> Html:
    return Html(path.read_text(encoding="utf-8"))
