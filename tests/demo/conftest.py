"""The demo tests' own emulator: they reset and re-provision it, scenario by scenario."""

from tests.demo.fixtures import moto_endpoint

__all__ = ["moto_endpoint"]
