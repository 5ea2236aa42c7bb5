"""A confirmation or an overdue marking sent again after its answer was lost names the transaction it committed
in only while it is the claim's last change: a freeze, or the lifting of one, since is a change of the claim
too, and the claim keeps only its last (``last``). Nothing else on the claim holds that transaction
(``confirmed_on`` is a date; an overdue marking keeps neither its party nor its transaction), so the refusal
names the status, says that the regulator's change came since and is the claim's last, and sends the caller to
GetReceivableHistory, which lists the step with its transaction; docs/receivables.md says so. Refused by the
status alone, the caller could not tell its own success from another's change, nor why no transaction was
named."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net

DOCS = Path(__file__).resolve().parents[3] / "docs"
ORDER, LIFTING = "(2026) Hu 0101 Bao 9", "(2026) Hu 0101 Jie 9"


def _paragraph_on_steps_sent_again() -> str:
    text = " ".join((DOCS / "receivables.md").read_text(encoding="utf-8").split())
    start = text.index("The other writes take no request id")
    return text[start:text.index("A lifting of a freeze sent again is refused", start)]


def _hidden_by(step: str, changed: dict, status: str, sent: str) -> str:
    return (f"; the regulator's {step} at {changed['last']['at']} came after it became {status} and is its last "
            f"change, and the claim keeps no other record of the transaction that made it {status}: whether that "
            f"was this {sent} sent before, GetReceivableHistory shows (each change of the claim with its party "
            "and transaction)")


async def test_a_step_sent_again_after_a_freeze_is_refused_by_its_status_and_sent_to_the_history():
    net = await standard_net()
    core, tier1, regulator = net.actors["core"], net.actors["tier1"], net.actors["regulator"]
    confirmed = await net.confirmed(tier1, core, 1000_00, due_in=10)
    frozen = await net.ok(regulator, "FreezeReceivable", confirmed["id"], ORDER)
    said = await net.refused(core, "ConfirmReceivable", confirmed["id"], rule="invalid-state")
    # where the claim stands, and nothing of the confirmation's transaction: the freeze was its last change, and
    # the refusal says so and where the confirmation's transaction is found
    confirmed_by = (f"; its debtor {core.uscc} confirmed it on {confirmed['confirmed_on']}, an irrevocable promise "
                    "to pay that no step undoes: what is left is for the debtor to pay it by its due date "
                    f"{confirmed['due_date']} (RecordPayment)")
    assert said.endswith(f"while it is CONFIRMED: only when REGISTERED{confirmed_by}"
                         + _hidden_by("FreezeReceivable", frozen, "CONFIRMED", "ConfirmReceivable")), said
    assert confirmed["last"]["tx_id"] not in said, said
    lifted = await net.ok(regulator, "UnfreezeReceivable", confirmed["id"], LIFTING)
    said = await net.refused(core, "ConfirmReceivable", confirmed["id"], rule="invalid-state")
    assert said.endswith(f"while it is CONFIRMED: only when REGISTERED{confirmed_by}"
                         + _hidden_by("UnfreezeReceivable", lifted, "CONFIRMED", "ConfirmReceivable")), said
    # the history the docs send the caller to names the confirmation and its transaction
    history = await net.ok(core, "GetReceivableHistory", confirmed["id"], evaluate=True)
    assert confirmed["last"]["tx_id"] in {entry["tx_id"] for entry in history}

    net.advance(days=11)
    marked = await net.ok(tier1, "RecordOverdue", confirmed["id"])
    frozen = await net.ok(regulator, "FreezeReceivable", confirmed["id"], ORDER + "-2")
    said = await net.refused(tier1, "RecordOverdue", confirmed["id"], rule="invalid-state")
    assert marked["last"]["tx_id"] not in said and said.endswith("only when CONFIRMED or FINANCED; it fell due on "
                                                          f"{confirmed['due_date']} unpaid, in arrears since "
                                                          f"{marked['overdue_since']}, and is never CONFIRMED "
                                                          f"again: what is left is for its debtor {core.uscc} to "
                                                          "pay it (RecordPayment)"
                                                          + _hidden_by("FreezeReceivable", frozen, "OVERDUE",
                                                                       "RecordOverdue")), said

    # another last change than the regulator's is no freeze's: the refusal names the status alone, as before
    await net.ok(regulator, "UnfreezeReceivable", confirmed["id"], LIFTING + "-2")
    await net.ok(core, "RecordPayment", confirmed["id"], "100")
    said = await net.refused(tier1, "RecordOverdue", confirmed["id"], rule="invalid-state")
    assert said.endswith("pay it (RecordPayment)"), said

    docs = _paragraph_on_steps_sent_again()
    assert ("a freeze order recorded on the claim since, or one lifted since (the claim keeps only its last "
            "change, and nothing else on it holds that step's transaction") in docs, docs
    assert "`recfin transaction status TXID`" in docs and "`GetReceivableHistory`" in docs, docs
    assert ("its refusal adds that the regulator's change came after the status and is the claim's last, and "
            "sends the caller to `GetReceivableHistory`") in docs, docs
