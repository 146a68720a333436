"""End to end: `refarch` and `pytest checks/` as processes, against a moto server that runs
in its own process on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eks_refarch import cli
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import Source
from eks_refarch.demo.server import reset
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.helpers import REPO, pytest_checks, run_with_dummy_aws, serving

BIN = Path(sys.executable).parent
# The checks an AWS-only run evaluates; cross-layer checks also need the cluster.
AWS_CHECKS = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.AWS}}


def per_resource(design: Design) -> dict[tuple[str, str], int]:
    """APIs without a batch form, called more than once: one call per designed key or
    bucket, and per listener of the ALB (the HTTPS one and the HTTP redirect)."""
    keys, buckets = len(design.security.kms_keys), len(design.data.buckets)
    return {
        ("kms", "DescribeKey"): keys,
        ("kms", "GetKeyRotationStatus"): keys,
        ("s3", "GetPublicAccessBlock"): buckets,
        ("elbv2", "DescribeRules"): 2,
    }


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    moto = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p"]
    with serving(lambda port: [*moto, str(port)], "/moto-api/data.json") as url:
        yield url


def refarch(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run_with_dummy_aws([str(BIN / "refarch"), *args], cwd=cwd)


@pytest.fixture(scope="module")
def provisioned(server: str) -> str:
    reset(server)
    done = refarch("demo", "provision", "--endpoint-url", server)
    assert done.returncode == EXIT_OK, done.stderr
    assert "provisioned sakura-shop" in done.stdout
    return server


def test_check_reports_json_and_every_list_is_called_once(provisioned: str, design: Design) -> None:
    proc = refarch("check", "--endpoint-url", provisioned, "--format", "json", "--stats")
    assert proc.returncode == EXIT_OK, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) == {"summary", "findings"}
    assert set(report["summary"]) == {"pass", "fail", "error", "skip"}
    assert report["summary"]["fail"] == report["summary"]["error"] == 0
    assert {f["check"] for f in report["findings"]} == AWS_CHECKS
    for finding in report["findings"]:
        assert set(finding) == {"check", "status", "resource", "message", "severity"}
    rows = [line.split("│")[1:6] for line in proc.stderr.splitlines() if line.count("│") == 6]
    calls = {(r[0].strip(), r[1].strip()): int(r[2]) for r in rows if r[2].strip().isdigit()}
    assert ("elbv2", "DescribeLoadBalancers") in calls
    repeated = {op: n for op, n in calls.items() if n != 1 and op[0] != "total"}
    assert repeated == per_resource(design)
    assert "wall time" in proc.stderr


def test_a_report_file_is_written_whole_and_alone(provisioned: str, tmp_path: Path) -> None:
    sarif = tmp_path / "report.sarif"
    proc = refarch(
        "check",
        "--design",
        str(REPO / "architecture.yaml"),
        "--endpoint-url",
        provisioned,
        "-f",
        "sarif",
        "-o",
        str(sarif),
        cwd=tmp_path,
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    assert proc.stdout == ""
    document = json.loads(sarif.read_text())
    assert document["version"] == "2.1.0"
    assert document["runs"][0]["results"] == []  # nothing failed, nothing errored
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]  # no temporary file left


def test_a_drift_exits_1_and_names_the_failing_check(server: str) -> None:
    reset(server)
    done = refarch("demo", "provision", "--endpoint-url", server, "--drift", "imdsv1-allowed")
    assert done.returncode == EXIT_OK, done.stderr
    proc = refarch("check", "--endpoint-url", server, "--format", "json")
    assert proc.returncode == EXIT_FAILED, proc.stderr
    failed = {f["check"] for f in json.loads(proc.stdout)["findings"] if f["status"] == "fail"}
    assert failed == {"ec2_launch_template_requires_imdsv2"}
    pytest_run = pytest_checks(
        "--endpoint-url",
        server,
        "--junitxml",
        "/dev/stdout",
        "-m",
        "aws and high",
        env={"AWS_ACCESS_KEY_ID": "e2e", "AWS_SECRET_ACCESS_KEY": "e2e"},
    )
    assert pytest_run.returncode == 1, pytest_run.stdout
    assert (
        "FAILED checks/test_conformance.py::test_conforms[ec2_launch_template_requires_imdsv2["
        in (pytest_run.stdout)
    )
    assert 'http_tokens = "required"' in pytest_run.stdout  # the remediation is shown
    assert "1 failed" in pytest_run.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("demo", "provision", "--endpoint-url", "https://ec2.ap-northeast-1.amazonaws.com"),
        ("demo", "provision", "--endpoint-url", "http://10.0.0.1:5000"),
        ("check", "--only", "no_such_check_id"),
        ("check", "--profile", "no-such-profile"),
        ("check", "--format", "yaml"),
        ("check", "--scope", "organization"),
    ],
)
def test_usage_errors_exit_3_before_any_aws_call(
    args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(AwsContext, "_client", _no_client)
    assert cli.run(list(args)) == EXIT_USAGE
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--region", "tokyo", "'tokyo' is not an AWS region name (such as ap-northeast-1)"),
        ("--region", "ap-northeast-1 ", "is not an AWS region name"),
        ("--region", "AP-NORTHEAST-1", "is not an AWS region name"),
        ("--region", "ap_northeast_1", "is not an AWS region name"),
        ("--region", "", "is not an AWS region name"),
        ("--role-arn", "reader", "'reader' is not an IAM role ARN"),
        ("--role-arn", "arn:aws:iam::12345:role/reader", "is not an IAM role ARN"),
        ("--role-arn", "arn:aws:iam::123456789012:user/reader", "is not an IAM role ARN"),
        ("--role-arn", "arn:aws:sts::123456789012:role/reader", "is not an IAM role ARN"),
        ("--role-arn", "arn:aws:iam::123456789012:role/", "is not an IAM role ARN"),
    ],
)
def test_a_bad_region_or_role_arn_is_a_usage_error_naming_it_before_any_call(
    option: str,
    value: str,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(AwsContext, "_client", _no_client)
    assert cli.run(["check", option, value]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{option}: " in err
    assert says in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ("--region", "us-east-1"),
        ("--region", "us-gov-west-1"),
        ("--region", "cn-north-1"),
        ("--region", "eusc-de-east-1"),
        ("--role-arn", "arn:aws:iam::123456789012:role/reader"),
        ("--role-arn", "arn:aws:iam::123456789012:role/audit/refarch-reader"),
        ("--role-arn", "arn:aws-us-gov:iam::123456789012:role/reader"),
        ("--role-arn", "arn:aws-cn:iam::123456789012:role/reader@corp.example"),
    ],
)
def test_well_formed_regions_and_role_arns_pass_validation(args: tuple[str, ...]) -> None:
    from eks_refarch.conformance.cli import build_aws
    from eks_refarch.design import load

    design = load(REPO / "architecture.yaml")
    params: dict[str, str | None] = {"region": None, "role_arn": None}
    params[args[0].removeprefix("--").replace("-", "_")] = args[1]
    context = build_aws(params, design)  # no call is made: building is lazy
    assert context.options.region == (params["region"] or design.product.region)


def _no_client(self: AwsContext, service: str) -> None:
    raise AssertionError(f"an AWS client for {service} was created")


def test_the_demo_renders_the_site_report_offline(tmp_path: Path) -> None:
    page = tmp_path / "demo.md"
    proc = refarch("demo", "--format", "markdown", "--output", str(page))
    assert proc.returncode == EXIT_OK, proc.stderr
    text = page.read_text()
    assert text.startswith("# Demo account, as designed")
    assert "`eks_addons_installed`: skip" in text
    assert "| 0 | 0 |" in text  # no fail, no error
