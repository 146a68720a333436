"""The demo provisions only into a loopback emulator; anything else is refused."""

from __future__ import annotations

import pytest

from eks_refarch.demo.provision import Account
from eks_refarch.demo.server import require_loopback
from eks_refarch.design import Design
from eks_refarch.errors import UserInputError


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5000",
        "http://127.10.20.30:8080/",
        "http://localhost:5000",
        "http://[::1]:5000",
    ],
)
def test_loopback_endpoints_are_accepted(url: str) -> None:
    assert require_loopback(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "https://ec2.ap-northeast-1.amazonaws.com",
        "http://10.0.0.5:5000",
        "http://0.0.0.0:5000",
        "http://localhost.example.com:5000",
        "http://128.0.0.1:5000",
        "not a url",
    ],
)
def test_other_endpoints_are_refused_before_any_client_exists(url: str, design: Design) -> None:
    with pytest.raises(UserInputError, match="is not a loopback address"):
        Account.at(url, design)
