"""The embedded demo account: as designed, every AWS check passes or skips naming the
emulator gap; each drift scenario fails exactly its check; a denied service errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto.iam.access_control import IAMRequestBase

from eks_refarch import cli
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.provision import Account, provision
from eks_refarch.demo.run import provision_with_drift
from eks_refarch.demo.server import reset, set_auth
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_ERRORED, EXIT_OK
from tests.demo.fixtures import MotoState, empty_body_signing, fresh_context, statuses
from tests.helpers import REPO, iam_user

REGISTRY = load_builtin_checks()
# The checks an AWS-only run evaluates; cross-layer checks also need the cluster.
AWS_CHECKS = {c.id for c in REGISTRY.checks() if c.sources == {Source.AWS}}
# The one AWS check the emulator cannot answer: moto 5.2.5 has no EKS add-on API.
EMULATOR_GAPS = {"eks_addons_installed": "does not implement eks:ListAddons"}


@dataclass(frozen=True)
class Provisioned:
    account: Account
    state: MotoState
    result: RunResult


@pytest.fixture(scope="module")
def provisioned(moto_endpoint: str, design: Design) -> Iterator[Provisioned]:
    """The demo account as `refarch demo` builds it, checked, and its state kept: each drift
    starts from a copy of it rather than from a second provisioning."""
    reset(moto_endpoint)
    account = provision_with_drift(moto_endpoint, design, None)
    state = MotoState.take()
    yield Provisioned(account, state, run(design, {Source.AWS: fresh_context(account)}))
    state.restore()


@pytest.fixture(scope="module")
def as_designed(provisioned: Provisioned) -> RunResult:
    return provisioned.result


def test_every_aws_check_passes_or_skips_naming_the_emulator_gap(as_designed: RunResult) -> None:
    assert set(statuses(as_designed)) == AWS_CHECKS
    for finding in as_designed.findings:
        if finding.check in EMULATOR_GAPS:
            assert finding.status is Status.SKIP
            assert EMULATOR_GAPS[finding.check] in str(finding.message)
        else:
            assert finding.status is Status.PASS, finding
    assert as_designed.exit_code == EXIT_OK


@pytest.mark.parametrize("name", sorted(DRIFTS))
def test_a_drift_fails_its_check_and_changes_no_other(
    name: str, provisioned: Provisioned, design: Design, as_designed: RunResult
) -> None:
    drift = DRIFTS[name]
    provisioned.state.restore()
    drift.apply(provisioned.account)
    after = statuses(run(design, {Source.AWS: fresh_context(provisioned.account)}))
    before = statuses(as_designed)
    assert Status.FAIL in after[drift.check]
    changed = {c for c in AWS_CHECKS if after.get(c) != before.get(c)}
    assert changed == {drift.check}


@pytest.fixture
def eks_signing_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server runs in this process, so patching moto here reaches it."""
    fixed = empty_body_signing(IAMRequestBase._create_aws_request)
    monkeypatch.setattr(IAMRequestBase, "_create_aws_request", fixed)


@pytest.fixture
def auditor_denied_elb(
    moto_endpoint: str, design: Design, eks_signing_fixed: None
) -> Iterator[dict[str, str]]:
    """The demo account and the keys of a user allowed everything but elasticloadbalancing."""
    reset(moto_endpoint)
    account = provision(moto_endpoint, design)
    iam = account.client("iam")
    everything_but_elb = [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "elasticloadbalancing:*", "Resource": "*"},
    ]
    key_id, secret = iam_user(
        iam, "auditor", json.dumps({"Version": "2012-10-17", "Statement": everything_but_elb})
    )
    set_auth(moto_endpoint, enforced=True)
    try:
        yield {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret}
    finally:
        set_auth(moto_endpoint, enforced=False)


def test_a_denied_service_errors_its_checks_naming_the_action_and_the_rest_run(
    moto_endpoint: str,
    auditor_denied_elb: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in auditor_denied_elb.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.chdir(REPO)
    argv = ["check", "--endpoint-url", moto_endpoint, "--max-attempts", "1", "--format", "json"]
    assert cli.run(argv) == EXIT_ERRORED
    findings = json.loads(capsys.readouterr().out)["findings"]
    needs_elb = {
        spec.id
        for spec in REGISTRY.checks()
        if spec.id in AWS_CHECKS
        and any(
            a.startswith("elasticloadbalancing:")
            for kind in spec.needs
            for a in REGISTRY.collector_for(kind).actions
        )
    }
    errored = {f["check"] for f in findings if f["status"] == "error"}
    assert errored == needs_elb
    for finding in findings:
        if finding["status"] == "error":
            assert "needs elasticloadbalancing:Describe" in finding["message"]
            assert "AccessDenied" in finding["message"]
    others = {f["check"]: f["status"] for f in findings if f["check"] not in needs_elb}
    assert set(others) == AWS_CHECKS - needs_elb
    assert set(others.values()) <= {"pass", "skip"}, others
