"""`refarch policy`: derived from the collectors' declarations, read-only, deterministic,
and refusing any declaration that is not a plain read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from eks_refarch import cli, policy
from eks_refarch.conformance.aws.context import READ_PREFIXES, REFUSED_READS
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster.kinds import NODE_PROXY, READ_VERBS, Permission
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_INTERNAL, EXIT_OK
from tests.helpers import REPO

REGISTRY = load_builtin_checks()
# IAM's limit for a customer managed policy, counted without whitespace.
MANAGED_POLICY_MAX_CHARS = 6144


def printed(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert cli.run(["policy", *args]) == EXIT_OK
    return capsys.readouterr().out


def declared(*sources: Source) -> set[str]:
    return {a for c in REGISTRY.collectors() if c.source in sources for a in c.actions}


def test_the_iam_policy_holds_exactly_the_declared_actions_and_each_is_a_plain_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = json.loads(printed(capsys))
    assert document["Version"] == "2012-10-17"
    actions = [a for s in document["Statement"] for a in s["Action"]]
    assert len(actions) == len(set(actions))
    assert set(actions) == declared(Source.AWS)
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] == "*"
        assert statement["Action"] == sorted(statement["Action"])
        services = {a.split(":")[0] for a in statement["Action"]}
        assert len(services) == 1, statement["Sid"]
    for action in actions:
        operation = action.split(":", 1)[1]
        assert not {"*", "?"} & set(action), action
        assert operation.startswith(READ_PREFIXES), action
        assert operation not in REFUSED_READS, action
    sids = [s["Sid"] for s in document["Statement"]]
    assert sids == sorted(sids)
    assert len(set(sids)) == len(sids)
    assert all(sid.isalnum() for sid in sids)  # IAM allows only [A-Za-z0-9] in a Sid


def test_the_iam_policy_fits_a_customer_managed_policy() -> None:
    compact = json.dumps(policy.iam_policy(REGISTRY), separators=(",", ":"))
    assert len(compact) <= MANAGED_POLICY_MAX_CHARS


def test_the_cluster_roles_grant_exactly_the_declared_reads_with_nodes_proxy_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = printed(capsys, "--format", "k8s")
    roles = list(yaml.safe_load_all(text))
    assert [r["metadata"]["name"] for r in roles] == [policy.CLUSTER_ROLE, policy.CONFIGZ_ROLE]
    granted: dict[str, set[Permission]] = {}
    for role in roles:
        assert role["apiVersion"] == "rbac.authorization.k8s.io/v1"
        assert role["kind"] == "ClusterRole"
        for rule in role["rules"]:
            assert set(rule) == {"apiGroups", "resources", "verbs"}
            assert set(rule["verbs"]) <= READ_VERBS
            (group,) = rule["apiGroups"]
            for resource in rule["resources"]:
                assert "*" not in resource
                name, _, sub = resource.partition("/")
                for verb in rule["verbs"]:
                    permission = Permission(verb, name, group, sub)
                    granted.setdefault(role["metadata"]["name"], set()).add(permission)
    assert granted[policy.CONFIGZ_ROLE] == {NODE_PROXY}
    everything = granted[policy.CLUSTER_ROLE] | granted[policy.CONFIGZ_ROLE]
    assert {str(p) for p in everything} == declared(Source.CLUSTER, Source.NODES)
    # The second role's document carries the warning, in YAML comments, right above it.
    warning = text.split("---\n")[1].split("apiVersion:")[0]
    assert all(line.startswith("#") for line in warning.splitlines())
    for words in ("/configz", "--hosts", "exec", "not read-only", "audit logging"):
        assert words in warning


def test_output_is_byte_identical_across_runs_and_hash_seeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    here = {f: printed(capsys, "--format", f) for f in policy.FORMATS}
    assert {f: printed(capsys, "--format", f) for f in policy.FORMATS} == here
    # Another process with another string hash seed: set and dict orders differ there.
    script = (
        "import sys; from eks_refarch.cli import run; "
        "sys.exit(max(run(['policy', '-f', f]) for f in sys.argv[1:]))"
    )
    elsewhere = subprocess.run(
        [sys.executable, "-c", script, *policy.FORMATS],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=60,
        check=True,
    )
    assert elsewhere.stdout == "".join(here[f] for f in policy.FORMATS)


def test_output_file_is_written_whole_and_equals_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "policy.json"
    assert cli.run(["policy", "--output", str(target)]) == EXIT_OK
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8") == printed(capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["policy.json"]


@dataclass(frozen=True)
class Widgets:
    names: tuple[str, ...]


def registry_declaring(source: Source, *actions: str) -> Registry:
    """A registry whose one collector declares ``actions``."""
    registry = Registry()

    @registry.collector(source=source, actions=actions)
    def collect_widgets(context: object, design: Design) -> Widgets:
        return Widgets(names=())

    return registry


def test_a_newly_declared_action_reaches_the_policy_without_any_other_edit() -> None:
    document = policy.iam_policy(registry_declaring(Source.AWS, "fake:ListWidgets"))
    assert document["Statement"] == [
        {
            "Sid": "RefarchReadFake",
            "Effect": "Allow",
            "Action": ["fake:ListWidgets"],
            "Resource": "*",
        }
    ]


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        ("ec2:CreateVpc", "not a read"),
        ("eks:DeleteCluster", "not a read"),
        ("ec2:Describe*", "wildcards are refused"),
        ("s3:*", "wildcards are refused"),
        ("*", "wildcards are refused"),
        ("ec2:Describe?pcs", "wildcards are refused"),
        ("secretsmanager:GetSecretValue", "secret material"),
        ("ecr:GetAuthorizationToken", "secret material"),
        ("ec2 DescribeVpcs", "not an IAM action"),
    ],
)
def test_a_declared_action_that_is_not_a_plain_read_is_refused(action: str, reason: str) -> None:
    registry = registry_declaring(Source.AWS, "ec2:DescribeVpcs", action)
    with pytest.raises(policy.PolicyError, match=reason) as refused:
        policy.render(registry, "aws")
    assert "collect_widgets" in str(refused.value)
    assert repr(action) in str(refused.value)


@pytest.mark.parametrize(
    ("permission", "reason"),
    [
        ("create pods", "only the verbs get, list, watch"),
        ("delete services", "only the verbs get, list, watch"),
        ("list *", "wildcards are refused"),
        ("* nodes/proxy", "wildcards are refused"),
        ("list", "not a permission"),
    ],
)
def test_a_declared_kubernetes_permission_that_is_not_a_read_is_refused(
    permission: str, reason: str
) -> None:
    registry = registry_declaring(Source.CLUSTER, "list services", permission)
    with pytest.raises(policy.PolicyError, match=reason):
        policy.render(registry, "k8s")


def test_the_command_refuses_to_print_a_policy_from_a_bad_declaration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = registry_declaring(Source.AWS, "ec2:DescribeVpcs", "ec2:CreateVpc")
    monkeypatch.setattr(policy, "load_builtin_checks", lambda: bad)
    assert cli.run(["policy"]) == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == ""
    assert "ec2:CreateVpc" in err
    assert "not a read" in err
