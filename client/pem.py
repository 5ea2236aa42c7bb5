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
in time that grows with the length of the data too: the first END line, of whatever label, paired with the last
BEGIN line before it, header lines after that; where the END line is of another label or the body is not base64,
Go goes on to the next END line, so the last of repeated BEGIN lines opens the block.

:data:`PEM_BLOCKS` finds the blocks of any label, :data:`CERTIFICATE_LABELS` are the labels a certificate is
written under, :data:`UTF8_BOM` the mark that hides a file's first block, and :data:`PADDING` the bytes around the
blocks that hide nothing: the pieces the SDK's identity, client certificate and TLS roots readers share.
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


# The blocks of a PEM file under any label without a dash or a line end, each up to the END line of its own label:
# what the SDK's identity, client certificate and TLS roots readers look through.
PEM_BLOCKS = PemBlockFinder(rb"[^\r\n-]*")
# the labels a certificate is written under (RFC 7468 section 5.1 names the second a legacy one); both are read alike
CERTIFICATE_LABELS = frozenset({"CERTIFICATE", "X509 CERTIFICATE"})
# A file that begins with it hides its first block from a peer (Go's pem.Decode) and from gRPC, which both find a
# block only at the start of a line.
UTF8_BOM = b"\xef\xbb\xbf"
# What may stand outside a file's PEM blocks and hides nothing: blanks, and the NULs and Ctrl-Z editors and copies
# leave after the blocks, which a peer passes over.
PADDING = b" \t\r\n\x0b\x0c\x00\x1a"


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
    """The first PEM block of ``data`` as Go's ``pem.Decode`` returns it (Go 1.24.8, 1.25.2 and later, which the
    Fabric tools are built with: a Fabric MSP's getPemMaterialFromDir and getCertFromPem, configtxgen), with its
    decoded bytes; None where Go finds none. Go takes the END lines in order, and for each the last BEGIN line
    before it (at a line start, or right where the last END line it tried left off), so of repeated BEGIN lines
    the last opens the block. Its label is any text that BEGIN line holds before its closing dashes; header lines
    (``Key: value``) may follow it, left out of the body. The pair is passed over when the END line is not of its
    label or is followed by more than blanks on its line, or the body does not decode as standard padded base64;
    the search then goes on after that END line's ``-----END ``. Time grows with the length of the data: each
    END line is searched for once, each BEGIN line backwards from it once, and a run of header lines read once."""
    searched_from = 0
    header_run: tuple[int, int] = (-1, -1)      # the last run of header lines read: where it starts and ends
    while (end_newline := data.find(b"\n" + _GO_END, searched_from)) >= 0:
        trailer = end_newline + 1 + len(_GO_END)
        begin = data.rfind(_GO_BEGIN, searched_from, end_newline)
        at_line_start = begin == searched_from or (begin > 0 and data[begin - 1] == ord("\n"))
        searched_from = trailer
        if begin < 0 or not at_line_start:
            continue
        label_start = begin + len(_GO_BEGIN)
        line_end, body_start = _go_line(data, label_start)
        if not data.endswith(_GO_DASHES, label_start, line_end):
            continue
        label = data[label_start:line_end - len(_GO_DASHES)]
        if header_run[0] <= body_start <= header_run[1]:
            headers_end = header_run[1]       # a later line of a run already read: it ends where it did
        else:
            headers_end = body_start
            while headers_end < len(data) and data.find(b":", headers_end, _go_line(data, headers_end)[0]) >= 0:
                headers_end = _go_line(data, headers_end)[1]
            header_run = (body_start, headers_end)
        if headers_end == len(data):
            return None
        has_headers = headers_end > body_start
        body_start = headers_end
        if has_headers and body_start > end_newline:
            # headers right before the END line pass the pair over; a header line that is the END line ends the search
            if body_start > trailer:
                return None
            continue
        close_end = trailer + len(label) + len(_GO_DASHES)
        if not data.startswith(label + _GO_DASHES, trailer) or _go_line(data, close_end)[0] != close_end:
            continue
        body_end = max(body_start, end_newline)
        encoded = _GO_DROPPED.sub(b"", data[body_start:body_end])
        if _GO_BODY_BYTES.fullmatch(data, body_start, body_end) is None or _GO_BASE64.fullmatch(encoded) is None:
            continue
        return PemBlock(data, (begin, _go_line(data, close_end)[1]), (label_start, label_start + len(label)),
                        (body_start, body_end)), base64.b64decode(encoded)
    return None
