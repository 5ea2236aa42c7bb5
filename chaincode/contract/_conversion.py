"""Arguments in, results out: strings from the client become typed values, return values become bytes.

Converters are built once per transaction when the contract is registered, so
an unsupported annotation fails at start-up, not on the first call.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import json
import math
import re
import sys
import types
import typing
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pydantic
import pydantic_core

from chaincode.caller_values import (MAX_INTEGER_DIGITS, RepeatedKey, first_errors, json_kind, no_repeated_keys,
                                     refuse_repeated_keys)
from chaincode.shim._errors import InvalidValue
from chaincode.shim._text import excerpt

from ._errors import ContractError

_INTEGER = re.compile(r"[+-]?[0-9]+")
_EMPTY = inspect.Parameter.empty
# The lowest limit an interpreter can be started with: a whole number of no more digits converts on every peer, so
# a JSON document without a longer run of digits has its whole numbers built by json's own C code, not one Python
# call each (_whole_number).
_DIGITS_BEYOND_ANY_LIMIT = re.compile(rb"[0-9]{%d}" % (sys.int_info.str_digits_check_threshold + 1))
# As deep as pydantic reads JSON for the other parameter types, and as deep as a result
# can be and still be encoded (pydantic's encoder stops a little further down).
MAX_JSON_DEPTH = 200
# The largest power of ten a Decimal argument may carry, either way (abs(d.adjusted())). Amounts are whole fen,
# far below 10**30 (all the money in the world is about 10**16 fen), and rates need a few dozen decimal places at
# most; a bound of 1000 keeps far from both while "1E+999999999", a dozen characters, would otherwise convert,
# and a contract that then formats it (format(d, "f"), int(d)) builds a string or integer of about a gigabyte.
MAX_DECIMAL_EXPONENT = 1000
# The most bytes of JSON any argument may hold (dict, list, a model or any other type read as JSON), checked before it
# is parsed: parsing and the checks after it run on the one event loop that serves every transaction, and a JSON
# argument declared as any value would otherwise take whatever the peer passes, up to its 100 MiB message limit
# (seconds of parsing). The largest arguments the receivables contract takes, at the most its rules let them hold:
# a registration of 100 invoices and 100 goods receipts whose numbers are 100 CJK ideographs each, some 108 KB
# as its SDK writes it (UTF-8) and 280 KB written with \u escapes and indented; a discount offer naming its 1000
# claims, each 64 splits deep, some 150 KB. A party or an attestation is a few KB. Twice the largest leaves room.
MAX_JSON_ARGUMENT_BYTES = 512 * 1024
# A string in JSON output, escapes included (the unrolled form, which never backtracks).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


class ConversionError(ContractError):
    """An argument that does not convert to its parameter's type."""


def _as_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("not valid UTF-8") from exc


class _NumberTooLong(ValueError):
    """Raised inside json.loads, and let through: its message says more than "expected a JSON object"."""


def _refuse_oversized_json(raw: bytes) -> None:
    if len(raw) > MAX_JSON_ARGUMENT_BYTES:
        raise ValueError(f"{len(raw)} bytes of JSON: at most {MAX_JSON_ARGUMENT_BYTES} "
                         f"({MAX_JSON_ARGUMENT_BYTES // 1024} KiB) are read: send a smaller value, or spread it "
                         f"over several transactions")


def _whole_number(text: str) -> int:
    """``int(text)`` for a string of digits (with an optional sign), refusing more than MAX_INTEGER_DIGITS."""
    digits = len(text) - text.startswith(("+", "-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _NumberTooLong(f"a whole number of {digits} digits: at most {MAX_INTEGER_DIGITS} digits are accepted")
    # through Decimal: int(str) obeys the interpreter's own limit (PYTHONINTMAXSTRDIGITS, -X
    # int_max_str_digits), and a peer started with a lower one would endorse differently from the rest
    return int(Decimal(text))


def _to_int(raw: bytes) -> int:
    text = _as_text(raw)
    if not _INTEGER.fullmatch(text):
        raise ValueError("expected a base-10 integer")
    return _whole_number(text)


def _nested_deeper_than(value: dict | list, limit: int) -> bool:
    """Whether arrays and objects in ``value`` (json.loads' output, itself one level) nest more than ``limit``
    levels. Level by level, each gathered by one comprehension: a document of many small arrays costs a
    fraction of what taking its containers off a stack one at a time did."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [child for container in level
                 for child in (container.values() if type(container) is dict else container)
                 if type(child) is dict or type(child) is list]
        if not level:
            return False
    return True


def _to_bool(raw: bytes) -> bool:
    # JSON's spelling alone, as a ``bool | None`` parameter reads it: a client that sent "True" (Python's
    # str(True)) to one would be refused by the other
    text = _as_text(raw)
    if text not in ("true", "false"):
        raise ValueError("expected true or false (lower case, as JSON writes them)")
    return text == "true"


class _NotFinite(ValueError):
    """NaN, Infinity or a number too large for a float: no JSON value, and echoed back it would make output that
    is no JSON either (``{"a": NaN}``), or a Decimal beyond MAX_DECIMAL_EXPONENT."""


def _no_constant(name: str) -> float:
    raise _NotFinite(f"{name} is not a JSON number: send a finite number")


def _non_finite_name(number: float) -> str:
    return "NaN" if math.isnan(number) else "Infinity" if number > 0 else "-Infinity"


def _non_finite_floats(value: Any, *, only_written_bare: bool = False) -> Iterator[str]:
    """Each NaN or infinite float in ``value``, in order, as "location: NaN" (location "value" for ``value``
    itself); with ``only_written_bare``, only those the JSON encoder writes as a bare NaN or Infinity: outside
    models, and inside those whose ``ser_json_inf_nan`` is "constants" (pydantic's default, "null", and
    "strings" write JSON). Looks where ``_non_finite_floats_and_decimals`` does.
    """
    for item, location, written_bare in _non_finite_floats_and_decimals(value):
        if isinstance(item, float) and (written_bare or not only_written_bare):
            yield f"{location}: {_non_finite_name(item)}"


def _unrepresentable_number(value: Any) -> str | None:
    """Why the first number in ``value`` (a converted argument) is refused, or None: NaN, an infinity, or a
    Decimal whose power of ten is beyond MAX_DECIMAL_EXPONENT. One walk for both
    (``_non_finite_floats_and_decimals``), for a value that may hold either at all."""
    if _plain_json_of_finite_numbers(value):
        return None
    for item, location, _ in _non_finite_floats_and_decimals(value):
        if isinstance(item, float):
            # pydantic reads NaN, Infinity, "nan" and numbers beyond a float (1e999) into a float field; none has
            # a JSON form, so echoed back it would make output that is no JSON, as the dict and list path refuses
            return f"{location}: {_non_finite_name(item)} is not a JSON number: send a finite number"
        if isinstance(item, Decimal) and item.is_finite() and abs(item.adjusted()) > MAX_DECIMAL_EXPONENT:
            return (f"{location}: a decimal of the order of 10^{item.adjusted()}: send one whose order lies from "
                    f"10^-{MAX_DECIMAL_EXPONENT} to 10^{MAX_DECIMAL_EXPONENT}")
    return None


# Types the walk for numbers passes over without a look: none holds a float or a Decimal (a bool is an int).
_HOLDS_NO_NUMBER = frozenset({str, int, bool, type(None), bytes})


def _plain_json_of_finite_numbers(value: Any) -> bool:
    """Whether ``value`` is made of plain dicts and lists, text, whole numbers, finite floats, booleans and None
    alone, as pydantic reads JSON into any value: then it holds no number to refuse, and the walk naming where
    the first one is need not run. False for anything else (a model, a Decimal, a tuple, a non-finite float).

    Level by level, each level's items sorted and its containers opened by comprehensions and C code: on a
    document of many small arrays or numbers, which any channel member may send, some ten times faster than the
    walk, which visits its items one at a time."""
    items = [value]
    while items:
        others = [item for item in items if type(item) not in _HOLDS_NO_NUMBER]
        floats = [item for item in others if type(item) is float]
        if not all(map(math.isfinite, floats)):
            return False
        containers = [item for item in others if type(item) is dict or type(item) is list]
        if len(floats) + len(containers) < len(others):
            return False
        items = list(itertools.chain.from_iterable([c.values() if type(c) is dict else c for c in containers]))
    return True


def _non_finite_floats_and_decimals(value: Any) -> Iterator[tuple[Any, str, bool]]:
    """Each NaN or infinite float and each Decimal in ``value``, in order, as (number, location, written_bare):
    its location by keys and indexes ("value" for ``value`` itself), and whether the JSON encoder writes a
    non-finite float there as a bare NaN (outside models, and inside those whose ``ser_json_inf_nan`` is
    "constants"). Finite floats are passed over: no caller looks at them.

    Opens models (fields, by the name JSON gives them, and extras), dataclasses, dicts, lists, tuples, deques
    and sets, and nothing else: serialising the value instead would consume an Iterable argument (the contract
    would get an empty one), run computed fields and refuse bytes that are no UTF-8 text.

    Runs on the event loop before the contract does, over arguments of up to MAX_JSON_ARGUMENT_BYTES: a child
    that holds no number to look at (text, a whole number, a finite float) is never put on the stack, plain
    dicts and lists (JSON as pydantic reads it into any value) are opened before anything else is asked of
    them, and a location is written out only for a number found.
    """
    isfinite = math.isfinite
    stack: list[tuple[Any, tuple[Any, ...], bool]] = [(value, (), True)]
    while stack:
        item, path, written_bare = stack.pop()
        kind = type(item)
        if kind is dict:
            children: Any = item.items()
        elif kind is list:
            children = enumerate(item)
        elif isinstance(item, (float, Decimal)):
            if not isinstance(item, float) or not isfinite(item):
                yield item, ".".join(str(key) for key in path) or "value", written_bare
            continue
        else:
            written_bare = _written_bare_in(item, written_bare)
            if isinstance(item, pydantic.RootModel):   # its JSON is the root value itself, named by no key
                stack.append((item.root, path, written_bare))
                continue
            children = _children_of(item)
            if children is None:
                continue
        found = [(child, (*path, key), written_bare) for key, child in children
                 if type(child) not in _HOLDS_NO_NUMBER and not (type(child) is float and isfinite(child))]
        found.reverse()   # the stack pops the first child first
        stack.extend(found)


def _written_bare_in(item: Any, written_bare: bool) -> bool:
    """Whether the JSON encoder writes a non-finite float inside ``item`` as a bare NaN: each model, and each
    pydantic dataclass, writes its floats by its own setting; anything else as the value around it."""
    if isinstance(item, pydantic.BaseModel):
        config = item.model_config
    else:
        config = getattr(type(item), "__pydantic_config__", None) if dataclasses.is_dataclass(item) else None
    return written_bare if config is None else config.get("ser_json_inf_nan", "null") == "constants"


def _children_of(item: Any) -> Any:
    """(key, child) of each child of a model (its fields by the name JSON gives them, and its extras), a
    dataclass, or a container other than a plain dict or list; None for anything else."""
    if isinstance(item, pydantic.BaseModel):
        fields = type(item).model_fields
        children = [(fields[name].alias or name if name in fields else name, child)
                    for name, child in item.__dict__.items()]
        return children + list((item.__pydantic_extra__ or {}).items())
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        # a field declared init=False may never have been set: nothing of it to look into
        return [(field.name, getattr(item, field.name)) for field in dataclasses.fields(item)
                if hasattr(item, field.name)]
    if isinstance(item, dict):
        return item.items()
    if isinstance(item, (list, tuple, deque, set, frozenset)):
        return enumerate(item)
    return None


def _finite_number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(f"{excerpt(text)} is beyond the range of a number: send a finite number")
    return value


def _json_of(kind: type) -> Callable[[bytes], Any]:
    # kinds as JSON names them (object, array, null), which is what the caller wrote: never dict or NoneType
    too_deep = (f"its arrays and objects nest more than {MAX_JSON_DEPTH} levels deep: "
                f"send a flatter {json_kind(kind)}")

    def convert(raw: bytes) -> Any:
        _refuse_oversized_json(raw)
        whole_number = int if _DIGITS_BEYOND_ANY_LIMIT.search(raw) is None else _whole_number
        try:
            value = json.loads(raw, parse_int=whole_number, parse_float=_finite_number, parse_constant=_no_constant,
                               object_pairs_hook=no_repeated_keys)
        except (_NumberTooLong, _NotFinite, RepeatedKey):
            raise
        except RecursionError:   # far deeper than MAX_JSON_DEPTH: the parser itself gave up
            raise ValueError(too_deep) from None
        except ValueError as exc:
            raise ValueError(f"expected a JSON {json_kind(kind)}") from exc
        if not isinstance(value, kind):
            raise ValueError(f"expected a JSON {json_kind(kind)}, got a JSON {json_kind(type(value))}")
        # Each level opens with a bracket: a document with few of them needs no walk.
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _nested_deeper_than(value, MAX_JSON_DEPTH):
            raise ValueError(too_deep)
        # json.loads turns an unpaired "\\udc80" escape (or its UTF-8 form) into a lone surrogate, which
        # pydantic refuses and no protobuf string or UTF-8 output can carry. Both forms contain one of
        # these byte strings, so other documents skip the second pass.
        if b"\\u" in raw or b"\xed" in raw:
            try:
                json.dumps(value, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("a string in it holds an unpaired UTF-16 surrogate (such as \\udc80), which is "
                                 "not a Unicode character: send the character itself, or both halves of its "
                                 "surrogate pair") from None
        return value

    return convert


def _refuse_overlong_whole_number(raw: bytes) -> None:
    """Raise _NumberTooLong, in the words a plain ``int`` parameter uses, for a JSON document holding a whole
    number of more than MAX_INTEGER_DIGITS digits: pydantic refuses one only as "Invalid JSON: number out of
    range", naming neither the limit nor the number's length. Called on a document pydantic has refused as no
    JSON, so no other is parsed a second time, and one without a run of digits that long is not parsed at all.
    As in ``refuse_repeated_keys``, fractions and constants are not built (``len`` reads them)."""
    if _DIGITS_BEYOND_ANY_LIMIT.search(raw) is None:
        return
    try:
        json.loads(raw, parse_int=_whole_number, parse_float=len, parse_constant=len)
    except _NumberTooLong:
        raise
    except (ValueError, RecursionError):   # no JSON before any such number: pydantic's refusal says why
        pass


_STRICT = pydantic.ConfigDict(strict=True)
def _strict_reader(annotation: Any) -> tuple[Callable[[bytes], Any], bool]:
    """The function reading JSON into a value of ``annotation``, and whether it reads strictly.

    Strict reaches every type without a pydantic config of its own, alone or inside a container: plain types,
    ``list[...]``, ``int | None``, and stdlib dataclasses and TypedDicts (which take the config around them,
    so they are strict inside ``list[...]`` as alone). A pydantic model or pydantic dataclass keeps its own
    config, alone (then read as it says, not strictly) or inside a strict container.

    Lax pydantic would take ``true``, ``1.0`` or ``"1_000"`` for an ``int | None`` or in a ``list[int]``,
    and ``"yes"`` for an optional bool, where a plain ``int`` parameter refuses ``1.0`` and the metadata
    publishes {"type": "integer"}. Strict JSON still reads ISO dates, decimal strings and enum values."""
    try:
        return pydantic.TypeAdapter(annotation, config=_STRICT).validate_json, True
    except pydantic.PydanticUserError as exc:
        if exc.code != "type-adapter-config-unused":
            raise
    if isinstance(annotation, type) and (issubclass(annotation, pydantic.BaseModel)
                                         or hasattr(annotation, "__pydantic_config__")):
        return pydantic.TypeAdapter(annotation).validate_json, False

    # A stdlib dataclass or TypedDict, to which a TypeAdapter takes no config: a strict root model passes its
    # config on, as a strict container does.
    class StrictRoot(pydantic.RootModel[annotation]):
        model_config = _STRICT

    return lambda raw: StrictRoot.model_validate_json(raw).root, True


def _type_name(annotation: Any) -> str:
    """``annotation`` as a caller reads it: ``int | None``, ``list[Invoice]``, ``Decimal``; classes by their
    name, as the metadata titles them, with no module path."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arg) for arg in args)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(arg) for arg in args)}]"
    if origin is not None and args:
        return f"{_type_name(origin)}[{', '.join(_type_name(arg) for arg in args)}]"
    if annotation is type(None):
        return "None"
    if annotation is Ellipsis:
        return "..."
    if isinstance(annotation, type):
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


def _holds_wrapper(annotation: Any) -> bool:
    """Whether ``annotation`` is, or holds, a class that supplies its own pydantic schema and is no model (a JSON
    argument of any value that publishes a model's schema): its class name is published nowhere."""
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        return hasattr(annotation, "__get_pydantic_core_schema__") and not issubclass(annotation, pydantic.BaseModel)
    return any(_holds_wrapper(arg) for arg in typing.get_args(annotation))


def _pydantic(annotation: Any) -> Callable[[bytes], Any]:
    read, strict = _strict_reader(annotation)
    # a model's refusal names its fields; a strict type's names what was expected, since "Input should be a
    # valid integer" alone does not say that null was allowed, or that a list was wanted (but not for text
    # that is no JSON at all, which no type takes, nor by a class name the metadata never shows)
    expected = f"expected {_type_name(annotation)} as JSON: " if strict and not _holds_wrapper(annotation) else ""

    def convert(raw: bytes) -> Any:
        _refuse_oversized_json(raw)
        try:
            value = read(raw)
        except pydantic.ValidationError as exc:
            errors, more = first_errors(exc)
            problems = "; ".join(f"{_error_location(error['loc'])}: {error['msg']}"
                                 for error in errors) + more
            no_json = all(error["type"] == "json_invalid" for error in errors)   # it comes alone
            if no_json:
                _refuse_overlong_whole_number(raw)
            raise ValueError(problems if no_json else expected + problems) from None
        refuse_repeated_keys(raw)
        refused = _unrepresentable_number(value)
        if refused is not None:
            raise _NotFinite(refused)
        return value

    return convert


# A location made of field names and indexes alone, shown as it is; any other holds a key the caller chose
_PLAIN_LOCATION = re.compile(r"[A-Za-z0-9_.]{1,100}")


def _error_location(loc: tuple[Any, ...]) -> str:
    """Where a pydantic error lies, "value" for the argument itself. A key of a dict argument is the caller's
    text: quoted short (``excerpt``), so that a key holding a line break cannot start a line of the message
    that reads as a refusal of its own, nor a long one fill the message."""
    location = ".".join(str(part) for part in loc) or "value"
    return location if _PLAIN_LOCATION.fullmatch(location) else excerpt(location)


def converter_for(annotation: Any) -> Callable[[bytes], Any]:
    """The function that turns a raw argument into a value of ``annotation``."""
    if annotation in (_EMPTY, str, Any):
        return _as_text
    if annotation is bytes:
        return bytes
    if annotation is bool:
        return _to_bool
    if annotation is int:
        return _to_int
    if annotation is dict:
        return _json_of(dict)
    if annotation is list:
        return _json_of(list)
    try:
        return _pydantic(annotation)  # models, list[Model], dict[str, int], Decimal, ...
    except pydantic.PydanticSchemaGenerationError as exc:
        raise TypeError(f"cannot convert transaction arguments to {annotation!r}") from exc


@dataclass(frozen=True)
class Parameter:
    name: str
    annotation: Any
    default: Any
    convert: Callable[[bytes], Any]


@dataclass(frozen=True)
class Signature:
    """A transaction's parameters (after ``ctx``) and return annotation."""

    parameters: list[Parameter]
    returns: Any

    @classmethod
    def of(cls, method: Callable[..., Any]) -> Signature:
        function = getattr(method, "__func__", method)
        hints = typing.get_type_hints(inspect.unwrap(function))
        signature = inspect.signature(method)
        params = list(signature.parameters.values())
        if not params:
            raise TypeError(f"transaction {function.__qualname__} must take ctx as its first argument")
        parameters = []
        for param in params[1:]:
            if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                raise TypeError(f"transaction {function.__qualname__}: parameter {param.name} must be positional")
            annotation = hints.get(param.name, _EMPTY)
            parameters.append(Parameter(param.name, annotation, param.default, converter_for(annotation)))
        return cls(parameters, hints.get("return", _EMPTY))

    def convert(self, function_name: str, raw_args: list[bytes]) -> list[Any]:
        required = sum(1 for p in self.parameters if p.default is _EMPTY)
        if not required <= len(raw_args) <= len(self.parameters):
            names = ", ".join(p.name for p in self.parameters) or "none"
            expected = (str(len(self.parameters)) if required == len(self.parameters)
                        else f"{required}-{len(self.parameters)}")
            raise ConversionError(
                f"{function_name} takes {expected} arguments ({names}), got {len(raw_args)}"
            )
        values = []
        for param, raw in zip(self.parameters, raw_args):
            try:
                values.append(param.convert(raw))
            except ValueError as exc:
                raise ConversionError(f"{function_name}: argument {param.name!r} = {excerpt(raw)}: {exc}") from None
        return values


def encode_result(value: Any) -> bytes:
    """bytes as is, str as UTF-8, None as empty, anything else as compact JSON.

    Raises InvalidValue (a ValueError whose text the caller gets) for a result that would encode as NaN or
    Infinity, which no JSON reader accepts.
    """
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, pydantic.BaseModel):
        encoded = value.model_dump_json().encode("utf-8")
    else:
        encoded = pydantic_core.to_json(value)
    # Both words are rare in a result, and then mostly inside strings: only then is the output scanned.
    if (b"NaN" in encoded or b"Infinity" in encoded) and _has_bare_constant(encoded):
        # Which floats the encoder wrote as NaN depends on each model's ser_json_inf_nan (null and
        # strings are JSON) and on serializers the walk cannot see; the output above is what tells.
        found = list(itertools.islice(_non_finite_floats(value, only_written_bare=True), 4))
        where = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "") or "a number"
        raise InvalidValue(f"the result holds {where}, which {'have' if len(found) > 1 else 'has'} no JSON form: "
                         f"return finite numbers (or None, or a string, where a number is unknown)")
    return encoded


def _has_bare_constant(encoded: bytes) -> bool:
    """Whether NaN or Infinity stands in ``encoded`` (pydantic's JSON output) outside its strings, as a number
    no JSON reader takes. Scanned, not parsed: parsing would build every number, and refuse a whole number
    longer than Python converts (4300 digits) that the encoder wrote."""
    outside_strings = _JSON_STRING.sub(b'""', encoded)
    return b"NaN" in outside_strings or b"Infinity" in outside_strings
