"""What the view scripts in diagrams/ draw with: a canvas per view and language, in house style.

A view script imports the library's node classes (``diagrams.aws.network.ALB`` ...) as
usual, and from here :class:`Cluster` (instead of the library's), ``Edge``, the icons
the library lacks and the type of the canvas it is handed. Every node needs
``nodeid=`` derived from the design: the library's default is a random uuid4, which
changes the output bytes on every run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from diagrams.aws.database import Aurora, ElastiCache
from diagrams.custom import Custom

# mypy and ruff take `diagrams` for the repository's diagrams/ folder of view scripts
# (a namespace package to them) rather than the library, which Python itself imports.
from diagrams import Cluster as _LibraryCluster  # type: ignore[attr-defined]
from diagrams import Diagram, Edge, setdiagram  # type: ignore[attr-defined]
from eks_refarch.design.model import Design, Text
from eks_refarch.rendering.iconart import ICON_DIR
from eks_refarch.rendering.views import VIEW_TITLES, Lang

# Named explicitly in every graph, node, cluster and edge: left to fontconfig, the
# family picked for "Sans-Serif" (the library's choice) varies by machine, and most
# such picks have no Japanese glyphs. The set-up installs it (fonts-ipafont-gothic).
FONT = "IPAPGothic"

_RANDOM_ID = re.compile(r"[0-9a-f]{32}")


__all__ = [
    "Canvas",
    "Cluster",
    "Edge",
    "Karpenter",
    "Kiali",
    "OpenTelemetry",
    "data_stores",
    "lines",
]

# A label table: by language, label key to text (or to a nested table of them).
Labels = dict[Lang, dict[str, Any]]

# Words several views use, so that every view says them alike in both languages.
TERMS: Labels = {
    "en": {
        "users": "Users",
        "region": "Region",
        "public": "Public subnets",
        "private-app": "Private app subnets",
        "private-data": "Private data subnets",
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


class ViewError(Exception):
    """A view script built something the renderer cannot draw faithfully."""


class ViewDiagram(Diagram):  # type: ignore[misc]  # the library ships no type hints
    """A Diagram that records its DOT source instead of rendering it on exit.

    The library's ``__exit__`` runs ``dot`` once per output format, writes the .dot
    file next to the working directory and deletes it. The renderer instead runs ``dot``
    once for all formats and then inlines the icons, so here only the source is kept.
    """

    def __init__(self, view: str, title: str, *, direction: str) -> None:
        super().__init__(
            name=title,
            direction=direction,
            show=False,
            graph_attr={
                "fontname": FONT,
                "fontsize": "18",
                "labelloc": "t",
                "pad": "0.3",
                "nodesep": "0.65",
                "ranksep": "0.9",
                # "ortho", the library's default, drops edge labels in Graphviz 2.43
                # ("Orthogonal edges do not currently handle edge labels") and ignores
                # lhead/ltail; plain splines keep both.
                "splines": "spline",
                "compound": "true",
            },
            node_attr={"fontname": FONT, "fontsize": "12"},
            edge_attr={"fontname": FONT, "fontsize": "11"},
        )
        # The library names the graph after its label; the view's name is plainer in
        # Graphviz's messages and the SVG's <title>, and has no quotes or line breaks.
        self.dot.name = view
        self.source: str | None = None
        self.icons: dict[str, Path] = {}  # by the path the DOT source names
        self._node_ids: set[str] = set()
        self._cluster_names: set[str] = set()

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        setdiagram(None)
        if exc_type is None:
            self.source = self.dot.source

    def node(self, nodeid: str, label: str, **attrs: Any) -> None:
        self.claim_node(nodeid, label, attrs)
        super().node(nodeid, label, **attrs)

    def claim_node(self, nodeid: str, label: str, attrs: dict[str, Any]) -> None:
        """Take ``nodeid`` for this picture, refusing a random or taken one; note its icon."""
        if _RANDOM_ID.fullmatch(nodeid):
            raise ViewError(f"the node {label!r} needs nodeid= derived from the design")
        if nodeid in self._node_ids:
            # Graphviz would silently merge the two into one node.
            raise ViewError(f"two nodes share the id {nodeid!r}")
        self._node_ids.add(nodeid)
        image = attrs.get("image")
        if image and image not in self.icons:
            self.icons[image] = Path(image)

    def claim_cluster(self, name: str, label: str) -> None:
        """Take a cluster's name for this picture, refusing one already taken."""
        if name in self._cluster_names:
            raise ViewError(f"two clusters in one parent share the label {label!r}")
        self._cluster_names.add(name)

    def connect(self, node: Any, node2: Any, edge: Any) -> None:
        # Edge() hard-codes fontname "Sans-Serif" on every edge; the house font wins.
        self.dot.edge(node.nodeid, node2.nodeid, **{**edge.attrs, "fontname": FONT})


class Cluster(_LibraryCluster):  # type: ignore[misc]  # the library ships no type hints
    """The library's Cluster in the house font, refusing labels that would merge."""

    _default_graph_attrs: ClassVar[dict[str, str]] = {
        "shape": "box",
        "style": "rounded",
        "labeljust": "l",
        "pencolor": "#AEB6BE",
        "fontname": FONT,
        "fontsize": "13",
    }

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        # The library names a cluster "cluster_<label>", and Graphviz keeps only the
        # first of two clusters with one name ("Two clusters named ... the second will
        # be ignored"), even in different parents: the "ap-northeast-1a" box of each
        # subnet tier. The name here is the path of labels from the outermost cluster.
        self.labels: tuple[str, ...] = (*getattr(self._parent, "labels", ()), label)
        self.name = "cluster_" + " / ".join(self.labels)
        self.dot.name = self.name
        self._diagram.claim_cluster(self.name, label)

    def node(self, nodeid: str, label: str, **attrs: Any) -> None:
        self._diagram.claim_node(nodeid, label, attrs)
        super().node(nodeid, label, **attrs)


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
    """What a view script is handed: its language, and the diagram it draws on."""

    view: str
    lang: Lang
    subtitle: str
    drawn: list[ViewDiagram] = field(default_factory=list)

    def diagram(self, *, direction: str = "LR", note: str | None = None) -> ViewDiagram:
        """The view's diagram, titled; ``note`` adds a line under the title (a legend)."""
        title = lines(VIEW_TITLES[self.view][self.lang], self.subtitle, note)
        diagram = ViewDiagram(self.view, title, direction=direction)
        self.drawn.append(diagram)
        return diagram

    def text(self, text: Text) -> str:
        """The design's prose in this canvas's language."""
        return text[self.lang]

    def words(self, labels: Labels) -> dict[str, Any]:
        """A view's label table in this canvas's language, over the shared TERMS."""
        return TERMS[self.lang] | labels[self.lang]
