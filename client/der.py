"""The tag and length of one DER element, read by hand where no ASN.1 library is wanted: what a signature, a key
file or OpenSSL's trust settings hold is only ever a few nested elements, and each reader here needs to say
itself what it makes of a malformed one.

:func:`der_element` is the one reader of an element's identifier and length octets. Its contract:

- It returns a :class:`DerElement`: the identifier octet (``tag``: class, constructed bit and a tag number below
  31 in one octet, 0x30 for a SEQUENCE), and where the content starts and ends (``data[start:end]``). It reads
  the header only: the content is not looked into.
- It reads within ``data[offset:limit]`` (``limit`` defaults to ``len(data)``) and raises :class:`DerError`, a
  ValueError whose ``reason`` is one of :class:`DerProblem`, when the element there is not a whole DER element:

  ``HEADER_CUT_SHORT``
      fewer than two octets (an identifier and a length octet) before ``limit``.
  ``MULTI_BYTE_TAG``
      a tag number of 31 or more, written over several octets: nothing read here has one.
  ``INDEFINITE_LENGTH``
      the length octet 0x80, BER's "until an end-of-contents marker", which DER has not.
  ``LENGTH_TOO_LONG``
      a long form of more than four length octets (0x85 and up; 0xFF is reserved): no element read here
      comes near 4 GiB.
  ``LENGTH_CUT_SHORT``
      fewer length octets before ``limit`` than the long form announces.
  ``NON_MINIMAL_LENGTH``
      a long form with a leading zero octet, or one for a length below 128, which the short form writes:
      refused unless ``minimal_length=False``, for a reader that follows a decoder taking them (OpenSSL's).
  ``PAST_THE_END``
      content running past ``limit``; the error's ``length`` and ``available`` say by how much.

:func:`oid_dotted` writes an OBJECT IDENTIFIER's content octets as dotted text; its caller checks them first.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

SEQUENCE = 0x30
_MOST_LENGTH_OCTETS = 4


class DerProblem(enum.Enum):
    """What keeps the octets at an offset from being a whole DER element (see the module's contract)."""

    HEADER_CUT_SHORT = "its tag and length are cut short"
    MULTI_BYTE_TAG = "its tag takes several octets"
    INDEFINITE_LENGTH = "its length is indefinite (0x80), which DER has not"
    LENGTH_TOO_LONG = f"its length takes more than {_MOST_LENGTH_OCTETS} octets"
    LENGTH_CUT_SHORT = "its length octets are cut short"
    NON_MINIMAL_LENGTH = "its length is not in its shortest form"
    PAST_THE_END = "its content runs past the end"


class DerError(ValueError):
    """The octets at ``offset`` are no whole DER element: ``reason`` says why; for ``PAST_THE_END``, ``length`` is
    the content length announced and ``available`` the octets left for it."""

    def __init__(self, reason: DerProblem, offset: int, length: int = 0, available: int = 0):
        detail = f" ({length} octets announced, {available} left)" if reason is DerProblem.PAST_THE_END else ""
        super().__init__(f"the DER element at octet {offset}: {reason.value}{detail}")
        self.reason, self.offset, self.length, self.available = reason, offset, length, available


@dataclass(frozen=True)
class DerElement:
    """One element's header as read: its identifier octet, and its content ``data[start:end]``."""

    tag: int
    start: int
    end: int


def der_element(data: bytes, offset: int = 0, limit: int | None = None, *,
                minimal_length: bool = True) -> DerElement:
    """The element at ``offset`` of ``data``, read within ``limit``; DerError saying why when there is none whole
    there (the module's docstring lists each case)."""
    limit = len(data) if limit is None else limit
    if offset + 2 > limit:
        raise DerError(DerProblem.HEADER_CUT_SHORT, offset)
    tag, length, start = data[offset], data[offset + 1], offset + 2
    if tag & 0x1F == 0x1F:
        raise DerError(DerProblem.MULTI_BYTE_TAG, offset)
    if length & 0x80:
        octets = length & 0x7F
        if octets == 0:
            raise DerError(DerProblem.INDEFINITE_LENGTH, offset)
        if octets > _MOST_LENGTH_OCTETS:
            raise DerError(DerProblem.LENGTH_TOO_LONG, offset)
        if start + octets > limit:
            raise DerError(DerProblem.LENGTH_CUT_SHORT, offset)
        length, start = int.from_bytes(data[start:start + octets], "big"), start + octets
        if minimal_length and (data[offset + 2] == 0 or length < 0x80):
            raise DerError(DerProblem.NON_MINIMAL_LENGTH, offset)
    if start + length > limit:
        raise DerError(DerProblem.PAST_THE_END, offset, length, limit - start)
    return DerElement(tag, start, start + length)


def oid_dotted(content: bytes) -> str:
    """An OBJECT IDENTIFIER's content octets (not empty, the last one ending an arc) as dotted text: 1.3.6.1.5.5.7.3.1
    for 2b 06 01 05 05 07 03 01."""
    arcs, value = [], 0
    for octet in content:
        value = value << 7 | octet & 0x7F
        if not octet & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)  # the first octets carry two arcs: 40 * first + second
    return ".".join(map(str, [first, arcs[0] - 40 * first, *arcs[1:]]))
