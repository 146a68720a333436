"""The pure helpers behind the generated parts of the pages."""

from __future__ import annotations

import pytest

from eks_refarch.design import Design
from eks_refarch.site import decisions, facts, markdown


def test_checks_section_says_so_when_no_check_enforces_a_decision() -> None:
    section = decisions.checks_section((), "en")
    assert section.startswith("## Checks that enforce this decision\n")
    assert "No conformance check enforces this decision yet." in section


def test_checks_section_lists_each_enforcing_check() -> None:
    checks = (
        decisions.CheckRef("example_first_check", "First example"),
        decisions.CheckRef("example_second_check", "Second example"),
    )
    section = decisions.checks_section(checks, "ja")
    assert section.startswith("## この決定を検証するチェック\n")
    assert "- `example_first_check`: First example" in section
    assert "- `example_second_check`: Second example" in section
    assert "まだありません" not in section


def test_no_decision_is_enforced_while_the_check_registry_is_empty(design: Design) -> None:
    assert all(decisions.enforcing_checks(d.id) == () for d in design.decisions)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("decisions/adr-0002.md", "ADR-0002"), ("decisions/index.md", None), ("index.md", None)],
)
def test_decision_of_page(design: Design, path: str, expected: str | None) -> None:
    decision = decisions.decision_of_page(path, design)
    assert (decision.id if decision else None) == expected


def test_decision_of_page_rejects_a_record_of_an_unknown_decision(design: Design) -> None:
    with pytest.raises(ValueError, match="ADR-0999"):
        decisions.decision_of_page("decisions/adr-0999.md", design)


def test_table_escapes_pipes_and_rejects_ragged_rows() -> None:
    assert markdown.table(["a", "b"], [["x|y", 1]]) == "| a | b |\n| --- | --- |\n| x\\|y | 1 |"
    with pytest.raises(ValueError, match="2 headers"):
        markdown.table(["a", "b"], [["only one"]])


def test_a_page_outside_the_language_folders_is_an_error() -> None:
    assert markdown.lang_of("en/decisions/index.md") == "en"
    with pytest.raises(ValueError, match="language folders"):
        markdown.lang_of("fr/index.md")


def test_relative_link_between_pages() -> None:
    assert markdown.relative_link("decisions/adr-0001.md", "alternatives.md") == "../alternatives.md"
    assert markdown.relative_link("index.md", "decisions/index.md") == "decisions/index.md"


def test_owned_sections_follow_each_sections_owner(design: Design) -> None:
    terraform = facts.owned_sections(design, "terraform")
    gitops = facts.owned_sections(design, "gitops")
    assert "edge" in terraform
    assert "mesh" in gitops
    assert not set(terraform) & set(gitops)
