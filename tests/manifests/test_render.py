"""The rendered manifests: committed output equals a fresh render, and values follow the design."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from eks_refarch.cli import run
from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.design import Design, load
from eks_refarch.manifests import charts
from eks_refarch.manifests.cli import DEFAULT_OUT
from eks_refarch.manifests.render import HEADER, Manifest, generated_files, render
from tests.helpers import REPO, SHIPPED_DESIGN, replace_once

MANIFESTS = REPO / "manifests"


def objects(manifests: tuple[Manifest, ...], kind: str) -> list[dict[str, Any]]:
    return [o for m in manifests for o in m.objects if o["kind"] == kind]


def test_committed_manifests_equal_a_fresh_render(design: Design) -> None:
    fresh = {m.path: m.text() for m in render(design)}
    committed = {p.relative_to(MANIFESTS).as_posix(): p for p in generated_files(MANIFESTS)}
    stale = sorted(set(committed) - set(fresh))
    missing = sorted(set(fresh) - set(committed))
    changed = sorted(
        path
        for path in set(fresh) & set(committed)
        if committed[path].read_text(encoding="utf-8") != fresh[path]
    )
    assert (stale, missing, changed) == ([], [], []), (
        "manifests/ differs from the design (stale, missing, changed); run `make manifests`"
    )


def test_every_file_says_it_is_generated_and_parses_as_yaml(design: Design) -> None:
    for manifest in render(design):
        text = manifest.text()
        assert text.startswith(HEADER)
        assert "&id" not in text, "shared dicts must not become YAML anchors"
        assert list(yaml.safe_load_all(text)) == list(manifest.objects)


def test_every_manifest_a_remediation_names_is_a_file_the_renderer_writes(design: Design) -> None:
    # Remediations are declared at import, so they name manifest files by path, in
    # English and Japanese; a renamed file would leave them pointing at nothing.
    rendered = {f"{DEFAULT_OUT.as_posix()}/{m.path}" for m in render(design)}
    named = {
        (spec.id, path)
        for spec in load_builtin_checks().checks()
        for text in (spec.remediation.steps, spec.text("ja").steps)
        for path in re.findall(rf"{DEFAULT_OUT.as_posix()}/[\w./-]+\.yaml", text)
    }
    assert named, "no remediation names a manifest file: is the pattern still right?"
    assert sorted(item for item in named if item[1] not in rendered) == []


def test_gateway_service_carries_the_designed_node_ports(design: Design) -> None:
    gw = design.mesh.ingress_gateway
    (service,) = [s for s in objects(render(design), "Service") if s["metadata"]["name"] == gw.name]
    assert service["metadata"]["namespace"] == gw.namespace
    assert service["spec"]["type"] == "NodePort"
    ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert ports["http"]["nodePort"] == gw.node_ports.http == 30080
    assert ports["http"]["targetPort"] == gw.http_target_port
    assert ports["status-port"]["nodePort"] == gw.node_ports.status == 30021


def test_a_changed_design_changes_the_render(
    write_design: Callable[[str], Path],
) -> None:
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    text = replace_once(text, "http: 30080", "http: 31080")
    text = replace_once(
        text, "resources: {cpu: 200m, memory: 256Mi}", "resources: {cpu: 300m, memory: 256Mi}"
    )
    changed = render(load(write_design(text)))
    (service,) = [
        s for s in objects(changed, "Service") if s["metadata"]["name"] == "istio-ingressgateway"
    ]
    assert {p["name"]: p["nodePort"] for p in service["spec"]["ports"]}["http"] == 31080
    (storefront,) = [
        d for d in objects(changed, "Deployment") if d["metadata"]["name"] == "storefront"
    ]
    container = storefront["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["requests"]["cpu"] == "300m"


def test_microservices_get_designed_replicas_requests_ports_and_injected_namespaces(
    design: Design,
) -> None:
    rendered = render(design)
    deployments = {d["metadata"]["name"]: d for d in objects(rendered, "Deployment")}
    namespaces = {n["metadata"]["name"]: n for n in objects(rendered, "Namespace")}
    for m in design.microservices:
        spec = deployments[m.name]["spec"]
        assert deployments[m.name]["metadata"]["namespace"] == m.namespace
        assert spec["replicas"] == m.replicas
        (container,) = spec["template"]["spec"]["containers"]
        assert container["resources"]["requests"] == {
            "cpu": m.resources.cpu,
            "memory": m.resources.memory,
        }
        assert container["ports"] == [{"name": "http", "containerPort": m.port, "protocol": "TCP"}]
        assert namespaces[m.namespace]["metadata"]["labels"] == {"istio-injection": "enabled"}
    assert "labels" not in namespaces[design.mesh.ingress_gateway.namespace]["metadata"]


def test_root_routes_put_the_longest_prefix_first(design: Design) -> None:
    (root,) = [v for v in objects(render(design), "VirtualService") if "gateways" in v["spec"]]
    prefixes = [r["match"][0]["uri"]["prefix"] for r in root["spec"]["http"]]
    assert prefixes[-1] == "/"
    assert prefixes == sorted(prefixes, key=len, reverse=True)
    routed = {m.name for m in design.routed_microservices}
    assert {r["delegate"]["name"] for r in root["spec"]["http"]} == routed


def test_every_platform_component_has_an_application_in_its_namespace(design: Design) -> None:
    apps = objects(render(design), "Application")
    for component in design.platform.components:
        owners = [
            a
            for a in apps
            if component.name
            in a["metadata"].get("annotations", {}).get("eks-refarch/components", "").split(",")
        ]
        assert len(owners) == 1, component.name
        assert owners[0]["spec"]["destination"]["namespace"] == component.namespace


def test_a_component_without_a_pinned_chart_is_an_error(
    design: Design, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "eks_refarch.manifests.render.CHARTS",
        tuple(c for c in charts.CHARTS if "kiali" not in c.components),
    )
    with pytest.raises(ValueError, match=r"no Helm chart is pinned .*\['kiali'\]"):
        render(design)


def test_render_command_writes_the_files_and_removes_stale_generated_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "apps" / "retired.yaml"
    stale.parent.mkdir()
    stale.write_text(HEADER + "---\n{}\n", encoding="utf-8")
    handwritten = tmp_path / "kustomization.yaml"
    handwritten.write_text("resources: []\n", encoding="utf-8")
    argv = ["manifests", "render", "--design", str(SHIPPED_DESIGN), "--out", str(tmp_path)]
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'mesh' / 'ingress-gateway.yaml'}" in out
    assert f"removed {stale}" in out
    assert not stale.exists()
    assert handwritten.exists()
    assert (tmp_path / "apps" / "storefront.yaml").read_text(encoding="utf-8") == (
        MANIFESTS / "apps" / "storefront.yaml"
    ).read_text(encoding="utf-8")
