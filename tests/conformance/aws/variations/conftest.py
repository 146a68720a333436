"""The conforming demo account, checked once and kept: each variation starts from a copy of
it (tests.demo.fixtures.MotoState), is checked, and is judged against the clean run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions, Scope
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.provision import Account, demo_session, provision
from eks_refarch.demo.server import reset
from eks_refarch.design import Design
from tests.conformance.aws.variations.scenarios import Apply
from tests.demo.fixtures import MotoState


def check(account: Account, scope: Scope = "account") -> RunResult:
    """Every AWS check against the account, as `refarch check --scope SCOPE` would run."""
    design = account.design
    context = AwsContext(
        AwsOptions(region=design.product.region, endpoint_url=account.endpoint_url, scope=scope),
        session_factory=lambda _: demo_session(design),
    )
    return run(design, {Source.AWS: context})


@dataclass(frozen=True)
class Baseline:
    account: Account
    state: MotoState
    clean: RunResult

    def vary(self, apply: Apply, scope: Scope = "account") -> RunResult:
        """The clean account with one variation, checked."""
        self.state.restore()
        apply(self.account)
        return check(self.account, scope)


@pytest.fixture(scope="package")
def baseline(moto_endpoint: str, design: Design) -> Baseline:
    """The demo account, provisioned afresh: moto's backends are shared by every moto
    server and mock in this process, so whatever an earlier test left is cleared first."""
    reset(moto_endpoint)
    account = provision(moto_endpoint, design)
    clean = check(account)
    bad = [f for f in clean.findings if f.status not in (Status.PASS, Status.SKIP)]
    assert bad == [], "the demo account must be conforming before any variation"
    return Baseline(account, MotoState.take(), clean)
