"""Fixtures that start the embedded demo account: a moto server on 127.0.0.1, provisioned."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

import pytest
from botocore.awsrequest import AWSRequest
from moto.backends import get_backend

from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.model import Status
from eks_refarch.conformance.runner import RunResult
from eks_refarch.demo.provision import Account, provision
from eks_refarch.demo.run import demo_context
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


def statuses(result: RunResult) -> dict[str, set[Status]]:
    """Check id -> the statuses of its findings: a run's verdicts, per check."""
    out: dict[str, set[Status]] = {}
    for finding in result.findings:
        out.setdefault(finding.check, set()).add(finding.status)
    return out


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


# Every service the demo provisions into.
Snapshotted = Literal[
    "acm",
    "autoscaling",
    "cloudtrail",
    "ec2",
    "ecr",
    "eks",
    "elasticache",
    "elb",
    "elbv2",
    "iam",
    "kms",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sts",
    "wafv2",
]
SNAPSHOT_SERVICES: tuple[Snapshotted, ...] = get_args(Snapshotted)


LOCKS = (type(threading.Lock()), type(threading.RLock()))
# (accounts, registries) of one service: its BackendDict's items, and the dictionaries it
# keeps beside them (S3's bucket_accounts, the names of every bucket of every account).
Saved = tuple[dict[str, Any], dict[str, dict[str, Any]]]


# Catalogs moto fills when a backend starts (EC2's 1,347 public AMIs and their snapshots)
# and no scenario changes: their items are shared by every copy rather than copied, which
# is most of the work a copy would do.
CATALOGS = ("amis", "snapshots")


def _shared(services: Mapping[Snapshotted, Saved]) -> dict[int, Any]:
    """A deepcopy memo that keeps some objects as they are: the backends' locks, which
    cannot be copied (moto 5.2.5's ECR backend holds a threading.RLock) and are harmless to
    share, and the items of the read-only catalogs."""
    memo: dict[int, Any] = {}
    for accounts, _ in services.values():
        for regions in accounts.values():
            for backend in regions.values():
                for name, value in vars(backend).items():
                    if isinstance(value, LOCKS):
                        memo[id(value)] = value
                    elif name in CATALOGS and isinstance(value, dict):
                        memo.update((id(item), item) for item in value.values())
    return memo


@dataclass(frozen=True)
class MotoState:
    """A copy of the in-process moto backends, to put back between scenarios.

    moto has no snapshot API, and provisioning the demo account takes several times as
    long as copying its backends. They are copied in one deepcopy, so that references
    between them (autoscaling's to its EC2 backend) stay references into the same copy;
    each restore copies the snapshot again, so it can be restored any number of times.
    Only for a moto server in this process (demo.server.moto_server), whose backends are
    this module's globals.
    """

    saved: dict[Snapshotted, Saved]

    @classmethod
    def take(cls) -> MotoState:
        live: dict[Snapshotted, Saved] = {}
        for name in SNAPSHOT_SERVICES:
            backend = get_backend(name)
            registries = {k: v for k, v in vars(backend).items() if isinstance(v, dict)}
            live[name] = (dict(backend), registries)
        return cls(copy.deepcopy(live, _shared(live)))

    def restore(self) -> None:
        fresh = copy.deepcopy(self.saved, _shared(self.saved))
        for name, (accounts, registries) in fresh.items():
            backend = get_backend(name)
            backend.clear()
            backend.update(accounts)
            for attribute, value in registries.items():
                live = getattr(backend, attribute)
                live.clear()
                live.update(value)
