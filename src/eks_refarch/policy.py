"""`refarch policy`: the least-privilege IAM policy and ClusterRoles, derived from the collectors.

Nothing here is a hand-kept list. Every collector declares the IAM actions or the
Kubernetes permissions its reads take (``@collector(actions=...)``), a test proves each
declaration against the calls the collector really makes, and these pure functions turn
the declarations into documents a team can attach. A declaration that is not a plain
read, or that holds a wildcard, is refused here, so no such document can be printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import yaml

from eks_refarch.conformance.aws.context import READ_PREFIXES, REFUSED_READS
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster.kinds import NODE_PROXY, READ_VERBS, Permission
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.registry import Registry
from eks_refarch.output import check_destination, write_output

FORMATS = ("aws", "k8s")
POLICY_VERSION = "2012-10-17"
CLUSTER_ROLE = "refarch-read-only"
CONFIGZ_ROLE = "refarch-kubelet-configz"

_IAM_ACTION = re.compile(r"(?P<service>[a-z0-9-]+):(?P<operation>[A-Za-z0-9]+)")
_WILDCARDS = ("*", "?")

# Only the node checks' fallback reads through nodes/proxy (`refarch check --kubeconfig`
# without --hosts: each kubelet's /configz through the API server). What the permission
# grants is written out below from the Kubernetes documentation on RBAC good practices
# ("Access to proxy subresource of Nodes") and on kubelet authorization, so that a team
# sees the cost before binding it.
CONFIGZ_NOTE = f"""\
{CONFIGZ_ROLE}: needed ONLY for the node checks' fallback that reads
each kubelet's /configz through the API server (`refarch check --kubeconfig` without
--hosts). Leave it unbound if the node checks run over SSH (--hosts) or not at all;
without it the node checks report `error` naming `{NODE_PROXY}`, and nothing else
changes.

Binding it grants much more than /configz. The API server authorizes
GET /api/v1/nodes/NAME/proxy/ANY/PATH as `get` on nodes/proxy, whatever the path, and
forwards the request to that node's kubelet with the API server's own kubelet
credentials. Its holder can therefore GET every kubelet endpoint on every node: /pods
(each pod's full spec, environment values included), /containerLogs, /logs, /metrics,
/stats, /healthz. And because the kubelet's exec, attach and port-forward endpoints
accept WebSocket upgrades of a plain GET, `get` on nodes/proxy is not read-only: it
lets its holder run commands in any container on the node, and that access bypasses
admission control and audit logging. The fine-grained nodes/configz subresource
(KubeletFineGrainedAuthz) is checked by the kubelet only for requests sent to it
directly; the API server path used here is authorized as nodes/proxy."""

# Permissions that read like reads but grant more: each gets a ClusterRole of its own,
# with the note above its document, so that binding it is a separate decision.
SEPARATE_ROLES: dict[Permission, tuple[str, str]] = {NODE_PROXY: (CONFIGZ_ROLE, CONFIGZ_NOTE)}


class PolicyError(ValueError):
    """A collector declared a permission that a read-only policy must never hold."""


def _declared(registry: Registry, sources: Iterable[Source]) -> list[tuple[str, str]]:
    """(collector, declared permission) for every collector of the given sources."""
    wanted = set(sources)
    return [
        (spec.func.__qualname__, action)
        for spec in registry.collectors()
        if spec.source in wanted
        for action in spec.actions
    ]


def aws_actions(registry: Registry) -> tuple[str, ...]:
    """Every IAM action the AWS collectors declare, sorted and de-duplicated, each a read."""
    actions = set()
    for collector, action in _declared(registry, (Source.AWS,)):
        if any(w in action for w in _WILDCARDS):
            raise PolicyError(f"collector {collector} declares {action!r}: wildcards are refused")
        match = _IAM_ACTION.fullmatch(action)
        if match is None:
            raise PolicyError(
                f"collector {collector} declares {action!r}, which is not an IAM action "
                "of the form service:Operation"
            )
        operation = match["operation"]
        if not operation.startswith(READ_PREFIXES):
            raise PolicyError(
                f"collector {collector} declares {action!r}, which is not a read: only "
                f"{', '.join(READ_PREFIXES)} actions may be in the policy"
            )
        if operation in REFUSED_READS:
            raise PolicyError(
                f"collector {collector} declares {action!r}, which reads credentials or "
                "secret material and is refused"
            )
        actions.add(action)
    if not actions:
        raise PolicyError("no AWS collector declares any action")
    return tuple(sorted(actions))


def iam_policy(registry: Registry) -> dict[str, Any]:
    """The IAM policy document: one statement per service, holding only read actions."""
    by_service: dict[str, list[str]] = {}
    for action in aws_actions(registry):
        by_service.setdefault(action.split(":", 1)[0], []).append(action)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "RefarchRead" + "".join(p.capitalize() for p in service.split("-")),
                "Effect": "Allow",
                "Action": actions,
                # Most Describe and List actions (ec2:DescribeVpcs, eks:ListClusters,
                # elasticloadbalancing:Describe*) support no resource-level permissions:
                # IAM evaluates them only against "*", so naming ARNs would deny them.
                # The actions, not the resources, are what keep this policy read-only.
                "Resource": "*",
            }
            for service, actions in sorted(by_service.items())
        ],
    }


def cluster_permissions(registry: Registry) -> tuple[Permission, ...]:
    """Every Kubernetes permission the cluster and node collectors declare, each a read."""
    permissions = set()
    for collector, text in _declared(registry, (Source.CLUSTER, Source.NODES)):
        if any(w in text for w in _WILDCARDS):
            raise PolicyError(f"collector {collector} declares {text!r}: wildcards are refused")
        try:
            permission = Permission.parse(text)
        except ValueError as exc:
            raise PolicyError(f"collector {collector}: {exc}") from None
        if permission.verb not in READ_VERBS:
            raise PolicyError(
                f"collector {collector} declares {text!r}: only the verbs "
                f"{', '.join(sorted(READ_VERBS))} may be in the ClusterRole"
            )
        permissions.add(permission)
    return tuple(sorted(permissions, key=str))


def cluster_roles(registry: Registry) -> list[tuple[str | None, dict[str, Any]]]:
    """(note, ClusterRole) pairs: the read-only role, then one per separately bound permission."""
    permissions = cluster_permissions(registry)
    ordinary = [p for p in permissions if p not in SEPARATE_ROLES]
    roles: list[tuple[str | None, dict[str, Any]]] = [(None, _cluster_role(CLUSTER_ROLE, ordinary))]
    for permission in permissions:
        if permission in SEPARATE_ROLES:
            name, note = SEPARATE_ROLES[permission]
            roles.append((note, _cluster_role(name, [permission])))
    return roles


def _cluster_role(name: str, permissions: Iterable[Permission]) -> dict[str, Any]:
    """One rule per API group and set of verbs, listing the resources that share them."""
    verbs: dict[tuple[str, str], set[str]] = {}
    for p in permissions:
        verbs.setdefault((p.group, p.rbac_resource), set()).add(p.verb)
    rules: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (group, resource), granted in verbs.items():
        rules.setdefault((group, tuple(sorted(granted))), []).append(resource)
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "refarch"}},
        "rules": [
            {"apiGroups": [group], "resources": sorted(resources), "verbs": list(granted)}
            for (group, granted), resources in sorted(rules.items())
        ],
    }


def render(registry: Registry, output_format: str) -> str:
    """The document as `refarch policy --format` prints it."""
    if output_format == "aws":
        return json.dumps(iam_policy(registry), indent=2) + "\n"
    if output_format == "k8s":
        return _render_k8s(registry)
    raise ValueError(f"unknown policy format {output_format!r}; expected one of {FORMATS}")


def _render_k8s(registry: Registry) -> str:
    header = (
        "# Generated by `refarch policy --format k8s` from the permissions the cluster and\n"
        f"# node collectors declare. Bind {CLUSTER_ROLE} to the identity that runs\n"
        "# `refarch check --kubeconfig`.\n"
    )
    documents = []
    for note, role in cluster_roles(registry):
        comment = "".join(f"# {line}".rstrip() + "\n" for line in (note or "").splitlines())
        documents.append(comment + yaml.safe_dump(role, sort_keys=False))
    return header + "---\n".join(documents)


@click.command()
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(FORMATS),
    default="aws",
    show_default=True,
    help="aws: the IAM policy document (JSON); k8s: the ClusterRoles (YAML).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the document to FILE instead of standard output (as --output of "
    "refarch check does).",
)
def policy(output_format: str, output: Path | None) -> None:
    """Print the least-privilege permissions `refarch check` needs, and nothing more.

    Derived from the actions every collector declares, never kept by hand. aws: an IAM
    policy holding only Describe, List and Get actions. k8s: a ClusterRole with only
    the list calls the cluster checks make, and a second, separate ClusterRole for
    the node checks' /configz fallback, whose nodes/proxy grant is far broader than its
    name suggests (read the comment above it before binding it).
    """
    if output is not None:
        check_destination(output)
    text = render(load_builtin_checks(), output_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
