"""`recfin finance compare R` on the ledger, where this peer does not hold one bank offer's private terms yet
(``GetOfferTerms`` answers not-found: the peer missed their dissemination and has not reconciled): the other offers
are compared, and the one left out is named with why and what to do, in the table's output and in --json, as a
partial answer that exits 0 (docs/cli.md: ``finance get`` says so of such terms the same way). Before, the whole
comparison failed on that one offer."""

from __future__ import annotations

import asyncio
import json

from click.testing import CliRunner

from chaincode.receivables import keys
from cli.finance_commands import finance
from client.pricing.ledger import proposal_inputs_from_ledger

from ..receivables.support import transient_terms
from .ledger_world import a_claim_with_two_offers


def _two_offers_one_whose_terms_this_peer_lacks(world) -> tuple[str, str, str]:
    """A claim of tier1's with a request and two banks' offers on it, this peer holding the private terms of the
    second only: the claim, the offer compared and the one whose terms are missing."""
    net = world.net
    claim, missing, kept = a_claim_with_two_offers(net)
    terms_key = net._key(keys.TERMS, missing["id"])
    held = [collection for collection in net.ledger.private_state.values() if terms_key in collection]
    assert held, "the offer's terms were not found where the test removes them from"
    for collection in held:
        del collection[terms_key]
    return claim, kept["id"], missing["id"]


def test_compare_ranks_the_other_offers_and_names_the_one_whose_terms_are_not_here(world):
    claim, kept, missing = _two_offers_one_whose_terms_this_peer_lacks(world)
    shown = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.net.today])
    assert shown.exit_code == 0, shown.output
    assert kept in shown.stdout
    [said] = [line for line in shown.stdout.splitlines() if missing in line]
    assert said.startswith("note:") and "not on this peer" in said and "ask again shortly" in said, said


def test_compares_json_names_the_offer_not_compared(world):
    claim, kept, missing = _two_offers_one_whose_terms_this_peer_lacks(world)
    shown = CliRunner().invoke(finance, ["compare", claim, "--as", "tier1", "--on", world.net.today, "--json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert [p["offer_id"] for p in document["proposals"] if p["offer_id"].startswith("O-")] == [kept]
    [left_out] = document["terms_not_on_this_peer"]
    assert left_out["offer_id"] == missing and "ask again shortly" in left_out["why"]
    assert missing in shown.stderr


def test_the_sdks_gathering_hands_the_offer_to_a_caller_that_asks(world):
    claim, kept, missing = _two_offers_one_whose_terms_this_peer_lacks(world)
    not_here: list = []
    inputs = proposal_inputs_from_ledger(world.client("tier1"), claim, terms_not_on_this_peer=not_here)
    assert [o.offer_id for o in inputs.bank_offers] == [kept]
    assert [each.offer_id for each in not_here] == [missing]


def test_a_request_whose_only_offers_terms_are_not_here_is_not_said_to_have_no_offers(world):
    """The fixture's claim has a request with one bank's offer, whose terms this peer lacks: nothing is ranked, and
    the output does not say the claim has no open offers."""
    net = world.net
    offer = asyncio.run(net.ok(net.actors["bank"], "MakeFinancingOffer", world.financing,
                               transient=transient_terms()))
    terms_key = net._key(keys.TERMS, offer["id"])
    for collection in net.ledger.private_state.values():
        collection.pop(terms_key, None)
    shown = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--on", world.today])
    assert shown.exit_code == 0, shown.output
    assert "no open offers on it" not in shown.stdout
    assert "no open offer on it could be compared on this peer" in shown.stdout
    assert any(line.startswith(f"note: offer {offer['id']}") for line in shown.stdout.splitlines()), shown.stdout
