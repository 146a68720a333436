"""The static reader evaluates what Terraform would, and says Unknown for what it cannot know."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eks_refarch.errors import UserInputError
from eks_refarch.terraform.computed import computed
from eks_refarch.terraform.reader import Computed, Module, Unknown, evaluate, read_module

SOURCE = """
variable "zones" {
  default = ["b", "a"]
}
variable "nets" {
  default = {
    one = { tier = "public", cidr = "10.0.0.0/24" }
    two = { tier = "private", cidr = "10.0.1.0/24" }
  }
}
variable "given" {}
variable "absent" {}
locals {
  tiers  = distinct([for n in values(var.nets) : n.tier])
  public = [for k, n in var.nets : k if n.tier == "public"]
  self   = local.self
}
provider "aws" {
  region = "eu-west-1"
}
resource "aws_subnet" "this" {
  for_each   = var.nets
  cidr_block = each.value.cidr
  tags       = { Name = "net-${each.key}" }
}
resource "aws_eip" "counted" {
  count  = 2
  domain = "vpc-${count.index}"
}
resource "aws_security_group" "g" {
  name = "g"
  dynamic "ingress" {
    for_each = { web = 443, alt = 8443 }
    content {
      description = ingress.key
      from_port   = ingress.value
    }
  }
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Module:
    (tmp_path / "main.tf").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "terraform.tfvars").write_text('given = "from tfvars"\n', encoding="utf-8")
    return read_module(tmp_path, computed)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        ('"${1 + 2}"', 3),
        ('"n-${var.zones[0]}"', "n-b"),
        ("toset(var.zones)", ["a", "b"]),
        ("local.tiers", ["public", "private"]),
        ("local.public", ["one"]),
        ("var.given", "from tfvars"),
        ('length(var.zones) > 1 ? "many" : "one"', "many"),
        ('{ for k, n in var.nets : n.cidr => k }["10.0.1.0/24"]', "two"),
        ("aws_eip.counted[*].domain", ["vpc-0", "vpc-1"]),
        ('aws_subnet.this["one"].tags.Name', "net-one"),
        ("jsonencode({ b = 1, a = [true, null] })", '{"a":[true,null],"b":1}'),
        ('format("%s-%d", "x", 3)', "x-3"),
        ("!true || -1 < 0", True),
        ("[for g in aws_security_group.g.ingress : g.from_port]", [8443, 443]),
    ],
)
def test_expressions_evaluate_as_terraform_would(
    module: Module, expression: str, expected: Any
) -> None:
    assert evaluate(module, expression) == expected


def test_computed_attributes_are_stable_placeholders(module: Module) -> None:
    first = evaluate(module, 'aws_subnet.this["one"].id')
    assert isinstance(first, Computed)
    assert first.startswith("subnet-")
    assert first == evaluate(module, 'aws_subnet.this["one"].id')
    assert first != evaluate(module, 'aws_subnet.this["two"].id')
    assert evaluate(module, "aws_security_group.g.arn").startswith("aws_security_group.g")


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("var.absent", "var.absent has no default"),
        ("var.nothing", "var.nothing is not declared"),
        ("local.self", "local.self refers to itself"),
        ("module.x.y", "module.* is not read statically"),
        ("timestamp()", "the function timestamp() is not evaluated statically"),
        ("aws_vpc.missing.id", "aws_vpc.missing is not declared"),
        ('"${var.absent}-x"', "var.absent has no default"),
    ],
)
def test_what_is_not_static_is_unknown_with_the_reason(
    module: Module, expression: str, reason: str
) -> None:
    value = evaluate(module, expression)
    assert isinstance(value, Unknown)
    assert reason in str(value.reason)


def test_a_module_that_declares_a_resource_twice_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "aws_vpc" "x" {}\n')
    (tmp_path / "b.tf").write_text('resource "aws_vpc" "x" {}\n')
    with pytest.raises(UserInputError, match="declared twice"):
        read_module(tmp_path)
