"""A cancellation of a financing sent again after its answer was lost (CancelFinancing takes no request id) is
refused by the financing's status, and names the transaction the first attempt committed in, as a bank's
disbursement, repayment or recourse sent again does: the holder and the bank may each cancel, so "it was
cancelled" alone could as well be the other party's cancellation, with the other's reason on the record. Only to
the party whose cancellation it was."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net

DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"


async def test_a_cancellation_sent_again_names_its_transaction_to_the_party_that_cancelled_alone():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00)
    f = await net.financed(tier1, r["id"], disburse=False)
    cancelled = await net.ok(tier1, "CancelFinancing", f["id"], "found cheaper money")

    again = await net.refused(tier1, "CancelFinancing", f["id"], "found cheaper money", rule="invalid-state")
    assert again.endswith(
        f"; the CancelFinancing that made it CANCELLED committed in transaction {cancelled['last']['tx_id']} at "
        f"{cancelled['last']['at']}: sent again, it records nothing twice"), again
    # the bank, which did not cancel it, is told how it ended, and no transaction as its own
    by_bank = await net.refused(bank, "CancelFinancing", f["id"], "limit reached", rule="invalid-state")
    assert "it was cancelled on" in by_bank and "committed in transaction" not in by_bank, by_bank


def test_the_docs_list_the_cancellation_among_the_steps_sent_again_that_name_their_transaction():
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    start = text.index("The other writes take no request id")
    listed = text[start:text.index("are refused naming the transaction the first attempt committed in", start)]
    assert "a holder's or a bank's cancellation of a financing (`CancelFinancing`)" in listed, listed
