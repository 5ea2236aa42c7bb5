"""Each lifecycle path of a receivable, driven through the contract on the MemoryLedger."""

from __future__ import annotations

import hashlib
import json

from chaincode.receivables import fingerprint, keys
from .support import BANK, CORE, SUPPLIER, standard_net, terms, transient_terms


def event(result) -> tuple[str, dict]:
    name, payload = result.event
    return name, json.loads(payload)


async def test_register_confirm_and_pay_at_maturity():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    req = net.registration(tier1, core, 500_000_00, due_in=60)
    result = await net.call(tier1, "RegisterReceivable", req)
    assert result.status == 200, result.message
    r = json.loads(result.payload)
    assert (r["status"], r["holder"], r["debtor"], r["outstanding"]) == ("REGISTERED", tier1.uscc, core.uscc, 500_000_00)
    inv = req["invoices"][0]
    assert r["invoices"][0]["fingerprint"] == fingerprint.invoice_fingerprint(inv["seller_tax_id"], "", inv["number"])
    assert r["invoices"][0]["code"] == ""
    assert event(result)[0] == "ReceivableRegistered" and event(result)[1]["receivable_id"] == r["id"]
    assert net.doc(r["id"])["status"] == "REGISTERED"

    result = await net.call(core, "ConfirmReceivable", r["id"])
    assert result.status == 200, result.message
    assert event(result) [0] == "ReceivableConfirmed"
    assert net.doc(r["id"])["confirmed_on"] == net.today

    net.advance(days=60)
    result = await net.call(core, "RecordPayment", r["id"], "50000000")
    assert result.status == 200, result.message
    doc = net.doc(r["id"])
    assert doc["status"] == "SETTLED" and doc["outstanding"] == 0
    assert doc["payments"] == [{"amount": 500_000_00, "payee": tier1.uscc, "payee_role": "holder", "date": net.today,
                                "tx_id": doc["payments"][0]["tx_id"], "late": False, "method": "payment", "discount": 0}]
    name, payload = event(result)
    assert name == "PaymentRecorded" and payload["receivable_id"] == r["id"]


async def test_partial_payments_then_late_settlement():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000, due_in=10)
    await net.ok(core, "RecordPayment", r["id"], "400")
    assert net.doc(r["id"])["status"] == "CONFIRMED" and net.doc(r["id"])["outstanding"] == 600
    net.advance(days=11)
    await net.ok(tier1, "RecordOverdue", r["id"])
    doc = net.doc(r["id"])
    assert doc["status"] == "OVERDUE" and doc["overdue_since"] == net.day(0)
    err = await net.refused(core, "RecordPayment", r["id"], "601", rule="payment-exceeds-outstanding")
    assert "payment of 6.01 CNY exceeds the 6.00 CNY outstanding" in err   # typed in yuan, read back in yuan
    await net.ok(core, "RecordPayment", r["id"], "600")
    doc = net.doc(r["id"])
    assert doc["status"] == "SETTLED" and doc["payments"][-1]["late"] is True


async def test_reject_releases_the_invoices():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    req = net.registration(tier1, core, 1000)
    r = await net.ok(tier1, "RegisterReceivable", req)
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")
    res = await net.call(core, "RejectReceivable", r["id"], "goods not delivered")
    assert res.status == 200 and event(res)[0] == "ReceivableRejected"
    assert net.doc(r["id"])["status"] == "REJECTED"
    again = await net.ok(tier1, "RegisterReceivable", req)
    assert again["id"] != r["id"]


async def test_invoice_fingerprint_is_channel_wide_across_suppliers_and_lineages():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    req = net.registration(tier1, core, 1000)
    r = await net.ok(tier1, "RegisterReceivable", req)
    await net.ok(core, "ConfirmReceivable", r["id"])
    # split: the invoice still backs the lineage
    await net.ok(tier1, "TransferReceivable", r["id"], net.actors["tier2"].uscc, "300")
    msg = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-already-financed")
    assert r["id"] in msg
    # the same invoice behind a smaller claim, next to a fresh invoice, is still refused
    req2 = net.registration(tier1, core, 500)
    req2["invoices"] = req2["invoices"] + [req["invoices"][0]]
    await net.refused(tier1, "RegisterReceivable", req2, rule="invoice-already-financed")
    # listing an invoice twice in one registration
    req3 = net.registration(tier1, core, 1000)
    req3["invoices"] = req3["invoices"] * 2
    await net.refused(tier1, "RegisterReceivable", req3, rule="invoice-listed-twice")


async def test_an_altered_copy_of_a_financed_invoice_is_refused():
    """Same seller and number, another amount and date, under another receivable: the same invoice."""
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    original = net.registration(tier1, core, 1000, invoice_no="26312000000012345678")
    r = await net.ok(tier1, "RegisterReceivable", original)
    await net.ok(core, "ConfirmReceivable", r["id"])
    f, o = await net.offered(tier1, r["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    net.advance(days=3)
    copy = net.registration(tier1, core, 2000, invoice_no="26312000000012345678")
    inv = copy["invoices"][0]
    inv.update(date=net.day(-1), amount=2000, tax=260)
    assert (inv["date"], inv["amount"]) != (original["invoices"][0]["date"], original["invoices"][0]["amount"])
    msg = await net.refused(tier1, "RegisterReceivable", copy, rule="invoice-already-financed")  # and nothing written
    assert r["id"] in msg
    # the copy next to a genuinely new invoice is refused as a whole
    mixed = net.registration(tier1, core, 1500)
    mixed["invoices"].append(dict(inv, number="26312000000012345678"))
    await net.refused(tier1, "RegisterReceivable", mixed, rule="invoice-already-financed")
    # and the original and the altered copy in one registration are one invoice listed twice
    twice = net.registration(tier1, core, 1000, invoice_no="26312000000099999999")
    twice["invoices"].append(dict(twice["invoices"][0], amount=5, tax=0, date=net.day(-2)))
    await net.refused(tier1, "RegisterReceivable", twice, rule="invoice-listed-twice")


async def test_transfer_whole_and_split_keep_the_amounts():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000)
    res = await net.call(tier1, "TransferReceivable", r["id"], tier2.uscc, "300")
    assert res.status == 200, res.message
    name, payload = event(res)
    assert name == "ReceivableSplit" and payload["children"] == [f"{r['id']}.1", f"{r['id']}.2"]
    parent, c1, c2 = net.doc(r["id"]), net.doc(f"{r['id']}.1"), net.doc(f"{r['id']}.2")
    assert parent["status"] == "SPLIT" and parent["outstanding"] == 0
    assert (c1["holder"], c1["face_amount"], c1["parent_id"], c1["status"]) == (tier2.uscc, 300, r["id"], "CONFIRMED")
    assert (c2["holder"], c2["face_amount"], c2["root_id"]) == (tier1.uscc, 700, r["id"])
    # whole transfer of a child: same id, new holder, between two parties of the same org
    res = await net.call(tier2, "TransferReceivable", c1["id"], tier1.uscc, "300")
    assert res.status == 200 and event(res)[0] == "ReceivableTransferred"
    assert net.doc(c1["id"])["holder"] == tier1.uscc
    await net.refused(tier2, "TransferReceivable", c1["id"], tier1.uscc, "1", rule="not-the-holder")
    err = await net.refused(tier1, "TransferReceivable", c2["id"], tier2.uscc, "701", rule="split-exceeds-amount")
    assert "cannot split 7.01 CNY off a receivable of 7.00 CNY" in err
    await net.refused(tier1, "TransferReceivable", c2["id"], tier1.uscc, "7", rule="transfer-to-self")
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "1", rule="invalid-state")
    await net.refused(tier1, "TransferReceivable", c2["id"], net.actors["bank"].uscc, "7", rule="recipient-cannot-hold")
    await net.refused(tier1, "TransferReceivable", c2["id"], tier2.uscc, "7.5", rule="amount-not-integer-fen")
    await net.refused(tier1, "TransferReceivable", c2["id"], tier2.uscc, "-7", rule="amount-negative")


async def test_a_split_child_keeps_the_roots_creditor_as_the_published_schema_says():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "300")
    await net.ok(tier2, "TransferReceivable", f"{r['id']}.1", tier1.uscc, "100")   # split by tier2, its holder
    assert {net.doc(f"{r['id']}{path}")["creditor"] for path in (".1.1", ".1.2", ".2")} == {tier1.uscc}
    meta = json.loads((await net.ledger.evaluate(core.identity, "org.hyperledger.fabric:GetMetadata")).payload)
    creditor = meta["components"]["schemas"]["Receivable"]["properties"]["creditor"]["description"]
    assert "root's" in creditor and "split's holder" not in creditor


async def test_a_claim_past_its_due_date_is_not_split_or_transferred_whether_or_not_marked_overdue():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    unmarked = await net.confirmed(tier1, core, 1000, due_in=3)
    marked = await net.confirmed(tier1, core, 1000, due_in=3)
    await net.ok(tier1, "TransferReceivable", unmarked["id"], tier2.uscc, "100")   # before maturity: fine
    net.advance(days=3)                                                              # the due date itself
    await net.refused(tier1, "TransferReceivable", f"{unmarked['id']}.2", tier2.uscc, "400", rule="past-maturity")
    await net.refused(tier1, "TransferReceivable", f"{unmarked['id']}.2", tier2.uscc, "900", rule="past-maturity")
    net.advance(days=7)
    await net.ok(core, "RecordOverdue", marked["id"])
    await net.refused(tier1, "TransferReceivable", marked["id"], tier2.uscc, "400", rule="invalid-state")
    assert net.doc(f"{unmarked['id']}.2")["status"] == "CONFIRMED"


async def test_payment_over_split_children_is_pro_rata_and_exact():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "333")
    await net.ok(tier1, "TransferReceivable", f"{r['id']}.2", tier2.uscc, "333")
    # leaves: .1 (333, tier2), .2.1 (333, tier2), .2.2 (334, tier1)
    result = await net.ok(core, "RecordPayment", r["id"], "100")
    alloc = {a["receivable_id"]: a["amount"] for a in result["allocations"]}
    assert alloc == {f"{r['id']}.1": 33, f"{r['id']}.2.1": 33, f"{r['id']}.2.2": 34}
    assert sum(alloc.values()) == 100
    await net.ok(core, "RecordPayment", r["id"], "900")
    for leaf in (f"{r['id']}.1", f"{r['id']}.2.1", f"{r['id']}.2.2"):
        assert net.doc(leaf)["status"] == "SETTLED"
    await net.refused(core, "RecordPayment", r["id"], "1", rule="invalid-state")   # every part is settled


async def test_financing_path_offers_accept_disburse_notice_repay():
    net = await standard_net()
    core, tier1, bank, bank2 = (net.actors[k] for k in ("core", "tier1", "bank", "bank2"))
    r = await net.confirmed(tier1, core, 1_000_000_00, due_in=90)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    assert net.doc(r["id"])["financing_id"] == f["id"]
    await net.refused(tier1, "RequestFinancing", r["id"], rule="financing-already-live")
    res = await net.call(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    assert res.status == 200, res.message
    o1 = json.loads(res.payload)
    assert event(res)[0] == "FinancingOffered"
    expected_hash = hashlib.sha256(json.dumps(terms(), sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert o1["terms_hash"] == expected_hash
    assert "0.036" not in res.payload.decode() and "advance_rate" not in json.dumps(net.doc(r["id"]))
    o2 = await net.ok(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms(discount_rate="0.05", salt="t" * 16))
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="offer-already-made")
    # the private terms are in the supplier-bank collection, readable by the parties and the regulator
    got = await net.ok(tier1, "GetOfferTerms", o1["id"], evaluate=True)
    assert got == terms()
    await net.refused(core, "GetOfferTerms", o1["id"], evaluate=True, rule="not-permitted-to-read")
    assert await net.ok(net.actors["regulator"], "GetOfferTerms", o2["id"], evaluate=True) == terms(discount_rate="0.05", salt="t" * 16)

    res = await net.call(tier1, "AcceptFinancingOffer", o1["id"])
    assert res.status == 200, res.message
    assert event(res)[0] == "FinancingOfferAccepted"
    doc = net.doc(r["id"])
    assert (doc["status"], doc["financier"], doc["financier_msp"]) == ("FINANCED", bank.uscc, BANK)
    fin = await net.ok(tier1, "GetFinancing", f["id"], evaluate=True)
    statuses = {o["id"]: o["status"] for o in fin["offers"]}
    assert statuses == {o1["id"]: "ACCEPTED", o2["id"]: "LAPSED"}
    await net.refused(tier1, "AcceptFinancingOffer", o2["id"], rule="invalid-state")
    await net.refused(tier1, "TransferReceivable", r["id"], net.actors["tier2"].uscc, "1", rule="receivable-financed")

    net.advance(days=10)  # disbursed 80 days before maturity
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(fees=1), rule="terms-mismatch")
    await net.refused(bank2, "RecordDisbursement", f["id"], transient=transient_terms(), rule="not-the-financier")
    res = await net.call(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    assert res.status == 200, res.message
    disbursed = json.loads(res.payload)
    # principal 900,000.00; interest 90,000,000 x 0.036 x 80 / 360 = 720,000 fen
    collection = f"terms-{SUPPLIER}-{BANK}"
    private = json.loads(await _private(net, collection, keys.DISBURSEMENT, f["id"]))
    assert (private["principal"], private["interest"], private["net_amount"], private["days"]) == (90_000_000, 720_000, 89_280_000, 80)
    assert disbursed["disbursement_hash"] == hashlib.sha256(json.dumps(private, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    notice = await net.ok(core, "GetAssignmentNotice", disbursed["notice_id"], evaluate=True)
    assert notice["status"] == "ISSUED" and notice["financier"] == bank.uscc
    res = await net.call(core, "AcknowledgeAssignment", notice["id"])
    assert res.status == 200 and event(res)[0] == "AssignmentNoticeAcknowledged"
    await net.refused(core, "AcknowledgeAssignment", notice["id"], rule="invalid-state")

    net.advance(days=80)
    pay = await net.ok(core, "RecordPayment", r["id"], str(1_000_000_00))
    assert pay["payments"][0]["payee"] == bank.uscc and pay["payments"][0]["payee_role"] == "financier"
    res = await net.call(bank, "RecordRepayment", f["id"])
    assert res.status == 200 and event(res)[0] == "FinancingRepaid"
    doc = net.doc(r["id"])
    assert doc["status"] == "SETTLED" and doc["financing_id"] is None
    await net.refused(bank, "RecordRepayment", f["id"], rule="invalid-state")


async def _private(net, collection: str, object_type: str, ident: str) -> bytes:
    store = net.ledger.private_state[collection]
    return store[net._key(object_type, ident)]


async def test_a_partly_paid_claim_is_financed_on_what_is_still_owed():
    """The advance is on the outstanding amount: the debtor pays the bank only the rest at maturity. The request's
    event and the private disbursement record name that amount outstanding, as it is."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 100_000, due_in=90)
    await net.ok(core, "RecordPayment", r["id"], "40000")
    result = await net.call(tier1, "RequestFinancing", r["id"])
    assert result.status == 200, result.message
    assert event(result)[1]["outstanding"] == 60_000 and "face_amount" not in event(result)[1]
    f = json.loads(result.payload)
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    private = json.loads(await _private(net, f"terms-{SUPPLIER}-{BANK}", keys.DISBURSEMENT, f["id"]))
    # 60,000 x 0.9 = 54,000 advanced; interest 54,000 x 0.036 x 90 / 360 = 486
    assert (private["outstanding"], private["principal"], private["interest"], private["net_amount"]) == \
        (60_000, 54_000, 486, 53_514)
    assert "face_amount" not in private


async def test_the_public_disbursement_hash_is_salted_with_the_terms_secret_salt():
    """Face, dates and days are public: without the terms' salt, hashing the likely rates would find the
    private terms again (the public hash, and Fabric's hash of the private write, are of the same bytes)."""
    from chaincode.receivables import financing
    from chaincode.receivables.model import OfferTerms

    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    secret = terms(advance_rate="0.85", discount_rate="0.0425", day_count="ACT/365", salt="k9#Qz!pW2vX7rT4m")
    r = await net.confirmed(tier1, core, 1_234_567_89, due_in=75)
    f, o = await net.offered(tier1, r["id"], bank, terms=transient_terms(**secret))
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    disbursed = await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms(**secret))
    private = json.loads(await _private(net, f"terms-{SUPPLIER}-{BANK}", keys.DISBURSEMENT, f["id"]))
    assert private["salt"] == secret["salt"]

    def public_hash_of(guess: dict) -> str:
        """What the debtor, outside the collection, can compute from the public record and guessed terms."""
        d = financing.disbursement(financing_id=f["id"], receivable_id=r["id"], outstanding=r["outstanding"],
                                   currency=r["currency"], terms=OfferTerms.model_validate(guess), disbursed_on=disbursed["disbursed_on"],
                                   due_date=r["due_date"], days=75)
        return hashlib.sha256(d.to_bytes()).hexdigest()

    assert public_hash_of(secret) == disbursed["disbursement_hash"]   # the hash does cover the terms
    assert public_hash_of({**secret, "salt": "x" * 16}) != disbursed["disbursement_hash"]  # the right rates, no salt


async def test_an_offer_advancing_nothing_is_refused_when_it_is_made():
    """At a zero advance rate every disbursement would be refused and an accepted claim would wait on a cancellation."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    f = await net.ok(tier1, "RequestFinancing", (await net.confirmed(tier1, core, 1000))["id"])
    for zero in ("0", "0.0", "000.0000000000"):
        message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate=zero),
                                    rule="rate-invalid")
        assert "advance_rate is 0" in message
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate="0.5"))


async def test_repayment_recorded_by_the_bank_settles_the_claim():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 10_000_00, due_in=30)
    f, o = await net.offered(tier1, r["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    net.advance(days=30)
    await net.ok(bank, "RecordRepayment", f["id"])
    doc = net.doc(r["id"])
    assert doc["status"] == "SETTLED" and doc["payments"][0]["method"] == "repayment"
    assert doc["payments"][0]["amount"] == 10_000_00


async def test_a_repayment_after_the_due_date_is_late_and_one_on_it_is_not():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    on_time, overdue = (await net.confirmed(tier1, core, 1000, due_in=30), await net.confirmed(tier1, core, 1000, due_in=30))
    financings = {r["id"]: await net.financed(tier1, r["id"]) for r in (on_time, overdue)}
    net.advance(days=30)                                   # the due date itself
    await net.ok(bank, "RecordRepayment", financings[on_time["id"]]["id"])
    net.advance(days=1)                                    # the day after
    await net.ok(bank, "RecordRepayment", financings[overdue["id"]]["id"])
    for r, day, late in ((on_time, on_time["due_date"], False), (overdue, net.today, True)):
        [paid] = net.doc(r["id"])["payments"]
        assert (paid["method"], paid["payee"], paid["date"], paid["late"]) == ("repayment", bank.uscc, day, late)


async def test_the_assignment_notice_names_the_holder_that_financed_as_assignor_not_the_creditor():
    """A claim passed down the chain is assigned to the bank by whoever holds it then: the notice tells the debtor
    that this holder, not the supplier that registered the claim, assigned it."""
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    r = await net.confirmed(tier1, core, 1000, due_in=60)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000")
    f = await net.financed(tier2, r["id"])
    notice = await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True)
    assert net.doc(r["id"])["creditor"] == tier1.uscc
    assert (notice["assignor"], notice["debtor"], notice["financier"]) == (tier2.uscc, core.uscc, bank.uscc)
    assert f"held by {tier2.uscc}, has been assigned to {bank.uscc}" in notice["text"]


async def test_withdrawn_financing_lapses_offers_and_frees_the_claim():
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    r = await net.confirmed(tier1, core, 1000)
    f, o = await net.offered(tier1, r["id"], bank)
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000", rule="receivable-financed")
    await net.refused(core, "RecordPayment", r["id"], "1000", rule="financing-in-progress")
    res = await net.call(tier1, "WithdrawFinancing", f["id"])
    assert res.status == 200 and event(res)[0] == "FinancingWithdrawn"
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="invalid-state")
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "1000")


async def test_expired_offer_cannot_be_accepted():
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    r = await net.confirmed(tier1, core, 1000)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(expires_on=net.day(-1)), rule="offer-expired")
    await net.refused(bank, "MakeFinancingOffer", f["id"], rule="terms-missing")
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate=0.9), rule="rate-invalid")
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(fees=1.5), rule="amount-not-integer-fen")
    await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(day_count="30/360"), rule="day-count-basis-unknown")
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(expires_on=net.day(2)))
    net.advance(days=3)
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="offer-expired")


async def test_dynamic_discounting_flat_apr_and_sliding_scale():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r1 = await net.confirmed(tier1, core, 1_000_000_00, due_in=90)
    r2 = await net.confirmed(tier1, core, 1_000_000_00, due_in=90)
    flat = await net.ok(core, "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(60), "receivable_ids": [r1["id"]]})
    scale = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.05"},
                                                                  {"min_days_early": 60, "apr": "0.08"}],
                                                        "day_count": "ACT/365", "expires_on": net.day(60)})
    net.advance(days=30)  # 60 days early
    await net.refused(tier1, "AcceptDiscountOffer", flat["id"], r2["id"], rule="discount-offer-not-for-receivable")
    res = await net.call(tier1, "AcceptDiscountOffer", flat["id"], r1["id"])
    assert res.status == 200, res.message
    assert event(res)[0] == "DiscountOfferAccepted"
    # 100,000,000 x 0.06 x 60 / 360 = 1,000,000 fen discount
    doc = net.doc(r1["id"])
    assert doc["status"] == "SETTLED"
    assert (doc["payments"][0]["amount"], doc["payments"][0]["discount"]) == (99_000_000, 1_000_000)
    # scale: 60 days early reaches the 8% tier; 100,000,000 x 0.08 x 60 / 365 = 1,315,068.49 -> 1,315,068
    await net.ok(tier1, "AcceptDiscountOffer", scale["id"], r2["id"])
    doc = net.doc(r2["id"])
    assert (doc["payments"][0]["amount"], doc["payments"][0]["discount"]) == (100_000_000 - 1_315_068, 1_315_068)
    await net.refused(tier1, "AcceptDiscountOffer", scale["id"], r2["id"], rule="invalid-state")


async def test_sliding_scale_below_the_first_tier_does_not_apply():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000, due_in=20)
    d = await net.ok(core, "PublishDiscountOffer", {"scale": [{"min_days_early": 30, "apr": "0.05"}], "expires_on": net.day(5)})
    await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"], rule="discount-not-applicable")
    await net.refused(core, "PublishDiscountOffer", {"apr": "0.05", "scale": [{"min_days_early": 1, "apr": "0.05"}],
                                                     "expires_on": net.day(5)}, rule="discount-terms-invalid")
    await net.refused(core, "PublishDiscountOffer", {"expires_on": net.day(5)}, rule="discount-terms-invalid")


async def test_a_sliding_scale_with_two_tiers_at_the_same_days_is_refused():
    net = await standard_net()
    core = net.actors["core"]
    for scale in ([{"min_days_early": 30, "apr": "0.05"}, {"min_days_early": 30, "apr": "0.04"}],
                  [{"min_days_early": 60, "apr": "0.06"}, {"min_days_early": 30, "apr": "0.04"},
                   {"min_days_early": 60, "apr": "0.06"}]):
        await net.refused(core, "PublishDiscountOffer", {"scale": scale, "expires_on": net.day(5)},
                          rule="discount-terms-invalid")
    tiers = [{"min_days_early": 60, "apr": "0.06"}, {"min_days_early": 30, "apr": "0.04"}]   # in any order
    assert (await net.ok(core, "PublishDiscountOffer", {"scale": tiers, "expires_on": net.day(5)}))["scale"] == tiers


async def test_freeze_blocks_every_change_until_unfrozen():
    net = await standard_net()
    core, tier1, tier2, bank, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 1000, due_in=10)
    res = await net.call(reg, "FreezeReceivable", r["id"], "(2026) Hu 01 Zhi Bao 123")
    assert res.status == 200 and event(res) == ("ReceivableFrozen", event(res)[1])
    assert net.doc(r["id"])["frozen"]["order_reference"] == "(2026) Hu 01 Zhi Bao 123"
    await net.refused(reg, "FreezeReceivable", r["id"], " (2026) Hu 01 Zhi Bao 123 ", rule="already-frozen")
    await net.refused(tier1, "TransferReceivable", r["id"], tier2.uscc, "10", rule="receivable-frozen")
    await net.refused(tier1, "RequestFinancing", r["id"], rule="receivable-frozen")
    await net.refused(core, "RecordPayment", r["id"], "10", rule="receivable-frozen")
    net.advance(days=11)
    await net.refused(tier1, "RecordOverdue", r["id"], rule="receivable-frozen")
    res = await net.call(reg, "UnfreezeReceivable", r["id"], "(2026) Hu 01 Zhi Bao 123-2")
    assert res.status == 200 and event(res)[0] == "ReceivableUnfrozen"
    await net.refused(reg, "UnfreezeReceivable", r["id"], "x", rule="not-frozen")
    await net.ok(tier1, "RecordOverdue", r["id"])


async def test_frozen_leaf_blocks_a_payment_over_its_tree():
    net = await standard_net()
    core, tier1, tier2, reg = (net.actors[k] for k in ("core", "tier1", "tier2", "regulator"))
    r = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "400")
    await net.ok(reg, "FreezeReceivable", f"{r['id']}.1", "order-1")
    await net.refused(core, "RecordPayment", r["id"], "1000", rule="receivable-frozen")


async def test_overdue_is_judged_by_the_transaction_date():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000, due_in=10)
    net.advance(days=10)  # the due date itself: not overdue
    await net.refused(tier1, "RecordOverdue", r["id"], rule="not-yet-due")
    net.advance(hours=14)  # 00:00 next day in Beijing
    await net.ok(core, "RecordOverdue", r["id"])
    await net.refused(core, "RecordOverdue", r["id"], rule="invalid-state")


async def test_key_level_endorsement_follows_the_state():
    from chaincode.shim import KeyEndorsementPolicy

    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    r = await net.registered(tier1, core, 1000)
    key = net._key(keys.RECEIVABLE, r["id"])
    orgs = lambda k: sorted(KeyEndorsementPolicy(net.ledger.validation_parameters[k]).list_orgs())  # noqa: E731
    assert orgs(key) == [CORE, SUPPLIER]              # from registration on, not from confirmation
    await net.ok(core, "ConfirmReceivable", r["id"])
    assert orgs(key) == [CORE, SUPPLIER]
    f, o = await net.offered(tier1, r["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    assert orgs(key) == [BANK, CORE, SUPPLIER]
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    net.advance(days=90)
    await net.ok(bank, "RecordRepayment", f["id"])
    assert orgs(key) == [CORE, SUPPLIER]
    # children of a split carry their own policy
    r2 = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r2["id"], tier2.uscc, "10")
    assert orgs(net._key(keys.RECEIVABLE, f"{r2['id']}.1")) == [CORE, SUPPLIER]


async def test_key_level_endorsement_follows_the_holder_across_orgs_and_the_bank_in_and_out():
    from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
    from chaincode.shim import KeyEndorsementPolicy

    far_org = "Supplier2MSP"
    net = await standard_net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, far_org: ("supplier",)}))
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    far = await net.party("far", far_org, "supplier")
    orgs = lambda rid: sorted(KeyEndorsementPolicy(  # noqa: E731
        net.ledger.validation_parameters[net._key(keys.RECEIVABLE, rid)]).list_orgs())
    r = await net.confirmed(tier1, core, 1000, due_in=60)
    assert orgs(r["id"]) == [CORE, SUPPLIER]
    # a whole transfer to a supplier of another org: the new holder's org replaces the old one's
    await net.ok(tier1, "TransferReceivable", r["id"], far.uscc, "1000")
    assert orgs(r["id"]) == sorted([CORE, far_org])
    # a split back: each child requires its own holder's org, the parent keeps its policy
    await net.ok(far, "TransferReceivable", r["id"], tier2.uscc, "400")
    assert orgs(f"{r['id']}.1") == [CORE, SUPPLIER] and orgs(f"{r['id']}.2") == sorted([CORE, far_org])
    assert orgs(r["id"]) == sorted([CORE, far_org])
    # financing: the bank's org only from acceptance to repayment, not for a request or an offer
    kept = f"{r['id']}.2"
    f, o = await net.offered(far, kept, bank)
    assert orgs(kept) == sorted([CORE, far_org])
    await net.ok(far, "AcceptFinancingOffer", o["id"])
    assert orgs(kept) == sorted([BANK, CORE, far_org])
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    net.advance(days=60)
    await net.ok(core, "RecordPayment", kept, "600")  # paid to the bank; the financing is live until repaid
    assert orgs(kept) == sorted([BANK, CORE, far_org])
    await net.ok(bank, "RecordRepayment", f["id"])
    assert orgs(kept) == sorted([CORE, far_org])
