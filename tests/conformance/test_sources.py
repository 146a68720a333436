"""Which sources `refarch check` reads: those whose options are given, else the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from eks_refarch.conformance import cli
from eks_refarch.conformance.aws.context import AwsContext
from eks_refarch.conformance.cluster.live import LiveSource
from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.conformance.model import Source
from eks_refarch.conformance.nodes.configz import ConfigzNodes
from eks_refarch.conformance.nodes.hosts import TestinfraNodes
from eks_refarch.design import Design
from eks_refarch.errors import UserInputError
from tests.helpers import REPO

MANIFESTS = REPO / "manifests"


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
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aws(params: Mapping[str, Any], design: Design) -> None:
        raise AssertionError("the AWS context was built")

    monkeypatch.setattr(
        cli,
        "SOURCES",
        tuple(replace(s, build=no_aws) if s.source is Source.AWS else s for s in cli.SOURCES),
    )
    sources = cli.contexts({"manifests": MANIFESTS, "region": None, "hosts": None}, design)
    assert set(sources) == {Source.CLUSTER}
    assert isinstance(sources[Source.CLUSTER], ManifestsSource)


def test_aws_and_cluster_options_read_both(design: Design) -> None:
    params = {"manifests": MANIFESTS, "profile": None, "region": "us-east-1"}
    assert set(cli.contexts(params, design)) == {Source.AWS, Source.CLUSTER}


def test_a_kubeconfig_reads_the_cluster_and_its_kubelets_hosts_read_nodes_over_ssh(
    design: Design, tmp_path: Path
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n"
        "- {name: c, cluster: {server: 'http://127.0.0.1:1'}}\n"
        "contexts:\n- {name: c, context: {cluster: c, user: u}}\nusers:\n- {name: u, user: {}}\n",
        encoding="utf-8",
    )
    sources = cli.contexts({"kubeconfig": kubeconfig}, design)
    assert isinstance(sources[Source.CLUSTER], LiveSource)
    assert isinstance(sources[Source.NODES], ConfigzNodes)
    with_hosts = cli.contexts({"kubeconfig": kubeconfig, "hosts": ("local://",)}, design)
    assert isinstance(with_hosts[Source.NODES], TestinfraNodes)
    assert Source.AWS not in with_hosts


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kubeconfig": "/k", "manifests": MANIFESTS}, "not both"),
        ({"context": "prod"}, "--context selects a context of the --kubeconfig file"),
    ],
)
def test_contradictory_cluster_options_are_usage_errors(
    design: Design, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(UserInputError, match=message):
        cli.contexts(params, design)
