"""GetDiscountOffer with a receivable: the holder of a part reads the offer listing the claim it was split from,
shown as ListDiscountOffers by that part shows it; an offer not covering the receivable, or a receivable the
caller may not read, is refused; without one, the read is what it was."""

from __future__ import annotations

import pytest

from client.receivables import ReceivablesClient

from ..receivables_client import fakes
from ..receivables_client.fakes import FakeContract
from .support import standard_net
from .test_discount_offer_covers_split_parts import _offer_on_a_claim_then_split   # R, its offer, R.1 tier2's


async def test_the_holder_of_a_part_reads_the_offer_listing_the_claim_it_was_split_from_by_giving_the_part():
    net = await standard_net()
    tier2 = net.actors["tier2"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    seen = await net.ok(tier2, "GetDiscountOffer", offer, claim + ".1", evaluate=True)
    listed = await net.ok(tier2, "ListDiscountOffers", "", claim + ".1", "10", "", "open", evaluate=True)
    assert seen["receivable_ids"] == [claim] and listed["records"] == [seen]   # as the list by the part shows it
    # without the part, as before: tier2 may not read R, and the offer lists nothing else
    message = await net.refused(tier2, "GetDiscountOffer", offer, evaluate=True, rule="not-permitted-to-read")
    assert "giving the part it holds" in message


async def test_an_offer_that_does_not_cover_the_receivable_given_is_refused_by_the_rule_acceptance_applies():
    net = await standard_net()
    tier2, core, core2 = (net.actors[k] for k in ("tier2", "core", "core2"))
    offer, claim = await _offer_on_a_claim_then_split(net)
    own = await net.confirmed(tier2, core, 5_000, due_in=60)            # core's too, but not listed
    elsewhere = await net.confirmed(tier2, core2, 5_000, due_in=60)     # another debtor's
    for receivable in (own["id"], elsewhere["id"]):
        message = await net.refused(tier2, "GetDiscountOffer", offer, receivable, evaluate=True,
                                    rule="discount-offer-not-for-receivable")
        assert f"does not cover {receivable}" in message and claim not in message   # the listed claim unnamed
        await net.refused(tier2, "AcceptDiscountOffer", offer, receivable, rule="discount-offer-not-for-receivable")
    # an offer on all core's payables covers them all, whichever receivable is given
    general = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    assert (await net.ok(tier2, "GetDiscountOffer", general["id"], own["id"], evaluate=True))["receivable_ids"] == []
    await net.refused(tier2, "GetDiscountOffer", general["id"], elsewhere["id"], evaluate=True,
                      rule="discount-offer-not-for-receivable")


async def test_a_receivable_the_caller_may_not_read_is_refused_as_any_read_of_it_is():
    net = await standard_net()
    tier2 = net.actors["tier2"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    for theirs in (claim, claim + ".2"):   # R itself (split, tier1's) and the part tier1 kept
        message = await net.refused(tier2, "GetDiscountOffer", offer, theirs, evaluate=True,
                                    rule="not-permitted-to-read")
        assert f"not a party to {theirs}" in message


async def test_the_receivable_gives_no_one_a_read_the_offer_refuses_them():
    net = await standard_net()
    a = net.actors
    offer, claim = await _offer_on_a_claim_then_split(net)
    theirs = await net.confirmed(a["tier1"], a["core2"], 5_000, due_in=60)
    # another core enterprise, its own claim given: not-found, as for an id that does not exist, naming no debtor
    message = await net.refused(a["core2"], "GetDiscountOffer", offer, theirs["id"], evaluate=True, rule="not-found")
    assert a["core"].uscc not in message
    # a bank, by its role, before anything is read
    await net.refused(a["bank"], "GetDiscountOffer", offer, claim + ".1", evaluate=True, rule="not-permitted-to-read")
    # the debtor and the regulator see the offer whole, with the receivable or without
    for who in ("core", "regulator"):
        seen = await net.ok(a[who], "GetDiscountOffer", offer, claim + ".1", evaluate=True)
        assert seen["receivable_ids"] == [claim]


@pytest.mark.parametrize("given, sent", [(None, ["D-1"]), ("", ["D-1"]), ("R-1.1", ["D-1", "R-1.1"])])
def test_the_sdk_sends_the_receivable_only_when_given(given, sent):
    """A contract before the argument takes the offer id alone: a call without a receivable still reads there."""
    contract = FakeContract(responses={"GetDiscountOffer": fakes.discount_offer()})
    ReceivablesClient(contract).get_discount_offer("D-1", receivable_id=given)
    assert contract.only().arguments == sent
