"""The GitOps manifests page shows the real files, and links to them in the repository."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from eks_refarch.design import Design
from eks_refarch.site import gitops
from eks_refarch.site.repository import Repository
from tests.helpers import REPO
from tests.site import sitebuild

MANIFESTS = REPO / "manifests"
PAGE = {"ja": "/gitops-manifests/", "en": "/en/gitops-manifests/"}
_BLOCK = re.compile(r'<span class="filename">([^<]+)</span><pre>(.*?)</pre>', re.DOTALL)


def _blocks(site: Path, lang: str) -> dict[str, str]:
    """Each titled code block of the page: its title, and its text as a reader sees it."""
    source = sitebuild.pages(site)[PAGE[lang]].read_text(encoding="utf-8")
    return {
        html.unescape(title): html.unescape(re.sub(r"<[^>]+>", "", body))
        for title, body in _BLOCK.findall(source)
    }


def _file_documents(path: Path) -> list[str]:
    """The documents of a file as written: the text between its "---" lines."""
    return list(re.split(r"^---\n", path.read_text(encoding="utf-8"), flags=re.M))


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_every_code_block_is_a_manifest_file_or_one_of_its_documents_as_written(
    site: Path, lang: str
) -> None:
    blocks = _blocks(site, lang)
    assert set(blocks) == {
        "manifests/mesh/ingress-gateway.yaml (Service)",
        "manifests/mesh/peer-authentication.yaml",
    }
    for title, text in blocks.items():
        path, _, kind = title.partition(" (")
        file = REPO / path
        if not kind:
            assert text.rstrip("\n") == file.read_text(encoding="utf-8").rstrip("\n")
            continue
        (document,) = [
            d for d in _file_documents(file) if (yaml.safe_load(d) or {}).get("kind") == "Service"
        ]
        assert text.rstrip("\n") == document.rstrip("\n")


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_gateway_service_block_carries_the_designed_node_ports(
    site: Path, design: Design, lang: str
) -> None:
    service = yaml.safe_load(_blocks(site, lang)["manifests/mesh/ingress-gateway.yaml (Service)"])
    ports = {p["name"]: p["nodePort"] for p in service["spec"]["ports"]}
    node_ports = design.mesh.ingress_gateway.node_ports
    assert ports == {"http": node_ports.http, "status-port": node_ports.status}


@pytest.mark.parametrize("lang", sitebuild.LANGS)
def test_the_files_table_links_every_manifest_file_in_the_repository(site: Path, lang: str) -> None:
    page = sitebuild.parse(sitebuild.pages(site)[PAGE[lang]])
    files = sorted(p.relative_to(REPO).as_posix() for p in MANIFESTS.rglob("*.yaml"))
    assert len(files) > 5
    view = f"{sitebuild.REPOSITORY}/blob/main/"
    for path in files:
        assert view + path in page.links, path


def test_documents_keep_their_text_and_skip_the_header_comment() -> None:
    (manifest,) = [f for f in gitops.load(MANIFESTS) if f.path == "mesh/ingress-gateway.yaml"]
    assert [d.kind for d in manifest.documents][:1] == ["ServiceAccount"]
    assert "".join(d.text for d in manifest.documents) in manifest.text.replace("---\n", "")
    assert all(not d.text.startswith("#") for d in manifest.documents)


def test_a_block_of_a_kind_the_file_does_not_hold_once_fails_naming_it() -> None:
    files = gitops.load(MANIFESTS)
    with pytest.raises(ValueError, match=r"peer-authentication.yaml has 0 documents of kind"):
        gitops.block(files, "manifests", "mesh/peer-authentication.yaml", kind="Service")
    with pytest.raises(ValueError, match=r"no manifest file manifests/nope\.yaml"):
        gitops.block(files, "manifests", "nope.yaml")


def test_a_document_that_is_not_a_kubernetes_object_fails_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("---\njust: a mapping\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml: a document is not a Kubernetes object"):
        gitops.load(tmp_path)


def test_repository_links_come_from_the_one_setting() -> None:
    repo = Repository.from_setting("https://github.com/o/r/")
    assert repo is not None
    assert repo.edit_url("src/x.py") == "https://github.com/o/r/edit/main/src/x.py"
    assert repo.view_url("manifests/a.yaml") == "https://github.com/o/r/blob/main/manifests/a.yaml"
    assert repo.social == {"icon": "fontawesome/brands/github", "link": "https://github.com/o/r"}
    assert Repository.from_setting("  ") is None
    with pytest.raises(ValueError, match="must be the repository's web address"):
        Repository.from_setting("github.com/o/r")


def test_without_a_repository_files_are_named_but_not_linked() -> None:
    files = gitops.load(MANIFESTS)
    text = gitops.files_table(files, "manifests", "en", None)
    assert "`mesh/ingress-gateway.yaml`" in text
    assert "](" not in text
