"""Which node source a run reads: ``--hosts URL`` over SSH, else the kubelets' /configz."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from eks_refarch.conformance.nodes.facts import NodeSource
from eks_refarch.design import Design
from eks_refarch.extras import require

# pytest-testinfra's connection options (their dest names), passed on to get_host; a
# host URL's own query parameters (?ssh_config=...) take precedence over them.
TESTINFRA_OPTIONS = ("connection", "ssh_config", "ssh_identity_file", "sudo", "sudo_user")


def host_urls(hosts: str | Iterable[str]) -> list[str]:
    """Host URLs, repeated (``--hosts a --hosts b``) or comma-separated as testinfra takes them."""
    values = [hosts] if isinstance(hosts, str) else list(hosts)
    return [url.strip() for value in values for url in value.split(",") if url.strip()]


def build_nodes(params: Mapping[str, Any], design: Design) -> NodeSource:
    """SSH (testinfra) when hosts are given; otherwise, with a kubeconfig, the API server."""
    hosts = params.get("hosts")
    if hosts:
        require("nodes", "refarch check --hosts")
        import testinfra

        from eks_refarch.conformance.nodes.hosts import TestinfraNodes

        options = {name: params[name] for name in TESTINFRA_OPTIONS if params.get(name)}
        return TestinfraNodes(host_urls(hosts), partial(testinfra.get_host, **options))
    require("cluster", "refarch check --kubeconfig")
    from eks_refarch.conformance.cluster.live import Timeouts, live_source
    from eks_refarch.conformance.nodes.configz import ConfigzNodes

    kubeconfig = Path(params["kubeconfig"])
    return ConfigzNodes(live_source(kubeconfig, params.get("context"), Timeouts.of(params)))
