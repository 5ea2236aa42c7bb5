"""An early-payment offer listing a claim covers the parts a transfer splits it into, at any depth, and no claim
whose id merely starts with the listed one's; the SDK's `finance compare` judges an offer by the same rule."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS

from chaincode.receivables.lifecycle import discount_offer_covers, is_part_of
from client.pricing.ledger import proposal_inputs_from_ledger
from client.receivables import DiscountOffer as SdkDiscountOffer
from client.receivables import Receivable as SdkReceivable

from .support import Net, standard_net


async def _offer_on_a_claim_then_split(net: Net) -> tuple[str, str]:
    """tier1's claim R on core, an offer of core listing R alone, then 40,000 of R's 100,000 fen transferred to
    tier2: R.1 is tier2's, R.2 tier1's. The offer's id and R's."""
    tier1, tier2, core = (net.actors[k] for k in ("tier1", "tier2", "core"))
    claim = await net.confirmed(tier1, core, 100_000, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10),
                                                        "receivable_ids": [claim["id"]]})
    await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "40000")
    return offer["id"], claim["id"]


async def test_each_part_of_a_listed_claim_is_paid_early_by_its_holder_and_the_split_claim_is_not():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    # 60 days early at 5% a year on ACT/360: 40,000 x 0.05 x 60 / 360 = 333.33 fen off, half up
    assert (await net.ok(tier2, "AcceptDiscountOffer", offer, claim + ".1"))["payments"][0]["amount"] == 40_000 - 333
    assert (await net.ok(tier1, "AcceptDiscountOffer", offer, claim + ".2"))["status"] == "SETTLED"
    await net.refused(tier1, "AcceptDiscountOffer", offer, claim, rule="invalid-state")      # SPLIT: nothing left


async def test_a_part_of_a_part_is_covered_too():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    await net.ok(tier1, "TransferReceivable", claim + ".2", tier2.uscc, "10000")             # R.2.1 and R.2.2
    assert (await net.ok(tier2, "AcceptDiscountOffer", offer, claim + ".2.1"))["status"] == "SETTLED"


async def test_an_offer_listing_another_claim_covers_no_part_of_this_one():
    net = await standard_net()
    tier1, tier2, core = (net.actors[k] for k in ("tier1", "tier2", "core"))
    other = await net.confirmed(tier1, core, 5_000, due_in=60)
    _, claim = await _offer_on_a_claim_then_split(net)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10),
                                                        "receivable_ids": [other["id"]]})
    await net.refused(tier2, "AcceptDiscountOffer", offer["id"], claim + ".1", rule="discount-offer-not-for-receivable")


def test_a_part_is_matched_on_the_split_steps_of_its_id_not_on_a_prefix():
    assert is_part_of("R-1", "R-1") and is_part_of("R-1.1", "R-1") and is_part_of("R-1.2.1.2", "R-1")
    assert not is_part_of("R-10", "R-1") and not is_part_of("R-10.1", "R-1")     # another claim's id, longer
    assert not is_part_of("R-1.10", "R-1.1") and not is_part_of("R-1.2", "R-1.1")  # a sibling is no part
    assert not is_part_of("R-1", "R-1.1") and not is_part_of("R-1.x", "R-1")
    offer = NS(debtor="core", receivable_ids=["R-1"])
    assert discount_offer_covers(offer, NS(id="R-1.2", debtor="core"))
    assert not discount_offer_covers(offer, NS(id="R-10", debtor="core"))
    assert not discount_offer_covers(offer, NS(id="R-1.2", debtor="core2"))     # another debtor's claim
    assert discount_offer_covers(NS(debtor="core", receivable_ids=[]), NS(id="R-10", debtor="core"))


async def test_the_holder_of_a_part_finds_the_offer_by_its_part_and_sees_the_claim_listed():
    net = await standard_net()
    tier2 = net.actors["tier2"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    page = await net.ok(tier2, "ListDiscountOffers", "", claim + ".1", "10", "", "open", evaluate=True)
    # R's id is the start of R.1's own, so showing it tells tier2 nothing it did not know
    assert [(d["id"], d["receivable_ids"]) for d in page["records"]] == [(offer, [claim])]
    # listed by debtor, nothing says which claims tier2 holds: the offer on R, which it may not read, stays out
    page = await net.ok(tier2, "ListDiscountOffers", net.actors["core"].uscc, "", "10", "", "open", evaluate=True)
    assert offer not in [d["id"] for d in page["records"]]


async def test_finance_compare_counts_the_offer_named_by_id_on_a_part_of_the_listed_claim():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    offer, claim = await _offer_on_a_claim_then_split(net)
    # the SDK's records, as the contract answers tier1 (R's creator, holding R.2)
    part = SdkReceivable.model_validate_json(json.dumps(await net.ok(tier1, "GetReceivable", claim + ".2",
                                                                     evaluate=True)))
    published = SdkDiscountOffer.model_validate_json(json.dumps(await net.ok(tier1, "GetDiscountOffer", offer,
                                                                             evaluate=True)))
    ledger = NS(get_receivable=lambda rid: part, get_discount_offer=lambda did, receivable_id=None: published)
    inputs = proposal_inputs_from_ledger(ledger, part.id, discount_offer_id=offer)
    assert [e.offer_id for e in inputs.early_payments] == [offer]
