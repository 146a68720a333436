"""Input problems of the renderer that belong to no file: a missing tool, an unknown option."""

from __future__ import annotations

from eks_refarch.errors import Problem, UserInputError


class Complaint(Problem):
    """A problem with no file to point at: printed as its message alone."""

    def __str__(self) -> str:
        return self.message


def complaint(message: str) -> UserInputError:
    return UserInputError([Complaint(None, None, (), message)])
