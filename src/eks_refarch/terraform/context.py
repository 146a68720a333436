"""The collector context of `refarch check --terraform DIR`: AWS reads answered from HCL.

It offers the two calls the AWS collectors make (``call`` and ``paginate``) and answers
them from the module through the table in ``answers.py``, so every AWS collector and
rule runs unchanged. No AWS endpoint, credentials or Terraform binary is involved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eks_refarch.conformance.aws.context import Answer, Origin
from eks_refarch.conformance.aws.settings import AwsOptions
from eks_refarch.conformance.facts import CollectionError
from eks_refarch.i18n import msg
from eks_refarch.terraform.answers import ANSWERS, Stack, resolved, unresolved
from eks_refarch.terraform.computed import computed
from eks_refarch.terraform.reader import Module, Unresolved, read_module


class TerraformContext:
    """A read-only view of what a Terraform root module declares, shaped as AWS answers."""

    def __init__(self, directory: Path, module: Module | None = None) -> None:
        self.directory = directory
        self.module = module or read_module(directory, computed)
        self.stack = Stack(self.module)
        region = self.module.provider_attribute("region")
        self.options = AwsOptions(region=region if isinstance(region, str) else "")
        self.calls: list[tuple[str, str]] = []

    @property
    def region(self) -> str:
        return self.options.region

    @property
    def endpoint(self) -> str:
        return f"the Terraform module in {self.directory}"

    def call(
        self, service: str, method: str, *, absent: tuple[str, ...] = (), **params: Any
    ) -> Answer:
        what = msg("{service} {method} in --terraform mode", service=service, method=method)
        answer = ANSWERS.get((service, method))
        if answer is None:
            raise CollectionError(
                what,
                msg("an answer derived from Terraform (refarch/terraform/answers.py)"),
                msg("refarch does not derive this call from a Terraform module yet"),
            )
        self.calls.append((service, method))
        try:
            response = answer.handler(self.stack, {**params, "__absent__": absent})
        except Unresolved as exc:  # a dynamic block over a collection that is not static
            raise unresolved(exc.unknown) from None
        # Shaped as a live answer is, so that a field the module does not declare reads as
        # an incomplete answer naming the operation, never as a KeyError.
        return Answer(resolved(response), Origin(what, answer.action, self.endpoint))

    def paginate(
        self, service: str, method: str, *, absent: tuple[str, ...] = (), **params: Any
    ) -> Answer:
        """One answer holds every page: the module is read whole."""
        return self.call(service, method, absent=absent, **params)
