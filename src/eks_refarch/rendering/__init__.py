"""Architecture diagrams drawn from the design model: byte-stable, self-contained SVG and PNG.

``render`` is what the command and the site call: it also says which views were drawn
and which were reused from the cache; ``VIEWS`` and ``VIEW_TITLES`` name the pictures.
"""

from eks_refarch.rendering.renderer import (
    Difference,
    Output,
    RenderResult,
    compare,
    render,
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
]
