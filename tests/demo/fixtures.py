"""Fixtures that start the embedded demo account: a moto server on 127.0.0.1, provisioned."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.demo.cli import demo_context
from eks_refarch.demo.provision import Account, provision
from eks_refarch.demo.server import moto_server, reset
from eks_refarch.design import Design


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture(scope="session")
def demo_account(moto_endpoint: str, design: Design) -> Account:
    """The conforming account, provisioned once. Tests that change it use their own server."""
    reset(moto_endpoint)
    return provision(moto_endpoint, design)


def fresh_context(account: Account) -> AwsContext:
    """A new run's view of the account: empty cache, zeroed stats."""
    return demo_context(account.design, account.endpoint_url)
