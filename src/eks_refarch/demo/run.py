"""The demo account as a library: provision the design into an emulator, drift it, check it.

`refarch demo` and the site's example report both use these; neither reads the other.
"""

from __future__ import annotations

from pathlib import Path

from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.runner import RunResult, run
from eks_refarch.demo.drift import DRIFTS
from eks_refarch.demo.provision import Account, demo_session, provision
from eks_refarch.design import Design


def demo_context(design: Design, endpoint_url: str) -> AwsContext:
    """The checks' view of the demo account: the emulator, with the demo's credentials."""
    return AwsContext(
        AwsOptions(region=design.product.region, endpoint_url=endpoint_url),
        session_factory=lambda _: demo_session(design),
    )


def provision_with_drift(endpoint_url: str, design: Design, drift: str | None) -> Account:
    account = provision(endpoint_url, design)
    if drift:
        DRIFTS[drift].apply(account)
    return account


def check_demo(
    design: Design, endpoint_url: str, *, manifests: Path | None = None, drift: str | None = None
) -> RunResult:
    """Provision the design (drifted when asked) into the emulator at ``endpoint_url`` and
    check it, and the manifests in ``manifests`` when given."""
    provision_with_drift(endpoint_url, design, drift)
    sources: dict[Source, object] = {Source.AWS: demo_context(design, endpoint_url)}
    if manifests is not None:
        sources[Source.CLUSTER] = ManifestsSource(manifests)
    return run(design, sources)
