"""Architecture diagrams drawn from the design model: byte-stable, self-contained SVG and PNG.

``render_views`` is what the site calls; ``render`` also says which views were drawn
and which were reused from the cache; ``VIEWS`` and ``VIEW_TITLES`` name the pictures.
"""

from eks_refarch.rendering.renderer import (
    Difference,
    Output,
    RenderResult,
    compare,
    render,
    render_views,
)
from eks_refarch.rendering.views import FORMATS, LANGS, VIEW_TITLES, VIEWS, Lang

__all__ = [
    "FORMATS",
    "LANGS",
    "VIEWS",
    "VIEW_TITLES",
    "Difference",
    "Lang",
    "Output",
    "RenderResult",
    "compare",
    "render",
    "render_views",
]
