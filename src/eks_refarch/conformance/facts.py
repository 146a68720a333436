"""Facts: the frozen results of collectors, and the errors that stand in for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from eks_refarch.i18n import Text

T = TypeVar("T")


class CollectionError(Exception):
    """A collector could not read what it needs. Never a verdict: checks become `error`.

    ``missing`` names what would have let it read: an IAM action such as
    ``elasticloadbalancing:DescribeLoadBalancers``, a Kubernetes permission such as
    ``list services``, or an endpoint or host that did not answer. Each part may be a
    catalog message (``i18n.msg``), rendered in the reader's language by the report.
    """

    def __init__(self, what: Text, missing: Text, reason: Text) -> None:
        self.what = what
        self.missing = missing
        self.reason = reason
        super().__init__(f"could not read {what}: {reason} (needs {missing})")


@dataclass(frozen=True)
class Facts:
    """The facts a rule asked for, looked up by their type: ``facts[LoadBalancers]``."""

    by_kind: Mapping[type[Any], Any]

    def __getitem__(self, kind: type[T]) -> T:
        try:
            return cast(T, self.by_kind[kind])
        except KeyError:
            raise KeyError(
                f"{kind.__name__} was not collected; add it to the check's needs=(...)"
            ) from None
