"""What the view scripts in diagrams/ draw with: a canvas per view and language, in house style.

A view script imports the library's node classes (``diagrams.aws.network.ALB`` ...) as
usual, and from here :class:`Cluster` (instead of the library's), ``Edge``, the icons
the library lacks and the type of the canvas it is handed. Every node needs
``nodeid=`` derived from the design: the library's default is a random uuid4, which
changes the output bytes on every run.

The house style is made to be read at the width of a page column: every label is set
at :data:`TEXT_SIZE` (no smaller), icons are small and sit above their label inside
the node (so Graphviz keeps labels from overlapping), and clusters follow the AWS
convention for regions, VPCs, Availability Zones and subnets.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from diagrams.aws.database import Aurora, ElastiCache
from diagrams.custom import Custom

# mypy and ruff take `diagrams` for the repository's diagrams/ folder of view scripts
# (a namespace package to them) rather than the library, which Python itself imports.
from diagrams import Cluster as _LibraryCluster  # type: ignore[attr-defined]
from diagrams import Diagram, Edge, Node, setdiagram  # type: ignore[attr-defined]
from eks_refarch.design.model import Design, Text
from eks_refarch.rendering.iconart import ICON_DIR
from eks_refarch.rendering.views import VIEW_TITLES, Lang

# Named explicitly in every graph, node, cluster and edge: left to fontconfig, the
# family picked for "Sans-Serif" (the library's choice) varies by machine, and most
# such picks have no Japanese glyphs. The set-up installs it (fonts-ipafont-gothic).
FONT = "IPAPGothic"
# The one size of every label, in points (one SVG user unit each). The site shows a
# picture no wider than its column, so a view's width in points, divided by this,
# decides how tall its labels are on the page: the views are drawn narrow for that.
TEXT_SIZE = 14
TITLE_SIZE = 18
ICON_SIZE = 40
INK = "#1F2933"
# Lines of the title and notes are broken before they pass this many ems, and a legend
# has this many keys to a row.
WRAP_EMS = 34
LEGEND_ROW = 3

_RANDOM_ID = re.compile(r"[0-9a-f]{32}")


__all__ = [
    "TEXT_SIZE",
    "Canvas",
    "Cluster",
    "Edge",
    "Karpenter",
    "Kiali",
    "Mark",
    "Note",
    "OpenTelemetry",
    "data_stores",
    "lines",
    "wrap",
]

# A label table: by language, label key to text (or to a nested table of them).
Labels = dict[Lang, dict[str, Any]]

# Words several views use, so that every view says them alike in both languages.
TERMS: Labels = {
    "en": {
        "users": "Users",
        "region": "Region",
        "public": "public subnet",
        "private-app": "private subnet (app)",
        "private-data": "private subnet (data)",
        "eks_cluster": "EKS cluster",
        "node_group": "node group",
        "namespace": "namespace",
        "secrets": "secrets",
    },
    "ja": {
        "users": "利用者",
        "region": "リージョン",
        "public": "パブリックサブネット",
        "private-app": "プライベートサブネット（アプリ）",
        "private-data": "プライベートサブネット（データ）",
        "eks_cluster": "EKS クラスター",
        "node_group": "ノードグループ",
        "namespace": "名前空間",
        "secrets": "シークレット",
    },
}

# Cluster looks: the AWS Architecture Icons' group conventions for the AWS boundaries
# (dashed teal region, purple VPC, dashed blue Availability Zone, green public and teal
# private subnets), and quiet boxes for everything else. Labels stay in INK: the
# conventional border colours are too light for text at this size.
ClusterKind = Literal[
    "group", "region", "vpc", "az", "public", "private", "kubernetes", "namespace", "owner"
]
CLUSTER_LOOKS: dict[ClusterKind, dict[str, str]] = {
    "group": {"style": "rounded,filled", "pencolor": "#9AA5B1", "fillcolor": "#F5F7FA"},
    "region": {"style": "rounded,dashed", "pencolor": "#00A4A6", "fillcolor": "none"},
    "vpc": {"style": "rounded", "pencolor": "#8C4FFF", "penwidth": "2", "fillcolor": "none"},
    "az": {"style": "rounded,dashed", "pencolor": "#147EBA", "fillcolor": "none"},
    "public": {"style": "rounded,filled", "pencolor": "#7AA116", "fillcolor": "#F2F6E8"},
    "private": {"style": "rounded,filled", "pencolor": "#00A4A6", "fillcolor": "#E6F6F7"},
    "kubernetes": {"style": "rounded,filled", "pencolor": "#326CE5", "fillcolor": "#F3F6FD"},
    "namespace": {"style": "rounded,dashed,filled", "pencolor": "#326CE5", "fillcolor": "#FFFFFF"},
    "owner": {"style": "rounded,filled", "pencolor": "#7D8998", "fillcolor": "#FAFAF7"},
}

# How an as-built picture marks what the run saw: border, fill and the word under the label.
Status = Literal["pass", "fail", "error", "missing", "unexpected"]
STATUS_LOOKS: dict[Status, tuple[str, str]] = {
    "pass": ("#2E7D32", "#EDF7EE"),
    "fail": ("#C62828", "#FDECEC"),
    "error": ("#8D6E00", "#FFF6D6"),
    "missing": ("#6B7280", "#FFFFFF"),
    "unexpected": ("#6A1B9A", "#F5EAFB"),
}


@dataclass(frozen=True)
class Mark:
    """What a run made of one drawn resource (the as-built picture's overlay on a view)."""

    status: Status
    element: str  # the design element (or observed resource) the node stands for
    checks: tuple[str, ...] = ()  # the check ids that judged it
    note: str = ""  # a short line under the label, such as "drifted [1]"


class ViewError(Exception):
    """A view script built something the renderer cannot draw faithfully."""


class ViewDiagram(Diagram):  # type: ignore[misc]  # the library ships no type hints
    """A Diagram that records its DOT source instead of rendering it on exit.

    The library's ``__exit__`` runs ``dot`` once per output format, writes the .dot
    file next to the working directory and deletes it. The renderer instead runs ``dot``
    once for all formats and then inlines the icons, so here only the source is kept.
    """

    def __init__(
        self, view: str, title: str, *, direction: str, marks: Mapping[str, Mark] | None = None
    ) -> None:
        super().__init__(
            name="",
            direction=direction,
            show=False,
            graph_attr={
                "fontname": FONT,
                "fontsize": str(TEXT_SIZE),
                "fontcolor": INK,
                "label": title,
                "labelloc": "t",
                "labeljust": "l",
                # No white slab: the page puts the picture on a panel of its own, in
                # the light and in the dark scheme alike.
                "bgcolor": "transparent",
                "pad": "0.2",
                "nodesep": "0.22",
                "ranksep": "0.4",
                # "ortho", the library's default, drops edge labels in Graphviz 2.43
                # ("Orthogonal edges do not currently handle edge labels") and ignores
                # lhead/ltail; plain splines keep both.
                "splines": "spline",
                "compound": "true",
                # Lets `rank=same` hold nodes of different clusters in one row: the
                # Availability Zones' subnets line up tier by tier.
                "newrank": "true",
            },
            # The library's node defaults (a fixed box of 1.4 inches, the icon scaled into
            # it) give way to tiles that take the size of their contents.
            node_attr={
                "fontname": FONT,
                "fontsize": str(TEXT_SIZE),
                "fontcolor": INK,
                "shape": "plain",
                "fixedsize": "false",
                "width": "0",
                "height": "0",
                "labelloc": "c",
                "imagescale": "false",
            },
            edge_attr={"fontname": FONT, "fontsize": str(TEXT_SIZE), "fontcolor": INK},
        )
        # The library names the graph after its label; the view's name is plainer in
        # Graphviz's messages and the SVG's <title>, and has no quotes or line breaks.
        self.dot.name = view
        self.source: str | None = None
        self.icons: dict[str, Path] = {}  # by the path the DOT source names
        self.marks = marks
        self.marked: dict[str, Mark] = {}  # by node id: the marks this picture drew
        self._node_ids: set[str] = set()
        self._cluster_names: set[str] = set()

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        setdiagram(None)
        if exc_type is None:
            self.source = self.dot.source

    def node(self, nodeid: str, label: str, **attrs: Any) -> None:
        super().node(nodeid, **self.claim_node(nodeid, label, attrs))

    def claim_node(self, nodeid: str, label: str, attrs: dict[str, Any]) -> dict[str, Any]:
        """Take ``nodeid`` for this picture, refusing a random or taken one; note its icon
        and return the node's attributes in house style (its label drawn as a tile)."""
        if _RANDOM_ID.fullmatch(nodeid):
            raise ViewError(f"the node {label!r} needs nodeid= derived from the design")
        if nodeid in self._node_ids:
            # Graphviz would silently merge the two into one node.
            raise ViewError(f"two nodes share the id {nodeid!r}")
        self._node_ids.add(nodeid)
        image = attrs.pop("image", None)
        frame = attrs.pop("frame", None)
        if image and image not in self.icons:
            self.icons[image] = Path(image)
        mark = self.marks.get(nodeid) if self.marks is not None else None
        if mark is not None:
            self.marked[nodeid] = mark
        # The library sizes a node for an icon of 1.4 inches with the label hanging
        # below it, wider than the node: neighbours' labels could overlap. A tile holds
        # both, so Graphviz knows each label's extent and keeps them apart.
        for key in ("height", "width", "fixedsize", "imagescale", "labelloc"):
            attrs.pop(key, None)
        attrs.update(shape="plain", label=tile(label, image, mark, frame))
        if mark is not None:
            attrs["class"] = f"resource status-{mark.status}"
        return attrs

    def claim_cluster(self, name: str, label: str) -> None:
        """Take a cluster's name for this picture, refusing one already taken."""
        if name in self._cluster_names:
            raise ViewError(f"two clusters in one parent share the label {label!r}")
        self._cluster_names.add(name)

    def connect(self, node: Any, node2: Any, edge: Any) -> None:
        # Edge() hard-codes fontname "Sans-Serif" and size 13 on every edge: the house
        # font and size win.
        attrs = {**edge.attrs, "fontname": FONT, "fontsize": str(TEXT_SIZE), "fontcolor": INK}
        self.dot.edge(node.nodeid, node2.nodeid, **attrs)


def tile(label: str, image: str | None, mark: Mark | None = None, frame: str | None = None) -> str:
    """A node's HTML-like label: the icon, then each line of the label, centred.

    With a mark, the tile gets a border and fill in the status colour and the mark's
    note as a last line; ``frame`` draws a border in that colour (a note's).
    """
    rows = []
    if image:
        rows.append(
            f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_SIZE}" HEIGHT="{ICON_SIZE}">'
            f'<IMG SRC="{html.escape(image)}" SCALE="TRUE"/></TD></TR>'
        )
    text = "<BR/>".join(html.escape(line, quote=False) for line in label.split("\n"))
    if text:
        rows.append(f"<TR><TD>{text}</TD></TR>")
    table = 'BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"'
    if frame is not None:
        table = f'BORDER="2" COLOR="{frame}" STYLE="ROUNDED" CELLBORDER="0" CELLPADDING="4"'
    if mark is not None:
        pen, fill = STATUS_LOOKS[mark.status]
        if mark.note:
            rows.append(f'<TR><TD><FONT COLOR="{pen}">{html.escape(mark.note)}</FONT></TD></TR>')
        # Graphviz takes one STYLE: the dashed frame of the unexpected is not rounded.
        style = "DASHED" if mark.status == "unexpected" else "ROUNDED"
        table = (
            f'BORDER="2" COLOR="{pen}" BGCOLOR="{fill}" STYLE="{style}" '
            'CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"'
        )
    return f"<<TABLE {table}>{''.join(rows)}</TABLE>>"


class Cluster(_LibraryCluster):  # type: ignore[misc]  # the library ships no type hints
    """The library's Cluster in house style, refusing labels that would merge.

    ``kind`` picks the look (:data:`CLUSTER_LOOKS`): AWS boundaries in their
    conventional colours, everything else a quiet grey box.
    """

    _default_graph_attrs: ClassVar[dict[str, str]] = {
        "shape": "box",
        "labeljust": "l",
        "fontname": FONT,
        "fontsize": str(TEXT_SIZE),
        "fontcolor": INK,
        "margin": "7",
    }

    def __init__(self, label: str, kind: ClusterKind = "group", **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        # The library colours clusters by depth; the house look depends on the kind.
        self.dot.graph_attr.pop("bgcolor", None)
        self.dot.graph_attr.update(CLUSTER_LOOKS[kind])
        self.dot.graph_attr.update(kwargs.get("graph_attr") or {})
        # The library names a cluster "cluster_<label>", and Graphviz keeps only the
        # first of two clusters with one name ("Two clusters named ... the second will
        # be ignored"), even in different parents: the "ap-northeast-1a" box of each
        # subnet tier. The name here is the path of labels from the outermost cluster.
        self.labels: tuple[str, ...] = (*getattr(self._parent, "labels", ()), label)
        self.name = "cluster_" + " / ".join(self.labels)
        self.dot.name = self.name
        self._diagram.claim_cluster(self.name, label)

    def node(self, nodeid: str, label: str, **attrs: Any) -> None:
        super().node(nodeid, **self._diagram.claim_node(nodeid, label, attrs))


class Note(Node):  # type: ignore[misc]  # the library ships no type hints
    """Words in a frame, with no icon: what an edge carries, when it is too long for a label."""

    def __init__(self, label: str, *, nodeid: str, color: str = INK) -> None:
        super().__init__(label, nodeid=nodeid, frame=color)


class _ShippedIcon(Custom):  # type: ignore[misc]  # the library ships no type hints
    icon_file: ClassVar[str]

    def __init__(self, label: str = "", **attrs: Any) -> None:
        super().__init__(label, str(ICON_DIR / self.icon_file), **attrs)


class OpenTelemetry(_ShippedIcon):
    icon_file = "opentelemetry.png"


class Kiali(_ShippedIcon):
    icon_file = "kiali.png"


class Karpenter(_ShippedIcon):
    icon_file = "karpenter.png"


def lines(*parts: str | None) -> str:
    """A multi-line label from the parts that are present."""
    return "\n".join(part for part in parts if part)


def ems(text: str) -> float:
    """The width of ``text`` in ems, roughly: full-width characters are one, others half."""
    return sum(1.0 if _wide(c) else 0.56 for c in text)


# Where a Japanese line may not break: before closing punctuation, after opening.
_NO_BREAK_BEFORE = set("、。，．）」』〕】・ー：")
_NO_BREAK_AFTER = set("（「『〔【")


def wrap(text: str, width: float = WRAP_EMS) -> str:
    """Break each line of ``text`` so that none is wider than ``width`` ems.

    English breaks at spaces; Japanese between any two characters except before
    closing and after opening punctuation.
    """
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if line and ems(line + token) > width:
                out.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        out.append(line.rstrip())
    return "\n".join(out)


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and single full-width characters (kept with the
    punctuation that may not start or end a line)."""
    tokens: list[str] = []
    for char in text:
        wide = _wide(char)
        glue = tokens and (
            char in _NO_BREAK_BEFORE
            or tokens[-1][-1] in _NO_BREAK_AFTER
            or not (wide or char == " " or _wide(tokens[-1][-1]))
        )
        if glue:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def data_stores(design: Design) -> dict[str, Any]:
    """A node per database and cache of the design, by name; ids are ``store-<name>``."""
    stores: dict[str, Any] = {
        db.name: Aurora(lines(db.name, db.engine), nodeid=f"store-{db.name}")
        for db in design.data.databases
    }
    for cache in design.data.caches:
        stores[cache.name] = ElastiCache(
            lines(cache.name, cache.engine), nodeid=f"store-{cache.name}"
        )
    return stores


@dataclass
class Canvas:
    """What a view script is handed: its language, and the diagram it draws on.

    ``marks`` (by node id) turn the picture into an as-built one: each marked node is
    drawn in its status colour and carries its status as an SVG class.
    """

    view: str
    lang: Lang
    subtitle: str
    marks: Mapping[str, Mark] | None = None
    title: str | None = None
    drawn: list[ViewDiagram] = field(default_factory=list)

    def diagram(
        self,
        *,
        direction: str = "TB",
        note: str | None = None,
        legend: Sequence[tuple[str, str]] = (),
    ) -> ViewDiagram:
        """The view's diagram, titled; ``note`` adds lines under the title, and ``legend``
        a row of coloured squares, each with its meaning."""
        heading = self.title or VIEW_TITLES[self.view][self.lang]
        title = graph_title(heading, self.subtitle, note, legend)
        diagram = ViewDiagram(self.view, title, direction=direction, marks=self.marks)
        self.drawn.append(diagram)
        return diagram

    def same_rank(self, *nodes: Any) -> None:
        """Put ``nodes`` in one row (one column, left to right in a picture drawn LR), in
        the order given: an invisible edge between neighbours keeps them in order."""
        dot = self.drawn[-1].dot
        dot.body.append("\t{rank=same; " + "; ".join(f'"{n.nodeid}"' for n in nodes) + "}\n")
        for left, right in itertools.pairwise(nodes):
            dot.edge(left.nodeid, right.nodeid, style="invis")

    def keep_order(self, node: Any) -> None:
        """Lay out the heads of ``node``'s edges left to right in the order they are drawn."""
        self.drawn[-1].dot.node(node.nodeid, ordering="out")

    def text(self, text: Text) -> str:
        """The design's prose in this canvas's language."""
        return text[self.lang]

    def words(self, labels: Labels) -> dict[str, Any]:
        """A view's label table in this canvas's language, over the shared TERMS."""
        return TERMS[self.lang] | labels[self.lang]


def graph_title(
    heading: str, subtitle: str, note: str | None = None, legend: Sequence[tuple[str, str]] = ()
) -> str:
    """The picture's title (larger), its subtitle and notes, wrapped, as an HTML-like label.

    One table row per line: lines of a bare HTML-like label are set one font size apart,
    so that the boxes of neighbouring lines overlap by a pixel in a browser.
    """
    # The heading wraps as wide as the notes do, in its larger type.
    rows = [
        (line, TITLE_SIZE) for line in wrap(heading, WRAP_EMS * TEXT_SIZE / TITLE_SIZE).split("\n")
    ]
    rows += [
        (line, TEXT_SIZE) for part in (subtitle, note) if part for line in wrap(part).split("\n")
    ]
    cells = "".join(
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="{size}">{html.escape(line, quote=False)}'
        "</FONT></TD></TR>"
        for line, size in rows
    )
    keys = [
        f'<TD ALIGN="LEFT"><FONT COLOR="{colour}">■</FONT> {html.escape(words, quote=False)}</TD>'
        for colour, words in legend
    ]
    for start in range(0, len(keys), LEGEND_ROW):
        row = "".join(keys[start : start + LEGEND_ROW])
        cells += (
            '<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="3"><TR>{row}</TR></TABLE></TD></TR>'
        )
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'
