"""What the runtime and the contracts on it say when they refuse a value a caller sent, without loading either.

The shim refuses a key or a request with ``InvalidValue`` and quotes the caller's text with ``excerpt``; the
contract API refuses a JSON argument holding a key twice (``refuse_repeated_keys``) and reports the first few of
pydantic's errors (``first_errors``). The receivables contract refuses its own JSON and its dates in the same words,
and the SDK and the CLI import its checks to refuse a request before sending it: from here, those checks load
neither ``chaincode.shim`` nor ``chaincode.contract``, nor the Fabric protos they stand on.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pydantic


class InvalidValue(ValueError):
    """A value the shim refuses (an empty key, a request over the message limit, a proposal's bad timestamp...),
    with a one-line text written for the transaction's caller. Escaping a transaction, it is answered as
    ``ValueError: <text>``, where any other exception's text stays in the server's log."""


EXCERPT_CHARACTERS = 60


def excerpt(value: str | bytes, limit: int = EXCERPT_CHARACTERS) -> str:
    """``value`` as an error message quotes it: its repr, of at most ``limit`` characters of it,
    with "..." ending a value that was cut (bytes are read as UTF-8, invalid bytes replaced)."""
    text = value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else value
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# Python's default limit on the digits it converts to an int: the most digits a whole number argument may have.
# Fixed here rather than read from the interpreter, whose limit an environment variable can change: every endorsing
# peer must agree.
MAX_INTEGER_DIGITS = sys.int_info.default_max_str_digits


# JSON's names for the kinds of value a document holds, for a message naming a value's kind without showing it
_JSON_KINDS = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number",
               type(None): "null"}


def json_kind(kind: type) -> str:
    """What JSON calls a value of the Python type ``kind`` that ``json.loads`` gives (``type(None)``: null, ``list``:
    array), never Python's name for it (NoneType, list), which tells a caller about the contract's language and
    nothing about the document it sent; another type by its own name."""
    return _JSON_KINDS.get(kind, kind.__name__)


class RepeatedKey(ValueError):
    """Raised inside json.loads, and let through: its message names the key, where "expected a JSON object" would
    not."""


def no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads' object_pairs_hook refusing a key an object holds twice. JSON readers differ on which value
    wins (Python's and pydantic's the last, others the first or an error), so an auditor reading the
    arguments on the ledger could read another transaction than the one the chaincode ran."""
    value = dict(pairs)
    if len(value) < len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise RepeatedKey(f"the key {excerpt(repeated)} appears more than once in one object: send each key once")
    return value


def refuse_repeated_keys(raw: bytes) -> None:
    """Raise RepeatedKey (a ValueError) for a JSON document with an object that holds a key twice; pydantic
    keeps the last value without a word. Called once pydantic has read the document, so only valid JSON is
    parsed a second time. A repeat needs two keys, four quotes at least: other documents skip the second
    parse. Numbers are not built (pydantic has converted them already): ``len``, a builtin, stands in for the
    number readers, at a fraction of the cost per number of a function written here. The receivables
    contract calls it too, on the JSON text it reads itself (``parse_request``)."""
    if raw.count(b'"') < 4:
        return
    try:
        json.loads(raw, object_pairs_hook=no_repeated_keys, parse_int=len, parse_float=len, parse_constant=len)
    except RepeatedKey:
        raise
    except (ValueError, RecursionError):   # what pydantic takes and json.loads does not: nothing to repeat in
        pass


# The first few of a pydantic refusal's errors, for a message: a list of thousands of wrong items makes one error
# per item, and a message of them all would run to megabytes, formatted on the event loop every peer's stream shares
# before the response cap (MAX_RESPONSE_MESSAGE_BYTES) cuts it. The first few say what is wrong; the count says how
# much more.
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
