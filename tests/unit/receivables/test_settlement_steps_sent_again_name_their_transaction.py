"""A payment or an overdue marking sent again after its answer was lost (RecordOverdue takes no request id, and a
payment may be sent without one, or again under a fresh one) is refused by the status it made, and the refusal
names the transaction the first attempt committed in: the caller learns that its own step is on the ledger,
where the status alone could as well be another party's change. Only to the party whose step it was, and only
while that step is still the claim's last change."""

from __future__ import annotations

from .support import standard_net


def _first_attempt(step: str, status: str, done: dict) -> str:
    return (f"; the {step} that made it {status} committed in transaction {done['last']['tx_id']} at "
            f"{done['last']['at']}: sent again, it records nothing twice")


async def test_a_payment_that_settled_the_claim_sent_again_names_its_transaction():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00)
    await net.ok(core, "RecordPayment", r["id"], "40000")
    settled = await net.ok(core, "RecordPayment", r["id"], "60000", "PAY-2")

    said = await net.refused(core, "RecordPayment", r["id"], "60000", "PAY-3", rule="invalid-state")
    assert said.endswith(f"cannot record a payment on receivable {r['id']} while it is SETTLED: only when "
                         "CONFIRMED or FINANCED or OVERDUE; it is paid in full, which is final: nothing is left to pay on it, "
                         "and no step acts on it again" + _first_attempt("RecordPayment", "SETTLED", settled)), said


async def test_a_claim_settled_by_its_banks_repayment_names_no_payment_of_the_debtor():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00)
    f = await net.financed(tier1, r["id"])
    await net.ok(bank, "RecordRepayment", f["id"])
    said = await net.refused(core, "RecordPayment", r["id"], "100", rule="invalid-state")
    assert "committed in transaction" not in said, said


async def test_an_overdue_marking_sent_again_names_its_transaction_to_the_party_that_marked_it_alone():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=10)
    net.advance(days=11)
    marked = await net.ok(tier1, "RecordOverdue", r["id"])

    said = await net.refused(tier1, "RecordOverdue", r["id"], rule="invalid-state")
    in_arrears = (f"; it fell due on {r['due_date']} unpaid, in arrears since {marked['overdue_since']}, and is "
                  f"never CONFIRMED again: what is left is for its debtor {core.uscc} to pay it (RecordPayment)")
    assert said.endswith(f"cannot mark overdue receivable {r['id']} while it is OVERDUE: only when CONFIRMED or "
                         "FINANCED" + in_arrears + _first_attempt("RecordOverdue", "OVERDUE", marked)), said
    # the debtor did not mark it: told its status only
    said = await net.refused(core, "RecordOverdue", r["id"], rule="invalid-state")
    assert said.endswith("only when CONFIRMED or FINANCED" + in_arrears), said
