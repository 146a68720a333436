"""Where and how to read an account: plain settings, importable without boto3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RetryMode = Literal["standard", "adaptive"]


@dataclass(frozen=True)
class AwsOptions:
    """Where and how to read the account. Credentials come from the boto3 chain."""

    region: str
    profile: str | None = None
    role_arn: str | None = None
    endpoint_url: str | None = None
    retry_mode: RetryMode = "standard"
    max_attempts: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
