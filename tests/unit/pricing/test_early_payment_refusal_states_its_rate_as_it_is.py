"""An early-payment offer whose discount would leave nothing to pay is refused naming its rate as the offer
carries it, every digit, never rounded: half up to 2 places, 99.995% a year would read 100.00%, a rate no offer may
carry (a rate is at most 1), beside the discount its own rate gives."""
from datetime import date

from client.pricing import EarlyPaymentOffer, ReceivableTerms, rank_proposals

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 12, 1))


def test_the_refusal_names_the_offers_own_rate():
    greedy = EarlyPaymentOffer(offer_id="DD", debtor="core", apr="0.99995", expires_on=date(2027, 1, 1))
    (refused,) = rank_proposals(TERMS, ON, [], [greedy])
    # 99.995% a year, ACT/360, 365 days early: 1,013,838.19 off 1,000,000.00
    assert not refused.eligible
    assert refused.why.startswith("not eligible: 99.995% a year for 365 days early (ACT/360) is a discount of "
                                  "CNY 1,013,838.19 on CNY 1,000,000.00 outstanding, leaving nothing to pay")
    assert "100.00%" not in refused.why
