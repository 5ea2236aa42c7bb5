"""`recfin finance compare` on a bank offer an earlier contract version made with its expiry in clear: the contract
holds the offer to the earlier of that public expiry and the private one in its terms (``Offer.expiry``), so compare
does too. It read the private expiry alone, and showed as takeable an offer AcceptFinancingOffer refuses."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing.ledger import proposal_inputs_from_ledger
from client.receivables import RuleViolation

from ..receivables.support import transient_terms


def _offer_with_public_expiry(world, private: int, public: int) -> str:
    """The bank's offer on the world's request, expiring ``private`` days from today by its terms, with the public
    expiry a contract before the expiry became private wrote on its record, ``public`` days from today."""
    net = world.net
    offer = asyncio.run(net.ok(net.actors["bank"], "MakeFinancingOffer", world.financing,
                               transient=transient_terms(expires_on=net.day(private))))
    key = net._key("recfin.offer", offer["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]),
                                        "expires_on": net.day(public)}).encode()
    return offer["id"]


def test_an_offer_past_its_public_expiry_is_not_eligible_as_the_contract_refuses_it(world):
    offer = _offer_with_public_expiry(world, private=30, public=1)
    public_expiry = world.net.day(1)
    world.net.advance(2)
    with pytest.raises(RuleViolation) as refused:
        world.client("tier1").accept_offer(offer)
    assert refused.value.rule == "offer-expired"
    result = CliRunner().invoke(finance, ["compare", world.receivable, "--as", "tier1", "--json"])
    assert result.exit_code == 0, result.output
    [shown] = json.loads(result.stdout)["proposals"]
    assert (shown["offer_id"], shown["eligible"], shown["takeable_now"]) == (offer, False, False)
    assert shown["why"] == f"not eligible: expired on {public_expiry} (rule offer-expired)"


def test_the_offer_compared_expires_on_the_earlier_of_the_two(world):
    offer = _offer_with_public_expiry(world, private=30, public=5)
    [read] = proposal_inputs_from_ledger(world.client("tier1"), world.receivable).bank_offers
    assert (read.offer_id, read.expires_on.isoformat()) == (offer, world.net.day(5))


def test_a_later_public_expiry_does_not_extend_the_private_one(world):
    _offer_with_public_expiry(world, private=3, public=40)
    [read] = proposal_inputs_from_ledger(world.client("tier1"), world.receivable).bank_offers
    assert read.expires_on.isoformat() == world.net.day(3)
