"""A claim on a part of a delivery records its share, its invoices' amount without tax, on the claim and
in the goods receipt's entry. Each invoice's amount is capped at 2^53 - 1 fen, not their sum, and the parts
may pass the received value, itself capped, by 10 fen of rounding: a share above the cap is refused
(amount-too-large), where it was recorded as an amount JavaScript's JSON.parse reads as another
(9007199254741001 as 9007199254741000)."""

from __future__ import annotations

import asyncio

from chaincode.receivables.money import MAX_AMOUNT

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


def registration_of_a_part(net, *amounts: int) -> dict:
    """tier1's claim on core for a part of a delivery received at the cap, with invoices of ``amounts``
    without tax (and no tax), its face at the cap."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, MAX_AMOUNT,
                           goods_receipts=[{**RECEIPT, "part": {"received": MAX_AMOUNT}}])
    first = req["invoices"][0]
    req["invoices"] = [{**first, "number": f"{first['number'][:-2]}{n:02d}", "amount": amount, "tax": 0}
                       for n, amount in enumerate(amounts)]
    return req


def test_a_part_whose_invoices_add_up_past_the_cap_is_refused_and_changes_nothing():
    async def run():
        net = await standard_net()
        message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                    registration_of_a_part(net, MAX_AMOUNT, 10), rule="amount-too-large")
        assert "90071992547410.01 CNY without tax" in message and "in more parts" in message
    asyncio.run(run())


def test_a_part_whose_invoices_add_up_to_the_cap_is_recorded_as_it_is():
    async def run():
        net = await standard_net()
        r = await net.ok(net.actors["tier1"], "RegisterReceivable",
                         registration_of_a_part(net, MAX_AMOUNT - 10, 10))
        assert r["goods_receipts"][0]["part"] == {"received": MAX_AMOUNT, "invoiced": MAX_AMOUNT,
                                                  "invoiced_before": 0}
    asyncio.run(run())
