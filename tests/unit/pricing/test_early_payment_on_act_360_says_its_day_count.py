"""An offer on ACT/360 charges 365/360 of its quoted rate over a year, and its why says so, the debtor's
early-payment offer as a bank's: at one quoted rate, the early payment on ACT/360 ranks after a bank's offer on
ACT/365 by cost, and without the reason the holder read the same 4% costing more for nothing said."""
from datetime import date

from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, rank_proposals

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))
DAY_COUNT_SAID = "ACT/360 charges 365/360 of the quoted rate over a year"


def early(basis: str) -> EarlyPaymentOffer:
    return EarlyPaymentOffer(offer_id=f"DD-{basis[-3:]}", debtor="core-co", apr="0.04", day_count=basis,
                             expires_on=date(2026, 12, 31))


def test_an_early_payment_on_act_360_says_why_it_costs_more_than_a_bank_offer_at_its_rate():
    bank = BankOffer(offer_id="OF-365", financier="bank-a", advance_rate="1", discount_rate="0.04", recourse=False,
                     day_count="ACT/365", expires_on=date(2026, 12, 31))
    cheaper, dearer = rank_proposals(TERMS, ON, [bank], [early("ACT/360")])
    assert (cheaper.offer_id, dearer.offer_id) == ("OF-365", "DD-360") and dearer.exact_apr > cheaper.exact_apr
    assert DAY_COUNT_SAID in dearer.why.split("; ")
    assert dearer.why.endswith(f"on 2027-03-01; {DAY_COUNT_SAID}; no fees, no recourse")
    assert DAY_COUNT_SAID not in cheaper.why


def test_an_early_payment_on_act_365_says_nothing_of_it():
    (only,) = rank_proposals(TERMS, ON, [], [early("ACT/365")])
    assert DAY_COUNT_SAID not in only.why and only.why.endswith("no fees, no recourse")
