"""RecordRepayment records what the claim still owed as the debtor's payment to the bank on the day the bank
records it, not the day the money arrived: every date the contract records is its transaction's, and the payment
record's ``settled_on`` and ``days_late`` are read from the claim's history. A bank recording a repayment the day
after the due date has the debtor recorded late; the debtor that paid on its due date keeps its record on time by
recording that payment itself (RecordPayment, to the bank), after which the repayment records nothing paid.
docs/receivables.md says so, where the financing's steps describe the repayment."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net

DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"


async def _record(net, claim_id: str) -> dict:
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", net.actors["core"].uscc, "100", "", "",
                        evaluate=True)
    return next(r for r in page["records"] if r["receivable_id"] == claim_id)


async def test_a_repayment_recorded_after_the_due_date_is_late_and_the_debtors_own_payment_is_not():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    recorded_late = await net.confirmed(tier1, core, 1000_00, due_in=30)
    paid_by_debtor = await net.confirmed(tier1, core, 1000_00, due_in=30)
    late_loan = await net.financed(tier1, recorded_late["id"])
    own_loan = await net.financed(tier1, paid_by_debtor["id"])
    net.advance(days=30)   # the due date: the debtor pays both loans; it records only the second payment itself
    await net.ok(core, "RecordPayment", paid_by_debtor["id"], "100000")
    net.advance(days=1)    # the bank records both repayments the next day
    await net.ok(bank, "RecordRepayment", late_loan["id"])
    await net.ok(bank, "RecordRepayment", own_loan["id"])

    late = await _record(net, recorded_late["id"])
    assert (late["settled_on"], late["days_late"]) == (net.today, 1)
    assert net.doc(recorded_late["id"])["payments"][-1]["late"] is True
    on_time = await _record(net, paid_by_debtor["id"])
    assert (on_time["settled_on"], on_time["days_late"]) == (net.day(-1), 0)

    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("dated the day the bank records it, not the day the money arrived, as every date the contract "
            "records is its transaction's") in docs
    assert ("a debtor that pays on its due date keeps its record on time by recording that payment itself "
            "(`RecordPayment`") in docs
