"""The emulated organization: exactly the planted drifts fail, each under its account;
shards merged equal the unsharded run; a role that cannot be assumed errs for its
account only; merge refuses overlapping shards and other designs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eks_refarch import cli
from eks_refarch.conformance import accounts
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.conformance.fleet import report as report_group
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.organization import AUDIT_ROLE, Member, org_drifts
from eks_refarch.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, moto_server
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_FAILED, EXIT_USAGE

MEMBERS = 4
EVERY = 2  # members 2 and 4 carry a drift
# The one AWS check the emulator cannot answer (see tests/demo/test_demo.py).
EMULATOR_GAPS = {"eks_addons_installed"}


@dataclass(frozen=True)
class Organization:
    url: str
    members: list[Member]
    unsharded: dict[str, Any]


def _check(url: str, *extra: str) -> tuple[int, dict[str, Any]]:
    out = Path(extra[extra.index("-o") + 1]) if "-o" in extra else None
    assert out is not None
    code = cli.run(
        [
            "check",
            "--organization",
            "--role-name",
            AUDIT_ROLE,
            "--endpoint-url",
            url,
            "--format",
            "json",
            "--lang",
            "en",
            *extra,
        ]
    )
    return code, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def organization(
    design: Design, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Organization]:
    from eks_refarch.demo.organization import provision_organization

    with pytest.MonkeyPatch.context() as patch:
        # The management account's credentials: the demo's, through the standard chain.
        patch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
        patch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
        patch.delenv("AWS_PROFILE", raising=False)
        with moto_server() as url:
            members = provision_organization(url, design, MEMBERS, every=EVERY)
            out = tmp_path_factory.mktemp("org") / "all.json"
            code, unsharded = _check(url, "-o", str(out), "--concurrency", "4")
            assert code == EXIT_FAILED
            yield Organization(url, members, unsharded)


def _verdicts(document: dict[str, Any], status: str) -> set[tuple[str, str]]:
    return {(f["account"], f["check"]) for f in document["findings"] if f["status"] == status}


def test_exactly_the_planted_drifts_fail_each_under_its_account(
    organization: Organization,
) -> None:
    planted = {(m.id, m.check) for m in organization.members if m.check}
    assert len(planted) == MEMBERS // EVERY
    assert _verdicts(organization.unsharded, "fail") == planted
    assert not _verdicts(organization.unsharded, "error")
    assert {check for _, check in _verdicts(organization.unsharded, "skip")} == EMULATOR_GAPS
    listed = [a["id"] for a in organization.unsharded["accounts"]]
    assert listed == sorted(m.id for m in organization.members)  # the management one left out
    for account in organization.unsharded["accounts"]:
        mine = [f for f in organization.unsharded["findings"] if f["account"] == account["id"]]
        assert sum(account["summary"].values()) == len(mine)


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """A report without its timings and shard: what must not depend on sharding."""
    return {
        "summary": document["summary"],
        "findings": document["findings"],
        "accounts": [{k: v for k, v in a.items() if k != "seconds"} for a in document["accounts"]],
        "design": document["design"],
    }


def test_shards_merged_equal_the_unsharded_run(
    organization: Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
    shards = []
    for index in (1, 2, 3):
        path = tmp_path / f"shard-{index}.json"
        code, document = _check(organization.url, "-o", str(path), "--shard", f"{index}/3")
        assert code in (0, EXIT_FAILED)
        assert document["shard"] == f"{index}/3"
        shards.append(path)
    seen = [a["id"] for p in shards for a in json.loads(p.read_text())["accounts"]]
    assert sorted(seen) == sorted(m.id for m in organization.members)  # each exactly once

    merged_path = tmp_path / "merged.json"
    result = CliRunner().invoke(
        report_group, ["merge", *map(str, shards), "-o", str(merged_path)], standalone_mode=False
    )
    assert result.exception is None, result.output
    assert result.return_value == EXIT_FAILED
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    assert _comparable(merged) == _comparable(organization.unsharded)


def test_merge_refuses_overlapping_shards_and_other_designs(
    organization: Organization, tmp_path: Path
) -> None:
    whole = tmp_path / "all.json"
    whole.write_text(json.dumps(organization.unsharded), encoding="utf-8")
    code = cli.run(["report", "merge", str(whole), str(whole)])
    assert code == EXIT_USAGE
    other = tmp_path / "other.json"
    changed = dict(organization.unsharded, design="sha256:0", accounts=[], findings=[])
    changed["accounts"] = [{"id": "000000000000", "name": "x", "summary": {}, "seconds": 0}]
    other.write_text(json.dumps(changed), encoding="utf-8")
    assert cli.run(["report", "merge", str(whole), str(other)]) == EXIT_USAGE
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"summary": {}, "findings": []}), encoding="utf-8")
    assert cli.run(["report", "merge", str(single)]) == EXIT_USAGE


def test_overlapping_and_foreign_reports_are_named(
    organization: Organization, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "all.json"
    whole.write_text(json.dumps(organization.unsharded), encoding="utf-8")
    cli.run(["report", "merge", str(whole), str(whole)])
    err = capsys.readouterr().err
    assert "overlapping shards" in err
    assert str(whole) in err


def test_a_role_that_cannot_be_assumed_errs_for_its_account_only(
    organization: Organization, design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
    denied = organization.members[0].id
    real = accounts.assumed
    attempts: list[str] = []

    def assumed(base: Any, options: AwsOptions, clients: Any) -> Any:
        if options.role_arn and f"::{denied}:" in options.role_arn:
            attempts.append(options.role_arn)
            raise CollectionError(f"the role {options.role_arn}", "sts:AssumeRole", "AccessDenied")
        return real(base, options, clients)

    monkeypatch.setattr(accounts, "assumed", assumed)
    targets = [
        accounts.Target(m.id, m.name, accounts.role_arn(m.id, AUDIT_ROLE, "eu-west-1"), design)
        for m in organization.members[:2]
    ]
    options = AwsOptions(region=design.product.region, endpoint_url=organization.url)
    runs = list(accounts.run_accounts(targets, options, concurrency=2, only=None))
    broken, fine = runs
    assert broken.summary.id == denied
    assert {f.status.value for f in broken.result.findings} == {"error"}
    assert all("sts:AssumeRole" in str(f.message) for f in broken.result.findings)
    assert len(attempts) == 1  # tried once, not once per call
    assert "error" not in {f.status.value for f in fine.result.findings}


def test_an_accounts_file_with_overrides_checks_those_accounts(
    organization: Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
    first, second = organization.members[:2]
    accounts_file = tmp_path / "accounts.yaml"
    accounts_file.write_text(
        f'accounts:\n  - id: "{first.id}"\n    name: first\n    role: {AUDIT_ROLE}\n'
        f'  - id: "{second.id}"\n    name: second\n'
        f"    role: arn:aws:iam::{second.id}:role/{AUDIT_ROLE}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    code = cli.run(
        [
            "check",
            "--accounts",
            str(accounts_file),
            "--endpoint-url",
            organization.url,
            "--only",
            "eks_endpoint_private",
            "-f",
            "json",
            "-o",
            str(out),
        ]
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [a["name"] for a in document["accounts"]] == sorted(
        ["first", "second"], key=lambda n: first.id if n == "first" else second.id
    )
    expected = {second.id} if second.check == "eks_endpoint_private" else set()
    assert {f["account"] for f in document["findings"] if f["status"] == "fail"} == expected
    assert code == (EXIT_FAILED if expected else 0)


def test_demo_provision_names_each_member_and_its_drift(
    organization: Organization, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.run(
        [
            "demo",
            "provision",
            "--endpoint-url",
            organization.url,
            "--accounts",
            "1",
            "--drift-every",
            "1",
        ]
    )
    assert code == 0
    (line,) = capsys.readouterr().out.splitlines()
    account_id, name = line.split()[:2]
    assert re.fullmatch(r"\d{12}", account_id)
    assert name == f"member-{MEMBERS + 1:03d}:"  # numbered after the existing members
    first_drift = org_drifts()[0]
    assert first_drift in line
    assert DRIFTS[first_drift].check in line


def test_demo_provision_refuses_a_remote_endpoint() -> None:
    code = cli.run(
        [
            "demo",
            "provision",
            "--endpoint-url",
            "https://organizations.us-east-1.amazonaws.com",
            "--accounts",
            "2",
        ]
    )
    assert code == EXIT_USAGE
