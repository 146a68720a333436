"""Reading YAML safely: positions, duplicate keys, tags, bombs, binary and empty files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from eks_refarch.errors import UserInputError
from eks_refarch.yamlio import MAX_NODES, load_document, load_documents


def write(tmp_path: Path, content: str | bytes, name: str = "in.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_lines_are_recorded_for_nested_keys_and_list_items(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "a:\n  b:\n    - x\n    - {c: 1}\n"))
    assert doc.data == {"a": {"b": ["x", {"c": 1}]}}
    assert doc.line_of(("a", "b")) == 2
    assert doc.line_of(("a", "b", 1, "c")) == 4
    # A missing field is reported at its nearest existing ancestor.
    assert doc.line_of(("a", "b", 1, "missing")) == 4


def test_duplicate_keys_are_refused_with_their_line(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as exc:
        load_document(write(tmp_path, "a: 1\nb: 2\na: 3\n"))
    assert "in.yaml:3: a: duplicate key 'a'" in str(exc.value)


def test_python_tags_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="unsupported YAML tag"):
        load_document(write(tmp_path, "a: !!python/object/apply:os.system ['true']\n"))


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(UserInputError) as exc:
        load_document(path)
    assert time.perf_counter() - started < 5
    assert f"more than {MAX_NODES} values" in str(exc.value)


def test_merge_keys_are_resolved(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n"))
    assert doc.data["derived"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary", "found binary data"),
        (b"\xff\xfe\xfa not utf-8", "expected UTF-8 text"),
        ("", "the YAML file is empty"),
        ("# only a comment\n", "the YAML file is empty"),
        ("a: [1, 2\n", "invalid YAML"),
        ("a: 1\n---\nb: 2\n", "expected one YAML document, found 2"),
    ],
)
def test_bad_files_are_refused_with_a_message(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    with pytest.raises(UserInputError) as exc:
        load_document(write(tmp_path, content))
    assert message in str(exc.value)
    assert "in.yaml" in str(exc.value)


def test_missing_and_directory_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="not found"):
        load_document(tmp_path / "nope.yaml")
    with pytest.raises(UserInputError, match="found a directory"):
        load_document(tmp_path)


def test_multi_document_files_keep_each_document_and_drop_empty_ones(tmp_path: Path) -> None:
    docs = load_documents(write(tmp_path, "---\na: 1\n---\n---\nb: 2\n"))
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert docs[1].line_of(("b",)) == 5
