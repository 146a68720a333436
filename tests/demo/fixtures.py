"""Fixtures that start the embedded demo account: a moto server on 127.0.0.1, provisioned."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSRequest

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


def empty_body_signing(
    original: Callable[[Any], AWSRequest],
) -> Callable[[Any], AWSRequest]:
    """moto's ``IAMRequestBase._create_aws_request``, fixed for body-less requests.

    Works around a moto 5.2.5 bug seen under IAM enforcement: for a GET without a body
    (every EKS read) it signs the request's header dict as the payload, so every EKS
    call fails with SignatureDoesNotMatch. Signing an empty body, as the client did,
    fixes it.
    """

    def create(self: Any) -> AWSRequest:
        request = original(self)
        if self._method in ("GET", "DELETE", "HEAD") and not self._body:
            request.data = b""
        return request

    return create
