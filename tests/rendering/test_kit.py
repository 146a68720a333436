"""The view scripts' kit: stable ids, unique clusters, the house font, no files written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from diagrams.aws.network import ALB
from diagrams.onprem.client import Users

from eks_refarch.rendering.graphviz_dot import find_dot, run_dot
from eks_refarch.rendering.kit import (
    FONT,
    TEXT_SIZE,
    Canvas,
    Cluster,
    Edge,
    ViewDiagram,
    ViewError,
    wrap,
)
from eks_refarch.rendering.views import VIEW_TITLES


def _canvas() -> Canvas:
    return Canvas("aws-network", "en", "subtitle")


def test_a_node_without_nodeid_is_refused() -> None:
    with pytest.raises(ViewError, match="'users' needs nodeid="), _canvas().diagram():
        Users("users")


def test_two_nodes_with_one_id_are_refused() -> None:
    with _canvas().diagram():
        Users("first", nodeid="a")
        with Cluster("box"), pytest.raises(ViewError, match="two nodes share the id 'a'"):
            ALB("second", nodeid="a")


def test_sibling_clusters_with_one_label_are_refused() -> None:
    with _canvas().diagram():
        with Cluster("pod"):
            Users("a", nodeid="a")
        with pytest.raises(ViewError, match="two clusters in one parent share the label 'pod'"):
            Cluster("pod")


def _draw_two_tiers() -> ViewDiagram:
    canvas = _canvas()
    with canvas.diagram():
        for tier in ("public", "private"):
            with Cluster(tier), Cluster("ap-northeast-1a"):
                Users(tier, nodeid=f"users-{tier}")
    return canvas.drawn[0]


def test_clusters_of_one_label_in_different_parents_stay_apart(tmp_path: Path) -> None:
    diagram = _draw_two_tiers()
    source = diagram.source
    assert source is not None
    assert 'subgraph "cluster_public / ap-northeast-1a"' in source
    assert 'subgraph "cluster_private / ap-northeast-1a"' in source
    # With the library's naming, Graphviz warns "Two clusters named ..." and drops one.
    assert run_dot(find_dot(), source, {"svg": tmp_path / "x.svg"}).warnings == ""


def test_every_text_is_in_the_house_font_even_on_plain_edges() -> None:
    canvas = _canvas()
    with canvas.diagram():
        a, b, c = (Users(n, nodeid=n) for n in "abc")
        a >> b
        b >> Edge(label="HTTPS :443") >> c
    source = canvas.drawn[0].source
    assert source is not None
    assert "Sans-Serif" not in source
    assert source.count(f"fontname={FONT}") >= 5  # graph, node, edge defaults and two edges


def test_the_diagram_keeps_its_source_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    diagram = _draw_two_tiers()
    assert diagram.source is not None
    assert diagram.source.startswith('digraph "aws-network" {')
    assert list(tmp_path.iterdir()) == []


def test_the_canvas_titles_the_diagram_in_its_language() -> None:
    canvas = Canvas("ownership", "ja", "サブタイトル")
    with canvas.diagram(note="凡例"):
        Users("a", nodeid="a")
    source = canvas.drawn[0].source
    assert source is not None
    rows = re.findall(r'<TD ALIGN="LEFT"><FONT POINT-SIZE="(\d+)">([^<]*)</FONT>', source)
    title = VIEW_TITLES["ownership"]["ja"]
    # The title in the larger type, wrapped to the width of the notes, then each line.
    assert "".join(text for size, text in rows if size == "18").replace(" ", "") == (
        title.replace(" ", "")
    )
    assert [text for size, text in rows if size == "14"] == ["サブタイトル", "凡例"]


def test_dot_failing_is_an_error_with_its_message(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="syntax error"):
        run_dot(find_dot(), "digraph {", {"svg": tmp_path / "x.svg"})


def test_labels_wider_than_their_icon_are_not_warnings_but_other_warnings_are(
    tmp_path: Path,
) -> None:
    wide = 'digraph g { a [fixedsize=true width=0.2 label="a label much wider than its node"] }'
    assert run_dot(find_dot(), wide, {"svg": tmp_path / "a.svg"}).warnings == ""
    ortho = 'digraph g { splines=ortho; a -> b [label="x"] }'
    assert "Orthogonal edges" in run_dot(find_dot(), ortho, {}, to_stdout="svg").warnings


def test_dot_writes_files_and_the_one_format_asked_for_on_stdout(tmp_path: Path) -> None:
    run = run_dot(find_dot(), "digraph g { a -> b }", {"png": tmp_path / "g.png"}, to_stdout="svg")
    assert run.stdout.startswith(b"<?xml")
    assert (tmp_path / "g.png").read_bytes().startswith(b"\x89PNG")


def test_a_node_is_a_tile_that_holds_its_icon_and_its_label() -> None:
    canvas = _canvas()
    with canvas.diagram():
        ALB("ALB\nsakura & co <edge>", nodeid="alb")
    source = canvas.drawn[0].source
    assert source is not None
    assert "shape=plain" in source
    assert "elb-application-load-balancer.png" in source
    assert "<TD>ALB<BR/>sakura &amp; co &lt;edge&gt;</TD>" in source
    assert "fixedsize=false" in source  # the library's fixed 1.4-inch box is gone


def test_every_label_is_set_at_the_house_size(tmp_path: Path) -> None:
    canvas = _canvas()
    with canvas.diagram(note="a note"):
        with Cluster("box"):
            a = Users("a", nodeid="a")
        a >> Edge(label="HTTPS :443") >> Users("b", nodeid="b")
    source = canvas.drawn[0].source
    assert source is not None
    svg = run_dot(find_dot(), source, {}, to_stdout="svg").stdout.decode()
    sizes = {float(size) for size in re.findall(r'font-size="([0-9.]+)"', svg)}
    assert min(sizes) == TEXT_SIZE


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("one two three four", 6, "one two\nthree four"),
        ("あいうえお、かきくけこ", 6, "あいうえお、\nかきくけこ"),
        ("（括弧）の前", 4, "（括弧）\nの前"),
        ("short", 44, "short"),
    ],
)
def test_wrap_breaks_lines_at_spaces_and_between_japanese_characters(
    text: str, width: float, expected: str
) -> None:
    assert wrap(text, width) == expected
