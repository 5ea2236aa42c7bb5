"""goods-receipt-already-financed tells the creditor whether the claim holding a receipt whole can still
release it: rejected or withdrawn while REGISTERED, or never once its debtor confirmed it, paid or not, where
waiting for a rejection or a withdrawal would be waiting for good."""

from __future__ import annotations

import pytest

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}
PART = {**RECEIPT, "part": {"received": 1000}}


@pytest.mark.parametrize("again", [RECEIPT, PART], ids=["whole", "part"])
async def test_a_receipt_held_whole_by_a_confirmed_or_settled_claim_is_refused_for_good(again):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    held = await net.ok(tier1, "RegisterReceivable",
                        net.registration(tier1, core, 1000, goods_receipts=[RECEIPT]))

    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000,
                                goods_receipts=[again]), rule="goods-receipt-already-financed")
    assert "it is released only when that one is rejected (by its debtor) or withdrawn" in message

    await net.ok(core, "ConfirmReceivable", held["id"])
    for status in ("CONFIRMED", "SETTLED"):
        message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000,
                                    goods_receipts=[again]), rule="goods-receipt-already-financed")
        assert (f"{held['id']} is {status}: a claim its debtor has confirmed keeps its goods receipts"
                in message)
        assert "register this claim without the receipt" in message
        assert "released only when" not in message and "after which" not in message
        if status == "CONFIRMED":
            await net.ok(core, "RecordPayment", held["id"], str(held["face_amount"]))


@pytest.mark.parametrize("again", [RECEIPT, PART], ids=["whole", "part"])
async def test_a_receipt_held_whole_by_a_frozen_registered_claim_names_the_order_holding_back_its_withdrawal(again):
    """A frozen claim is neither withdrawn nor rejected: sent to withdraw it, the creditor would be refused
    receivable-frozen, as the invoice registry's refusal of the same claim already says."""
    net = await standard_net()
    tier1, core, reg = net.actors["tier1"], net.actors["core"], net.actors["regulator"]
    held = await net.ok(tier1, "RegisterReceivable",
                        net.registration(tier1, core, 1000, goods_receipts=[RECEIPT]))
    await net.ok(reg, "FreezeReceivable", held["id"], "ORDER-A")
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000,
                                goods_receipts=[again]), rule="goods-receipt-already-financed")
    assert (f"{held['id']} is REGISTERED and frozen by order 'ORDER-A', so it can be withdrawn "
            "(WithdrawReceivable), if it is the mistaken claim, only once the regulator lifts every order "
            "binding it (UnfreezeReceivable)") in message, message
    await net.refused(tier1, "WithdrawReceivable", held["id"], "mistaken", rule="receivable-frozen")
