"""Kubernetes objects from a directory of manifests (``--manifests DIR``).

Every ``.yaml``, ``.yml`` and ``.json`` file below the directory is read, each of its
documents in order (Helm-rendered multi-document output is welcome, and ``List`` kinds
are expanded). Kinds the checks do not read are ignored. A document that is not a
Kubernetes object is an input error naming its file and line. A namespaced object
without ``metadata.namespace`` is taken to be in ``default``, where ``kubectl apply``
without ``-n`` would put it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from eks_refarch.conformance.cluster.kinds import KINDS, Kind
from eks_refarch.conformance.cluster.source import KubeObject
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.yamlio import Document, Loc, load_documents

SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_NAMESPACE = "default"

_BY_GROUP_KIND = {(k.group, k.kind): k for k in KINDS}


class ManifestsSource:
    """Reads a manifests directory once, on creation; ``list`` then answers from memory."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise UserInputError(
                [Problem(directory, None, ("--manifests",), "expected a directory of manifests")]
            )
        problems: list[Problem] = []
        objects: dict[Kind, list[KubeObject]] = {}
        files = _manifest_files(directory)
        if not files:
            raise UserInputError(
                [
                    Problem(
                        directory,
                        None,
                        ("--manifests",),
                        f"no {', '.join(SUFFIXES)} files in the directory",
                    )
                ]
            )
        for path in files:
            try:
                documents = load_documents(path, what="manifest")
            except UserInputError as exc:
                problems.extend(exc.problems)
                continue
            for document in documents:
                for loc, data in _objects(document, problems):
                    kind = _known_kind(data)
                    if kind is None:
                        continue
                    obj = _normalized(document, loc, data, kind, problems)
                    if obj is not None:
                        objects.setdefault(kind, []).append(obj)
        if problems:
            raise UserInputError(problems)
        self._objects = {kind: tuple(items) for kind, items in objects.items()}

    def list(self, kind: Kind) -> tuple[KubeObject, ...]:
        return self._objects.get(kind, ())


def shown(path: Path) -> str:
    """A path for messages: relative to the working directory when inside it, else whole.

    yamlio.display_path gives os.path.relpath even outside the working directory, so
    /tmp/m/x.yaml would read ../../tmp/m/x.yaml.
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _manifest_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if path.suffix in SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
    )


def _objects(document: Document, problems: list[Problem]) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """The objects of one document: itself, or the items of a List."""
    data = document.data
    if not _is_object(data, document, (), problems):
        return
    if str(data["kind"]).endswith("List") and isinstance(data.get("items"), list):
        for i, item in enumerate(data["items"]):
            if _is_object(item, document, ("items", i), problems):
                yield ("items", i), item
    else:
        yield (), data


def _is_object(data: Any, document: Document, loc: Loc, problems: list[Problem]) -> bool:
    where = document.line_of(loc)
    if not isinstance(data, dict):
        found = type(data).__name__
        problems.append(
            Problem(
                document.path,
                where,
                loc,
                f"expected a Kubernetes object (a mapping with apiVersion and kind), found {found}",
            )
        )
        return False
    for key in ("apiVersion", "kind"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(
                Problem(
                    document.path,
                    document.line_of((*loc, key)),
                    (*loc, key),
                    f"required: every Kubernetes object names its {key}",
                )
            )
            return False
    return True


def _known_kind(data: Mapping[str, Any]) -> Kind | None:
    group = data["apiVersion"].rpartition("/")[0]
    return _BY_GROUP_KIND.get((group, data["kind"]))


def _normalized(
    document: Document,
    loc: Loc,
    data: dict[str, Any],
    kind: Kind,
    problems: list[Problem],
) -> KubeObject | None:
    meta = data.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        problems.append(
            Problem(
                document.path,
                document.line_of((*loc, "metadata", "name")),
                (*loc, "metadata", "name"),
                f"a {kind.kind} needs a name",
            )
        )
        return None
    if kind.namespaced and not meta.get("namespace"):
        data = {**data, "metadata": {**meta, "namespace": DEFAULT_NAMESPACE}}
    origin = f"{shown(document.path)}:{document.line_of(loc)}"
    return KubeObject(kind=kind, data=data, origin=origin, observed=False)
