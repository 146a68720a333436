"""ELB security policies as data (elb_security_policies.yaml), and which is the stricter.

A listener with a stricter policy than the designed one is not a departure: it refuses
more clients, never fewer. "Stricter" is read from the table, not from the policies'
names: a policy is at least as strict as another when every TLS protocol and cipher
suite it allows, the other allows too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

TABLE = "elb_security_policies.yaml"


@dataclass(frozen=True)
class SecurityPolicy:
    name: str
    protocols: frozenset[str]
    ciphers: frozenset[str]


@dataclass(frozen=True)
class Looser:
    """What a policy allows beyond another: empty when it is at least as strict."""

    protocols: tuple[str, ...]
    ciphers: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.protocols or self.ciphers)


@functools.cache
def _table() -> dict[str, Any]:
    text = files("eks_refarch.conformance.aws").joinpath(TABLE).read_text(encoding="utf-8")
    table: dict[str, Any] = yaml.safe_load(text)
    return table


@functools.cache
def policies() -> dict[str, SecurityPolicy]:
    """Every policy of the table, by name."""
    return {
        name: SecurityPolicy(name, frozenset(spec["protocols"]), frozenset(spec["ciphers"]))
        for name, spec in _table()["policies"].items()
    }


def source() -> str:
    """Where the table's facts come from."""
    return str(_table()["source"])


def looser(seen: str, designed: str) -> Looser | None:
    """What ``seen`` allows that ``designed`` does not; None when either is not in the table."""
    table = policies()
    if seen not in table or designed not in table:
        return None
    a, b = table[seen], table[designed]
    return Looser(tuple(sorted(a.protocols - b.protocols)), tuple(sorted(a.ciphers - b.ciphers)))
