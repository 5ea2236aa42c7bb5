"""client.pem.go_pem_decode: the first PEM block as Go's encoding/pem Decode returns it (its label, its decoded
bytes, where what it leaves begins), each answer below the one Go gave for the same bytes."""
from __future__ import annotations

import pytest

from client.pem import go_pem_decode

CASES = [
    (b"-----BEGIN A-----\nQUJD\n-----END A-----\n", (b"A", b"ABC", 39)),
    # a BEGIN line whose body holds the next BEGIN line is passed over, and the search goes on just after it
    (b"-----BEGIN A-----\n-----BEGIN A-----\nQUJD\n-----END A-----\n", (b"A", b"ABC", 57)),
    (b"-----BEGIN A-----\nnot base64!\n-----END A-----\n-----BEGIN B-----\nQUJD\n-----END B-----\n", (b"B", b"ABC", 85)),
    # the first END line after a BEGIN line closes it, whatever its label: one of another label passes it over
    (b"-----BEGIN A-----\nQUJD\n-----END B-----\n-----BEGIN B-----\nRUZH\n-----END B-----\n", (b"B", b"EFG", 78)),
    (b"-----BEGIN A-----\nQUJD\n-----END B-----\nQUJD\n-----END A-----\n", None),
    # headers: the Key: value lines right after the BEGIN line, and a newline between them and the END line
    (b"-----BEGIN A-----\nProc-Type: 4,CRL\nDEK-Info: x\n\nQUJD\n-----END A-----\n", (b"A", b"ABC", 69)),
    (b"-----BEGIN A-----\nProc-Type: 4\n-----END A-----\n", None),
    (b"-----BEGIN A-----\nQUJD\nk: v\n-----END A-----\n", None),
    (b"-----BEGIN A-----\n-----END A-----\n", (b"A", b"", 34)),
    (b"-----BEGIN A-----\nQU\nJD\n-----END A-----\n", (b"A", b"ABC", 40)),
    # the body: spaces, tabs and line ends dropped, nothing else; standard base64 padded to whole quantums
    (b"-----BEGIN A-----\nQUJD\x0c\n-----END A-----\n", None),
    (b"-----BEGIN A-----\nQUJD==\n-----END A-----\n", None),
    (b"-----BEGIN A-----\nQUI=QUI=\n-----END A-----\n", None),
    (b"-----BEGIN A-----\nQR==\n-----END A-----\n", (b"A", b"A", 39)),
    # the lines: a label with dashes, CRLF, spaces and tabs after them; nothing else after an END line
    (b"-----BEGIN A-----B----- \r\n QU JD\t\r\n-----END A-----B-----\t\r\n", (b"A-----B", b"ABC", 59)),
    (b"-----BEGIN A-----\nQUJD\n-----END A----- x\n-----END A-----\n", None),
    (b"x-----BEGIN A-----\nQUJD\n-----END A-----\n", None),
    (b"-----BEGIN A-----\nQUJD\n-----END A-----", (b"A", b"ABC", 38)),
    (b"-----BEGIN A-----\nQUJD\n-----END A-----\r", None),
]


@pytest.mark.parametrize("data, expected", CASES)
def test_the_block_go_decodes_first(data, expected):
    found = go_pem_decode(data)
    assert (None if found is None else (found[0].label, found[1], found[0].end())) == expected


def test_of_a_hundred_thousand_begin_lines_sharing_one_end_line_the_last_opens_the_block():
    # every BEGIN line's body runs to the one END line: trying each in turn costs their number times the length of
    # the data, while the last BEGIN line before the END line is the one found
    data = b"-----BEGIN A-----\n" * 100_000 + b"QUJD\n-----END A-----\n"
    block, decoded = go_pem_decode(data)
    assert (block.start(), decoded) == (len(data) - 39, b"ABC")


def test_begin_lines_sharing_an_end_line_with_a_long_tail_of_blanks_are_passed_over_before_it_is_read():
    # the END line's blanks, read (and trimmed) for each BEGIN line tried, made 400 such lines before 100,000 blanks
    # take three seconds, as many as here some minutes
    data = b"-----BEGIN A-----\n" * 20_000 + b"-----END A-----" + b" " * 200_000 + b"\n"
    block, decoded = go_pem_decode(data)
    assert (block.start(), block.end(), decoded) == (18 * 19_999, len(data), b"")


# Go 1.24.8 and 1.25.2 changed pem.Decode (the Fabric tools are built with a later Go): it takes the first END line
# and the last BEGIN line before it, and after a pair it passes over reads on at the next END line, not just after
# the BEGIN line it tried; each answer below is the one Go 1.26 gave
@pytest.mark.parametrize("data, expected", [
    # a BEGIN line within header lines is the last before the END line, and is not at a line start
    (b"-----BEGIN A-----\nk: x-----BEGIN y\nQUJD\n-----END A-----\n", None),
    # a header line that is the END line ends the search; headers right before it pass the pair over
    (b"-----BEGIN A-----\n-----END B:-----\nQUJD\n-----END A-----\n", None),
    (b"-----BEGIN -----\nk: v\n-----END A-----\n-----BEGIN A-----\nQUJD\n-----END A-----\n", (b"A", b"ABC", 77)),
    # the search after a pair passed over goes on where that pair's END line's "-----END " stops
    (b"x\n-----END -----BEGIN A-----\nQUJD\n-----END A-----\n", (b"A", b"ABC", 50)),
])
def test_the_block_go_decodes_first_since_it_reads_on_at_the_next_end_line(data, expected):
    found = go_pem_decode(data)
    assert (None if found is None else (found[0].label, found[1], found[0].end())) == expected
