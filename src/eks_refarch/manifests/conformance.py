"""The conformance run inside the cluster: a CronJob of Indexed Jobs (one shard of the
Organization per index), its IRSA ServiceAccount, and a Grafana dashboard of its metrics.

Each index checks shard ``JOB_COMPLETION_INDEX + 1`` of ``SHARDS`` with
``refarch check --organization --format openmetrics`` and pushes the metrics to the
Prometheus Pushgateway (a batch job cannot be scraped), so the design's own Prometheus
and Grafana show conformance. The namespaces, cluster name, region, registry prefix and
pod-credential mechanism come from the design; the schedule, shard count, role name,
Pushgateway address and the image's account and tag are named constants here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from eks_refarch import __version__
from eks_refarch.conformance.report.openmetrics import (
    ACCOUNT_DURATION,
    FINDINGS,
    RUN_DURATION,
)
from eks_refarch.design import Design

Obj = dict[str, Any]

NAME = "refarch-conformance"
SCHEDULE = "17 */6 * * *"  # four times a day, off the hour most jobs start on
SHARDS = 4
ACCOUNTS_PER_SHARD_IN_FLIGHT = 8
# The role each member account grants the checks (refarch demo provision makes it too).
MEMBER_ROLE = "refarch-audit"
# kube-prometheus-stack's Pushgateway is a separate chart; its default Service address.
PUSHGATEWAY = "http://prometheus-pushgateway.{namespace}.svc:9091"
# kube-prometheus-stack's Grafana sidecar loads every ConfigMap with this label.
DASHBOARD_LABEL = {"grafana_dashboard": "1"}
IMAGE_UID = 10001  # the Dockerfile's non-root user
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"

# The Job's shell: the shard from the index, and conformance verdicts (exit 1: something
# failed, 2: something could not be verified) are results, not a failed Job to retry.
SCRIPT = """\
refarch check --organization --role-name "$ROLE_NAME" --concurrency "$CONCURRENCY" \\
  --shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS" --format openmetrics \\
  --output /tmp/conformance.prom
status=$?
python -c 'import os, urllib.request as r; r.urlopen(r.Request(os.environ["PUSHGATEWAY"] + \
"/metrics/job/refarch-conformance/shard/" + os.environ["JOB_COMPLETION_INDEX"], \
data=open("/tmp/conformance.prom", "rb").read(), method="PUT"), timeout=30)' || exit 5
[ "$status" -le 2 ] || exit "$status"
"""


def image(design: Design, account_id: str) -> str:
    registry = f"{account_id}.dkr.ecr.{design.product.region}.amazonaws.com"
    return f"{registry}/{design.registry.repository_prefix}/refarch:{__version__}"


def role_arn(design: Design, account_id: str) -> str:
    """The checks' own role in the cluster's account, which assumes MEMBER_ROLE in each."""
    return f"arn:aws:iam::{account_id}:role/{design.eks.cluster_name}-{NAME}"


def job_objects(design: Design, account_id: str) -> Iterable[Obj]:
    namespace = design.component("prometheus").namespace
    labels = {"app.kubernetes.io/name": NAME}
    account = {"serviceAccountName": NAME} if design.eks.pod_credentials == "irsa" else {}
    yield {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": NAME,
            "namespace": namespace,
            "labels": labels,
            "annotations": {IRSA_ANNOTATION: role_arn(design, account_id)},
        },
    }
    env = {
        "ROLE_NAME": MEMBER_ROLE,
        "SHARDS": str(SHARDS),
        "CONCURRENCY": str(ACCOUNTS_PER_SHARD_IN_FLIGHT),
        "PUSHGATEWAY": PUSHGATEWAY.format(namespace=namespace),
        "AWS_REGION": design.product.region,
        "AWS_STS_REGIONAL_ENDPOINTS": "regional",
    }
    container = {
        "name": "check",
        "image": image(design, account_id),
        "command": ["/bin/sh", "-c", SCRIPT],
        "env": [{"name": k, "value": v} for k, v in env.items()],
        "resources": {
            "requests": {"cpu": "250m", "memory": "256Mi"},
            "limits": {"memory": "512Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    yield {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": NAME, "namespace": namespace, "labels": labels},
        "spec": {
            "schedule": SCHEDULE,
            "concurrencyPolicy": "Forbid",
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {
                "metadata": {"labels": labels},
                "spec": {
                    "completionMode": "Indexed",
                    "completions": SHARDS,
                    "parallelism": SHARDS,
                    "backoffLimitPerIndex": 1,
                    "maxFailedIndexes": SHARDS,
                    "activeDeadlineSeconds": 3600,
                    "ttlSecondsAfterFinished": 86400,
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            **account,
                            "restartPolicy": "Never",
                            "securityContext": {
                                "runAsNonRoot": True,
                                "runAsUser": IMAGE_UID,
                                "runAsGroup": IMAGE_UID,
                                "fsGroup": IMAGE_UID,
                                "seccompProfile": {"type": "RuntimeDefault"},
                            },
                            "containers": [container],
                            "volumes": [{"name": "tmp", "emptyDir": {}}],
                        },
                    },
                },
            },
        },
    }


def _panel(panel_id: int, title: str, kind: str, expr: str, grid: Obj, **extra: Any) -> Obj:
    return {
        "id": panel_id,
        "title": title,
        "type": kind,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": grid,
        "targets": [{"refId": "A", "expr": expr, **extra}],
    }


def dashboard(design: Design) -> Obj:
    """The Grafana dashboard: its queries use exactly the exporter's metric names."""
    failing = f'sum by (account) ({FINDINGS}{{status="fail"}})'
    return {
        "title": f"{design.product.name} conformance",
        "uid": NAME,
        "schemaVersion": 39,
        "time": {"from": "now-7d", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "type": "datasource",
                    "query": "prometheus",
                }
            ]
        },
        "panels": [
            _panel(
                1,
                "Failing findings by account",
                "timeseries",
                failing,
                {"x": 0, "y": 0, "w": 12, "h": 8},
                legendFormat="{{account}}",
            ),
            _panel(
                2,
                "Findings that could not be verified, by account",
                "timeseries",
                f'sum by (account) ({FINDINGS}{{status="error"}})',
                {"x": 12, "y": 0, "w": 12, "h": 8},
                legendFormat="{{account}}",
            ),
            _panel(
                3,
                "Failing checks",
                "table",
                f'sum by (account, check, severity) ({FINDINGS}{{status="fail"}}) > 0',
                {"x": 0, "y": 8, "w": 24, "h": 10},
                format="table",
                instant=True,
            ),
            _panel(
                4,
                "Run duration (seconds)",
                "stat",
                f"max({RUN_DURATION})",
                {"x": 0, "y": 18, "w": 8, "h": 6},
            ),
            _panel(
                5,
                "Slowest accounts (seconds)",
                "bargauge",
                f"topk(10, {ACCOUNT_DURATION})",
                {"x": 8, "y": 18, "w": 16, "h": 6},
                legendFormat="{{name}} ({{account}})",
                instant=True,
            ),
        ],
    }


def dashboard_objects(design: Design) -> Iterable[Obj]:
    yield {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"{NAME}-dashboard",
            "namespace": design.component("grafana").namespace,
            "labels": DASHBOARD_LABEL,
        },
        "data": {f"{NAME}.json": json.dumps(dashboard(design), indent=2, sort_keys=True)},
    }
