"""The PEM blocks of a file, found in time that grows with its length, not with its BEGIN lines times its length.

A regular expression ``-----BEGIN (label)-----(.*?)-----END \\1-----`` searches from each BEGIN line to the end of
the data when no END line of its label follows: a file of thousands of BEGIN lines none closes (cut, or made so)
costs their number times its length, 20,000 of them minutes. :class:`PemBlockFinder` finds the same blocks as that
expression does, reading every END line once, before the BEGIN lines, and looking up the first END line of a BEGIN
line's label after it among those.

It reads the blocks in one of two forms:

- anywhere in the data (the default): ``-----BEGIN <label>-----``, the body, and the first ``-----END <label>-----``
  after it, wherever each stands, with a label that holds no dash;
- at the starts of lines (``at_line_starts=True``), as Go's ``pem.Decode`` (a Fabric peer's, configtxgen's) finds
  them: the BEGIN line at the start of the data or of a line and ended by a newline, the END line at the start of a
  line and ended by a newline or the end of the data, each line ending in nothing else but spaces and tabs (Go
  trims them).

The finder reads as the compiled pattern it replaces does (``finditer``, ``sub``; a block's ``group(0)`` is the
block, ``group(1)`` its label and ``group(2)`` its body), so a reader written for the pattern reads the same.
"""

from __future__ import annotations

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
    """The PEM blocks of data whose labels ``label`` (a regular expression of bytes) matches, in one of the two
    forms the module names. Anywhere in the data, ``label`` must match no dash, as a label holds none: the END
    line of a label is then where ``label`` stops at ``-----``, and no END line begins inside another."""

    def __init__(self, label: bytes, *, at_line_starts: bool = False):
        # the closing dashes of an END line are looked ahead for, not taken, so that an END line they open is found
        # too (-----END A-----END B-----)
        if at_line_starts:
            # ^ (MULTILINE): at the start of the data or after a newline, found faster than the lookbehind that says so
            self._begin = re.compile(rb"^-----BEGIN (?P<label>" + label + rb")-----[ \t]*\r?\n", re.MULTILINE)
            self._end = re.compile(rb"(?<=\n)-----END (?P<label>" + label + rb")(?=(?P<close>-----[ \t]*(?:\r?\n|\Z)))")
        else:
            self._begin = re.compile(rb"-----BEGIN (?P<label>" + label + rb")-----")
            self._end = re.compile(rb"-----END (?P<label>" + label + rb")(?=(?P<close>-----))")

    def finditer(self, data: bytes) -> Iterator[PemBlock]:
        """Each block of ``data`` in order, as the pattern's ``finditer`` finds them: a BEGIN line no END line of
        its label follows is no block, and the search goes on after its first byte; after a block, at its end."""
        # where the END lines of each label begin, and where each (its closing dashes, and in lines its newline) ends
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
