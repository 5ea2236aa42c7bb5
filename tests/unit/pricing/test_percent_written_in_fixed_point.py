"""A percentage is written in fixed point however small: Decimal writes 5 units at the 7th place as "5E-7", which
read as a gap of "5E-7 points above" in a comparison's reasons, where the table and every other figure say
0.0000005."""
from datetime import date
from fractions import Fraction

from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, rank_proposals
from client.pricing.money import percent_of

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")


def test_a_small_rate_is_written_in_fixed_point():
    assert percent_of(Fraction(5, 10**9), 7) == "0.0000005%"
    assert percent_of(Fraction(0), 7) == "0.0000000%"
    assert percent_of(Fraction(1, 10**12), 12) == "0.000000000100%"


def test_the_gap_to_the_cheapest_is_written_in_fixed_point():
    # the same rate on each basis, 4% ACT/365: the bank's APR on its advance less interest comes out 0.0000005
    # points above the debtor's discount on the whole claim
    bank = BankOffer(offer_id="OF-B", financier="bank-b", advance_rate="0.9", discount_rate="0.04", recourse=False,
                     day_count="ACT/365", expires_on=date(2027, 1, 1))
    early = EarlyPaymentOffer(offer_id="EP-1", debtor="core", apr="0.04", day_count="ACT/365",
                              expires_on=date(2027, 1, 1))
    cheapest, dearer = rank_proposals(TERMS, ON, [bank], [early])
    assert (cheapest.offer_id, dearer.offer_id) == ("EP-1", "OF-B")
    assert "0.0000005 points above EP-1" in dearer.why
    assert "E-" not in dearer.why and "E-" not in cheapest.why
