"""The proofs' account: one moto server process per session, provisioned once, with its
IAM users (the policy's reader and one per policy action, lacking it) created up front."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest

from eks_refarch import cli, policy
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.provision import Account, provision
from eks_refarch.demo.server import reset, set_auth
from eks_refarch.design import Design
from tests.helpers import SHIPPED_DESIGN, iam_user, serving

REGISTRY = load_builtin_checks()
AWS_CHECKS = frozenset(c.id for c in REGISTRY.checks() if c.sources == {Source.AWS})
POLICY_ACTIONS = policy.aws_actions(REGISTRY)
# A value no report, log or statistic may ever show; stored in the account's Secrets Manager.
CANARY_SECRET_NAME = "refarch-proof/canary"
CANARY_SECRET_VALUE = "CANARY-SECRET-VALUE-5f0c7e2a-never-print-me"

# Dummy keys for runs where IAM is not enforced: moto then accepts any.
ANYONE = {"AWS_ACCESS_KEY_ID": "proof", "AWS_SECRET_ACCESS_KEY": "proof"}

# Every session's clients read the same service models. A botocore session parses them
# from JSON again, which is most of a run's time against a local server; sharing the
# loader (whose reads are cached per instance) makes a run as another user cheap.
_LOADER = botocore.loaders.create_loader()


@dataclass(frozen=True)
class Keys:
    access_key_id: str
    secret_access_key: str

    def env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }


@dataclass
class ProofAccount:
    """The provisioned account at ``url`` and the keys of the users created in it."""

    url: str
    design: Design
    account: Account
    reader: Keys  # holds exactly `refarch policy`'s document
    without: dict[str, Keys] = field(default_factory=dict)  # action -> policy minus it

    def session(self, keys: Keys) -> boto3.Session:
        core = botocore.session.get_session()
        core.register_component("data_loader", _LOADER)
        return boto3.Session(
            botocore_session=core,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            region_name=self.design.product.region,
        )

    def client(self, keys: Keys, service: str) -> Any:
        return self.session(keys).client(service, endpoint_url=self.url)

    def run_as(self, keys: Keys, **options: Any) -> RunResult:
        """Every AWS check, as the user with ``keys``, in this process."""
        context = AwsContext(
            AwsOptions(region=self.design.product.region, endpoint_url=self.url, **options),
            session_factory=lambda _: self.session(keys),
        )
        return run(self.design, {Source.AWS: context})


@contextmanager
def moto_process() -> Iterator[str]:
    """tests/proof/motoserver.py in its own process on a free loopback port."""
    command = [sys.executable, "-m", "tests.proof.motoserver"]
    with serving(lambda port: [*command, str(port)], "/moto-api/data.json") as url:
        yield url


@pytest.fixture(scope="session")
def proof_server() -> Iterator[str]:
    with moto_process() as url:
        yield url


def policy_without(action: str) -> dict[str, Any]:
    """`refarch policy`'s document with one action taken out (and its statement, if emptied)."""
    document = policy.iam_policy(REGISTRY)
    statements = [
        {**s, "Action": [a for a in s["Action"] if a != action]} for s in document["Statement"]
    ]
    return {**document, "Statement": [s for s in statements if s["Action"]]}


def _user(iam: Any, name: str, document: str) -> Keys:
    return Keys(*iam_user(iam, name, document))


@pytest.fixture(scope="session")
def proof_account(proof_server: str, design: Design) -> ProofAccount:
    """The conforming account, a canary secret in it, and the users (enforcement off)."""
    reset(proof_server)
    account = provision(proof_server, design)
    account.client("secretsmanager").create_secret(
        Name=CANARY_SECRET_NAME, SecretString=CANARY_SECRET_VALUE
    )
    iam = account.client("iam")
    # The reader's document is the command's output, byte for byte.
    reader = _user(iam, "refarch-reader", policy.render(REGISTRY, "aws"))
    proof = ProofAccount(proof_server, design, account, reader)
    for index, action in enumerate(POLICY_ACTIONS):
        document = json.dumps(policy_without(action))
        proof.without[action] = _user(iam, f"refarch-without-{index}", document)
    return proof


@contextmanager
def enforced(url: str) -> Iterator[None]:
    """moto's IAM enforcement on for the block: every request is checked against IAM."""
    set_auth(url, enforced=True)
    try:
        yield
    finally:
        set_auth(url, enforced=False)


def needing(action: str) -> set[str]:
    """The AWS checks at least one of whose collectors declares ``action``."""
    return {
        spec.id
        for spec in REGISTRY.checks()
        if spec.id in AWS_CHECKS
        and any(action in REGISTRY.collector_for(kind).actions for kind in spec.needs)
    }


@contextmanager
def credentials(env: Mapping[str, str]) -> Iterator[None]:
    """Only these credentials in the environment, and no shared AWS files, for the block."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_CONFIG_FILE", "/dev/null")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        for name, value in env.items():
            patch.setenv(name, value)
        yield


@dataclass(frozen=True)
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def findings(self) -> list[dict[str, str]]:
        findings: list[dict[str, str]] = json.loads(self.stdout)["findings"]
        return findings


def refarch(*args: str) -> CliRun:
    """`refarch ARGS`, in this process, timed."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with (
        pytest.MonkeyPatch.context() as patch,
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        # A run's own boto3 session then reads each service model once per test session,
        # as a `refarch` process reads it once per run.
        patch.setattr(botocore.session, "create_loader", lambda *_: _LOADER)
        code = cli.run(list(args))
    return CliRun(code, out.getvalue(), err.getvalue(), time.perf_counter() - started)


def refarch_check(*args: str) -> CliRun:
    """`refarch check --design architecture.yaml ARGS`, in this process, timed."""
    return refarch("check", "--design", str(SHIPPED_DESIGN), *args)
