"""GetFinancing: a bank asked to finance a claim reads the open request, not the claim's ended financings.

A financing that ended (cancelled, withdrawn, its offers lapsed) names its bank, why it ended and the accepted offer:
that is for its holder, its bank, the debtor and the regulator, not for the banks a later request asks.
"""

from __future__ import annotations

from .support import BANK, standard_net, transient_terms


async def _cancelled_then_requested_again(net):
    """A claim whose financing by ``bank`` was accepted and cancelled by the bank, then requested again."""
    t1, core, bank = (net.actors[k] for k in ("tier1", "core", "bank"))
    r = (await net.confirmed(t1, core, 100_000))["id"]
    f1 = await net.financed(t1, r, bank, disburse=False)
    await net.ok(bank, "CancelFinancing", f1["id"], "client defaulted on our covenant X-17")
    f2 = await net.ok(t1, "RequestFinancing", r)
    return r, f1, f2


async def test_banks_asked_by_a_new_request_do_not_read_a_cancelled_financing_of_the_claim():
    net = await standard_net()
    bank3 = await net.party("bank3", BANK, "financier", "Third Bank")
    r, f1, f2 = await _cancelled_then_requested_again(net)
    for reader in (net.actors["bank2"], bank3):
        message = await net.refused(reader, "GetFinancing", f1["id"], evaluate=True, rule="not-permitted-to-read")
        # it is told what it may read: the open request, which it does read
        assert f2["id"] in message and "covenant" not in message and "CANCELLED" not in message, message
        assert (await net.ok(reader, "GetFinancing", f2["id"], evaluate=True))["status"] == "REQUESTED"
    for reader in (net.actors[k] for k in ("tier1", "core", "bank", "regulator")):
        seen = await net.ok(reader, "GetFinancing", f1["id"], evaluate=True)
        assert (seen["status"], seen["cancellation_reason"]) == ("CANCELLED", "client defaulted on our covenant X-17")


async def test_the_bank_of_a_later_deal_does_not_read_the_claims_earlier_one():
    net = await standard_net()
    t1, bank2 = net.actors["tier1"], net.actors["bank2"]
    r, f1, f2 = await _cancelled_then_requested_again(net)
    o = await net.ok(bank2, "MakeFinancingOffer", f2["id"], transient=transient_terms())
    await net.ok(t1, "AcceptFinancingOffer", o["id"])
    assert (await net.ok(bank2, "GetReceivable", r, evaluate=True))["financier"] == bank2.uscc
    assert (await net.ok(bank2, "GetFinancing", f2["id"], evaluate=True))["status"] == "ACCEPTED"
    await net.refused(bank2, "GetFinancing", f1["id"], evaluate=True, rule="not-permitted-to-read")


async def test_a_bank_whose_offer_lapsed_or_was_withdrawn_reads_the_request_while_it_is_open_only():
    net = await standard_net()
    t1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    # a request the holder withdrew, with bank2's offer on it (lapsed then)
    r = (await net.confirmed(t1, core, 100_000))["id"]
    withdrawn = await net.ok(t1, "RequestFinancing", r)
    await net.ok(bank2, "MakeFinancingOffer", withdrawn["id"], transient=transient_terms())
    await net.ok(t1, "WithdrawFinancing", withdrawn["id"])
    # a request on which bank2 withdrew its offer: it still reads it while it is open, its offer withdrawn included
    f, o2 = await net.offered(t1, r, bank2)
    await net.ok(bank2, "WithdrawFinancingOffer", o2["id"], "terms revised")
    seen = await net.ok(bank2, "GetFinancing", f["id"], evaluate=True)
    assert [(x["id"], x["status"]) for x in seen["offers"]] == [(o2["id"], "WITHDRAWN")]
    # while f is open, the withdrawn request is not bank2's to read, though it offered on it
    await net.refused(bank2, "GetFinancing", withdrawn["id"], evaluate=True, rule="not-permitted-to-read")
    # bank's offer accepted: f is no longer an open request, and bank2, whose offer ended, reads it no more
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(t1, "AcceptFinancingOffer", o["id"])
    await net.refused(bank2, "GetFinancing", f["id"], evaluate=True, rule="not-permitted-to-read")
    await net.ok(bank, "CancelFinancing", f["id"], "not advanced")
    await net.ok(t1, "RequestFinancing", r)
    for ended in (withdrawn, f):
        await net.refused(bank2, "GetFinancing", ended["id"], evaluate=True, rule="not-permitted-to-read")
    assert (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["status"] == "CANCELLED"
