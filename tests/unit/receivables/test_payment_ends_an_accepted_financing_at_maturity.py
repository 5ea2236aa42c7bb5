"""RecordPayment from the due date on ends a financing a bank accepted and never disbursed, as it ends a request.

From the due date on the bank can no longer disburse it (RecordDisbursement: past-maturity), so it lends nothing
any more, yet only its holder or its bank could cancel it, and until one did the debtor's payment was refused
(financing-in-progress): a holder that accepted an offer the day before the due date and then let it stand had its
debtor recorded late, in the payment record banks price the debtor on. The payment ends it as CancelFinancing
does; before the due date it is still refused, as the bank may still disburse.
"""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import BANK, CORE, SUPPLIER, Net, standard_net, transient_terms


def _financing(net: Net, financing_id: str) -> dict:
    return json.loads(net.ledger.state[net._key(keys.FINANCING, financing_id)])


async def _accepted_the_day_before_maturity(net: Net, *, split: bool = False) -> tuple[str, str, dict]:
    """tier1's claim on core due in 30 days (split first, 300.00 of it to tier2, when ``split``), whose holder (of
    the part, split) accepted the bank's offer on the day before the due date, which the bank never disbursed:
    the claim paid, the claim (or part) financed, and the financing."""
    core, t1, t2 = (net.actors[k] for k in ("core", "tier1", "tier2"))
    r = await net.confirmed(t1, core, 1000_00, due_in=30)
    financed, holder = r["id"], t1
    if split:
        await net.ok(t1, "TransferReceivable", r["id"], t2.uscc, str(300_00))
        financed, holder = r["id"] + ".1", t2
    f, o = await net.offered(holder, financed)
    net.advance(days=29)
    await net.ok(holder, "AcceptFinancingOffer", o["id"])
    return r["id"], financed, _financing(net, f["id"])


async def test_paying_on_the_due_date_ends_an_accepted_financing_never_disbursed_and_nobody_is_late():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    claim, _, f = await _accepted_the_day_before_maturity(net)
    net.advance(days=1)                                                    # the due date
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(), rule="past-maturity")

    result = await net.call(core, "RecordPayment", claim, str(1000_00))
    assert result.status == 200, result.message
    # the orgs the claim's key names while the bank finances it endorse everything the payment writes
    assert net.writes_not_endorsed(CORE, SUPPLIER, BANK) == []
    assert net.writes_not_endorsed(CORE, SUPPLIER) != []      # and the bank's among them: no two others end it
    name, payload = result.event[0], json.loads(result.event[1])
    assert name == "PaymentRecorded"
    assert payload["financings_cancelled"] == [{"receivable_id": claim, "financing_id": f["id"],
                                                "financier": bank.uscc}]
    assert "financings_withdrawn" not in payload
    assert payload["allocations"] == [{"receivable_id": claim, "amount": 1000_00, "payee": tier1.uscc,
                                       "outstanding": 0}]

    ended = _financing(net, f["id"])
    assert (ended["status"], ended["cancelled_on"], ended["last"]["action"], ended["last"]["by"]) == \
        ("CANCELLED", net.today, "RecordPayment", core.uscc)
    doc = net.doc(claim)
    assert (doc["status"], doc["outstanding"], doc["financing_id"], doc["financier"]) == ("SETTLED", 0, None, None)
    assert [(p["payee"], p["late"]) for p in doc["payments"]] == [(tier1.uscc, False)]
    assert net.claim_policy_orgs(claim) == [CORE, SUPPLIER]    # the bank has left the claim's key
    exposure = await net.ok(bank, "GetFinancierExposure", core.uscc, "", evaluate=True)
    assert exposure["financings"] == [] and exposure["exposure"] == {}

    net.advance(days=1)
    # paid on time, and never financed: the bank lent nothing on it
    record = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert [(x["receivable_id"], x["days_late"], x["overdue"], x["financed_on"]) for x in record["records"]] == \
        [(claim, 0, False, None)]
    message = await net.refused(tier1, "CancelFinancing", f["id"], "too late", rule="invalid-state")
    assert "CANCELLED" in message


async def test_a_payment_through_a_split_claim_ends_a_parts_accepted_financing_from_the_due_date_on():
    net = await standard_net()
    core, tier2, bank = net.actors["core"], net.actors["tier2"], net.actors["bank"]
    root, part, f = await _accepted_the_day_before_maturity(net, split=True)
    net.advance(days=3)                                                    # two days past the due date

    result = await net.call(core, "RecordPayment", root, str(500_00))
    assert result.status == 200, result.message
    payload = json.loads(result.event[1])
    assert payload["financings_cancelled"] == [{"receivable_id": part, "financing_id": f["id"],
                                                "financier": bank.uscc}]
    assert [(a["receivable_id"], a["amount"], a["payee"]) for a in payload["allocations"]] == \
        [(part, 150_00, tier2.uscc), (root + ".2", 350_00, net.actors["tier1"].uscc)]
    assert _financing(net, f["id"])["status"] == "CANCELLED"
    doc = net.doc(part)
    # paid in part, late: its debtor owes the rest to its holder, and nothing finances it again past its due date
    assert (doc["status"], doc["outstanding"], doc["financier"]) == ("CONFIRMED", 150_00, None)
    assert [p["late"] for p in doc["payments"]] == [True]
    await net.refused(tier2, "RequestFinancing", part, rule="past-maturity")
    assert (await net.ok(core, "RecordPayment", part, str(150_00)))["status"] == "SETTLED"


async def test_before_the_due_date_an_accepted_financing_still_refuses_the_payment_naming_the_day_it_ends_it():
    net = await standard_net()
    core, bank = net.actors["core"], net.actors["bank"]
    claim, _, f = await _accepted_the_day_before_maturity(net)
    message = await net.refused(core, "RecordPayment", claim, str(1000_00), rule="financing-in-progress")
    assert message.endswith("pay after disbursement (to the financier), once the holder or the bank cancels it "
                            f"(CancelFinancing), or from its due date {net.day(1)} on, when the bank can no longer "
                            "disburse it and the payment ends it"), message
    assert _financing(net, f["id"])["status"] == "ACCEPTED"
    # the bank disburses on the last day it can: from then on the debtor pays the bank, whatever the date
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    net.advance(days=1)
    paid = await net.ok(core, "RecordPayment", claim, str(1000_00))
    assert paid["allocations"][0]["payee"] == bank.uscc and _financing(net, f["id"])["status"] == "DISBURSED"
