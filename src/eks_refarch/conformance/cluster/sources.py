"""Which cluster source a run reads: ``--kubeconfig FILE [--context C]`` or ``--manifests DIR``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.conformance.cluster.source import ClusterSource
from eks_refarch.design import Design
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.extras import require


def _usage(option: str, message: str) -> UserInputError:
    return UserInputError([Problem(None, None, (option,), message)])


def build_cluster(params: Mapping[str, Any], design: Design) -> ClusterSource:
    """A live cluster or a manifests directory; reading starts only when checks ask."""
    kubeconfig, context, manifests = (params.get(k) for k in ("kubeconfig", "context", "manifests"))
    if kubeconfig and manifests:
        raise _usage(
            "--manifests", "give --kubeconfig or --manifests, not both: a run reads one cluster"
        )
    if context and not kubeconfig:
        raise _usage("--context", "--context selects a context of the --kubeconfig file; give one")
    if manifests:
        # No client reads them, but the workloads' rule compares resource quantities
        # with the Kubernetes client's parser.
        require("cluster", "refarch check --manifests")
        return ManifestsSource(Path(manifests))
    if not kubeconfig:
        raise _usage("--kubeconfig", "the cluster checks need --kubeconfig or --manifests")
    require("cluster", "refarch check --kubeconfig")
    from eks_refarch.conformance.cluster.live import Timeouts, live_source

    return live_source(Path(kubeconfig), context, Timeouts.of(params))
