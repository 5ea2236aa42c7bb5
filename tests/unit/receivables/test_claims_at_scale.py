"""What the contract reads of a claim that has grown large, at the peer's ``ledger.state.totalQueryLimit``
(lowered here, as the in-process peer allows): a key history cut short is said to be, a payment through a
split claim reaches a bounded number of parts, a writing transaction's range reads are not cut at the limit,
and FindInvoice stops at the first live part of a lineage."""

from __future__ import annotations

import json

from chaincode.receivables import fingerprint, keys, tx_settlement
from .support import attestation_request, split_into, standard_net


async def _cycled(net, cycles: int) -> tuple[dict, str]:
    """tier1's claim on core, confirmed, then financing requested and withdrawn ``cycles`` times a day later;
    the claim and the day it was confirmed."""
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core)
    confirmed_on = net.today
    net.advance(1)
    for _ in range(cycles):
        f = await net.ok(tier1, "RequestFinancing", r["id"])
        await net.ok(tier1, "WithdrawFinancing", f["id"])
    return r, confirmed_on


async def test_a_payment_record_names_a_claim_whose_history_the_peer_cuts_not_leaves_it_out_unsaid():
    net = await standard_net()
    r, confirmed_on = await _cycled(net, 4)      # 2 writes then 8: the registration is the 10th newest
    net.ledger.total_query_limit = 8
    bank, core = net.actors["bank"], net.actors["core"]
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", confirmed_on, evaluate=True)
    assert (page["records"], page["history_cut"]) == ([], [r["id"]])
    net.ledger.total_query_limit = 10         # the whole history: the claim is listed as it stood then
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", confirmed_on, evaluate=True)
    assert [(x["receivable_id"], x["status"]) for x in page["records"]] == [(r["id"], "CONFIRMED")]
    assert page["history_cut"] == []


async def test_a_claim_history_the_peer_cuts_is_refused_and_a_whole_one_read_from_the_registration():
    net = await standard_net()
    r, _ = await _cycled(net, 3)
    core = net.actors["core"]
    net.ledger.total_query_limit = 7
    await net.refused(core, "GetReceivableHistory", r["id"], evaluate=True, rule="history-cut")
    net.ledger.total_query_limit = 8
    history = await net.ok(core, "GetReceivableHistory", r["id"], evaluate=True)
    assert [e["action"] for e in history[:2]] == ["RegisterReceivable", "ConfirmReceivable"]


async def test_a_split_parts_history_reaches_the_split_that_created_it():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core)
    part, kept = (await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100"))["children"]
    # moved whole, back and on: TransferReceivable writes too, which are no split
    await net.ok(tier2, "TransferReceivable", part, tier1.uscc, "100")
    await net.ok(tier1, "TransferReceivable", part, tier2.uscc, "100")
    net.ledger.total_query_limit = 3
    assert len(await net.ok(core, "GetReceivableHistory", part, evaluate=True)) == 3
    assert len(await net.ok(core, "GetReceivableHistory", kept, evaluate=True)) == 1
    net.ledger.total_query_limit = 2          # the two whole transfers, not the split
    await net.refused(core, "GetReceivableHistory", part, evaluate=True, rule="history-cut")



async def test_a_payment_through_a_claim_of_more_parts_than_the_cap_is_refused_naming_the_way_on(monkeypatch):
    monkeypatch.setattr(tx_settlement, "PAYMENT_PARTS_MAX", 4)
    net = await standard_net()
    core = net.actors["core"]
    claim = await split_into(net, 5)
    message = await net.refused(core, "RecordPayment", claim, "1000", rule="too-many-parts")
    assert f"a payment through receivable {claim} would reach more than 4 parts" in message
    assert (f"pay its parts one by one (RecordPayment on each), as GetProvenance {claim} lists them with "
            f"their status: among them {claim}.1.1") in message
    monkeypatch.setattr(tx_settlement, "PAYMENT_PARTS_MAX", 5)
    paid = await net.ok(core, "RecordPayment", claim, "1000")
    assert len(paid["allocations"]) == 5


async def test_the_invoices_attestations_are_read_past_the_query_limit():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    number = "26442000000000000042"
    made = []
    for _ in range(5):
        attested = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, number))
        made.append(attested["id"])
        net.advance(hours=1)     # each after the one before (attestation-out-of-order)
    net.ledger.total_query_limit = 2
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", number)
    listed = await net.ok(tier1, "GetInvoiceAttestations", fp, evaluate=True)
    assert sorted(a["id"] for a in listed) == sorted(made)


async def test_a_banks_next_offer_drops_its_closed_offers_entries_past_the_query_limit():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    requests = []
    for _ in range(4):
        r = await net.confirmed(tier1, core)
        requests.append((await net.offered(tier1, r["id"]))[0])
    for f in requests:       # offers lapsed by their requests' withdrawal: their entries stay until the next
        await net.ok(tier1, "WithdrawFinancing", f["id"])
    prefix = net._key(keys.OFFER_MADE, bank.uscc, core.uscc)[:-1]
    assert len([k for k in net.ledger.state if k.startswith(prefix)]) == 4
    net.ledger.total_query_limit = 2
    r = await net.confirmed(tier1, core)
    _, o = await net.offered(tier1, r["id"])
    left = [k[len(prefix):].strip("\x00") for k in net.ledger.state if k.startswith(prefix)]
    assert left == [o["id"]]


async def test_find_invoice_stops_at_the_first_live_part_of_a_lineage():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    claim = await split_into(net, 16)
    invoice = net.doc(claim)["invoices"][0]
    fp = fingerprint.invoice_fingerprint(tier1.uscc, invoice.get("code", ""), invoice["number"])
    endorsed = await net.ledger.endorse(tier1.identity, "receivables:FindInvoice", fp, transient={},
                                        timestamp=net.now)
    assert json.loads(endorsed.result.payload)["live"] is True
    claims_read = [key for _, key in endorsed.reads if key.startswith(net._key(keys.RECEIVABLE, claim)[:-1])]
    # the root, the children of each claim down the first path (read together) and nothing of the rest
    assert len(claims_read) < 16, claims_read


