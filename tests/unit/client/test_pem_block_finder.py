"""client.pem.PemBlockFinder: the blocks the regular expressions it stands in for found, in one pass."""
from __future__ import annotations

import random
import re

import pytest

from client.pem import PemBlockFinder

# the expressions each form stands in for, as the identity and the key finder wrote them
ANYWHERE = re.compile(rb"-----BEGIN ([^\r\n-]*)-----(.*?)-----END \1-----", re.DOTALL)
UPPER_CASE_ANYWHERE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)
FORMS = {
    "anywhere": (ANYWHERE, PemBlockFinder(rb"[^\r\n-]*")),
    "upper-case labels anywhere": (UPPER_CASE_ANYWHERE, PemBlockFinder(rb"[A-Z0-9 ]+")),
}
# pieces of PEM cut and joined every way: labels of one word, of two, empty and with dashes, trailing blanks,
# END lines run together, CRLF and a last line without its newline
PIECES = [b"-----BEGIN ", b"-----END ", b"-----", b"-", b"A", b"B", b"A B", b"x", b" ", b"\t", b"\r", b"\n",
          b"Zm9v", b"=", b"\x00", b"-----BEGIN A-----\n", b"-----END A-----\n", b"-----END A-----",
          b"-----BEGIN A B-----", b"-----END A B-----", b"\n-----END B-----  \r\n", b"-----BEGIN B----- \t\n",
          b"-----BEGIN -----", b"-----END -----", b"-----BEGIN A-----B-----\n", b"\n-----END A-----B-----\n"]
EDGES = [
    b"",
    b"-----BEGIN A-----\nZm9v\n-----END A-----\n",
    b"-----BEGIN A-----x-----END B-----END A-----",           # an END line opened by another's closing dashes
    b"-----BEGIN A-----END A-----",                           # the END line inside the BEGIN line is none
    b"-----BEGIN A-----\n-----BEGIN A-----\nZm9v\n-----END A-----",
    b"-----BEGIN A-----\n-----END B-----\n-----END A-----\r\n-----BEGIN B-----\n-----END B-----",
    b"x-----BEGIN A-----\n\n-----END A-----\n",                # not at a line start
    b"-----BEGIN A-----B----- \n\n-----END A-----B-----\t\n",  # a label with dashes, blanks after the lines
    b"-----BEGIN -----\n\n-----END -----",                    # the empty label
    b"-----BEGIN A-----\n\n-----END A-----\r",                # a CR with no newline after the last END line
]


def _found(pattern_or_finder, data: bytes) -> list:
    return [(block.start(), block.end(), block.group(0), block.group(1), block.group(2))
            for block in pattern_or_finder.finditer(data)]


def _joined(count: int, seed: int) -> list[bytes]:
    pick = random.Random(seed)
    return [b"".join(pick.choice(PIECES) for _ in range(pick.randrange(1, 30))) for _ in range(count)]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_finds_the_blocks_its_expression_found(form):
    expression, finder = FORMS[form]
    inputs = EDGES + _joined(3000, seed=7468)
    assert sum(bool(_found(expression, data)) for data in inputs) > 300     # hundreds of the inputs hold blocks
    for data in inputs:
        assert _found(finder, data) == _found(expression, data), data
        assert finder.sub(b"#", data) == expression.sub(b"#", data), data
        assert (finder.sub(lambda block: block.group(1), data)
                == expression.sub(lambda block: block.group(1), data)), data


class _Counted:
    """A compiled pattern whose searches are written down: (position searched from, position found at)."""

    def __init__(self, pattern: re.Pattern):
        self.pattern, self.searches, self.passes = pattern, [], 0

    def search(self, data, at):
        found = self.pattern.search(data, at)
        self.searches.append((at, found.start() if found else len(data)))
        return found

    def finditer(self, data):
        self.passes += 1
        return self.pattern.finditer(data)


def test_begin_lines_no_end_line_closes_are_each_read_once():
    # a search for its END line from each BEGIN line to the end of the data took minutes for 20,000 of them
    finder = PemBlockFinder(rb"[^\r\n-]*")
    finder._begin, finder._end = begin, end = _Counted(finder._begin), _Counted(finder._end)
    unclosed = 1000
    data = b"-----BEGIN CERTIFICATE-----\n" * unclosed + b"-----BEGIN A-----\nZm9v\n-----END A-----\n"

    assert [block.label for block in finder.finditer(data)] == [b"A"]
    assert end.passes == 1
    assert len(begin.searches) == unclosed + 2       # each BEGIN line found once, then the end of the data
    # each search begins after the line the last one found: the data is read from start to end once
    assert all(after > found for (_, found), (after, _) in zip(begin.searches, begin.searches[1:]))


def test_a_block_shown_does_not_show_its_body():
    block, = PemBlockFinder(rb"[^\r\n-]*").finditer(b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----")
    assert block.body == b"\nc2VjcmV0\n"
    assert "c2VjcmV0" not in repr(block) and "PRIVATE KEY" in repr(block)
