"""The GitOps manifests on the site: what each file holds, and excerpts shown as they are.

Everything shown is read from the files in ``manifests/`` at build time, so the page
cannot disagree with what Argo CD applies: the table lists each file's objects, and a
code block shows a whole file or one of its documents, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from eks_refarch.i18n import N_, tr
from eks_refarch.site.markdown import code, table

SUFFIXES = (".yaml", ".yml")

_T = {
    "file": N_("File"),
    "holds": N_("What it holds (kind namespace/name)"),
}


@dataclass(frozen=True)
class Document:
    """One YAML document of a manifest file, with its text exactly as in the file."""

    kind: str
    namespace: str | None
    name: str
    text: str

    @property
    def label(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"


@dataclass(frozen=True)
class ManifestFile:
    path: str  # relative to the manifests folder, "/"-separated
    text: str
    documents: tuple[Document, ...]


def _documents(text: str, where: str) -> tuple[Document, ...]:
    """Split on the "---" lines; parts without an object (the header comment) are skipped."""
    parts: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if line.rstrip("\n") == "---":
            parts.append([])
        else:
            parts[-1].append(line)
    documents = []
    for part in parts:
        chunk = "".join(part)
        data = yaml.safe_load(chunk)
        if data is None:
            continue
        if not isinstance(data, dict) or "kind" not in data:
            raise ValueError(f"{where}: a document is not a Kubernetes object")
        meta = data.get("metadata") or {}
        documents.append(Document(data["kind"], meta.get("namespace"), meta["name"], chunk))
    return tuple(documents)


def load(folder: Path) -> tuple[ManifestFile, ...]:
    """Every manifest file below ``folder``, in path order."""
    if not folder.is_dir():
        raise ValueError(f"{folder}: the manifests folder does not exist")
    files = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        files.append(ManifestFile(rel, text, _documents(text, f"{folder.name}/{rel}")))
    if not files:
        raise ValueError(f"{folder}: no manifest files")
    return tuple(files)


def files_table(
    files: tuple[ManifestFile, ...], folder: str, lang: str, url: Callable[[str], str] | None
) -> str:
    """Each file, linked to the repository, with the objects it holds.

    ``folder`` is the manifests folder's path in the repository; ``url`` turns a path from
    the repository root into a link, or is None when there is no repository to link to.
    """
    return table(
        [tr(lang, _T["file"]), tr(lang, _T["holds"])],
        [
            [
                f"[{code(f.path)}]({url(f'{folder}/{f.path}')})" if url else code(f.path),
                "<br>".join(code(d.label) for d in f.documents),
            ]
            for f in files
        ],
    )


def block(files: tuple[ManifestFile, ...], folder: str, path: str, kind: str | None = None) -> str:
    """A fenced YAML block of a whole file, or of its one document of ``kind``."""
    found = [f for f in files if f.path == path]
    if not found:
        raise ValueError(f"no manifest file {folder}/{path}")
    (manifest,) = found
    if kind is None:
        text, title = manifest.text, f"{folder}/{path}"
    else:
        matching = [d for d in manifest.documents if d.kind == kind]
        if len(matching) != 1:
            raise ValueError(f"{folder}/{path} has {len(matching)} documents of kind {kind}, not 1")
        text, title = matching[0].text, f"{folder}/{path} ({kind})"
    fence = "````" if "```" in text else "```"
    return f'{fence}yaml title="{title}"\n{text.rstrip()}\n{fence}'
