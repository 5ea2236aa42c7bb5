"""A caller who may not read a claim, financing or notice learns nothing of it from an answer or a refusal:
not its state, due date, freeze order or debtor, and (acting for no party) not even whether it exists."""

from __future__ import annotations

from .support import SUPPLIER, Actor, Net, client_identity, standard_net, transient_terms


async def _financed(net: Net, due_in: int = 30) -> tuple[dict, dict]:
    """tier1's claim on core, financed by bank: the claim and its accepted financing."""
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 100_000, due_in=due_in)
    return r, await net.financed(a["tier1"], r["id"], disburse=False)


async def test_record_overdue_refuses_whoever_is_not_party_to_the_claim_alike_in_every_state():
    net = await standard_net()
    a = net.actors
    not_due = await net.confirmed(a["tier1"], a["core"], 5_000, due_in=45)
    frozen = await net.confirmed(a["tier1"], a["core"], 5_000, due_in=10)
    await net.ok(a["regulator"], "FreezeReceivable", frozen["id"], "court-order-2026-SH-0042")
    past_due = await net.confirmed(a["tier1"], a["core"], 100_000, due_in=30)
    await net.ok(a["core"], "RecordPayment", past_due["id"], "30000")
    settled = await net.confirmed(a["tier1"], a["core"], 1_000, due_in=30)
    await net.ok(a["core"], "RecordPayment", settled["id"], "1000")
    net.advance(days=31)
    for who in ("tier2", "core2", "bank2"):
        for r in (not_due, frozen, past_due, settled):
            for evaluate in (True, False):
                message = await net.refused(a[who], "RecordOverdue", r["id"], evaluate=evaluate,
                                            rule="not-a-party-to-claim")
                assert message == (f"RULE not-a-party-to-claim: {a[who].uscc} is not the debtor, holder or "
                                   f"financier of {r['id']}: only they may mark it overdue; check the receivable id")
    # its parties still mark it, and learn its state from the refusals as they may
    await net.refused(a["tier1"], "RecordOverdue", not_due["id"], rule="not-yet-due")
    await net.refused(a["tier1"], "RecordOverdue", frozen["id"], rule="receivable-frozen")
    assert (await net.ok(a["core"], "RecordOverdue", past_due["id"]))["outstanding"] == 70_000


async def test_the_financier_marks_its_claim_overdue_and_another_bank_reads_nothing_by_evaluating_it():
    net = await standard_net()
    a = net.actors
    r, f = await _financed(net)
    net.advance(days=31)
    refused = await net.call(a["bank2"], "RecordOverdue", r["id"], evaluate=True)
    assert refused.status != 200 and refused.payload in (b"", None)
    assert a["bank"].uscc not in refused.message and f["id"] not in refused.message
    doc = await net.ok(a["bank"], "RecordOverdue", r["id"])
    assert (doc["status"], doc["financier"]) == ("OVERDUE", a["bank"].uscc)


async def test_refusals_to_another_core_enterprise_do_not_name_the_debtor():
    net = await standard_net()
    a = net.actors
    registered = await net.registered(a["tier1"], a["core"], 1_000, due_in=30)
    confirmed = await net.confirmed(a["tier1"], a["core"], 1_000, due_in=30)
    for fn, args in (("ConfirmReceivable", [registered["id"]]), ("RejectReceivable", [registered["id"], "not owed"]),
                     ("RecordPayment", [confirmed["id"], "10"])):
        message = await net.refused(a["core2"], fn, *args, rule="not-the-debtor")
        assert a["core"].uscc not in message, fn
    offer = {"apr": "0.05", "expires_on": net.day(5), "receivable_ids": [confirmed["id"]]}
    message = await net.refused(a["core2"], "PublishDiscountOffer", offer, rule="not-the-debtor")
    assert a["core"].uscc not in message and "receivable_ids" in message


async def test_an_offer_on_a_request_no_longer_open_is_refused_without_its_state_or_freeze_order():
    net = await standard_net()
    a = net.actors
    r, f = await _financed(net)
    await net.ok(a["regulator"], "FreezeReceivable", r["id"], "court-order-77")
    message = await net.refused(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(),
                                rule="invalid-state")
    assert "court-order-77" not in message and "ACCEPTED" not in message and "open request" in message
    # on an open request the bank may read the claim, freeze included
    other = await net.confirmed(a["tier1"], a["core"], 1_000, due_in=30)
    open_request = await net.ok(a["tier1"], "RequestFinancing", other["id"])
    await net.ok(a["regulator"], "FreezeReceivable", other["id"], "court-order-78")
    await net.refused(a["bank2"], "MakeFinancingOffer", open_request["id"], transient=transient_terms(),
                      rule="receivable-frozen")


async def test_an_identity_acting_for_no_party_learns_no_financing_or_notice_exists():
    net = await standard_net()
    a = net.actors
    stranger = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    r, f = await _financed(net)
    disbursed = await net.ok(a["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
    for fn, real, made_up in (("GetFinancing", f["id"], "F-0000000000000000"),
                              ("GetAssignmentNotice", disbursed["notice_id"], "N-0000000000000000")):
        answers = {await net.refused(stranger, fn, i, evaluate=True, rule="caller-not-a-party") for i in (real, made_up)}
        assert len(answers) == 1, answers
        # a party reads it, and learns a made-up id is none
        assert (await net.ok(a["tier1"], fn, real, evaluate=True))["id"] == real
        await net.refused(a["tier1"], fn, made_up, evaluate=True, rule="not-found")


async def test_a_nul_or_last_code_point_in_a_list_argument_is_an_invalid_argument_not_a_crash():
    net = await standard_net()
    a = net.actors
    for who, fn, args in (("regulator", "ListReceivablesByHolder", ["\x00", "10", ""]),
                          ("regulator", "ListReceivablesByDebtor", ["a\U0010ffff", "10", ""]),
                          ("tier1", "ListDiscountOffers", ["\x00", "", "10", ""]),
                          ("regulator", "ListDiscountOffers", ["b\U0010ffff", "", "10", "", "all"])):
        message = await net.refused(a[who], fn, *args, evaluate=True, rule="argument-invalid")
        assert "U+0000 or U+10FFFF" in message, fn
    # a code nobody is registered under is said, not answered with an empty page that reads as "holds nothing"
    await net.refused(a["regulator"], "ListReceivablesByHolder", "nobody", "10", "", evaluate=True,
                      rule="party-not-registered")


async def test_a_discount_offer_is_not_told_apart_from_a_missing_one_by_those_who_may_not_read_it():
    net = await standard_net()
    a = net.actors
    r = await net.confirmed(a["tier1"], a["core"], 100_000, due_in=60)
    d = await net.ok(a["core"], "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30),
                                                         "receivable_ids": [r["id"]]})
    missing = "D-0000000000000000"
    # another core enterprise: the same answer as for an id that does not exist, naming no debtor
    for offer_id in (d["id"], missing):
        message = await net.refused(a["core2"], "GetDiscountOffer", offer_id, rule="not-found")
        assert a["core"].uscc not in message and offer_id in message
    # a bank: refused by its role before anything is read, the same words for both ids
    answers = {await net.refused(a["bank"], "GetDiscountOffer", offer_id, rule="not-permitted-to-read")
               for offer_id in (d["id"], missing)}
    assert len(answers) == 1 and a["core"].uscc not in answers.pop()


async def test_a_goods_receipt_already_financed_names_the_claim_to_its_creditor_only():
    net = await standard_net()
    a = net.actors
    receipts = [{"po_number": "PO-2026-0042", "receipt_number": f"GR-2026-010{n}"} for n in (7, 8)]
    claims = [await net.ok(a["tier1"], "RegisterReceivable",
                           net.registration(a["tier1"], a["core"], 1_000, goods_receipts=[receipt]))
              for receipt in receipts]
    # another supplier guessing the debtor's receipt numbers learns that a claim holds each, not which or whose
    answers = set()
    for receipt in receipts:
        for evaluate in (True, False):
            probe = net.registration(a["tier2"], a["core"], 1_000, goods_receipts=[receipt])
            message = await net.refused(a["tier2"], "RegisterReceivable", probe, evaluate=evaluate,
                                        rule="goods-receipt-already-financed")
            assert all(c["id"] not in message and c["root_id"] not in message for c in claims), message
            assert a["tier1"].uscc not in message and f"ask the debtor {a['core'].uscc}" in message
            answers.add(message.replace(receipt["receipt_number"], "<receipt>"))
    assert len(answers) == 1, answers
    # its creditor is told which of its claims holds the receipt
    mine = await net.refused(a["tier1"], "RegisterReceivable",
                             net.registration(a["tier1"], a["core"], 1_000, goods_receipts=[receipts[1]]),
                             rule="goods-receipt-already-financed")
    assert f"receivable {claims[1]['id']}" in mine and "ask the debtor" not in mine
