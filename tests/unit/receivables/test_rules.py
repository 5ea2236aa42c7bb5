"""More rejections, and rules about the contract's own source."""

from __future__ import annotations

import re
from pathlib import Path

from .support import standard_net, transient_terms

ROOT = Path(__file__).resolve().parents[3]


async def test_payment_amount_rules():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000)
    for bad, code in (("10.5", "amount-not-integer-fen"), ("-10", "amount-negative"), ("0", "amount-not-positive"),
                      ("1e2", "amount-not-integer-fen"), ("1001", "payment-exceeds-outstanding")):
        await net.refused(core, "RecordPayment", r["id"], bad, rule=code)
    registered = await net.registered(tier1, core, 1000)
    await net.refused(core, "RecordPayment", registered["id"], "10", rule="invalid-state")


async def test_financing_rules():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000, due_in=30)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    # fees below the advance of 900 fen, with interest (3 fen for 30 days) consuming the rest: refused at disbursement
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(fees=899))
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    err = await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(fees=899),
                            rule="financing-not-positive")
    assert ("the terms leave -0.02 CNY for the holder: interest 0.03 CNY and fees 8.99 CNY consume the principal "
            "9.00 CNY") in err
    await net.refused(bank, "RecordRepayment", f["id"], rule="invalid-state")
    await net.refused(tier1, "WithdrawFinancing", f["id"], rule="invalid-state")
    await net.refused(net.actors["tier2"], "WithdrawFinancing", f["id"], rule="not-the-holder")
    # discounting a financed claim: the financier, not the holder, is to be paid
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"], rule="receivable-financed")
    # the bank cannot offer on a request that is no longer open
    await net.refused(net.actors["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="invalid-state")


async def test_offers_no_disbursement_could_take_are_refused_when_made():
    """An advance of 0 fen, or fees taking all of the advance, would make every disbursement fail and leave the
    accepted claim unpayable until a cancellation; neither improves with time, so the offer itself is refused."""
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    tiny = await net.confirmed(tier1, core, 1, due_in=60)
    f = await net.ok(tier1, "RequestFinancing", tiny["id"])
    err = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate="0.4"),
                            rule="advance-rounds-to-zero")
    assert "advance_rate 0.4 of the outstanding 0.01 CNY is 0.00 CNY to the nearest fen" in err
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate="0.5"))  # 0.5 fen: 1 fen

    r = await net.confirmed(tier1, core, 1000, due_in=60)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    for fees in (900, 2000):   # the advance at 0.9 is 900 fen
        err = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(fees=fees),
                                rule="fees-not-below-advance")
        assert f"fees of {fees // 100}.00 CNY would take all of the 9.00 CNY advanced (advance_rate 0.9 of the " \
               f"outstanding 10.00 CNY)" in err
    assert net.doc(r["id"])["status"] == "CONFIRMED"
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(fees=899))
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])


async def test_recourse_is_true_or_false_and_nothing_else():
    """Recourse decides whether the bank can reclaim from the holder: "yes", "1", 1 or 0 are refused, not read as
    a binding term, and nothing is written."""
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000, due_in=60)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    for loose in ("yes", "1", 1, 0, None):
        err = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(recourse=loose),
                                rule="argument-invalid")
        assert "recourse" in err
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(recourse=True))
    assert (await net.ok(bank, "GetOfferTerms", o["id"]))["recourse"] is True


async def test_no_financing_on_or_after_maturity():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000, due_in=3)
    net.advance(days=3)
    await net.refused(tier1, "RequestFinancing", r["id"], rule="past-maturity")
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"], rule="past-maturity")


async def test_discount_offer_only_on_own_payables():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000)
    await net.refused(core2, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(5), "receivable_ids": [r["id"]]},
                      rule="not-the-debtor")
    d2 = await net.ok(core2, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(5)})
    await net.refused(tier1, "AcceptDiscountOffer", d2["id"], r["id"], rule="discount-offer-not-for-receivable")
    await net.refused(core, "PublishDiscountOffer", {"apr": 0.05, "expires_on": net.day(5)}, rule="rate-invalid")
    await net.refused(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(-1)}, rule="offer-expired")


async def test_a_discount_offer_lists_only_claims_a_holder_could_take_it_on():
    """AcceptDiscountOffer settles only a CONFIRMED claim before its due date: an offer listing any other claim is
    refused, naming the claim and its state, and publishes nothing."""
    net = await standard_net()
    core, tier1, tier2, bank = (net.actors[k] for k in ("core", "tier1", "tier2", "bank"))
    registered = await net.registered(tier1, core, 1000)
    rejected = await net.registered(tier1, core, 1000)
    await net.ok(core, "RejectReceivable", rejected["id"], "not ours")
    split = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", split["id"], tier2.uscc, "400")
    settled = await net.confirmed(tier1, core, 1000)
    await net.ok(core, "RecordPayment", settled["id"], "1000")
    financed = await net.confirmed(tier1, core, 1000)
    f, o = await net.offered(tier1, financed["id"], bank)
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    due_soon = await net.confirmed(tier1, core, 1000, due_in=2)
    open_claim = await net.confirmed(tier1, core, 1000, due_in=60)

    def offer(*listed: dict) -> dict:
        return {"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [open_claim["id"], *(r["id"] for r in listed)]}

    for claim, state in ((registered, "REGISTERED"), (rejected, "REJECTED"), (split, "SPLIT"), (settled, "SETTLED"),
                         (financed, "FINANCED")):
        message = await net.refused(core, "PublishDiscountOffer", offer(claim), rule="invalid-state")
        assert f"receivable {claim['id']} is {state}: early payment is offered on CONFIRMED payables only" in message
    net.advance(days=2)
    message = await net.refused(core, "PublishDiscountOffer", offer(due_soon), rule="past-maturity")
    assert due_soon["id"] in message
    part = {"id": f"{split['id']}.1"}                     # a part of the split claim, CONFIRMED
    d = await net.ok(core, "PublishDiscountOffer", offer(part))
    assert d["receivable_ids"] == [open_claim["id"], part["id"]]


async def test_every_change_emits_one_named_event_with_the_receivable_id():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core, 1000)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, "100")
    import json

    names = [(name, json.loads(payload)) for _, name, payload in net.ledger.events]
    receivable_events = [(n, p) for n, p in names if n.startswith("Receivable")]
    assert [n for n, _ in receivable_events] == ["ReceivableRegistered", "ReceivableConfirmed", "ReceivableSplit"]
    for name, payload in receivable_events:
        assert payload["event"] == name and payload["receivable_id"] == r["id"]
    assert sum(1 for n, _ in names if n == "PartyRegistered") == 7


def test_the_contract_never_reads_the_wall_clock_or_randomness():
    # endorsers must compute the same writes: dates come from the transaction timestamp, ids from the tx id
    source = "".join(p.read_text() for p in (ROOT / "chaincode" / "receivables").glob("*.py"))
    for forbidden in ("datetime.now", "date.today", "time.time", "import random", "import uuid", "utcnow"):
        assert forbidden not in source, forbidden


def test_the_contract_uses_no_couchdb_only_query():
    # LevelDB answers key, range and partial-composite-key reads only; a rich (JSON selector) query needs CouchDB
    source = "".join(p.read_text() for p in (ROOT / "chaincode" / "receivables").glob("*.py"))
    for couchdb_only in ("get_query_result", "get_private_data_query_result", "selector"):
        assert couchdb_only not in source, couchdb_only


def test_the_chaincode_never_imports_the_client():
    # the package ``client`` (or a module of it), not a name that starts so (``import client_id_problem``)
    imports_the_client = re.compile(r"^\s*(from\s+client(\.\w+)*\s+import|import\s+client(\.\w+)*\s*($|,|\sas\s))",
                                    re.MULTILINE)
    for p in (ROOT / "chaincode" / "receivables").glob("*.py"):
        assert imports_the_client.search(p.read_text()) is None, p.name


async def test_a_discount_is_rounded_half_up_to_the_fen_and_never_consumes_the_claim():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    # 50.00 yuan, 18% a year, one day early, ACT/360: 2.5 fen of discount, rounded up to 3
    r = await net.confirmed(tier1, core, 50_00, due_in=1)
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.18", "expires_on": net.day(0)})
    paid = (await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"]))["payments"][0]
    assert (paid["amount"], paid["discount"]) == (50_00 - 3, 3)
    # 100% a year for 365 days on ACT/360 would discount 1014 of 1000 fen: a payment of -14 fen
    far = await net.confirmed(tier1, core, 1000, due_in=365)
    steep = await net.ok(core, "PublishDiscountOffer", {"apr": "1", "expires_on": net.day(10)})
    err = await net.refused(tier1, "AcceptDiscountOffer", steep["id"], far["id"], rule="discount-exceeds-amount")
    assert "1 a year for 365 days (ACT/360) is a discount of 10.14 CNY on 10.00 CNY outstanding" in err
    # and exactly the whole amount (ACT/365) leaves nothing to pay: refused too
    whole = await net.ok(core, "PublishDiscountOffer", {"apr": "1", "day_count": "ACT/365", "expires_on": net.day(10)})
    await net.refused(tier1, "AcceptDiscountOffer", whole["id"], far["id"], rule="discount-exceeds-amount")


async def test_an_offer_cannot_be_accepted_on_or_after_maturity():
    """Accepted then, the financing could never be disbursed (past maturity) nor withdrawn, and the debtor could
    never pay (financing-in-progress): the claim would be stuck."""
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000, due_in=5)
    f, o = await net.offered(tier1, r["id"], bank)
    net.advance(days=5)
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="past-maturity")
    await net.ok(tier1, "WithdrawFinancing", f["id"])
    await net.ok(core, "RecordPayment", r["id"], "1000")


async def test_an_offer_is_refused_on_a_claim_whose_acceptance_would_be_refused():
    """An offer on a claim at or past its due date (past-maturity; invalid-state once marked overdue) could never be
    accepted: refused when made, by the rules acceptance applies, and the holder can still withdraw the request."""
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000, due_in=5)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    net.advance(days=5)
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="past-maturity")
    assert f"fell due on {r['due_date']}" in message
    net.advance(days=1)
    await net.ok(core, "RecordOverdue", r["id"])
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="invalid-state")
    assert "while it is OVERDUE: only when CONFIRMED" in message
    await net.ok(tier1, "WithdrawFinancing", f["id"])


async def test_an_assignment_notice_is_acknowledged_only_while_its_financing_is_disbursed():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    paid_first = await net.confirmed(tier1, core, 1000, due_in=30)
    repaid_first = await net.confirmed(tier1, core, 1000, due_in=30)
    notices = {}
    for r in (paid_first, repaid_first):
        f, o = await net.offered(tier1, r["id"], bank)
        await net.ok(tier1, "AcceptFinancingOffer", o["id"])
        notices[r["id"]] = await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    # paid in full by the debtor, the bank not yet recording repayment: the financing is live, the notice stands
    await net.ok(core, "RecordPayment", paid_first["id"], "1000")
    acknowledged = await net.ok(core, "AcknowledgeAssignment", notices[paid_first["id"]]["notice_id"])
    assert acknowledged["status"] == "ACKNOWLEDGED"
    # repaid: the notice has nothing left to bind the debtor to
    f = notices[repaid_first["id"]]
    await net.ok(bank, "RecordRepayment", f["id"])
    message = await net.refused(core, "AcknowledgeAssignment", f["notice_id"], rule="invalid-state")
    assert f"financing {f['id']}, which is REPAID" in message
    notice = await net.ok(core, "GetAssignmentNotice", f["notice_id"], evaluate=True)
    assert notice["status"] == "ISSUED"


async def test_text_that_is_not_json_and_a_wrong_argument_count_are_refused_by_rule():
    # refused by the runtime's conversion, before the contract runs: named by a rule like every other refusal
    net = await standard_net()
    tier1 = net.actors["tier1"]
    message = await net.refused(tier1, "RegisterReceivable", "{not json", rule="argument-invalid")
    assert "argument 'receivable' = '{not json'" in message
    message = await net.refused(tier1, "TransferReceivable", "R-1", rule="argument-invalid")
    assert "TransferReceivable takes 3-4 arguments (receivable_id, to, amount, request_id), got 1" in message
    await net.refused(tier1, "WhoAmI", "extra", evaluate=True, rule="argument-invalid")
