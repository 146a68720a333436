"""View infra-telemetry: how metrics, logs and traces flow from the workloads to the dashboards.

The drawing lives in ``eks_refarch.rendering.platform``, shared with the other view of
the infrastructure domain: each flow of the design is drawn in exactly one of the two.
"""

from __future__ import annotations

from eks_refarch.design import Design
from eks_refarch.rendering.kit import Canvas
from eks_refarch.rendering.platform import draw_platform


def draw(design: Design, canvas: Canvas) -> None:
    draw_platform(design, canvas, telemetry=True)
