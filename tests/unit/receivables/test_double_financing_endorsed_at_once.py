"""Steps that would finance one claim or one invoice twice, endorsed at the same time against the same state,
validated as a peer validates them in a block (``MemoryLedger.endorse`` and ``commit``): each pair reads what
the other writes, so the later fails MVCC_READ_CONFLICT and the claim or the invoice is taken once, as
docs/receivables.md says ("Anti double-financing"). Each check in an endorsement passes, as neither step
has committed yet: only the read sets keep the second out."""

from __future__ import annotations

from chaincode.receivables.model import DiscountTerms

from .support import standard_net, transient_terms

CODE, NUMBER = "261010012345", "12345678"


async def test_two_banks_offers_on_one_request_accepted_at_once_finance_the_claim_once():
    net = await standard_net()
    core, tier1, bank, bank2 = (net.actors[name] for name in ("core", "tier1", "bank", "bank2"))
    claim = (await net.confirmed(tier1, core))["id"]
    terms = transient_terms()
    request, first = await net.offered(tier1, claim, bank, terms=terms)
    second = await net.ok(bank2, "MakeFinancingOffer", request["id"], transient=transient_terms(salt="t" * 16))
    taken = await net.endorsed(tier1, "AcceptFinancingOffer", first["id"], transient=terms)
    also = await net.endorsed(tier1, "AcceptFinancingOffer", second["id"],
                           transient=transient_terms(salt="t" * 16))
    assert net.ledger.commit(taken) == "VALID"
    assert net.ledger.commit(also) == "MVCC_READ_CONFLICT"
    financed = await net.ok(tier1, "GetReceivable", claim, evaluate=True)
    assert (financed["status"], financed["financier"]) == ("FINANCED", bank.uscc)
    assert (await net.ok(tier1, "GetFinancing", request["id"], evaluate=True))["financier"] == bank.uscc


async def test_an_invoice_registered_under_its_two_spellings_at_once_backs_one_claim():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    with_code = net.registration(tier1, core, 1000_00, invoice_no=NUMBER)
    with_code["invoices"][0]["code"] = CODE
    run_together = net.registration(tier1, core, 1000_00, invoice_no=CODE + NUMBER)
    # each reads the entry of the other's spelling, which the other writes
    first = await net.endorsed(tier1, "RegisterReceivable", with_code)
    second = await net.endorsed(tier1, "RegisterReceivable", run_together)
    assert net.ledger.commit(first) == "VALID"
    assert net.ledger.commit(second) == "MVCC_READ_CONFLICT"
    await net.refused(tier1, "RegisterReceivable", run_together, rule="invoice-already-financed")


async def test_a_claim_split_off_and_put_up_for_financing_at_once_takes_one_of_the_two():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core))["id"]
    split = await net.endorsed(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    requested = await net.endorsed(tier1, "RequestFinancing", claim)
    assert net.ledger.commit(split) == "VALID"
    assert net.ledger.commit(requested) == "MVCC_READ_CONFLICT"
    parent = await net.ok(tier1, "GetReceivable", claim, evaluate=True)
    assert (parent["status"], parent["financing_id"]) == ("SPLIT", None)


async def test_a_claim_paid_early_and_put_up_for_financing_at_once_takes_one_of_the_two():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = (await net.confirmed(tier1, core, due_in=120))["id"]
    offer = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                        "receivable_ids": [claim]})
    read = await net.ok(tier1, "GetDiscountOffer", offer["id"], claim, evaluate=True)
    discounted = await net.endorsed(tier1, "AcceptDiscountOffer", offer["id"], claim, DiscountTerms.as_read(read))
    requested = await net.endorsed(tier1, "RequestFinancing", claim)
    assert net.ledger.commit(requested) == "VALID"
    assert net.ledger.commit(discounted) == "MVCC_READ_CONFLICT"
    left = await net.ok(tier1, "GetReceivable", claim, evaluate=True)
    assert (left["status"], left["outstanding"]) == ("CONFIRMED", 100_000_00)
    assert left["financing_id"] is not None and not left["payments"]
