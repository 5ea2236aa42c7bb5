"""An early-payment offer lists each claim once: one listed twice is refused by its places in the list, as a
registration refuses an invoice listed twice, and nothing is written."""

from __future__ import annotations

from .support import standard_net


async def test_a_claim_listed_twice_is_refused_naming_it_and_both_places():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    first = await net.confirmed(tier1, core, 10_000, due_in=60)
    second = await net.confirmed(tier1, core, 20_000, due_in=60)
    offer = {"apr": "0.05", "expires_on": net.day(30), "receivable_ids": [first["id"], second["id"], first["id"]]}
    # net.refused also checks that the refusal wrote nothing: no offer, no index entry, no event
    message = await net.refused(core, "PublishDiscountOffer", offer, rule="argument-invalid")
    assert (f"receivable_ids[2] '{first['id']}' is listed already as receivable_ids[0]: list each claim once"
            in message), message


async def test_the_same_offer_listing_each_claim_once_is_published():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    first = await net.confirmed(tier1, core, 10_000, due_in=60)
    second = await net.confirmed(tier1, core, 20_000, due_in=60)
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                        "receivable_ids": [first["id"], second["id"]]})
    assert offer["receivable_ids"] == [first["id"], second["id"]]
