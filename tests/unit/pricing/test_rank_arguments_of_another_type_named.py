"""``rank_proposals`` (and the pricing of one offer) name an argument of the wrong type and what to give: an offer
given as the dict it was read from JSON as, or terms of another type, raised an AttributeError from inside
(``'dict' object has no attribute 'offer_id'``); a datetime or text for ``on`` "unsupported operand type(s) for -";
and offers given as a generator were read for their ids and then priced as none."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from client.pricing import BankOffer, EarlyPaymentOffer, ReceivableTerms, rank_proposals
from client.pricing.proposals import price_bank_offer, price_early_payment

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")
BANK = BankOffer(offer_id="O-1", financier="BANK", advance_rate="0.9", discount_rate="0.036", fees=100,
                 recourse=False, expires_on=date(2026, 12, 20))
EARLY = EarlyPaymentOffer(offer_id="D-1", debtor="CORE", apr="0.05", expires_on=date(2026, 12, 20))

REFUSED = [
    (lambda: rank_proposals(TERMS, ON, [BANK.model_dump(mode="json")]),
     "bank_offers[0] must be of type BankOffer, not dict: BankOffer.model_validate(the_dict) builds one"),
    (lambda: rank_proposals(TERMS, ON, [BANK], [EARLY, "D-2"]),
     "early_payments[1] must be of type EarlyPaymentOffer, not str"),
    (lambda: rank_proposals(TERMS.model_dump(), ON, [BANK]),
     "terms must be of type ReceivableTerms, not dict: ReceivableTerms.model_validate(the_dict) builds one"),
    (lambda: rank_proposals(TERMS, ON, "O-1"), "bank_offers takes a list of BankOffer, not str"),
    (lambda: rank_proposals(TERMS, ON, None), "bank_offers takes a list of BankOffer, not NoneType"),
    (lambda: rank_proposals(TERMS, datetime(2026, 12, 1), [BANK]),
     "on must be a datetime.date, not a datetime: pass business_date(on)"),
    (lambda: rank_proposals(TERMS, "2026-12-01", [BANK]), "on must be a datetime.date, not str"),
    (lambda: price_bank_offer(BANK, TERMS, "2026-12-01"), "on must be a datetime.date, not str"),
    (lambda: price_early_payment(EARLY, TERMS, datetime(2026, 12, 1)), "on must be a datetime.date, not a datetime"),
]


@pytest.mark.parametrize("call, said", REFUSED, ids=range(len(REFUSED)))
def test_an_argument_of_another_type_is_a_type_error_naming_it(call, said):
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        call()


def test_offers_given_as_a_generator_are_priced():
    ranked = rank_proposals(TERMS, ON, (o for o in [BANK]), (e for e in [EARLY]))
    assert sorted(p.offer_id for p in ranked) == ["D-1", "O-1"]
