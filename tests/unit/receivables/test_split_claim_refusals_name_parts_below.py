"""A claim split, whose parts were split again or passed on, is refused naming the parts below it that can
take the action instead, however deep: those not split again, still CONFIRMED and, for its holder's action,
held by the caller. Its direct children, named instead, were split again (refused in turn, one level down at
a time) or another supplier's (refused not-the-holder), and the caller's own parts deeper down went unnamed.
Past its due date, financing it is refused past-maturity, as a transfer is, not sent to parts refused so."""

from __future__ import annotations

from chaincode.receivables.model import DiscountTerms

from .support import standard_net


async def split_twice(net) -> str:
    """tier1's claim on core split three times: .1 to tier2, which passes .1.1 back; .2 kept, of which .2.1
    goes to tier2. tier1 holds .1.1 and .2.2, tier2 .1.2 and .2.1; the claim, .1 and .2 are SPLIT."""
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=60))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    await net.ok(tier1, "TransferReceivable", f"{claim}.2", tier2.uscc, "10000")
    await net.ok(tier2, "TransferReceivable", f"{claim}.1", tier1.uscc, "10000")
    return claim


async def test_a_transfer_names_the_holders_parts_below_not_the_claims_children():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = await split_twice(net)
    message = await net.refused(tier1, "TransferReceivable", claim, tier2.uscc, "100", rule="invalid-state")
    assert (f"its debt is held in its parts now, of which {claim}.1.1, {claim}.2.2 held by {tier1.uscc} are "
            "CONFIRMED: split or transfer those instead") in message, message
    # as the refusal says: each moves
    for part in (f"{claim}.1.1", f"{claim}.2.2"):
        await net.ok(tier1, "TransferReceivable", part, tier2.uscc, "100")


async def test_a_holder_with_no_part_left_is_told_so():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = await split_twice(net)
    await net.ok(core, "RecordPayment", f"{claim}.1.1", "10000")
    kept = net.doc(f"{claim}.2.2")["outstanding"]
    await net.ok(tier1, "TransferReceivable", f"{claim}.2.2", tier2.uscc, str(kept))
    message = await net.refused(tier1, "RequestFinancing", claim, rule="invalid-state")
    assert (f"its debt is held in its parts now, and none of them held by {tier1.uscc} is left CONFIRMED "
            f"(GetProvenance {claim} shows each part's status)") in message, message


async def test_financing_and_discounting_a_split_claim_name_the_holders_parts_below():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await split_twice(net)
    message = await net.refused(tier1, "RequestFinancing", claim, rule="invalid-state")
    assert f"of which {claim}.1.1, {claim}.2.2 held by {tier1.uscc} are CONFIRMED: finance those" in message
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    read = await net.ok(tier1, "GetDiscountOffer", offer["id"], f"{claim}.2.2", evaluate=True)
    message = await net.refused(tier1, "AcceptDiscountOffer", offer["id"], claim, DiscountTerms.as_read(read),
                                rule="invalid-state")
    assert f"of which {claim}.1.1, {claim}.2.2 held by {tier1.uscc} are CONFIRMED: discount those" in message


async def test_a_discount_offer_listing_a_split_claim_names_its_confirmed_parts_below_whoever_holds_them():
    net = await standard_net()
    core = net.actors["core"]
    claim = await split_twice(net)
    await net.ok(core, "RecordPayment", f"{claim}.2.1", "10000")   # settled: no longer to list
    terms = {"apr": "0.05", "expires_on": net.day(10)}
    message = await net.refused(core, "PublishDiscountOffer", {**terms, "receivable_ids": [claim]},
                                rule="invalid-state")
    parts = [f"{claim}.1.1", f"{claim}.1.2", f"{claim}.2.2"]
    assert f"list its parts still CONFIRMED instead: {', '.join(parts)}" in message, message
    await net.ok(core, "PublishDiscountOffer", {**terms, "receivable_ids": parts})


async def test_financing_a_split_claim_past_its_due_date_is_refused_for_that_not_sent_to_its_parts():
    net = await standard_net()
    core, tier1, tier2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=10))["id"]
    await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    net.advance(days=10)
    message = await net.refused(tier1, "RequestFinancing", claim, rule="past-maturity")
    assert "parts" not in message, message
    await net.refused(tier1, "RequestFinancing", f"{claim}.2", rule="past-maturity")
