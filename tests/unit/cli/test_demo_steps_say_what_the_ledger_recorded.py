"""`recfin demo` prints, at its offer and payment steps, what the contract returned: the terms the ledger holds for
each offer (read back with GetOfferTerms), and the amount the payment recorded. Before, those lines printed the
terms the demo quoted and the amount it asked to pay: were the two ever to differ from what the ledger stored,
the story would tell what was meant, not what happened. The offers are compared on the terms stored too."""

from __future__ import annotations

import json

from cli.amounts import money

from ..receivables_client import fakes, test_demo
from ..receivables_client.test_demo import KEPT

ledger = test_demo.ledger   # the demo over contract doubles


def _answering(ledger, name: str, answer) -> None:
    """Every session's contract double answers ``name`` with ``answer(args, the double's own answer)``."""
    answers = ledger.answers

    def changed(who):
        own = answers(who)
        return {**own, name: lambda args: answer(args, own[name])}
    ledger.answers = changed


def _steps(res) -> list[dict]:
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)["steps"]


def test_the_payment_step_shows_the_amount_the_ledger_recorded(ledger):
    recorded = 8_299_900     # the double records CNY 1.00 less than the demo asks to pay

    def pay(args, own):
        doc = own(args)   # the frozen claim's payment is refused, as before
        doc["payments"][-1]["amount"] = doc["allocations"][-1]["amount"] = recorded
        return doc
    _answering(ledger, "RecordPayment", pay)
    res = test_demo.run_demo("--skip-setup", "--json")
    (sent,) = [args[1] for _, args in ledger.calls("RecordPayment") if args[0] == KEPT]
    assert sent == "8300000"
    (paid,) = [s for s in _steps(res) if s["what"].startswith("pay ") and "refused" not in s["what"]]
    assert paid["what"].startswith(f"pay {money(recorded)} to the bank"), paid


def test_the_offer_steps_show_the_terms_the_ledger_holds_and_the_offers_are_compared_on_them(ledger):
    stored = {"O-1": fakes.terms(advance_rate="0.8", discount_rate="0.04", fees=30_000, day_count="ACT/365"),
              "O-2": fakes.terms(advance_rate="0.85", discount_rate="0.032")}
    _answering(ledger, "GetOfferTerms", lambda args, _own: stored[args[0]])
    res = test_demo.run_demo("--skip-setup", "--json")
    offered = {s["offer"]: s["what"] for s in _steps(res) if "offer" in s and s["what"].startswith("offer ")}
    assert offered == {"O-1": "offer 80% advance at 4.0% ACT/365, fees CNY 300.00",
                       "O-2": "offer 85% advance at 3.2% ACT/360, fees CNY 0.00"}
    proposals = {p["offer_id"]: p for p in json.loads(res.stdout)["proposals"]}
    o1 = proposals["O-1"]
    assert (o1["annual_rate"], o1["fees"], o1["day_count"]) == ("0.04", 30_000, "ACT/365"), o1


def test_an_offer_s_rates_are_shown_as_the_ledger_holds_them_not_rounded(ledger):
    """Rounded to whole and tenth percents, 85.5% advanced at 3.25% read "86% advance at 3.2%": rates the offer
    does not carry, on the line that says what the bank offered."""
    stored = {"O-1": fakes.terms(advance_rate="0.855", discount_rate="0.0325"),
              "O-2": fakes.terms(advance_rate="0.9", discount_rate="0.036")}
    _answering(ledger, "GetOfferTerms", lambda args, _own: stored[args[0]])
    res = test_demo.run_demo("--skip-setup", "--json")
    offered = {s["offer"]: s["what"] for s in _steps(res) if "offer" in s and s["what"].startswith("offer ")}
    assert offered == {"O-1": "offer 85.5% advance at 3.25% ACT/360, fees CNY 0.00",
                       "O-2": "offer 90% advance at 3.6% ACT/360, fees CNY 0.00"}
