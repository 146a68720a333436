"""Collectors declare exactly structured, read-only Kubernetes permissions."""

from __future__ import annotations

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cluster.kinds import READ_VERBS, Permission
from eks_refarch.conformance.model import Source


def kubernetes_actions() -> list[str]:
    registry = load_builtin_checks()
    return [
        action
        for spec in registry.collectors()
        if spec.source in (Source.CLUSTER, Source.NODES)
        for action in spec.actions
    ]


def test_every_kubernetes_action_is_a_read_only_rbac_permission() -> None:
    actions = kubernetes_actions()
    assert actions
    for action in actions:
        permission = Permission.parse(action)
        assert str(permission) == action
        assert permission.verb in READ_VERBS, action


@pytest.mark.parametrize(
    ("text", "permission"),
    [
        ("list services", Permission("list", "services")),
        ("list deployments.apps", Permission("list", "deployments", "apps")),
        (
            "list peerauthentications.security.istio.io",
            Permission("list", "peerauthentications", "security.istio.io"),
        ),
        ("get nodes/proxy", Permission("get", "nodes", subresource="proxy")),
    ],
)
def test_permissions_parse_into_rbac_group_resource_and_verb(
    text: str, permission: Permission
) -> None:
    assert Permission.parse(text) == permission


@pytest.mark.parametrize("text", ["list", "List Services", "list services extra"])
def test_malformed_permissions_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a permission"):
        Permission.parse(text)
