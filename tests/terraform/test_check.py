"""`refarch check --terraform`: the AWS rules judge the module, as they judge an account."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eks_refarch.cli import run as cli
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.conformance.model import Source, Status
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.drift import DRIFTS, undeclared_cidr
from eks_refarch.design import Design
from eks_refarch.i18n import render
from eks_refarch.terraform.answers import ANSWERS
from eks_refarch.terraform.context import TerraformContext
from tests.helpers import REPO
from tests.terraform.conftest import MODULE

MANIFESTS = REPO / "manifests"
AWS_CHECKS = {c.id for c in load_builtin_checks().checks() if c.sources == {Source.AWS}}
# Only a live account can answer these: the module declares the request, not the outcome.
NOT_APPLICABLE = {"acm_certificate_issued_not_expiring"}


def check(design: Design, directory: Path, **sources: object) -> RunResult:
    return run(design, {Source.AWS: TerraformContext(directory), **sources})  # type: ignore[dict-item]


def statuses(result: RunResult) -> dict[str, set[Status]]:
    found: dict[str, set[Status]] = {}
    for finding in result.findings:
        found.setdefault(finding.check, set()).add(finding.status)
    return found


@pytest.fixture(scope="module")
def baseline(design: Design) -> RunResult:
    return check(design, MODULE)


def test_every_aws_check_passes_on_the_module_but_those_it_cannot_know(
    baseline: RunResult,
) -> None:
    seen = statuses(baseline)
    assert set(seen) == AWS_CHECKS
    assert {c for c, s in seen.items() if s != {Status.PASS}} == NOT_APPLICABLE
    for finding in baseline.findings:
        if finding.check in NOT_APPLICABLE:
            assert finding.status is Status.SKIP
            assert "only once ACM has issued it" in render(finding.message, "en")


def test_every_call_the_collectors_make_is_answered_from_the_table(design: Design) -> None:
    context = TerraformContext(MODULE)
    run(design, {Source.AWS: context})
    assert set(context.calls) <= set(ANSWERS)
    assert len(set(context.calls)) >= 30


def test_a_call_missing_from_the_table_is_an_error_naming_it() -> None:
    with pytest.raises(CollectionError, match="does not derive this call"):
        TerraformContext(MODULE).call("ec2", "describe_instances")


def test_cross_layer_checks_pass_with_the_shipped_manifests(design: Design) -> None:
    from eks_refarch.conformance.cluster.sources import build_cluster

    result = check(
        design, MODULE, **{Source.CLUSTER: build_cluster({"manifests": MANIFESTS}, design)}
    )
    cross = {
        c.id for c in load_builtin_checks().checks() if c.sources == {Source.AWS, Source.CLUSTER}
    }
    seen = statuses(result)
    assert cross
    assert {c: seen[c] for c in cross} == {c: {Status.PASS} for c in cross}


def test_the_cli_judges_the_module_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli(["check", "--terraform", str(MODULE), "--manifests", str(MANIFESTS), "-f", "json"])
    assert code == 0, capsys.readouterr().err


def test_the_cli_refuses_aws_options_with_terraform(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["check", "--terraform", str(MODULE), "--profile", "p"]) == 3
    assert "cannot be combined with --profile" in capsys.readouterr().err


def test_a_directory_without_terraform_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["check", "--terraform", str(tmp_path)]) == 3
    assert "expected at least one .tf file" in capsys.readouterr().err


def test_a_file_that_does_not_parse_is_a_user_error_naming_it(
    module_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (module_copy / "broken.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n}\n')
    assert cli(["check", "--terraform", str(module_copy)]) == 3
    assert "broken.tf" in capsys.readouterr().err


def _edit(directory: Path, file: str, old: str, new: str) -> None:
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected exactly one {old!r} in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_value_that_is_not_static_errors_the_checks_needing_it_naming_the_expression(
    design: Design, module_copy: Path
) -> None:
    _edit(module_copy, "edge.tf", "ssl_policy        = var.alb.ssl_policy", "ssl_policy = var.tls")
    _edit(
        module_copy,
        "variables.tf",
        'variable "region" {',
        'variable "tls" {}\n\nvariable "region" {',
    )
    result = check(design, module_copy)
    errors = {f.check: render(f.message, "en") for f in result.findings if f.status is Status.ERROR}
    assert "elbv2_alb_https_listener_uses_designed_tls_policy" in errors
    message = errors["elbv2_alb_https_listener_uses_designed_tls_policy"]
    assert "aws_lb_listener.https.ssl_policy = var.tls" in message
    assert "no default" in message
    unaffected = statuses(result)["vpc_cidr_matches_design"]
    assert unaffected == {Status.PASS}


def test_a_tfvars_value_resolves_a_variable_without_default(
    design: Design, module_copy: Path
) -> None:
    _edit(module_copy, "edge.tf", "ssl_policy        = var.alb.ssl_policy", "ssl_policy = var.tls")
    _edit(
        module_copy,
        "variables.tf",
        'variable "region" {',
        'variable "tls" {}\n\nvariable "region" {',
    )
    (module_copy / "terraform.tfvars").write_text(f'tls = "{design.edge.alb.ssl_policy}"\n')
    assert statuses(check(design, module_copy))[
        "elbv2_alb_https_listener_uses_designed_tls_policy"
    ] == {Status.PASS}


def test_a_for_each_that_is_not_static_errors_every_check_reading_that_resource(
    design: Design, module_copy: Path
) -> None:
    _edit(
        module_copy, "registry.tf", "toset(var.registry.repositories)", "toset(module.apps.names)"
    )
    result = check(design, module_copy)
    ecr = {f.check: f for f in result.findings if f.check.startswith("ecr_")}
    assert {f.status for f in ecr.values()} == {Status.ERROR}
    assert "aws_ecr_repository.this.for_each = toset(module.apps.names)" in render(
        next(iter(ecr.values())).message, "en"
    )


# The built-in drift scenarios of the demo, made in HCL: each turns its own check to fail.


def _public_endpoint(d: Path, design: Design) -> None:
    _edit(d, "eks.tf", "= var.cluster.endpoint_public_access\n", "= true\n")
    _edit(
        d,
        "eks.tf",
        "var.cluster.endpoint_public_access ? var.cluster.public_access_cidrs : null",
        '["0.0.0.0/0"]',
    )


def _remove(d: Path, file: str, header: str) -> None:
    path = d / file
    text = path.read_text(encoding="utf-8")
    start = text.index(header)
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def _target_group_port(d: Path, design: Design) -> None:
    _edit(
        d, "edge.tf", "port        = var.target_group.port\n", "port = var.target_group.port + 1\n"
    )


def _imdsv1(d: Path, design: Design) -> None:
    _edit(d, "eks.tf", "= each.value.http_tokens", '= "optional"')


def _http_forwards(d: Path, design: Design) -> None:
    path = d / "edge.tf"
    text = path.read_text(encoding="utf-8")
    start = text.index('resource "aws_lb_listener" "http_redirect"')
    head, tail = text[:start], text[start:]
    action = tail[tail.index("  default_action {") : tail.index("\n  }\n") + 5]
    forward = (
        '  default_action {\n    type             = "forward"\n'
        "    target_group_arn = aws_lb_target_group.gateway.arn\n  }\n"
    )
    path.write_text(head + tail.replace(action, forward, 1), encoding="utf-8")


def _ecr_mutable(d: Path, design: Design) -> None:
    first = design.registry.repositories[0]
    _edit(
        d,
        "registry.tf",
        "= var.registry.image_tag_mutability",
        f'= each.key == "{first}" ? "MUTABLE" : var.registry.image_tag_mutability',
    )


def _ssh_open(d: Path, design: Design) -> None:
    with (d / "eks.tf").open("a", encoding="utf-8") as f:
        f.write(
            '\nresource "aws_vpc_security_group_ingress_rule" "nodes_ssh" {\n'
            "  security_group_id = aws_security_group.nodes.id\n"
            '  cidr_ipv4         = "0.0.0.0/0"\n'
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 22\n"
            "  to_port           = 22\n}\n"
        )


def _rotation_off(d: Path, design: Design) -> None:
    _edit(
        d,
        "keys.tf",
        "= each.value.rotation",
        f'= each.key == "{design.registry.kms_key}" ? false : each.value.rotation',
    )


def _bucket_public(d: Path, design: Design) -> None:
    last = design.data.buckets[-1].name
    if last == design.security.audit_trail.bucket:  # audit.tf owns the trail's bucket
        _remove(d, "audit.tf", 'resource "aws_s3_bucket_public_access_block" "audit"')
        return
    path = d / "data.tf"
    text = path.read_text(encoding="utf-8")
    start = text.index('resource "aws_s3_bucket_public_access_block" "this"')
    old = "for_each = var.buckets"
    at = text.index(old, start)
    new = f'for_each = {{ for name, bucket in var.buckets : name => bucket if name != "{last}" }}'
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")


def _second_alb(d: Path, design: Design) -> None:
    with (d / "edge.tf").open("a", encoding="utf-8") as f:
        f.write(
            '\nresource "aws_lb" "test" {\n'
            '  name               = "${var.alb.name}-test"\n'
            '  load_balancer_type = "application"\n'
            "  internal           = false\n"
            "  subnets            = local.subnet_ids_by_tier[var.alb.subnet_tier]\n}\n"
        )


def _append(d: Path, file: str, hcl: str) -> None:
    with (d / file).open("a", encoding="utf-8") as f:
        f.write("\n" + hcl)


def _listener_rule_bypass(d: Path, design: Design) -> None:
    other = design.edge.target_group.port + 1
    _append(
        d,
        "edge.tf",
        'resource "aws_lb_target_group" "other" {\n'
        '  name     = "other"\n'
        f"  port     = {other}\n"
        '  protocol = "HTTP"\n'
        "  vpc_id   = aws_vpc.main.id\n\n"
        # The designed health check: only where the rule sends traffic departs.
        "  health_check {\n"
        '    protocol = "HTTP"\n'
        "    port     = var.target_group.health_check_port\n"
        "    path     = var.target_group.health_check_path\n  }\n}\n\n"
        'resource "aws_lb_listener_rule" "everything" {\n'
        "  listener_arn = aws_lb_listener.https.arn\n"
        "  priority     = 1\n\n"
        "  action {\n"
        '    type             = "forward"\n'
        "    target_group_arn = aws_lb_target_group.other.arn\n  }\n\n"
        '  condition {\n    path_pattern {\n      values = ["/*"]\n    }\n  }\n}\n',
    )


def _node_open_in_halves(d: Path, design: Design) -> None:
    port = design.edge.target_group.port
    for name, cidr in (("low", "0.0.0.0/1"), ("high", "128.0.0.0/1")):
        _append(
            d,
            "eks.tf",
            f'resource "aws_vpc_security_group_ingress_rule" "nodes_{name}_half" {{\n'
            "  security_group_id = aws_security_group.nodes.id\n"
            f'  cidr_ipv4         = "{cidr}"\n'
            '  ip_protocol       = "tcp"\n'
            f"  from_port         = {port}\n"
            f"  to_port           = {port}\n}}\n",
        )


def _undeclared_public_subnet(d: Path, design: Design) -> None:
    cidr = undeclared_cidr(design)  # the demo's subnet
    _append(
        d,
        "network.tf",
        'resource "aws_subnet" "side" {\n'
        "  vpc_id                  = aws_vpc.main.id\n"
        f'  cidr_block              = "{cidr}"\n'
        f'  availability_zone       = "{design.network.availability_zones[0]}"\n'
        "  map_public_ip_on_launch = true\n}\n\n"
        'resource "aws_route_table" "side" {\n  vpc_id = aws_vpc.main.id\n}\n\n'
        'resource "aws_route" "side_internet" {\n'
        "  route_table_id         = aws_route_table.side.id\n"
        '  destination_cidr_block = "0.0.0.0/0"\n'
        "  gateway_id             = aws_internet_gateway.main.id\n}\n\n"
        'resource "aws_route_table_association" "side" {\n'
        "  subnet_id      = aws_subnet.side.id\n"
        "  route_table_id = aws_route_table.side.id\n}\n\n"
        'resource "aws_instance" "side" {\n'
        '  ami                    = "ami-12c6146b"\n'
        '  instance_type          = "t3.micro"\n'
        "  subnet_id              = aws_subnet.side.id\n"
        "  vpc_security_group_ids = [aws_security_group.nodes.id]\n}\n",
    )


HCL_DRIFTS: dict[str, Callable[[Path, Design], None]] = {
    "public-endpoint": _public_endpoint,
    "waf-detached": lambda d, _: _remove(
        d, "edge.tf", 'resource "aws_wafv2_web_acl_association" "edge"'
    ),
    "target-group-port": _target_group_port,
    "imdsv1-allowed": _imdsv1,
    "http-not-redirecting": _http_forwards,
    "flow-logs-off": lambda d, _: _remove(d, "network.tf", 'resource "aws_flow_log" "vpc"'),
    "ecr-mutable-tags": _ecr_mutable,
    "node-ssh-open": _ssh_open,
    "key-rotation-off": _rotation_off,
    "bucket-public": _bucket_public,
    "second-public-alb": _second_alb,
    "listener-rule-bypass": _listener_rule_bypass,
    "tls-policy-weaker": lambda d, _: _edit(
        d, "edge.tf", "= var.alb.ssl_policy", '= "ELBSecurityPolicy-2016-08"'
    ),
    "health-check-protocol": lambda d, _: _edit(
        d, "edge.tf", 'protocol            = "HTTP"', 'protocol = "HTTPS"'
    ),
    "waf-count": lambda d, _: _edit(d, "edge.tf", "none {}", "count {}"),
    "node-open-in-halves": _node_open_in_halves,
    "undeclared-public-subnet": _undeclared_public_subnet,
    "trail-stopped": lambda d, _: _edit(
        d, "audit.tf", "enable_logging                = true", "enable_logging = false"
    ),
}
# A drift that a Terraform module cannot carry, with the reason.
NOT_IN_HCL = {
    # The check that catches it reads a certificate's expiry, which exists only once ACM
    # has issued the certificate: in a module it is not applicable.
    "sni-certificate-expiring",
}


def test_every_demo_drift_has_its_terraform_counterpart() -> None:
    assert set(DRIFTS) == set(HCL_DRIFTS) | NOT_IN_HCL, (
        "a drift scenario needs an HCL edit in HCL_DRIFTS"
    )
    assert not set(HCL_DRIFTS) & NOT_IN_HCL
    for name in NOT_IN_HCL:
        assert DRIFTS[name].check in NOT_APPLICABLE


@pytest.mark.parametrize("name", sorted(HCL_DRIFTS))
def test_the_same_drift_in_hcl_fails_its_check_and_no_other(
    name: str, design: Design, module_copy: Path, baseline: RunResult
) -> None:
    HCL_DRIFTS[name](module_copy, design)
    drifted = statuses(check(design, module_copy))
    before = statuses(baseline)
    changed = {c for c in before if drifted.get(c) != before[c]}
    assert changed == {DRIFTS[name].check}
    assert Status.FAIL in drifted[DRIFTS[name].check]
