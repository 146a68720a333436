"""Loads the conformance adapter: `pytest checks/ [--endpoint-url URL] [-m aws] [-k ID]`.

The hooks are imported rather than listed in `pytest_plugins`, which pytest only honours
in the rootdir's conftest.
"""

from eks_refarch.conformance.pytest_plugin import (
    finding,
    pytest_addoption,
    pytest_configure,
    pytest_generate_tests,
)

__all__ = ["finding", "pytest_addoption", "pytest_configure", "pytest_generate_tests"]
