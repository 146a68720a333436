"""Which sources `refarch check` reads: those whose options are given, else the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from eks_refarch.conformance import cli
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.model import Source
from eks_refarch.design import Design


def _cluster(params: Mapping[str, Any], design: Design) -> str:
    return f"cluster context for {params['kubeconfig']}"


@pytest.fixture
def with_cluster_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cluster layer as another engineer will add it: one more SourceSpec."""
    monkeypatch.setattr(
        cli,
        "SOURCES",
        (*cli.SOURCES, cli.SourceSpec(Source.CLUSTER, ("kubeconfig",), _cluster, False)),
    )


def test_no_source_option_reads_aws(design: Design) -> None:
    sources = cli.contexts({"region": None, "endpoint_url": None}, design)
    assert list(sources) == [Source.AWS]
    context = sources[Source.AWS]
    assert isinstance(context, AwsContext)
    assert context.region == design.product.region


def test_an_aws_option_reads_aws_in_that_region(design: Design) -> None:
    context = cli.contexts({"region": "eu-west-1"}, design)[Source.AWS]
    assert isinstance(context, AwsContext)
    assert context.region == "eu-west-1"


def test_only_cluster_options_build_no_aws_context(
    with_cluster_source: None, design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aws(params: Mapping[str, Any], design: Design) -> None:
        raise AssertionError("the AWS context was built")

    monkeypatch.setattr(
        cli,
        "SOURCES",
        tuple(replace(s, build=no_aws) if s.source is Source.AWS else s for s in cli.SOURCES),
    )
    sources = cli.contexts({"kubeconfig": "/k", "region": None}, design)
    assert sources == {Source.CLUSTER: "cluster context for /k"}


def test_aws_and_cluster_options_read_both(with_cluster_source: None, design: Design) -> None:
    sources = cli.contexts({"kubeconfig": "/k", "profile": None, "region": "us-east-1"}, design)
    assert set(sources) == {Source.AWS, Source.CLUSTER}
