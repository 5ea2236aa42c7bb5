"""The PEM blocks of a file, found in time that grows with its length, not with its BEGIN lines times its length.

A regular expression ``-----BEGIN (label)-----(.*?)-----END \\1-----`` searches from each BEGIN line to the end of
the data when no END line of its label follows: a file of thousands of BEGIN lines none closes (cut, or made so)
costs their number times its length, 20,000 of them minutes. :class:`PemBlockFinder` finds the same blocks as that
expression does, reading every END line once, before the BEGIN lines, and looking up the first END line of a BEGIN
line's label after it among those.

It reads ``-----BEGIN <label>-----``, the body, and the first ``-----END <label>-----`` after it, wherever each
stands, with a label that holds no dash. It reads as the compiled pattern it replaces does (``finditer``, ``sub``; a
block's ``group(0)`` is the block, ``group(1)`` its label and ``group(2)`` its body), so a reader written for the
pattern reads the same.

:func:`go_pem_decode` reads the first block as Go's ``pem.Decode`` returns it (a Fabric peer's MSP, configtxgen),
in time that grows with the length of the data too: lines at line starts, header lines, and a BEGIN line paired
with the first END line after it, of whatever label; where that END line is of another label or the body is not
base64, Go looks again for a BEGIN line just after the one it tried, so the second of two BEGIN lines opens the
block.
"""

from __future__ import annotations

import base64
import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class PemBlock:
    """One PEM block found in ``data``: ``data[start():end()]``, BEGIN line to END line."""

    data: bytes
    span: tuple[int, int]
    label_span: tuple[int, int]
    body_span: tuple[int, int]

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]

    @property
    def label(self) -> bytes:
        return self.data[slice(*self.label_span)]

    @property
    def body(self) -> bytes:
        """What lies between the BEGIN line and the END line."""
        return self.data[slice(*self.body_span)]

    def group(self, index: int = 0) -> bytes:
        """The block (0), its label (1) or its body (2), as the pattern's groups."""
        return (self.data[slice(*self.span)], self.label, self.body)[index]

    def __repr__(self) -> str:      # not the data: a block may hold a key
        return f"<PemBlock {self.label!r} at {self.span}>"


class PemBlockFinder:
    """The PEM blocks of data whose labels ``label`` (a regular expression of bytes) matches. ``label`` must match
    no dash, as a label holds none: the END line of a label is then where ``label`` stops at ``-----``, and no END
    line begins inside another."""

    def __init__(self, label: bytes):
        self._begin = re.compile(rb"-----BEGIN (?P<label>" + label + rb")-----")
        # the closing dashes of an END line are looked ahead for, not taken, so that an END line they open is found
        # too (-----END A-----END B-----)
        self._end = re.compile(rb"-----END (?P<label>" + label + rb")(?=(?P<close>-----))")

    def finditer(self, data: bytes) -> Iterator[PemBlock]:
        """Each block of ``data`` in order, as the pattern's ``finditer`` finds them: a BEGIN line no END line of
        its label follows is no block, and the search goes on after its first byte; after a block, at its end."""
        # where the END lines of each label begin, and where the closing dashes of each end
        end_lines: dict[bytes, tuple[list[int], list[int]]] = {}
        for end_line in self._end.finditer(data):
            starts, ends = end_lines.setdefault(end_line.group("label"), ([], []))
            starts.append(end_line.start())
            ends.append(end_line.end("close"))
        at = 0
        while (begin := self._begin.search(data, at)) is not None:
            starts, ends = end_lines.get(begin.group("label"), ((), ()))
            first_after = bisect.bisect_left(starts, begin.end())
            if first_after == len(starts):
                at = begin.start() + 1
                continue
            at = ends[first_after]
            yield PemBlock(data, (begin.start(), at), begin.span("label"), (begin.end(), starts[first_after]))

    def sub(self, replacement: bytes | Callable[[PemBlock], bytes], data: bytes) -> bytes:
        """``data`` with each block replaced by ``replacement``, or by what it returns for the block (bytes taken
        as they are: no group references)."""
        kept, after_last = [], 0
        for block in self.finditer(data):
            kept += [data[after_last:block.start()], replacement(block) if callable(replacement) else replacement]
            after_last = block.end()
        kept.append(data[after_last:])
        return b"".join(kept)


_GO_BEGIN, _GO_END, _GO_DASHES = b"-----BEGIN ", b"-----END ", b"-----"
# what a body Go's base64 decoding takes may hold: the alphabet, its padding, and the blanks and line ends Go drops
_GO_BODY_BYTES = re.compile(rb"[A-Za-z0-9+/= \t\r\n]*")
_GO_DROPPED = re.compile(rb"[ \t\r\n]+")
# Go's standard encoding: whole quantums of four, padding only to close the last (Python's own check lets padding
# follow a whole quantum)
_GO_BASE64 = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _go_line(data: bytes, at: int) -> tuple[int, int]:
    """Go's getLine of ``data`` from ``at``: where the line ends, a CR before its newline and spaces and tabs after
    it trimmed, and where the next line starts."""
    newline = data.find(b"\n", at)
    if newline < 0:
        end = after = len(data)
    else:
        after = newline + 1
        end = newline - 1 if newline > at and data[newline - 1] == ord("\r") else newline
    while end > at and data[end - 1] in b" \t":
        end -= 1
    return end, after


def go_pem_decode(data: bytes) -> tuple[PemBlock, bytes] | None:
    """The first PEM block of ``data`` as Go's ``pem.Decode`` returns it (a Fabric MSP's getPemMaterialFromDir and
    getCertFromPem, configtxgen), with its decoded bytes; None where Go finds none. Its label is any text the
    BEGIN line holds before its closing dashes; header lines (``Key: value``) may follow the BEGIN line and are left
    out of the body. A candidate BEGIN line (at the start of the data or of a line) is passed over when the first
    END line after it (and its headers) is not of its label or is followed by more than blanks on its line, or its
    body does not decode as standard padded base64; the search then goes on just after that BEGIN line and its
    headers. Time grows with the length of the data: the END lines are found once, and a body holding a byte base64
    cannot hold, as one holding the next BEGIN line does, is refused at that byte, before its END line is read."""
    end_lines = [found.start() for found in re.finditer(b"\n" + _GO_END, data)]    # where each one's newline is
    rest = 0
    while True:
        if data.startswith(_GO_BEGIN, rest):
            begin = rest
        elif (found := data.find(b"\n" + _GO_BEGIN, rest)) >= 0:
            begin = found + 1
        else:
            return None
        label_start = begin + len(_GO_BEGIN)
        line_end, rest = _go_line(data, label_start)
        if not data.endswith(_GO_DASHES, label_start, line_end):
            continue
        label = data[label_start:line_end - len(_GO_DASHES)]
        has_headers = False
        while True:
            if rest == len(data):
                return None
            header_end, after = _go_line(data, rest)
            if data.find(b":", rest, header_end) < 0:
                break
            has_headers, rest = True, after
        if not has_headers and data.startswith(_GO_END, rest):
            body_end, trailer = rest, rest + len(_GO_END)
        else:
            first_after = bisect.bisect_left(end_lines, rest)
            if first_after == len(end_lines):
                continue
            body_end = end_lines[first_after]
            trailer = body_end + 1 + len(_GO_END)
        # the body first: whichever check fails, the search goes on from the same place, and this one stops at the
        # next BEGIN line, where the END line's may read to the end of a line the BEGIN lines before it share
        if _GO_BODY_BYTES.match(data, rest, body_end).end() != body_end:
            continue
        close_end = trailer + len(label) + len(_GO_DASHES)
        if not data.startswith(label + _GO_DASHES, trailer) or _go_line(data, close_end)[0] != close_end:
            continue
        encoded = _GO_DROPPED.sub(b"", data[rest:body_end])
        if _GO_BASE64.fullmatch(encoded) is None:
            continue
        return PemBlock(data, (begin, _go_line(data, close_end)[1]), (label_start, label_start + len(label)),
                        (rest, body_end)), base64.b64decode(encoded)
