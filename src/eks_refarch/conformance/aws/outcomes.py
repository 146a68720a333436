"""What a read can answer besides data: the resource is absent, or the endpoint lacks the API.

Kept apart from the context so that collectors (and everything that loads the check
registry) can name these outcomes without importing boto3.
"""

from __future__ import annotations

from eks_refarch.i18n import msg


class Absent(Exception):
    """AWS said the resource does not exist, with one of the codes the caller expected."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


class EndpointGap(Exception):
    """The endpoint (an emulator) does not implement an operation that AWS implements."""

    def __init__(self, action: str, endpoint: str, detail: str) -> None:
        self.action = action
        self.endpoint = endpoint
        self.message = msg(
            "the endpoint {endpoint} does not implement {action} ({detail}); AWS does, so "
            "this is an emulator gap",
            endpoint=endpoint,
            action=action,
            detail=detail,
        )
        super().__init__(str(self.message))
