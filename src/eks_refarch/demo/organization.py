"""An emulated AWS Organization: member accounts with an audit role, the design in each.

Built in one moto server from the demo's management account: an organization, N member
accounts, and in each (through the role Organizations creates in a new member account)
an audit role trusting the management account and the designed environment. Every Kth
account carries one built-in drift, so that a check of the organization must report
exactly those drifts, each under its own account. Loopback only, like the whole demo.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import boto3

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.provision import Account, demo_session, provision_into
from eks_refarch.demo.server import require_loopback
from eks_refarch.design import Design
from eks_refarch.policy import iam_policy

AUDIT_ROLE = "refarch-audit"
# The role Organizations creates in every account it creates (AWS's default name).
ACCESS_ROLE = "OrganizationAccountAccessRole"
# Drifts left out of the organization: bucket names are global, so every member account
# shares the first one's buckets, and a drift of one would show in all of them.
SHARED = frozenset({"bucket-public"})


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    drift: str | None  # the drift applied to it, if any
    check: str | None  # the one check that drift turns to fail


def org_drifts() -> list[str]:
    """The drifts the organization plants, in the order they are handed out."""
    return [name for name in DRIFTS if name not in SHARED]


def provision_organization(
    endpoint_url: str,
    design: Design,
    accounts: int,
    *,
    every: int = 3,
    role_name: str = AUDIT_ROLE,
) -> list[Member]:
    """An organization of ``accounts`` members, every ``every``th one drifted."""
    endpoint_url = require_loopback(endpoint_url)
    management = demo_session(design)
    organizations = management.client("organizations", endpoint_url=endpoint_url)
    with contextlib.suppress(organizations.exceptions.AlreadyInOrganizationException):
        organizations.create_organization(FeatureSet="ALL")  # a second call adds members
    management_id = organizations.describe_organization()["Organization"]["MasterAccountId"]
    existing = len(organizations.list_accounts()["Accounts"]) - 1
    sts = management.client("sts", endpoint_url=endpoint_url)
    drifts = org_drifts()
    members = []
    for index in range(accounts):
        number = existing + index + 1
        name = f"member-{number:03d}"
        status = organizations.create_account(Email=f"{name}@example.com", AccountName=name)
        account_id = status["CreateAccountStatus"]["AccountId"]
        session = _assumed(sts, f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}", design)
        _audit_role(session, endpoint_url, role_name, management_id)
        account = provision_into(Account(endpoint_url, design, session))
        drift = drifts[(index // every) % len(drifts)] if (index + 1) % every == 0 else None
        if drift is not None:
            DRIFTS[drift].apply(account)
        members.append(Member(account_id, name, drift, DRIFTS[drift].check if drift else None))
    return members


def _assumed(sts: Any, role_arn: str, design: Design) -> boto3.Session:
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="refarch-demo")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=design.product.region,
    )


def _audit_role(session: boto3.Session, endpoint_url: str, name: str, trusted: str) -> None:
    """The role the checks assume: trusts the management account, may only read."""
    iam = session.client("iam", endpoint_url=endpoint_url)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{trusted}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="refarch-check",
        PolicyDocument=json.dumps(iam_policy(load_builtin_checks())),
    )
