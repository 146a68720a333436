"""The refarch MkDocs plugin stops a build that would publish a wrong or incomplete page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.model import CheckSpec
from tests.helpers import REPO, SHIPPED_DESIGN, replace_once
from tests.site import sitebuild


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the site's sources that a test may break; returns its mkdocs.yml."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copy(SHIPPED_DESIGN, tmp_path / "architecture.yaml")
    for tree in ("docs", "diagrams", "manifests"):
        shutil.copytree(REPO / tree, tmp_path / tree)
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts/gen_site_diagrams.py", tmp_path / "scripts")
    # The diagrams and the example report are cached by a digest of their inputs, so the
    # copy may share the project's cache: an entry it finds there was made from the same
    # inputs, and whatever the test changes misses it.
    (REPO / ".cache").mkdir(exist_ok=True)
    (tmp_path / ".cache").symlink_to(REPO / ".cache", target_is_directory=True)
    return tmp_path / "mkdocs.yml"


@pytest.fixture
def checks() -> tuple[CheckSpec, ...]:
    return load_builtin_checks().checks()


def test_the_unbroken_copy_builds(project: Path) -> None:
    sitebuild.build(project.parent / "out", config=project)


def _fails(config: Path, *, design: Path | None = None) -> str:
    result = sitebuild.run_build(config.parent / "out", config=config, design=design)
    assert result.returncode != 0, "the build should have failed"
    return result.stdout + result.stderr


def test_a_name_the_design_does_not_have_fails_the_build_naming_the_page(project: Path) -> None:
    page = project.parent / "docs/en/alternatives.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ gw.node_port }}\n", encoding="utf-8")
    log = _fails(project)
    assert "docs/en/alternatives.md" in log
    assert "node_port" in log


def test_a_record_for_a_decision_the_design_lacks_fails_the_build(project: Path) -> None:
    docs = project.parent / "docs/ja/decisions"
    shutil.copy(docs / "adr-0001.md", docs / "adr-0099.md")
    log = _fails(project)
    assert "docs/ja/decisions/adr-0099.md: describes ADR-0099" in log


def test_a_page_linking_a_decision_the_design_lacks_fails_naming_the_page_and_the_id(
    project: Path,
) -> None:
    page = project.parent / "docs/en/alternatives.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ adr('ADR-0999') }}\n")
    log = _fails(project)
    assert "docs/en/alternatives.md: the design has no decision 'ADR-0999'" in log
    assert "StopIteration" not in log


def test_a_decision_without_a_record_in_one_language_fails_the_build(project: Path) -> None:
    (project.parent / "docs/en/decisions/adr-0004.md").unlink()
    log = _fails(project)
    assert "ADR-0004 has no page: write docs/en/decisions/adr-0004.md" in log


def test_a_written_page_for_a_name_that_is_no_check_fails_the_build(project: Path) -> None:
    page = project.parent / "docs/en/conformance/checks/vpc_is_lovely.md"
    page.write_text("# vpc_is_lovely\n", encoding="utf-8")
    log = _fails(project)
    assert "docs/en/conformance/checks/vpc_is_lovely.md: is in the check catalog" in log
    assert "no check 'vpc_is_lovely' is registered" in log


def test_a_written_page_for_a_check_fails_the_build_the_page_is_generated(
    project: Path, checks: tuple[CheckSpec, ...]
) -> None:
    check_id = checks[0].id
    page = project.parent / f"docs/ja/conformance/checks/{check_id}.md"
    page.write_text(f"# {check_id}\n", encoding="utf-8")
    log = _fails(project)
    assert f"docs/ja/conformance/checks/{check_id}.md: the page of {check_id} is generated" in log


def test_a_missing_manifests_folder_fails_the_build(project: Path) -> None:
    shutil.rmtree(project.parent / "manifests")
    log = _fails(project)
    assert "the manifests folder does not exist" in log


def test_a_malformed_comparison_file_fails_the_build_naming_file_line_and_field(
    project: Path,
) -> None:
    data = project.parent / "docs/data/compute-alternatives.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text(replace_once(text, "  - id: scaling-unit\n", "  - ident: scaling-unit\n"))
    log = _fails(project)
    assert "compute-alternatives.yaml:" in log
    assert "criteria[2].ident" in log


def test_the_design_file_can_be_replaced_through_the_environment(
    project: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    text = SHIPPED_DESIGN.read_text(encoding="utf-8")
    broken.write_text(replace_once(text, "vpc_cidr: 10.20.0.0/16", "vpc_cidr: 10.20.0.0/33"))
    log = _fails(project, design=broken)
    assert f"{broken}:" in log
    assert "network.vpc_cidr" in log
