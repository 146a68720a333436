"""View aws-network: the VPC by Availability Zone, its way out, and its private paths to AWS.

The layout lives in ``eks_refarch.rendering.network`` because the as-built picture
(`refarch check --as-built`) draws what a run observed on exactly this frame.
"""

from __future__ import annotations

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas
from eks_refarch.rendering.network import LABELS, draw_network


def draw(design: Design, canvas: Canvas) -> None:
    with canvas.diagram(direction="TB", note=canvas.words(LABELS)["note"]):
        draw_network(design, canvas)
