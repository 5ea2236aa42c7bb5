"""`recfin finance quote` on the ledger says, as `recfin risk score` does, which claims the contract could not
count in the debtor's payment record (``history_cut``): the grade the quote is priced on is not of them."""

from __future__ import annotations

import asyncio
import json

from ..receivables.test_payment_record_names_cut_claims import PLANTED, plant_confirmed_claim
from .test_finance_ledger import quote


def test_a_claim_the_contract_could_not_count_is_named_beside_the_quote(world):
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30))
    plant_confirmed_claim(net, other["id"], world.uscc("core"))
    result = quote(world, "--json")
    assert result.exit_code == 0, result.output
    assert (f"note: 1 claim of {world.uscc('core')} ({PLANTED}) is not in this score: the peer's history of "
            "each does not reach the write that created it") in result.stderr


def test_no_note_where_every_claim_was_counted(world):
    result = quote(world, "--json")
    assert result.exit_code == 0 and "not in this score" not in result.stderr


def test_the_quotes_json_names_the_claims_its_score_is_not_of(world):
    """A bank's system reads the quote's --json, not stderr: the score priced on is of some of the debtor's claims,
    and the quote says which it is not of, with `risk score --json`'s names and meanings."""
    net = world.net
    other = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 900_000, due_in=30))
    plant_confirmed_claim(net, other["id"], world.uscc("core"))
    result = quote(world, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["claims_not_counted"] == [PLANTED]
    assert data["claims_in_other_currencies"] == {}


def test_a_quote_on_a_grade_given_says_nothing_of_claims_it_did_not_read(world):
    data = json.loads(quote(world, "--grade", "B", "--json").stdout)
    assert data["claims_not_counted"] is None and data["claims_in_other_currencies"] is None
