"""How an error message shows a value the caller gave: typed, held by a file (an invoice, an ERP export), or held by
a document the ledger answered (an event's payload).

:func:`shown_value` is the one format: text in quotes as ``repr()`` writes it, so where it begins and ends shows
and a line break or any other character that does not print is escaped onto the message's one line; any other
value as JSON spells it (``true``, ``null``, ``[1, "a"]``), as the file or the payload wrote it, never as Python
does (``True``, ``None``), which the caller's document holds nowhere; and cut short, keeping its start and end and
saying its length, so a 100,000-character value does not come back whole.

There are two such helpers. The contract quotes a value it refuses with its own,
``chaincode.receivables.errors.shown``, in the same spelling (text quoted, JSON values as JSON writes them, cut
short): the chaincode package is deployed without client/ and must not import it, and what it writes is the
contract's answer, which changes with a chaincode upgrade, never with an SDK release. So the SDK's messages are
written here, the contract's there.

``client.user_files.on_one_line`` is for something else: text a line prints as itself (a name in a table, a path),
quoted only when it would otherwise break the line. A value a message says is wrong is shown here, quoted always.
A YAML file's messages name a key or a number by its spelling in the file, unquoted (``client.yaml_files``): that
spelling is text whatever it holds, and quotes would say the file quoted it.
"""

from __future__ import annotations

import json
import sys

# the longest a value is shown whole in a message; past it, its first CUT_START and last CUT_END characters and its
# length, unless that is no shorter (a value written in up to 71 characters, a plain text of up to 69, is whole)
SHOWN_LENGTH = 60
CUT_START = 40
CUT_END = 12


def shown_value(value: object) -> str:
    """``value`` for an error message: text in quotes (``repr()``), anything else as JSON spells it
    (:func:`json_spelled`), each character that does not print escaped; past :data:`SHOWN_LENGTH` characters, its
    start and end and how many characters it has (``'abc...xyz' (5000 characters)``) where that is shorter."""
    if isinstance(value, str):
        text, length = repr(value), len(value)
    else:
        written = json_spelled(value)
        text, length = printable_json(written), len(written)
    if len(text) <= SHOWN_LENGTH:
        return text
    cut = f"{text[:CUT_START]}...{text[-CUT_END:]} ({length} characters)"
    return cut if len(cut) < len(text) else text


def printable_json(text: str) -> str:
    """JSON text with each character that does not print as itself (a line or paragraph separator, a right-to-left
    override, a zero-width space) escaped as JSON escapes it (``\\u2028``): outside a string JSON's text holds none,
    and inside one it would break the message's line or reorder it, as ``repr()`` escapes it in a text on its own."""
    return "".join(c if c.isprintable() else json.dumps(c)[1:-1] for c in text)


# An integer of at most this many bits has at most 603 decimal digits, within Python's limit on the digits it writes
# (4300 unless set lower, to no less than 640): only a longer one is tried
_BITS_ALWAYS_WRITTEN = 2000


def past_the_digit_limit(number: int) -> bool:
    """Whether ``number`` has more decimal digits than Python writes (its int string conversion limit,
    ``sys.get_int_max_str_digits()``): ``str()`` of it raises a bare ValueError, so a message naming it fails
    unless it is told apart first. YAML reads one from hex or binary digits past the limit; a caller may pass one."""
    if number.bit_length() <= _BITS_ALWAYS_WRITTEN:
        return False
    try:
        str(number)
    except ValueError:
        return True
    return False


class _Written(str):
    """Text :func:`json_spelled` writes as it is (brackets, commas, a key already quoted)."""


def json_spelled(value: object, limit: int | None = None) -> str:
    """A value decoded from JSON written as JSON spells it: ``true``, ``false``, ``null``, a string in double
    quotes, a number as the file wrote it (a Decimal's own digits: ``1.50``, not the string ``"1.50"``), arrays and
    objects of these. A message naming a value the file gave shows it so, never as Python does (``True``, ``None``,
    ``{'a': None}``), which the file holds nowhere. With ``limit``, the text stops soon after that many characters
    (the caller cuts it): a value may be nested as deep as the decoder allows, which no recursion would walk, or
    hold thousands of items no message shows."""
    pieces: list[str] = []
    length = 0
    pending: list[object] = [value]
    while pending and (limit is None or length <= limit):
        node = pending.pop()
        if isinstance(node, _Written):
            piece = str(node)
        elif node is None or isinstance(node, bool):
            piece = {None: "null", True: "true", False: "false"}[node]
        elif isinstance(node, str):
            piece = json.dumps(node, ensure_ascii=False)
        elif isinstance(node, (list, tuple)):
            inner: list[object] = []
            for i, item in enumerate(node):
                inner.extend(([_Written(", ")] if i else []) + [item])
            pending.extend(reversed([_Written("["), *inner, _Written("]")]))
            continue
        elif isinstance(node, dict):
            inner = []
            for i, (key, item) in enumerate(node.items()):
                inner.extend(([_Written(", ")] if i else []) + [_Written(json.dumps(str(key), ensure_ascii=False)
                                                                         + ": "), item])
            pending.extend(reversed([_Written("{"), *inner, _Written("}")]))
            continue
        elif isinstance(node, int) and past_the_digit_limit(node):
            piece = f"(an integer of over {sys.get_int_max_str_digits()} digits)"
        else:
            piece = str(node)   # a number: an int, a Decimal as written, a float
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)
