"""rank_proposals takes lists of offers: one offer passed alone, bank or early payment, is refused by name."""
from datetime import date

import pytest

from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, rank_proposals

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")
BANK = BankOffer(offer_id="OF-A", financier="bank-a", advance_rate="0.9", discount_rate="0.04", recourse=False,
                 expires_on=date(2026, 12, 31))
EARLY = EarlyPaymentOffer(offer_id="DD-1", debtor="core", apr="0.05", expires_on=date(2027, 1, 1))


@pytest.mark.parametrize("bank_offers, early_payments, refused", [
    (BANK, [], "bank_offers takes a list of BankOffer, not one alone: pass [offer]"),
    ([], EARLY, "early_payments takes a list of EarlyPaymentOffer, not one alone: pass [offer]"),
])
def test_one_offer_alone_is_refused_naming_the_argument_and_the_fix(bank_offers, early_payments, refused):
    # a bank offer alone failed as an AttributeError on a tuple (a pydantic model iterates as its fields)
    with pytest.raises(TypeError) as error:
        rank_proposals(TERMS, ON, bank_offers, early_payments)
    assert str(error.value) == refused


def test_the_same_offers_in_lists_are_ranked():
    ranked = rank_proposals(TERMS, ON, [BANK], [EARLY])
    assert sorted(p.offer_id for p in ranked) == ["DD-1", "OF-A"]
