"""The first few of a pydantic refusal's errors, for a message: a list of thousands of wrong items makes one error
per item, and a message of them all would run to megabytes, formatted on the event loop every peer's stream shares
before the response cap (MAX_RESPONSE_MESSAGE_BYTES) cuts it."""

from __future__ import annotations

import json
from typing import Any

import pydantic

# the first few say what is wrong; the count says how much more
ERRORS_SHOWN = 10


def first_errors(exc: pydantic.ValidationError, count: int = ERRORS_SHOWN) -> tuple[list[dict[str, Any]], str]:
    """The first ``count`` of ``exc``'s errors, and what to add after them: "; ... and N more" where there are
    more, else ""."""
    more = exc.error_count() - count
    return _first_errors(exc, count), (f"; ... and {more} more" if more > 0 else "")


def _first_errors(exc: pydantic.ValidationError, count: int) -> list[dict[str, Any]]:
    """The first ``count`` of ``exc``'s errors. ``exc.errors()`` would build a dict of every one (a third of a
    second for the 130,000 a list of wrong items of MAX_JSON_ARGUMENT_BYTES gives); pydantic writes them all as
    JSON in a fraction of that, and only the first few are read back from it."""
    text = exc.json(include_url=False, include_context=False, include_input=False)   # [{...},{...}]
    decoder = json.JSONDecoder()
    errors: list[dict[str, Any]] = []
    at = 1   # past the "["
    while len(errors) < count and text.startswith("{", at):
        error, at = decoder.raw_decode(text, at)
        errors.append(error)
        at += 1   # past the "," or the closing "]"
    return errors
