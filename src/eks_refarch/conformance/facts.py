"""Facts: the frozen results of collectors, and the errors that stand in for them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from eks_refarch.i18n import Message, Text, joined, msg

T = TypeVar("T")


class MessageError(Exception):
    """An error whose text is a catalog message, so that a finding built from it is shown
    in the reader's language; ``str(error)`` is the English text."""

    def __init__(self, message: Text) -> None:
        self.message = message
        super().__init__(str(message))


class CollectionError(MessageError):
    """A collector could not read what it needs. Never a verdict: checks become `error`.

    ``what`` names what could not be read, as an identifier (a resource or an API call).
    ``missing`` names what would have let it read: an IAM action such as
    ``elasticloadbalancing:DescribeLoadBalancers``, a Kubernetes permission such as
    ``list services``, or an endpoint or host that did not answer (a ``msg`` when it is a
    sentence rather than an identifier). ``reason`` says what happened, as a ``msg``, or
    as the text a server or a library answered.
    """

    def __init__(self, what: Text, missing: Text, reason: Text) -> None:
        self.what = what
        self.missing = missing
        self.reason = reason
        super().__init__(
            msg(
                "could not read {what}: {reason} (needs {missing})",
                what=what,
                reason=reason,
                missing=missing,
            )
        )

    @property
    def problem(self) -> Message:
        """The error as one clause of a finding that could not be verified."""
        return msg(
            "{what}: {reason} (needs {missing})",
            what=self.what,
            reason=self.reason,
            missing=self.missing,
        )


def could_not_verify(errors: Iterable[CollectionError]) -> Message:
    """The message of a check whose facts could not be read: every reason, with what is missing."""
    return msg(
        "could not verify: {problems}",
        problems=joined((e.problem for e in errors), style="clauses"),
    )


class NotApplicable(Exception):
    """What a collector would read does not exist in this source: the checks that need it
    are skipped with the reason, never passed or failed.

    A Terraform module, for one, declares a certificate but cannot know its status or
    expiry, which exist only once ACM has issued it.
    """

    def __init__(self, what: str, reason: Text) -> None:
        self.what = what
        self.reason = reason
        super().__init__(f"{what}: {reason}")


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
