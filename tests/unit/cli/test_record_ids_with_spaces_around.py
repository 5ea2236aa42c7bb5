"""A receivable id pasted with spaces around it (copied from a table's column) is refused before anything connects:
a usage error (exit 2) naming the id as given and saying to remove the spaces. No id the contract makes holds a
space (``chaincode.receivables.keys.new_id``: a prefix, ``-`` and 16 hex digits; a split's parts add ``.1`` or
``.2``, ``keys.child_id``), so sent as given it could only come back not-found, exit 1, as though the claim were not
there. So for the other ids the contract makes (a financing's, an offer's, a notice's)."""
import re

import pytest
from click.testing import CliRunner

from chaincode.receivables.keys import child_id, new_id
from cli.main import main

RID = "R-0123456789abcdef"
PADDED = [f" {RID}", f"{RID} ", f"  {RID}\t", f"{RID}.1 "]


def test_no_id_the_contract_makes_holds_a_space():
    made = new_id("R", "any transaction id, spaces and all")
    assert re.fullmatch(r"R-[0-9a-f]{16}", made)
    assert child_id(child_id(made, 2), 1) == f"{made}.2.1"


RECEIVABLE_ID_COMMANDS = [
    (["receivable", "get", "{}"], "RECEIVABLE_ID"),
    (["receivable", "history", "{}"], "RECEIVABLE_ID"),
    (["receivable", "provenance", "{}"], "RECEIVABLE_ID"),
    (["receivable", "audit", "{}"], "RECEIVABLE_ID"),
    (["receivable", "confirm", "{}"], "RECEIVABLE_ID"),
    (["receivable", "transfer", "{}", "--to", "91320500MA1K00003D", "--amount", "100"], "RECEIVABLE_ID"),
    (["receivable", "pay", "{}", "--amount", "100"], "RECEIVABLE_ID"),
    (["receivable", "overdue", "{}"], "RECEIVABLE_ID"),
    (["regulator", "freeze", "{}", "--order", "ORD-1"], "RECEIVABLE_ID"),
    (["finance", "compare", "{}"], "RECEIVABLE"),
    (["discount", "accept", "D-0123456789abcdef", "{}", "--yes"], "RECEIVABLE_ID"),
    (["discount", "publish", "--apr", "0.05", "--expires", "2099-12-31", "--receivable", "{}"], "--receivable"),
]

OTHER_ID_COMMANDS = [
    (["finance", "get", "{}"], "FINANCING_ID"),
    (["finance", "terms", "{}"], "OFFER_ID"),
    (["finance", "notice", "{}"], "NOTICE_ID"),
    (["discount", "get", "{}"], "OFFER_ID"),
]


def with_id(command: list[str], record_id: str) -> list[str]:
    """``command`` with ``record_id`` in its "{}" place."""
    return [record_id if word == "{}" else word for word in command]


@pytest.mark.parametrize("padded", PADDED, ids=repr)
@pytest.mark.parametrize("command, argument", RECEIVABLE_ID_COMMANDS, ids=lambda c: " ".join(c[:2])
                         if isinstance(c, list) else c)
def test_a_receivable_id_with_spaces_around_it_is_a_usage_error_before_connecting(ledger_sessions, command,
                                                                                  argument, padded):
    res = CliRunner().invoke(main, with_id(command, padded) + ["--json"])
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{argument}': {padded!r} has spaces around it" in res.stderr, res.output
    assert f"remove them: {padded.strip()!r}\n" in res.stderr, res.output
    assert res.stdout == ""
    assert ledger_sessions == []


@pytest.mark.parametrize("command, argument", OTHER_ID_COMMANDS)
def test_so_is_any_other_id_the_contract_makes(ledger_sessions, command, argument):
    res = CliRunner().invoke(main, with_id(command, " X-0123456789abcdef"))
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{argument}': ' X-0123456789abcdef' has spaces around it" in res.stderr
    assert ledger_sessions == []


def test_an_id_as_the_contract_makes_it_is_sent_as_given(ledger_sessions):
    res = CliRunner().invoke(main, ["receivable", "get", f"{RID}.1"])
    assert res.exit_code == 1 and ledger_sessions == [("supplier", None)], res.output


INSIDE = ["R-01234 56789abcdef", "R-0123456789abcdef .1", "R-0123456789abcdef\u200b", "R-0123456789abcdef\n.1",
          "R_0123456789abcdef"]


@pytest.mark.parametrize("broken", INSIDE, ids=repr)
@pytest.mark.parametrize("command, argument", RECEIVABLE_ID_COMMANDS, ids=lambda c: " ".join(c[:2])
                         if isinstance(c, list) else c)
def test_a_receivable_id_holding_what_no_id_holds_is_a_usage_error_before_connecting(ledger_sessions, command,
                                                                                    argument, broken):
    """A space inside (an id retyped from print, or two words of a line pasted), an invisible character, or any
    other than the letters, digits, '-' and '.' ``keys.new_id`` and ``keys.child_id`` write: no record has such an
    id, and sent it came back not-found, exit 1, as though the claim were not there."""
    res = CliRunner().invoke(main, with_id(command, broken) + ["--json"])
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{argument}': {broken!r} holds " in res.stderr, res.output
    assert "16 hex digits" in res.stderr, res.output
    assert res.stdout == ""
    assert ledger_sessions == []


@pytest.mark.parametrize("command, argument", OTHER_ID_COMMANDS)
def test_so_is_any_other_id_holding_a_space(ledger_sessions, command, argument):
    res = CliRunner().invoke(main, with_id(command, "F-01234 56789abcdef"))
    assert res.exit_code == 2, res.output
    assert (f"Invalid value for '{argument}': 'F-01234 56789abcdef' holds ' ', which no "
            f"{argument.lower().replace('_', ' ')} holds") in res.stderr, res.output
    assert ledger_sessions == []


def test_the_parts_of_a_split_claim_are_sent_as_given(ledger_sessions):
    res = CliRunner().invoke(main, ["receivable", "get", f"{RID}.2.1"])
    assert res.exit_code == 1 and ledger_sessions == [("supplier", None)], res.output
