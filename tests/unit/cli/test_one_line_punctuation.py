"""A gateway error of several lines, each a sentence that ends in a full stop, is printed as one line that reads
as sentences: joined by "; " after the stop, it said "...cannot apply it twice.; is the network up?"."""

from __future__ import annotations

import grpc

from client.gateway import EndorseError
from cli import connection
from cli.output import joined_lines


def test_lines_that_end_a_sentence_are_joined_as_sentences_and_the_others_by_a_semicolon():
    assert joined_lines("The peer refused it.\nIt changed nothing.") == "The peer refused it. It changed nothing."
    assert joined_lines("refused\n  - chaincode said no") == "refused; - chaincode said no"
    assert joined_lines("  \nrefused\n\n") == "refused"


def test_an_unreachable_network_hint_follows_the_gateway_s_sentences_without_a_stray_stop():
    error = EndorseError("failed to connect to all addresses.", transaction_id="tx1",
                         code=grpc.StatusCode.UNAVAILABLE)
    line = connection.describe(error)
    assert ".;" not in line, line
    assert line == ("[tx tx1] UNAVAILABLE: failed to connect to all addresses. It changed nothing: it reached no "
                    "orderer, so sending it anew cannot apply it twice; is the network up? `recfin network status` "
                    "shows its nodes"), line
