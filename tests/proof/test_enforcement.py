"""Proof under IAM enforcement: `refarch policy`'s document is enough, every action in it is
needed, and it allows no write.

moto checks each request's IAM action against the caller's policies once enforcement is
on (tests/proof/motoserver.py fixes the two places where moto 5.2.5 gets that wrong).
The reader holds exactly the command's output. Each user ``refarch-without-N`` holds it
minus one action; its run is the evidence that the proof can fail: exactly the checks
whose collectors declare that action must turn to `error`, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import botocore.exceptions
import pytest
from botocore.client import BaseClient

from eks_refarch.conformance.aws.context import READ_PREFIXES, REFUSED_READS, iam_action_of
from eks_refarch.errors import EXIT_OK
from tests.proof.conftest import (
    AWS_CHECKS,
    CANARY_SECRET_NAME,
    POLICY_ACTIONS,
    CliRun,
    ProofAccount,
    credentials,
    enforced,
    needing,
    refarch_check,
)

# moto 5.2.5 has no route for the EKS add-on API: it answers 404 before any
# authorization, so neither a grant nor a denial of eks:ListAddons can be observed.
EMULATOR_GAPS = {"eks_addons_installed": "does not implement eks:ListAddons"}
UNOBSERVABLE = {"eks:ListAddons"}


@dataclass(frozen=True)
class ReaderRun:
    run: CliRun
    operations: list[tuple[str, str]]  # (service, operation) of every API call made


@pytest.fixture(scope="module")
def reader_run(proof_account: ProofAccount) -> ReaderRun:
    """`refarch check --format json --stats` as the reader, every API call recorded."""
    operations: list[tuple[str, str]] = []
    original = BaseClient._make_api_call

    # Below the context, at the one method every botocore API call goes through, so the
    # record does not depend on the context's own counting.
    def record(client: Any, operation: str, params: Any) -> Any:
        operations.append((client.meta.service_model.service_name, operation))
        return original(client, operation, params)

    with (
        pytest.MonkeyPatch.context() as patch,
        credentials(proof_account.reader.env()),
        enforced(proof_account.url),
    ):
        patch.setattr(BaseClient, "_make_api_call", record)
        run = refarch_check("--endpoint-url", proof_account.url, "--format", "json", "--stats")
    return ReaderRun(run, operations)


def test_the_policy_reader_runs_every_aws_check_and_none_errors(reader_run: ReaderRun) -> None:
    assert reader_run.run.code == EXIT_OK, reader_run.run.stderr
    assert {f["check"] for f in reader_run.run.findings} == AWS_CHECKS
    for finding in reader_run.run.findings:
        if finding["check"] in EMULATOR_GAPS:
            assert finding["status"] == "skip"
            assert EMULATOR_GAPS[finding["check"]] in finding["message"]
        else:
            assert finding["status"] == "pass", finding


def test_every_call_of_a_full_run_is_a_read_the_policy_grants_and_every_grant_is_used(
    reader_run: ReaderRun,
) -> None:
    assert reader_run.operations
    for service, operation in reader_run.operations:
        assert operation.startswith(READ_PREFIXES), (service, operation)
        assert operation not in REFUSED_READS, (service, operation)
    used = {iam_action_of(service, op) for service, op in reader_run.operations}
    assert used == set(POLICY_ACTIONS)
    # --stats lists every operation that was called.
    rows = [line.split("│")[1:3] for line in reader_run.run.stderr.splitlines() if "│" in line]
    listed = {(s.strip(), o.strip()) for s, o in rows if s.strip() not in ("service", "total")}
    assert listed == set(reader_run.operations)


@pytest.mark.parametrize(
    ("service", "method", "action", "params"),
    [
        ("ec2", "create_vpc", "ec2:CreateVpc", {"CidrBlock": "10.99.0.0/16"}),
        ("eks", "delete_cluster", "eks:DeleteCluster", {"name": "sakura-shop"}),
        (
            "secretsmanager",
            "get_secret_value",
            "secretsmanager:GetSecretValue",
            {"SecretId": CANARY_SECRET_NAME},
        ),
    ],
)
def test_the_policy_reader_is_denied_writes_and_secret_values(
    proof_account: ProofAccount, service: str, method: str, action: str, params: dict[str, Any]
) -> None:
    reader = proof_account.reader
    ec2 = proof_account.client(reader, "ec2")
    eks = proof_account.client(reader, "eks")
    with enforced(proof_account.url):
        vpcs = ec2.describe_vpcs()["Vpcs"]  # the same keys can read: the denial is the point
        with pytest.raises(botocore.exceptions.ClientError) as denied:
            getattr(proof_account.client(reader, service), method)(**params)
        assert f"is not authorized to perform: {action}" in str(denied.value)
        assert ec2.describe_vpcs()["Vpcs"] == vpcs
        assert eks.describe_cluster(name="sakura-shop")["cluster"]["status"] == "ACTIVE"


@pytest.mark.parametrize("action", POLICY_ACTIONS)
def test_without_one_action_exactly_the_checks_needing_it_error_naming_it(
    proof_account: ProofAccount, reader_run: ReaderRun, action: str
) -> None:
    affected = needing(action)
    assert affected, f"{action} is granted but no check needs it"
    with enforced(proof_account.url):
        result = proof_account.run_as(proof_account.without[action])
    findings = [f.as_dict() for f in result.findings]
    errored = {f["check"] for f in findings if f["status"] == "error"}
    if action in UNOBSERVABLE:
        assert errored == set()
        assert findings == reader_run.run.findings
        return
    assert errored == affected
    for finding in findings:
        if finding["check"] in affected:
            assert finding["status"] == "error"
            assert f"(needs {action})" in finding["message"]
            assert "AccessDenied" in finding["message"]
    unchanged = [f for f in findings if f["check"] not in affected]
    assert unchanged == [f for f in reader_run.run.findings if f["check"] not in affected]
