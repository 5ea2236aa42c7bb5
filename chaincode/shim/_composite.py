"""Composite keys, encoded as Fabric's shims encode them so all languages share one key space.

A composite key is ``U+0000 objectType U+0000 attr1 U+0000 attr2 U+0000 ...``.
Simple keys must not start with U+0000, which keeps range queries over simple
keys from ever returning composite keys.
"""

from __future__ import annotations

from ._errors import InvalidValue
from ._text import excerpt

COMPOSITE_KEY_NAMESPACE = "\x00"
MIN_UNICODE_RUNE = "\x00"
MAX_UNICODE_RUNE = "\U0010ffff"
# A range query with an empty start key starts here, past every composite key.
EMPTY_KEY_SUBSTITUTE = "\x01"


def require_str(value: object, what: str) -> None:
    """Refuse ``value`` that is no str, naming its type: a key given as bytes, the values' type, is an easy slip,
    which protobuf or ``str.encode`` would otherwise refuse with a TypeError or AttributeError that says neither
    which argument nor what to give."""
    if not isinstance(value, str):
        is_bytes = isinstance(value, (bytes, bytearray, memoryview))
        advice = " (decode bytes first, e.g. with .decode())" if is_bytes else ""
        raise InvalidValue(f"{what} must be a str, not {type(value).__name__}: give it as text{advice}")


def validate_utf8(text: str, what: str) -> None:
    """Refuse ``text`` that is no str (``require_str``), or has no UTF-8 form: one holding an unpaired surrogate
    (from bytes decoded with "surrogateescape", or a JSON "\\udc80" escape). Keys, collections and queries travel
    as protobuf strings, which must be UTF-8, and the peer keeps keys as UTF-8 text, as Fabric's Go shim requires
    them."""
    require_str(text, what)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"{what} {excerpt(text)} is not valid UTF-8: it holds an unpaired surrogate; give "
                           f"it as Unicode text (decode bytes with errors='strict', or 'replace')") from None


def _validate_component(component: str, what: str) -> None:
    # one that is no str (bytes, None, an int) is the caller's to mend: refused as the stub refuses a key that is
    # no str, naming the argument, where a TypeError would reach the caller as an internal error
    validate_utf8(component, f"composite key {what}")
    if MIN_UNICODE_RUNE in component or MAX_UNICODE_RUNE in component:
        raise InvalidValue(f"composite key {what} {excerpt(component)} must not contain U+0000 or U+10FFFF")


def create_composite_key(object_type: str, attributes: list[str] | tuple[str, ...]) -> str:
    """Join ``object_type`` and ``attributes`` into one key (partial keys are prefixes of full ones)."""
    # A contract forms some 20-30 keys a transaction, nearly all valid: the joined key is checked whole, at
    # a third of the cost of checking each component, and only a key that fails is checked part by part,
    # which refuses it naming the component, as before.
    if isinstance(attributes, (list, tuple)):
        try:
            # "" first: the namespace (U+0000) is the delimiter the join puts before the object type
            key = MIN_UNICODE_RUNE.join(("", object_type, *attributes, ""))
        except TypeError:   # a component that is not a str: named below
            key = None
        if (key is not None and key.count(MIN_UNICODE_RUNE) == len(attributes) + 2
                and MAX_UNICODE_RUNE not in key and (key.isascii() or _has_utf8_form(key))):
            return key
    return _checked_composite_key(object_type, attributes)


def _has_utf8_form(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _checked_composite_key(object_type: str, attributes: list[str] | tuple[str, ...]) -> str:
    """``create_composite_key`` one component at a time: refuses the first bad one by name."""
    _validate_component(object_type, "object_type")
    # a str is iterable too: taken as is, "inv-7" would become the five attributes "i", "n", "v", "-", "7"
    if not isinstance(attributes, (list, tuple)):
        raise InvalidValue(f"composite key attributes must be a list or tuple of str, got {type(attributes).__name__}"
                           + (f" {excerpt(attributes)}: wrap a single attribute in a list"
                              if isinstance(attributes, str) else ": pass list(...) of them"))
    parts = [COMPOSITE_KEY_NAMESPACE, object_type, MIN_UNICODE_RUNE]
    for position, attribute in enumerate(attributes):
        _validate_component(attribute, f"attributes[{position}]")
        parts.append(attribute)
        parts.append(MIN_UNICODE_RUNE)
    return "".join(parts)


def split_composite_key(key: str) -> tuple[str, list[str]]:
    """Undo :func:`create_composite_key`: ``(object_type, attributes)``."""
    require_str(key, "composite key")   # a key read back as bytes would fail as a TypeError, an internal error
    if not key.startswith(COMPOSITE_KEY_NAMESPACE):
        raise InvalidValue(f"{excerpt(key)} is not a composite key")
    components = key[1:].split(MIN_UNICODE_RUNE)
    if components and components[-1] == "":
        components.pop()
    if not components:
        raise InvalidValue(f"{excerpt(key)} is not a composite key")
    return components[0], components[1:]


def partial_key_range(object_type: str, attributes: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """The start and end keys that cover every key with this prefix."""
    start = create_composite_key(object_type, attributes)
    return start, start + MAX_UNICODE_RUNE


def validate_bookmark(bookmark: str, start: str, end: str) -> None:
    """Refuse a non-empty ``bookmark`` outside [start, end) (``end`` "" is unbounded): the peer starts a page at the
    bookmark as given, so one from outside the range would read keys the query does not cover (composite keys, or
    another prefix's entries)."""
    validate_utf8(bookmark, "bookmark")
    if bookmark and not (start <= bookmark and (not end or bookmark < end)):
        raise InvalidValue(f"bookmark {excerpt(bookmark)} is not a key of this query's range: send \"\" for the "
                           "first page, then the bookmark a previous page of the same query returned")


def validate_simple_key(key: str) -> None:
    """Range queries take simple keys only: a key starting with U+0000 would reach composite keys."""
    validate_utf8(key, "range key")
    if key.startswith(COMPOSITE_KEY_NAMESPACE):
        raise InvalidValue(f"range key {excerpt(key)} starts with U+0000, which is reserved for composite keys")
