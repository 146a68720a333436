"""Where and how to read an account: plain settings, importable without boto3."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RetryMode = Literal["standard", "adaptive"]
# How far account-wide rules look: the whole account's region, or the design's VPC only.
Scope = Literal["account", "vpc"]

# A region name as AWS spells them: us-east-1, ap-northeast-1, us-gov-west-1, cn-north-1,
# eu-isoe-west-1, eusc-de-east-1. Checked before any call, so a typo is a usage error
# rather than a run of "could not verify" findings against an endpoint that does not exist.
REGION_NAME = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d{1,2}")
# An IAM role ARN in any partition, with an optional path: arn:aws:iam::123456789012:role/r.
ROLE_ARN = re.compile(r"arn:aws(-[a-z]+)*:iam::\d{12}:role/([\x21-\x7e]+/)*[\w+=,.@-]{1,64}")


@dataclass(frozen=True)
class AwsOptions:
    """Where and how to read the account. Credentials come from the boto3 chain."""

    region: str
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None  # given to sts:AssumeRole with role_arn
    endpoint_url: str | None = None
    retry_mode: RetryMode = "standard"
    max_attempts: int = 5
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    scope: Scope = "account"
