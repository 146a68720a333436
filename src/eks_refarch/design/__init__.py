"""The design model: architecture.yaml as typed, validated data."""

from eks_refarch.design.loader import DEFAULT_DESIGN, load
from eks_refarch.design.model import Design

__all__ = ["DEFAULT_DESIGN", "Design", "load"]
