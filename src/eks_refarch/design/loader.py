"""Load architecture.yaml into a validated Design, or explain precisely what is wrong."""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from eks_refarch.design.crosscheck import cross_check
from eks_refarch.design.model import Design
from eks_refarch.errors import Problem, UserInputError
from eks_refarch.yamlio import Document, load_document

DEFAULT_DESIGN = Path("architecture.yaml")

_TYPE_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "string_too_short": "expected a non-empty string",
}


def load(path: Path | str = DEFAULT_DESIGN) -> Design:
    """Read, validate and cross-check a design file.

    Raises UserInputError listing every problem found, each with file, line and field.
    """
    document = load_document(Path(path), what="design")
    return from_document(document)


def from_document(document: Document) -> Design:
    if not isinstance(document.data, dict):
        raise UserInputError(
            [
                Problem(
                    document.path, document.line_of(()), (), "expected a mapping of design sections"
                )
            ]
        )
    try:
        design = Design.model_validate(document.data)
    except ValidationError as exc:
        errors = _without_echoes(exc.errors())
        raise UserInputError([_problem(document, err) for err in errors]) from None
    issues = cross_check(design)
    if issues:
        raise UserInputError(
            [Problem(document.path, document.line_of(loc), loc, message) for loc, message in issues]
        )
    return design


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop a list's "too short" error when it only echoes errors in its own items.

    pydantic counts a list's length after dropping invalid items, so one bad node group
    also reports "node_groups should have at least 1 item": true, but not the problem.
    """
    locs = [tuple(e["loc"]) for e in errors]

    def echoes(err: ErrorDetails) -> bool:
        loc = tuple(err["loc"])
        return err["type"] == "too_short" and any(
            other[: len(loc)] == loc and len(other) > len(loc) for other in locs
        )

    return [e for e in errors if not echoes(e)]


def _problem(document: Document, err: ErrorDetails) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        message = "unknown field" + (f" (expected one of: {', '.join(allowed)})" if allowed else "")
    elif kind in _TYPE_MESSAGES:
        message = _TYPE_MESSAGES[kind]
    elif kind == "too_short" and "min_length" in err.get("ctx", {}):
        count = err["ctx"]["min_length"]
        message = f"expected at least {count} item{'s' if count != 1 else ''}"
    elif kind == "literal_error":
        message = "expected " + err["ctx"]["expected"] if "ctx" in err else err["msg"]
    else:
        message = err["msg"].removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        if message.startswith("input should be"):
            message = "expected a value that is" + message[len("input should be") :]
    found = err.get("input")
    if kind not in ("missing", "extra_forbidden") and _is_scalar(found):
        message += f", found {found!r}"
    return Problem(document.path, document.line_of(loc), loc, message)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _allowed_fields(loc: tuple[str | int, ...]) -> list[str]:
    """The field names the model accepts at ``loc``, for 'unknown field' messages."""
    model: Any = Design
    skip_key = False
    for part in loc:
        if isinstance(part, int) or skip_key:
            skip_key = False
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        skip_key = typing.get_origin(field.annotation) is dict  # the next part is a key
        model = _model_in(field.annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    """Find the model class inside ``tuple[X, ...]``, ``X | None`` or ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (tuple, list, dict, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
