"""Architecture diagrams drawn from the design model: byte-stable, self-contained SVG and PNG."""
