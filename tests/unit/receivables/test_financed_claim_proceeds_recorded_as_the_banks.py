"""What a bank and the holder of a financed claim read on the ledger of the debtor's payments: every payment on a
claim whose financing is disbursed is the bank's (``payee_role`` ``financier``), the whole outstanding amount,
though the bank lent only the principal (the outstanding amount at the advance rate, half up to the fen). What it
collects beyond that, the disbursement's ``outstanding`` less its ``principal``, is the holder's by their agreement
and is paid over off the ledger; a payment before the due date is recorded at its amount, nothing taken off for
paying early. docs/receivables.md ("Financing", step 6) says so, so neither party reads the ledger's figures as
more than they are."""

from __future__ import annotations

from pathlib import Path

from .support import standard_net

DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"


def _repayment_step() -> str:
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    start = text.index("6. At maturity the debtor pays the financier")
    return text[start:text.index("### Offers priced on the exposure", start)]


async def test_the_whole_outstanding_goes_to_the_bank_and_the_rest_over_its_principal_is_the_holders_off_the_ledger():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_05, due_in=90)
    f = await net.financed(tier1, r["id"])     # advance rate 0.9, 3.6% ACT/360, no fees
    disbursed = await net.ok(bank, "GetDisbursement", f["id"], evaluate=True)
    # 1,000.05 yuan at 0.9 is 900.045, half up to 900.05: lent; the 100.00 yuan over it is the holder's
    assert (disbursed["outstanding"], disbursed["principal"]) == (1000_05, 900_05)
    net.advance(days=10)
    await net.ok(core, "RecordPayment", r["id"], "60000")
    net.advance(days=20)
    await net.ok(core, "RecordPayment", r["id"], "40005")
    paid = net.doc(r["id"])["payments"]
    # before the due date, each at the amount sent: nothing off for paying early, nothing late
    assert [(p["payee_role"], p["payee"], p["amount"], p["discount"], p["late"]) for p in paid] == [
        ("financier", bank.uscc, 600_00, 0, False), ("financier", bank.uscc, 400_05, 0, False)]
    assert sum(p["amount"] for p in paid) == disbursed["outstanding"] \
        == disbursed["principal"] + (disbursed["outstanding"] - disbursed["principal"])
    repaid = await net.ok(bank, "RecordRepayment", f["id"])
    assert repaid["status"] == "REPAID" and net.doc(r["id"])["payments"] == paid

    step = _repayment_step()
    for said in ("is recorded as the bank's (`payee_role` `financier`), whatever the advance rate",
                 "the disbursement's `outstanding` less its `principal`", "off the ledger",
                 "takes nothing off for paying early"):
        assert said in step, said
