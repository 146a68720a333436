"""Reads a Graphviz SVG as the tests need it: texts, nodes, clusters, edges and images."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

NS = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
HREF = "{http://www.w3.org/1999/xlink}href"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class Drawing:
    texts: tuple[str, ...]
    fonts: frozenset[str]
    nodes: dict[str, Box]  # by node id: the icon's box
    clusters: dict[str, Box]  # by cluster name: "cluster_<label> / <label> ..."
    edges: dict[str, list[tuple[str, ...]]]  # by "tail->head": each such edge's label lines
    images: tuple[str, ...]
    node_images: dict[str, str]
    node_texts: dict[str, tuple[str, ...]]  # by node id: its label's lines
    node_classes: dict[str, str]  # by node id: the SVG class of its group

    def cluster(self, *labels: str) -> Box:
        """The cluster whose path of labels ends with ``labels``."""
        wanted = " / ".join(labels)
        hits = [box for name, box in self.clusters.items() if name.endswith(wanted)]
        assert len(hits) == 1, f"expected one cluster ending {wanted!r}, found {len(hits)}"
        return hits[0]

    def inside(self, node: str, *cluster_labels: str) -> bool:
        return self.cluster(*cluster_labels).holds(self.nodes[node])

    def label(self, tail: str, head: str) -> tuple[str, ...]:
        """The label of the one edge from ``tail`` to ``head``."""
        found = self.edges.get(f"{tail}->{head}", [])
        assert len(found) == 1, f"expected one edge {tail}->{head}, found {found}"
        return found[0]

    def labels_of(self, prefix: str) -> list[tuple[str, ...]]:
        """The labels of every edge whose "tail->head" starts with ``prefix``."""
        return [
            labels
            for title, found in self.edges.items()
            if title.startswith(prefix)
            for labels in found
        ]

    def clusters_holding(self, node: str) -> list[str]:
        """The names of the clusters around ``node``, outermost first."""
        box = self.nodes[node]
        return sorted(
            (name for name, cluster in self.clusters.items() if cluster.holds(box)), key=len
        )


def _points_box(numbers: list[float]) -> Box:
    xs, ys = numbers[0::2], numbers[1::2]
    return Box(min(xs), min(ys), max(xs), max(ys))


def read(path: Path) -> Drawing:
    root = ET.parse(path).getroot()
    texts, fonts, images = [], set(), []
    nodes: dict[str, Box] = {}
    node_images: dict[str, str] = {}
    node_texts: dict[str, tuple[str, ...]] = {}
    node_classes: dict[str, str] = {}
    clusters: dict[str, Box] = {}
    edges: dict[str, list[tuple[str, ...]]] = {}
    for text in root.iter(f"{{{NS['svg']}}}text"):
        texts.append(text.text or "")
        fonts.add(text.get("font-family", ""))
    for image in root.iter(f"{{{NS['svg']}}}image"):
        images.append(image.get(HREF, ""))
    for group in root.iter(f"{{{NS['svg']}}}g"):
        kind = group.get("class")
        title = group.findtext("svg:title", default="", namespaces=NS)
        if kind is not None and kind.split()[0] == "node":
            node_texts[title] = tuple(t.text or "" for t in group.iter(f"{{{NS['svg']}}}text"))
            node_classes[title] = kind
            icon = group.find("svg:image", NS)
            if icon is not None:
                x, y = float(icon.get("x", "0")), float(icon.get("y", "0"))
                w = float(icon.get("width", "0").removesuffix("px"))
                h = float(icon.get("height", "0").removesuffix("px"))
                nodes[title] = Box(x, y, x + w, y + h)
                node_images[title] = icon.get(HREF, "")
        elif kind is not None and kind.split()[0] == "cluster":
            # A rounded cluster is a <path>; a square one would be a <polygon>.
            outline = group.find("svg:path", NS)
            coordinates = outline.get("d", "") if outline is not None else ""
            if not coordinates:
                polygon = group.find("svg:polygon", NS)
                coordinates = polygon.get("points", "") if polygon is not None else ""
            numbers = [float(n) for n in _NUMBER.findall(coordinates)]
            assert numbers, f"cluster {title} has no outline"
            clusters[title] = _points_box(numbers)
        elif kind == "edge":
            labels = tuple(t.text or "" for t in group.findall("svg:text", NS))
            edges.setdefault(title, []).append(labels)
    return Drawing(
        tuple(texts),
        frozenset(fonts),
        nodes,
        clusters,
        edges,
        tuple(images),
        node_images,
        node_texts,
        node_classes,
    )


_TRANSFORM = re.compile(r"scale\((\S+) (\S+)\) rotate\(0\) translate\((\S+) (\S+)\)")


def icon_boxes(path: Path) -> tuple[tuple[float, float], list[tuple[str, list[float]]]]:
    """The viewBox size, and each <image>'s href and box [x, y, w, h] in viewBox units."""
    root = ET.parse(path).getroot()
    _, _, width, height = (float(n) for n in root.get("viewBox", "").split())
    graph = root.find("svg:g", NS)
    assert graph is not None
    match = _TRANSFORM.fullmatch(graph.get("transform", ""))
    assert match, graph.get("transform")
    sx, sy, tx, ty = (float(n) for n in match.groups())
    boxes = []
    for image in root.iter(f"{{{NS['svg']}}}image"):
        x, y = float(image.get("x", "0")), float(image.get("y", "0"))
        w = float(image.get("width", "0").removesuffix("px"))
        h = float(image.get("height", "0").removesuffix("px"))
        boxes.append((image.get(HREF, ""), [(x + tx) * sx, (y + ty) * sy, w * sx, h * sy]))
    return (width, height), boxes
