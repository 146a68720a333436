"""Clients shared by the accounts of a run: each call signed as the account making it,
a call outside any account's refused, and adaptive retries kept per account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from eks_refarch.conformance.aws.context import AssumedSession, AwsContext, RoleClients
from eks_refarch.conformance.aws.settings import AwsOptions

OPTIONS = AwsOptions(region="eu-west-1", endpoint_url="http://127.0.0.1:9")  # never reached
IDENTITY = (
    b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn</Arn><UserId>u</UserId>"
    b"<Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
)


class _Raw:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield IDENTITY


def _role(clients: RoleClients, key: str) -> AssumedSession:
    return AssumedSession(
        clients,
        OPTIONS.region,
        {"AccessKeyId": key, "SecretAccessKey": f"secret-{key}", "SessionToken": f"t-{key}"},
    )


@pytest.fixture
def signed_with() -> Iterator[tuple[RoleClients, list[str]]]:
    """Shared clients whose STS answers locally, and the access key of each request."""
    clients = RoleClients(OPTIONS)
    keys: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        found = re.search(r"Credential=([^/]+)/", request.headers["Authorization"].decode())
        assert found is not None
        keys.append(found[1])
        return AWSResponse(request.url, 200, {}, _Raw())

    clients.client("sts", OPTIONS.region, None).meta.events.register("before-send", answer)
    yield clients, keys
    clients.close()


def test_each_call_is_signed_as_the_account_making_it(
    signed_with: tuple[RoleClients, list[str]],
) -> None:
    clients, keys = signed_with
    first, second = _role(clients, "AKIAFIRST"), _role(clients, "AKIASECOND")
    role = replace(OPTIONS, role_arn="arn:aws:iam::1:role/r")
    for session in (first, second, first):

        def factory(_: AwsOptions, session: AssumedSession = session) -> AssumedSession:
            return session

        context = AwsContext(role, session_factory=factory)
        assert context.call("sts", "get_caller_identity")["Account"] == "1"
    assert keys == ["AKIAFIRST", "AKIASECOND", "AKIAFIRST"]
    assert first.client("sts") is second.client("sts")  # one client for both


def test_a_shared_client_called_outside_an_account_signs_nothing(
    signed_with: tuple[RoleClients, list[str]],
) -> None:
    clients, keys = signed_with
    with pytest.raises(RuntimeError, match="outside an account's call"):
        clients.client("sts", OPTIONS.region, None).get_caller_identity()
    assert keys == []


def test_adaptive_retries_keep_clients_per_account_and_release_them() -> None:
    clients = RoleClients(replace(OPTIONS, retry_mode="adaptive"))
    first, second = _role(clients, "AKIAFIRST"), _role(clients, "AKIASECOND")
    mine = first.client("ec2")
    assert mine is first.client("ec2")
    assert mine is not second.client("ec2")  # a throttled account slows only itself
    first.close()
    assert first.client("ec2") is not mine  # released: the next account's is new
    clients.close()
