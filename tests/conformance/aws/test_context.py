"""The AWS context: read-only by construction, cached, paginated, counted, and honest
about why a read failed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import boto3
import botocore.exceptions
import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from eks_refarch.conformance.aws.context import AwsContext, ReadOnlyViolation, iam_action
from eks_refarch.conformance.aws.outcomes import EndpointGap
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.facts import CollectionError
from tests.helpers import LoopbackServer, iam_user, threaded

REGION = "ap-northeast-1"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


def context(**options: object) -> AwsContext:
    return AwsContext(AwsOptions(region=REGION, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("service", "method"),
    [
        ("ec2", "delete_vpc"),
        ("ec2", "run_instances"),
        ("elbv2", "modify_listener"),
        ("s3", "put_public_access_block"),
        ("sts", "assume_role"),
        ("secretsmanager", "get_secret_value"),
        ("ecr", "get_authorization_token"),
    ],
)
def test_writes_and_secret_reads_are_refused_before_any_request(
    aws: None, service: str, method: str
) -> None:
    ctx = context()
    with pytest.raises(ReadOnlyViolation, match=method):
        ctx.call(service, method)
    with pytest.raises(ReadOnlyViolation):
        ctx.paginate(service, method)
    assert ctx.stats.total_calls == 0


@pytest.mark.parametrize(
    ("service", "method", "action"),
    [
        ("elbv2", "describe_load_balancers", "elasticloadbalancing:DescribeLoadBalancers"),
        ("elb", "describe_load_balancers", "elasticloadbalancing:DescribeLoadBalancers"),
        ("ecr", "describe_repositories", "ecr:DescribeRepositories"),
        ("wafv2", "get_web_acl_for_resource", "wafv2:GetWebACLForResource"),
        ("s3", "get_public_access_block", "s3:GetBucketPublicAccessBlock"),
        ("iam", "list_open_id_connect_providers", "iam:ListOpenIDConnectProviders"),
    ],
)
def test_the_iam_action_comes_from_the_service_model(
    service: str, method: str, action: str
) -> None:
    assert iam_action(service, method) == action


def test_identical_reads_are_answered_from_the_cache(aws: None) -> None:
    ec2 = boto3.client("ec2", region_name=REGION)
    ec2.create_vpc(CidrBlock="10.1.0.0/16")
    ctx = context()
    first = ctx.paginate("ec2", "describe_vpcs")
    second = ctx.paginate("ec2", "describe_vpcs")
    ctx.paginate("ec2", "describe_vpcs", Filters=[{"Name": "cidr", "Values": ["10.1.0.0/16"]}])
    assert first == second
    assert ctx.stats.of("ec2", "DescribeVpcs").calls == 2
    assert ctx.stats.cache_hits == 1


def test_lists_are_paginated_to_the_end(aws: None) -> None:
    iam = boto3.client("iam")
    for i in range(25):
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument="{}")
    ctx = context()
    roles = ctx.paginate("iam", "list_roles", PaginationConfig={"PageSize": 10})["Roles"]
    assert len(roles) == 25
    assert ctx.stats.of("iam", "ListRoles").calls == 3


def test_an_api_without_a_paginator_must_be_called_directly(aws: None) -> None:
    with pytest.raises(ValueError, match="has no paginator"):
        context().paginate("iam", "list_open_id_connect_providers")


@set_initial_no_auth_action_count(3)
def test_access_denied_is_a_collection_error_naming_the_action(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        iam = boto3.client("iam")
        elb_only = {"Effect": "Allow", "Action": "elasticloadbalancing:*", "Resource": "*"}
        key_id, secret = iam_user(
            iam, "reader", json.dumps({"Version": "2012-10-17", "Statement": [elb_only]})
        )
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
        ctx = context()
        assert ctx.paginate("elbv2", "describe_load_balancers")["LoadBalancers"] == []
        for _ in range(2):
            with pytest.raises(CollectionError) as denied:
                ctx.paginate("ec2", "describe_vpcs")
            assert denied.value.missing == "ec2:DescribeVpcs"
            reason = str(denied.value.reason)
            assert "AccessDenied" in reason or "not authorized" in reason
        assert ctx.stats.of("ec2", "DescribeVpcs").calls == 1  # the denial was cached


def test_an_unreachable_endpoint_is_named(aws: None) -> None:
    ctx = context(endpoint_url="http://127.0.0.1:9", max_attempts=1, connect_timeout=0.5)
    with pytest.raises(CollectionError) as unreachable:
        ctx.call("kms", "list_keys")
    assert "http://127.0.0.1:9" in str(unreachable.value.missing)
    assert "unreachable" in str(unreachable.value.reason)


class _Answer(BaseHTTPRequestHandler):
    """Answers every request with one fixed status and JSON body."""

    status = 400
    body: ClassVar[dict[str, str]] = {}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        payload = json.dumps(self.body).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads results, not the access log."""


@pytest.fixture
def answering() -> Iterator[tuple[str, type[_Answer]]]:
    handler = type("Handler", (_Answer,), {})
    with threaded(LoopbackServer(("127.0.0.1", 0), handler)) as url:
        yield url, handler


def test_throttling_is_retried_then_reported_with_the_attempts(
    aws: None, answering: tuple[str, type[_Answer]]
) -> None:
    url, handler = answering
    handler.status, handler.body = (
        400,
        {"__type": "ThrottlingException", "message": "Rate exceeded"},
    )
    ctx = context(endpoint_url=url, max_attempts=2)
    with pytest.raises(CollectionError) as throttled:
        ctx.call("kms", "list_keys")
    assert throttled.value.missing == "kms:ListKeys"
    assert str(throttled.value.reason) == "throttled after 2 attempts"
    stats = ctx.stats.of("kms", "ListKeys")
    assert (stats.calls, stats.retries) == (1, 1)


def test_an_emulator_without_the_operation_is_a_gap_not_an_error(
    aws: None, answering: tuple[str, type[_Answer]]
) -> None:
    url, handler = answering
    handler.status, handler.body = 404, {"message": "Not yet implemented"}
    with pytest.raises(EndpointGap, match=r"does not implement eks:ListAddons \(HTTP 404"):
        context(endpoint_url=url).paginate("eks", "list_addons", clusterName="c")


def test_without_an_endpoint_url_a_bare_404_is_an_error_never_a_gap(aws: None) -> None:
    error = botocore.exceptions.ClientError(
        {"Error": {"Code": "404", "Message": "Not yet implemented"}}, "ListAddons"
    )
    translated = context()._translate("eks", "list_addons", error)
    assert isinstance(translated, CollectionError)
    assert translated.missing == "eks:ListAddons"


def test_a_role_arn_is_assumed_before_reading(aws: None) -> None:
    role = boto3.client("iam").create_role(RoleName="reader", AssumeRolePolicyDocument="{}")
    ctx = context(role_arn=role["Role"]["Arn"])
    identity = ctx.call("sts", "get_caller_identity")
    assert ":assumed-role/reader/refarch-check" in identity["Arn"]


def test_a_field_the_collector_needs_and_the_answer_lacks_names_the_operation(
    aws: None,
) -> None:
    ctx = context()
    answer = ctx.paginate("ec2", "describe_vpcs")
    (first, *_) = answer["Vpcs"]
    assert first["VpcId"].startswith("vpc-")
    assert "Missing" not in first
    assert first.get("Missing", "default") == "default"
    with pytest.raises(CollectionError) as lacking:
        first["Missing"]
    assert str(lacking.value.reason) == (
        "ec2:DescribeVpcs answered without the field Vpcs[0].Missing"
    )
    assert "a complete answer from https://ec2.ap-northeast-1.amazonaws.com" in str(
        lacking.value.missing
    )
    with pytest.raises(CollectionError, match=r"without the field Vpcs\[9\]"):
        answer["Vpcs"][9]
    assert [v["VpcId"] for v in answer["Vpcs"]] == [first["VpcId"], *(v["VpcId"] for v in _)]


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("application/x-amz-json-1.1", '{"Keys": [{"KeyId": "1234', "is not a JSON document"),
        ("text/html", "<!DOCTYPE html><html><body>proxy says hi</body></html>", "not a JSON"),
    ],
)
def test_a_success_status_with_a_broken_body_is_the_endpoints_fault(
    aws: None, content_type: str, body: str, detail: str
) -> None:
    class Broken(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            payload = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            """Quiet."""

    with (
        threaded(LoopbackServer(("127.0.0.1", 0), Broken)) as url,
        pytest.raises(CollectionError) as broken,
    ):
        context(endpoint_url=url, max_attempts=1).call("kms", "list_keys")
    assert str(broken.value.missing) == f"a well-formed answer from {url}"
    assert "kms:ListKeys was answered with a body that cannot be read" in str(broken.value.reason)
    assert detail in str(broken.value.reason)


def test_a_server_error_page_blames_the_endpoint_not_a_permission(
    aws: None, answering: tuple[str, type[_Answer]]
) -> None:
    url, handler = answering
    handler.status, handler.body = 503, {"message": "Service Unavailable"}
    with pytest.raises(CollectionError) as failed_endpoint:
        context(endpoint_url=url, max_attempts=1).call("kms", "list_keys")
    assert str(failed_endpoint.value.missing) == f"a working endpoint ({url})"
    assert "kms:ListKeys failed at the endpoint (HTTP 503" in str(failed_endpoint.value.reason)
