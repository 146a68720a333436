"""The accounts file: each account's role and design, or errors naming file, line and
field; shards that cover every account exactly once; options that do not mix."""

from __future__ import annotations

from pathlib import Path

import pytest

from eks_refarch import cli
from eks_refarch.conformance.accounts import Target, in_shard, load_accounts, parse_shard
from eks_refarch.design import Design
from eks_refarch.errors import EXIT_USAGE, UserInputError
from eks_refarch.yamlio import load_document
from tests.helpers import SHIPPED_DESIGN


def _load(tmp_path: Path, design: Design, text: str, role_name: str | None = None) -> list[Target]:
    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    document = load_document(SHIPPED_DESIGN, what="design")
    return load_accounts(path, design, document, role_name=role_name, external_id="ext-1")


def test_roles_names_and_overrides(tmp_path: Path, design: Design) -> None:
    other_region = "eu-west-1" if design.product.region != "eu-west-1" else "us-east-1"
    targets = _load(
        tmp_path,
        design,
        f"""accounts:
  - id: "222222222222"
    name: dev
    design:
      product:
        region: {other_region}
  - id: "111111111111"
    name: prod
    role: arn:aws:iam::111111111111:role/path/audit
    external_id: prod-ext
""",
        role_name="refarch-audit",
    )
    prod, dev = targets  # sorted by account id
    assert (prod.id, prod.role_arn, prod.external_id) == (
        "111111111111",
        "arn:aws:iam::111111111111:role/path/audit",
        "prod-ext",
    )
    assert prod.design == design
    assert dev.role_arn == "arn:aws:iam::222222222222:role/refarch-audit"
    assert dev.external_id == "ext-1"
    assert dev.design.product.region == other_region
    assert dev.design.product.name == design.product.name  # the rest is the design's


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("accounts:\n  - id: 1234\n    name: a\n    role: r\n", 2, "accounts[0].id", "12-digit"),
        ('accounts:\n  - id: "12"\n    name: a\n    role: r\n', 2, "accounts[0].id", "12-digit"),
        ('accounts:\n  - id: "111111111111"\n    name: a\n', 2, "accounts[0].role", "no role"),
        (
            'accounts:\n  - id: "111111111111"\n    name: a\n    role: r\n    colour: red\n',
            5,
            "accounts[0].colour",
            "unknown field",
        ),
        (
            'accounts:\n  - id: "111111111111"\n    name: a\n    role: "bad role"\n',
            4,
            "accounts[0].role",
            "role name or role ARN",
        ),
        (
            'accounts:\n  - id: "111111111111"\n    name: a\n    role: r\n'
            '  - id: "111111111111"\n    name: b\n    role: r\n',
            5,
            "accounts[1].id",
            "listed twice",
        ),
        (
            'accounts:\n  - id: "111111111111"\n    name: a\n    role: r\n'
            "    design:\n      product:\n        region: 7\n",
            7,
            "accounts[0].design.product.region",
            "",
        ),
        ("accounts: []\n", 1, "accounts", "at least 1"),
    ],
)
def test_errors_name_file_line_and_field(
    tmp_path: Path, design: Design, text: str, line: int, field: str, words: str
) -> None:
    with pytest.raises(UserInputError) as caught:
        _load(tmp_path, design, text)
    (problem,) = caught.value.problems
    assert problem.path == tmp_path / "accounts.yaml"
    assert problem.line == line
    assert str(problem).split(": ")[1] == field
    assert words in problem.message


def test_shards_cover_every_account_exactly_once() -> None:
    ids = [f"{n:012d}" for n in range(0, 10**12, 7_919_000_003)][:300]
    for count in (1, 2, 3, 7):
        owners = [[i for i in range(1, count + 1) if in_shard(a, (i, count))] for a in ids]
        assert all(len(o) == 1 for o in owners)
        sizes = [sum(o == [i] for o in owners) for i in range(1, count + 1)]
        assert min(sizes) > len(ids) / count / 2  # a fair share, not all in one


@pytest.mark.parametrize("value", ["0/3", "4/3", "1-3", "a/b", "/3"])
def test_a_bad_shard_is_a_usage_error(value: str) -> None:
    with pytest.raises(UserInputError, match="--shard"):
        parse_shard(value)


@pytest.mark.parametrize(
    "args",
    [
        ["--shard", "1/2"],
        ["--organization"],
        ["--organization", "--role-name", "r", "--role-arn", "arn:aws:iam::111111111111:role/x"],
        ["--accounts", "accounts.yaml", "--organization", "--role-name", "r"],
    ],
)
def test_options_that_do_not_mix_are_usage_errors(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts.yaml").write_text(
        'accounts:\n  - id: "111111111111"\n    name: a\n    role: r\n'
    )
    assert cli.run(["check", "--design", str(SHIPPED_DESIGN), *args]) == EXIT_USAGE
