"""An id refused before sending (blank, holding a character no key or no id the contract makes holds) is shown as
every other refusal shows a value (``client.shown.shown_value``): cut short past 60 characters, with its start, end
and length. A 10,000-character one came back whole in the message, or its first 80 characters with nothing said
of the rest."""

from __future__ import annotations

import re

import pytest

from client.receivables import ArgumentRefused, record_id_problem

from .test_argument_types_and_empty_values import both_clients

SPACES = " " * 10_000
NUL_INSIDE = "9" * 5_000 + "\x00" + "9" * 5_000
SPACE_INSIDE = "R-" + "a" * 5_000 + " " + "a" * 5_000


@pytest.mark.parametrize("call, said", [
    (lambda c: c.get_party(SPACES), "uscc '" + " " * 39 + "..." + " " * 11 + "' (10000 characters) names nothing: "),
    (lambda c: c.get_party(NUL_INSIDE), "uscc '" + "9" * 39 + "..." + "9" * 11 + "' (10001 characters) holds '\\x00', "
                                        "which no id"),
    (lambda c: c.get_receivable(SPACE_INSIDE), "receivable_id 'R-" + "a" * 37 + "..." + "a" * 11
                                               + "' (10003 characters) holds ' ', which no receivable id holds"),
], ids=["blank", "nul", "space-inside"])
def test_a_long_id_refused_is_shown_cut_short(call, said):
    raised, contracts = both_clients(call)
    for error in raised:
        assert type(error) is ArgumentRefused
        assert re.match(re.escape(said), str(error)), str(error)
        assert len(str(error)) < 400
    assert [c.calls for c in contracts] == [[], []]


def test_the_rule_the_cli_shares_shows_it_cut_short_too():
    assert record_id_problem(SPACE_INSIDE, "receivable id").startswith("'R-" + "a" * 37 + "..." + "a" * 11
                                                                      + "' (10003 characters) holds ' '")


def test_a_long_text_that_is_no_fingerprint_is_shown_cut_short():
    """It came back as its first 80 characters, with nothing said of the rest."""
    raised, contracts = both_clients(lambda c: c.find_invoice("f" * 10_000))
    for error in raised:
        assert error.detail.startswith("'" + "f" * 39 + "..." + "f" * 11 + "' (10000 characters) is not an invoice "
                                       "fingerprint: give the invoice's 64 lower-case hex digits"), error.detail
    assert [c.calls for c in contracts] == [[], []]


@pytest.mark.parametrize("call, said", [
    (lambda c: c.transfer("R-00000000000000a1", "91320500MA1K00003D", 100, request_id="a" * 10_000),
     "request_id '" + "a" * 39 + "..." + "a" * 11 + "' (10000 characters): a request id is 1 to 128"),
    (lambda c: c.request("b" * 10_000), "request_id '" + "b" * 39 + "..." + "b" * 11 + "' (10000 characters): "),
    (lambda c: c.list_by_status("X" * 10_000), "status '" + "X" * 39 + "..." + "X" * 11 + "' (10000 characters) is "
                                               "not one of REGISTERED"),
    (lambda c: c.list_discount_offers("91310000MA1K000019", scope="y" * 10_000),
     "scope '" + "y" * 39 + "..." + "y" * 11 + "' (10000 characters) is not one of open, all"),
], ids=["request id sent", "request id asked", "status", "scope"])
def test_a_long_word_or_request_id_refused_is_shown_cut_short_saying_its_length(call, said):
    """A request id, a status or a scope the contract refuses was shown by its first 140 or 60 characters, with
    nothing said of the rest: as though that were all that was given."""
    raised, contracts = both_clients(call)
    for error in raised:
        assert said in str(error), str(error)
        assert len(str(error)) < 400
    assert [c.calls for c in contracts] == [[], []]
