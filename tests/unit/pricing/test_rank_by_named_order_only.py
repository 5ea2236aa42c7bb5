"""rank_proposals orders by cost or by cash, and by nothing else: an order it does not know ("apr", "COST") was
taken for cash, so a caller asking for the cheapest first got the most cash first, with nothing said. It is
refused naming the two it takes; so is a probability outside 0 to 1 given to the pricer, which a quote would
otherwise show beside the grade it was priced at."""
from datetime import date
from decimal import Decimal

import pytest

from client.pricing import BankOffer, ReceivableTerms, rank_proposals
from client.pricing.config import bank_config_path, load_bank_config
from client.pricing.pricer import quote

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")
# the dearer pays more cash: ranked by cost and by cash, the two come in opposite orders
OFFERS = [BankOffer(offer_id=i, financier=f"bank-{i}", advance_rate=advance, discount_rate=rate, recourse=True,
                    expires_on=date(2026, 12, 31)) for i, advance, rate in (("DEAR", "0.9", "0.05"),
                                                                             ("CHEAP", "0.8", "0.03"))]


def test_by_cost_and_by_cash_give_opposite_orders_here():
    assert [p.offer_id for p in rank_proposals(TERMS, ON, OFFERS, by="cost")] == ["CHEAP", "DEAR"]
    assert [p.offer_id for p in rank_proposals(TERMS, ON, OFFERS, by="cash")] == ["DEAR", "CHEAP"]


@pytest.mark.parametrize("by", ["apr", "COST", "", None])
def test_an_order_it_does_not_know_is_refused(by):
    with pytest.raises(ValueError, match=f"by={by!r}: rank by 'cost' .* or by 'cash'"):
        rank_proposals(TERMS, ON, OFFERS, by=by)


# a Decimal NaN compares with nothing (InvalidOperation, no ValueError): it is no probability either
@pytest.mark.parametrize("probability", [Decimal("1.5"), Decimal("-0.1"), Decimal("NaN"), Decimal("sNaN")])
def test_a_probability_outside_0_to_1_is_refused(probability):
    config = load_bank_config(bank_config_path("bank"))
    with pytest.raises(ValueError, match=f"probability_late {probability} is not a probability"):
        quote(config, TERMS, grade="A", on=ON, probability_late=probability)
    assert quote(config, TERMS, grade="E", on=ON, probability_late=Decimal(1)).probability_late == 1
