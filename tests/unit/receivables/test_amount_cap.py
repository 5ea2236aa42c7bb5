"""The cap on amounts: what callers send is held to 2**53 - 1 fen, which every JSON parser reads exactly; records
stored under the earlier cap (10**17 fen) still read and can be acted on."""

from __future__ import annotations

import json

from chaincode.receivables import keys, money

from .support import attestation_request, standard_net, transient_terms

ABOVE = 2**53 + 1   # JSON.parse reads it as 2**53


async def test_amounts_sent_above_the_cap_are_refused():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    err = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, ABOVE), rule="amount-too-large")
    assert "capped at 9007199254740991 fen" in err
    at_the_cap = net.registration(tier1, core, money.MAX_AMOUNT)
    at_the_cap["invoices"][0]["tax"] = 0   # its total with tax at the cap too
    largest = await net.ok(core, "ConfirmReceivable", (await net.ok(tier1, "RegisterReceivable", at_the_cap))["id"])
    assert largest["face_amount"] == money.MAX_AMOUNT
    f = await net.ok(tier1, "RequestFinancing", largest["id"])
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate="1", fees=ABOVE),
                      rule="amount-too-large")


async def test_a_claim_stored_above_the_cap_still_reads_and_is_acted_on():
    net = await standard_net()
    tier1, tier2, core, bank = (net.actors[k] for k in ("tier1", "tier2", "core", "bank"))
    regulator = net.actors["regulator"]
    claims = []
    for _ in range(2):
        r = await net.confirmed(tier1, core, 1000, due_in=60)
        key = net._key(keys.RECEIVABLE, r["id"])
        stored = json.loads(net.ledger.state[key])
        stored["face_amount"] = stored["outstanding"] = ABOVE   # as a contract with the earlier cap let it write
        stored["invoices"][0]["amount"] = stored["invoices"][0]["tax"] = money.STORED_AMOUNT_LIMIT   # each capped
        net.ledger.state[key] = json.dumps(stored).encode()
        claims.append(r["id"])
    paid, financed = claims

    read = await net.ok(tier1, "GetReceivable", paid, evaluate=True)
    assert (read["face_amount"], read["outstanding"]) == (ABOVE, ABOVE)
    moved = await net.ok(tier1, "TransferReceivable", paid, tier2.uscc, str(ABOVE))   # whole: the claim itself
    assert moved["holder"] == tier2.uscc
    settled = await net.ok(core, "RecordPayment", paid, str(ABOVE))
    assert (settled["status"], settled["outstanding"]) == ("SETTLED", 0)

    f, offer = await net.offered(tier1, financed, bank)
    await net.ok(tier1, "AcceptFinancingOffer", offer["id"])
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    stats = await net.ok(regulator, "GetStatistics", evaluate=True)
    assert stats["total"]["CNY"]["financed"] == ABOVE


async def test_an_invoice_whose_total_with_tax_is_above_the_cap_is_refused_at_registration():
    # an attestation carries the total with tax, held to the cap: registered, such an invoice could never be attested
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    over = net.registration(tier1, core, 1000)
    over["invoices"][0]["amount"], over["invoices"][0]["tax"] = money.MAX_AMOUNT - 10, 11
    err = await net.refused(tier1, "RegisterReceivable", over, rule="amount-too-large")
    assert ("amount 90071992547409.81 CNY + tax 0.11 CNY = 90071992547409.92 CNY, above the cap of "
            "90071992547409.91 CNY on its total with tax") in err

    at_the_cap = net.registration(tier1, core, 1000)
    invoice = at_the_cap["invoices"][0]
    invoice["amount"], invoice["tax"] = money.MAX_AMOUNT - 10, 10
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"], invoice=invoice))
    await net.ok(tier1, "RegisterReceivable", at_the_cap)
