"""The demo account, provisioned once, for the parallel-run tests."""

from tests.demo.fixtures import demo_account, moto_endpoint

__all__ = ["demo_account", "moto_endpoint"]
