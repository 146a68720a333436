"""Reading a manifests directory: multi-document files, Lists, Helm output, file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_refarch.conformance.cluster.kinds import (
    DEPLOYMENTS,
    NAMESPACES,
    SERVICES,
    VIRTUAL_SERVICES,
)
from eks_refarch.conformance.cluster.manifests import ManifestsSource
from eks_refarch.errors import UserInputError

HELM_OUTPUT = """\
---
# Source: demo/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: demo
---
# Source: demo/templates/empty.yaml
---
# Source: demo/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: demo
  namespace: demo
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: demo
spec:
  replicas: 1
"""

LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: one
- apiVersion: v1
  kind: Namespace
  metadata:
    name: two
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_helm_rendered_multi_document_output_is_read_in_order(tmp_path: Path) -> None:
    write(tmp_path, "rendered.yaml", HELM_OUTPUT)
    source = ManifestsSource(tmp_path)
    (service,) = source.list(SERVICES)
    assert service.data["spec"]["ports"][0]["port"] == 80
    assert service.origin.endswith("rendered.yaml:11")
    assert not service.observed
    (deployment,) = source.list(DEPLOYMENTS)
    # kubectl apply without -n would put it in "default".
    assert deployment.data["metadata"]["namespace"] == "default"


def test_list_kinds_are_expanded_with_the_line_of_each_item(tmp_path: Path) -> None:
    write(tmp_path, "list.yml", LIST)
    found = ManifestsSource(tmp_path).list(NAMESPACES)
    assert [o.data["metadata"]["name"] for o in found] == ["one", "two"]
    assert found[0].origin.endswith("list.yml:4")
    assert found[1].origin.endswith("list.yml:8")


def test_json_files_and_nested_directories_are_read_and_hidden_ones_skipped(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "a/b/ns.json",
        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}',
    )
    write(tmp_path, ".git/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: hidden\n")
    write(tmp_path, "README.md", "# not a manifest\n")
    names = [o.data["metadata"]["name"] for o in ManifestsSource(tmp_path).list(NAMESPACES)]
    assert names == ["j"]


def test_unknown_kinds_and_versions_of_known_groups_are_handled(tmp_path: Path) -> None:
    write(
        tmp_path,
        "mixed.yaml",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n"
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\n"
        "metadata:\n  name: old\n  namespace: web\n",
    )
    source = ManifestsSource(tmp_path)
    (vs,) = source.list(VIRTUAL_SERVICES)
    assert vs.data["metadata"]["name"] == "old"
    assert source.list(SERVICES) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- just\n- a list\n",
            "in.yaml:1: expected a Kubernetes object (a mapping with apiVersion and kind), "
            "found list",
        ),
        ("apiVersion: v1\nmetadata:\n  name: x\n", "in.yaml:1: kind: required"),
        (
            "apiVersion: v1\nkind: Service\nmetadata:\n  namespace: a\n",
            "in.yaml:3: metadata.name: a Service needs a name",
        ),
        (
            "apiVersion: v1\nkind: List\nitems:\n- 42\n",
            "in.yaml:4: items[0]: expected a Kubernetes object",
        ),
        ("a: [1, 2\n", "in.yaml:2: invalid YAML"),
        ("kind: Service\nkind: Service\n", "in.yaml:2: kind: duplicate key 'kind'"),
    ],
)
def test_bad_documents_are_input_errors_naming_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path, "in.yaml", text)
    with pytest.raises(UserInputError) as exc:
        ManifestsSource(tmp_path)
    assert message in str(exc.value)


def test_every_bad_file_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "- 1\n")
    write(tmp_path, "b.yaml", "apiVersion: v1\n")
    with pytest.raises(UserInputError) as exc:
        ManifestsSource(tmp_path)
    assert len(exc.value.problems) == 2


@pytest.mark.parametrize("setup", ["missing", "file", "empty"])
def test_a_directory_that_is_not_one_of_manifests_is_an_input_error(
    tmp_path: Path, setup: str
) -> None:
    target = tmp_path / "m"
    if setup == "file":
        target.write_text("x", encoding="utf-8")
    elif setup == "empty":
        target.mkdir()
    with pytest.raises(UserInputError, match="--manifests"):
        ManifestsSource(target)


def test_origins_are_relative_inside_the_working_directory_and_whole_outside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "m/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
    monkeypatch.chdir(tmp_path)
    (inside,) = ManifestsSource(Path("m")).list(NAMESPACES)
    assert inside.origin == "m/ns.yaml:1"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (outside,) = ManifestsSource(tmp_path / "m").list(NAMESPACES)
    assert outside.origin == f"{tmp_path}/m/ns.yaml:1"
