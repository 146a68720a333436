"""The pure helpers behind the generated parts of the pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click
import pytest

from eks_refarch.conformance.builtin import load_builtin_checks
from eks_refarch.conformance.cli import check
from eks_refarch.conformance.model import (
    Remediation,
    Result,
    Severity,
    Source,
    passed,
)
from eks_refarch.conformance.options import FORMATS, OPTIONS
from eks_refarch.conformance.registry import Registry
from eks_refarch.design import Design
from eks_refarch.i18n import tr
from eks_refarch.site import cli_docs, decisions, facts, markdown


@dataclass(frozen=True)
class Widgets:
    names: tuple[str, ...]


def _registry_with_checks_for(*adr_ids: str) -> Registry:
    """A registry holding one check per given decision, named after its position."""
    registry = Registry()

    @registry.collector(source=Source.AWS, actions=["fake:ListWidgets"])
    def collect_widgets(context: object, design: Design) -> Widgets:
        return Widgets(names=())

    for n, adr_id in enumerate(adr_ids):

        def rule(facts: object, design: Design) -> Iterable[Result]:
            """The widgets match the design."""
            return [passed("widget", "fine")]

        rule.__name__ = f"widget_number{n}_matches"
        registry.check(
            severity=Severity.LOW,
            remediation=Remediation(steps="Fix the widget."),
            references=["https://example.com/"],
            decision=adr_id,
            needs=[Widgets],
        )(rule)
    return registry


def _link(target: str) -> str:
    return f"../{target}"


def test_checks_section_says_so_when_no_check_enforces_a_decision() -> None:
    section = decisions.checks_section((), "en", _link)
    assert section.startswith("## Checks that enforce this decision\n")
    assert "No conformance check enforces this decision yet." in section


def test_a_decision_lists_exactly_the_registered_checks_that_name_it() -> None:
    registry = _registry_with_checks_for("ADR-0002", "ADR-0005", "ADR-0002")
    checks = decisions.enforcing_checks("ADR-0002", registry)
    assert [c.id for c in checks] == ["widget_number0_matches", "widget_number2_matches"]
    section = decisions.checks_section(checks, "ja", _link)
    assert section.startswith("## この決定を検証するチェック\n")
    # The test's checks have no Japanese catalog entry: their English title stands in.
    assert (
        "| [`widget_number0_matches`](../conformance/checks/widget_number0_matches.md) | "
        "The widgets match the design. |" in section
    )
    assert "[`widget_number2_matches`](../conformance/checks/widget_number2_matches.md)" in section
    assert "まだありません" not in section
    english = decisions.checks_section(checks, "en", _link)
    assert ") | The widgets match the design. |" in english
    assert decisions.enforcing_checks("ADR-0001", registry) == ()


def test_every_registered_check_enforces_a_decision_of_the_design(design: Design) -> None:
    ids = {d.id for d in design.decisions}
    enforced = [c for adr_id in ids for c in decisions.enforcing_checks(adr_id)]
    assert len(enforced) == len(load_builtin_checks().checks())


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
    assert (
        markdown.relative_link("decisions/adr-0001.md", "alternatives.md") == "../alternatives.md"
    )
    assert markdown.relative_link("index.md", "decisions/index.md") == "decisions/index.md"


def test_owned_sections_follow_each_sections_owner(design: Design) -> None:
    terraform = facts.owned_sections(design, "terraform")
    gitops = facts.owned_sections(design, "gitops")
    assert "edge" in terraform
    assert "mesh" in gitops
    assert not set(terraform) & set(gitops)


def test_the_options_table_lists_every_option_of_refarch_check() -> None:
    rendered = cli_docs.options_table("en")
    for param in check.params:
        assert isinstance(param, click.Option)
        assert all(f"`{opt}`" in rendered for opt in param.opts), param.opts
    assert "| `--max-attempts` | `5` |" in rendered
    assert "| `--profile` |  |" in rendered


def test_a_report_format_without_a_description_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_docs, "FORMATS", (*FORMATS, "yaml"))
    with pytest.raises(ValueError, match="'yaml'"):
        cli_docs.formats_table("ja")


def test_the_options_page_lists_exactly_the_commands_options_in_the_pages_language() -> None:
    flags = {f for p in check.params if isinstance(p, click.Option) for f in p.opts}
    table = cli_docs.options_table("ja")
    assert {f for o in OPTIONS for f in o.flags} == flags
    for option in OPTIONS:
        assert tr("ja", option.help) in table
        assert tr("ja", option.help) != option.help
