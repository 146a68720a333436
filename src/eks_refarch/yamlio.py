"""Safe YAML reading that remembers where every value came from.

The design file, manifests and kubeconfigs are user input. Reading them must never
raise a traceback at the user, must refuse alias bombs and binary data quickly, and
must let an error point at the line that holds the offending value.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eks_refarch.errors import Problem, UserInputError

# A document may reuse anchors, but the tree they expand to is bounded: a "billion
# laughs" document is a few hundred bytes that expands to 10**9 nodes.
MAX_NODES = 200_000
MAX_BYTES = 20 * 1024 * 1024

_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
)

Loc = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"

try:  # the C loader is about ten times faster on large manifest directories
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - libyaml missing on this platform
    _BaseLoader = yaml.SafeLoader


@dataclass(frozen=True)
class Document:
    """One YAML document: its plain Python data and the line of every value in it."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    index: int = 0

    def line_of(self, loc: Loc) -> int | None:
        """The line of the value at ``loc``, or of its nearest ancestor that exists."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def read_text(path: Path, *, what: str) -> str:
    """Read a UTF-8 text file or raise a UserInputError that names it and the reason."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise UserInputError(
                [Problem(path, None, (), f"expected a {what} file, found a directory")]
            )
        if size > MAX_BYTES:
            raise UserInputError(
                [Problem(path, None, (), f"{what} is {size} bytes; the limit is {MAX_BYTES}")]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserInputError([Problem(path, None, (), f"{what} file not found")]) from None
    except PermissionError:
        raise UserInputError(
            [Problem(path, None, (), f"{what} file is not readable (permission denied)")]
        ) from None
    except IsADirectoryError:
        raise UserInputError(
            [Problem(path, None, (), f"expected a {what} file, found a directory")]
        ) from None
    except OSError as exc:
        raise UserInputError(
            [Problem(path, None, (), f"cannot read {what}: {exc.strerror}")]
        ) from None
    if b"\x00" in raw:
        raise UserInputError(
            [Problem(path, None, (), f"expected a {what} in UTF-8 text, found binary data")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError(
            [
                Problem(
                    path,
                    None,
                    (),
                    f"expected UTF-8 text, found an invalid byte at offset {exc.start}",
                )
            ]
        ) from None


def load_documents(path: Path, *, what: str = "YAML") -> list[Document]:
    """Every document of a (multi-document) YAML file, in order; empty documents dropped."""
    return list(_iter_documents(path, read_text(path, what=what)))


def load_document(path: Path, *, what: str = "YAML") -> Document:
    """Exactly one non-empty YAML document."""
    docs = load_documents(path, what=what)
    if not docs:
        raise UserInputError([Problem(path, None, (), f"the {what} file is empty")])
    if len(docs) > 1:
        raise UserInputError(
            [
                Problem(
                    path, docs[1].line_of(()), (), f"expected one YAML document, found {len(docs)}"
                )
            ]
        )
    return docs[0]


def parse_text(text: str, path: Path) -> list[Document]:
    """Parse YAML already read into memory (used by tests and by kubeconfig reading)."""
    return list(_iter_documents(path, text))


def _iter_documents(path: Path, text: str) -> Iterator[Document]:
    loader = _BaseLoader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node guarantees a node
                break
            builder = _Builder(path, loader)
            data = builder.build(node, ())
            if data is not None:
                yield Document(path=path, data=data, lines=builder.lines, index=index)
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise UserInputError([Problem(path, line, (), f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise UserInputError([Problem(path, None, (), f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise UserInputError([Problem(path, None, (), "YAML nesting is too deep")]) from None
    finally:
        loader.dispose()


class _Builder:
    """Turns a composed node graph into plain data, recording lines and bounding size."""

    def __init__(self, path: Path, loader: yaml.SafeLoader) -> None:
        self.path = path
        self.loader = loader
        self.lines: dict[Loc, int] = {}
        self.count = 0

    def fail(self, node: Node, loc: Loc, message: str) -> UserInputError:
        return UserInputError([Problem(self.path, node.start_mark.line + 1, loc, message)])

    def build(self, node: Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node,
                loc,
                f"the document expands to more than {MAX_NODES} values "
                "(refused: possible YAML alias bomb)",
            )
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, loc, f"unsupported YAML tag {node.tag!r}")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self.mapping(node, loc)
        raise self.fail(node, loc, "unsupported YAML node")  # pragma: no cover

    def mapping(self, node: MappingNode, loc: Loc) -> dict[Any, Any]:
        """A mapping, with "<<" merge keys resolved as YAML 1.1 says: the mapping's own keys
        override merged ones, and of several merged mappings the first one listed wins.
        A key the mapping itself states twice is still an error.

        Merges are resolved here rather than by PyYAML's flatten_mapping: PyYAML 6.0.3
        keeps the *first* pair of each key among the merged ones, and a mapping it has
        already flattened lists its merged pairs before its own, so merging a mapping that
        overrides a key of its own merge brings back the overridden value.
        """
        out: dict[Any, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            key, child = self.key(key_node, loc)
            if key in out:
                raise self.fail(key_node, child, f"duplicate key {key!r}")
            out[key] = self.build(value_node, child)
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise self.fail(
                        source, loc, "a merge key (<<) takes a mapping or a list of mappings"
                    )
                for key, value in self.mapping(source, loc).items():
                    out.setdefault(key, value)
        return out

    def key(self, key_node: Node, loc: Loc) -> tuple[Any, Loc]:
        if not isinstance(key_node, ScalarNode):
            raise self.fail(key_node, loc, "mapping keys must be plain scalars")
        if key_node.tag == _VALUE_TAG:  # YAML 1.1's "=" value key: a plain string here
            key_node.tag = "tag:yaml.org,2002:str"
        key = self.loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | float) and key is not None:
            raise self.fail(key_node, loc, f"unsupported mapping key {key!r}")
        child = (*loc, key if isinstance(key, str | int) else str(key))
        self.lines.setdefault(child, key_node.start_mark.line + 1)
        return key, child


def display_path(path: Path) -> str:
    """A path as the user typed it, relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if path.is_absolute() else str(path)
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)
