"""``quote`` names an argument of the wrong type and what to give, before anything compares it: an exposure of
``Decimal("NaN")`` raised ``decimal.InvalidOperation`` from inside, one given as text "'<' not supported between
instances of 'str' and 'int'", a datetime for ``on`` "can't compare datetime.datetime to datetime.date", none of
them saying which argument; and a ``thin_record`` of "no" priced the claim at the thin record's grade."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from client.pricing import ReceivableTerms, quote
from client.pricing.config import bank_config_path, load_bank_config

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))

REFUSED = [
    ({"exposure": Decimal("NaN")}, "exposure must be an int of fen, not Decimal (NaN)"),
    ({"exposure": "12"}, "exposure must be an int of fen, not str ('12')"),
    ({"exposure": 1.5}, "exposure must be an int of fen, not float (1.5)"),
    ({"exposure": None}, "exposure must be an int of fen, not NoneType (null)"),
    ({"open_offers": Decimal("sNaN")}, "open_offers must be an int of fen, not Decimal (sNaN)"),
    ({"open_offers": True}, "open_offers must be an int of fen, not bool (true)"),
    ({"on": datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)},
     "on must be a datetime.date, not a datetime: pass business_date(on) (client.business_dates)"),
    ({"on": "2026-12-01"}, "on must be a datetime.date, not str"),
    ({"offered_on": datetime(2026, 12, 1)}, "offered_on must be a datetime.date, not a datetime"),
    ({"offered_on": 0}, "offered_on must be a datetime.date, not int"),
    ({"thin_record": "no"}, "thin_record must be True or False, not str ('no')"),
    ({"probability_late": "0.3"}, "probability_late must be a Decimal fraction from 0 to 1 (0.3 is 30%), or None, "
                                  "not str ('0.3')"),
    ({"probability_late": True}, "probability_late must be a Decimal fraction from 0 to 1"),
]


@pytest.mark.parametrize("given, said", REFUSED, ids=[next(iter(g)) + str(i) for i, (g, _) in enumerate(REFUSED)])
def test_an_argument_of_another_type_is_a_type_error_naming_it(given, said):
    config = load_bank_config(bank_config_path("bank"))
    with pytest.raises(TypeError, match="^" + re.escape(said)):
        quote(config, TERMS, **{"grade": "A", "on": ON, **given})


def test_the_arguments_of_their_types_are_priced():
    config = load_bank_config(bank_config_path("bank"))
    priced = quote(config, TERMS, grade="A", on=ON, exposure=0, open_offers=0, probability_late=Decimal("0.3"),
                   offered_on=ON, thin_record=False)
    assert priced.offer is not None and priced.exposure == 0


@pytest.mark.parametrize("call, kind, said", [
    (lambda config: quote(config, TERMS.model_dump(), grade="A", on=ON), TypeError,
     "terms must be of type ReceivableTerms, not dict: ReceivableTerms.model_validate(the_dict) builds one"),
    (lambda config: quote(config.model_dump(), TERMS, grade="A", on=ON), TypeError,
     "config must be of type BankPricing, not dict: BankPricing.model_validate(the_dict) builds one"),
    (lambda config: quote(config, TERMS, grade=["A"], on=ON), TypeError,
     'grade must be a str, one of A, B, C, D, E, not list (["A"])'),
    (lambda config: quote(config, TERMS, grade=None, on=ON), ValueError, "grade null is not one of A, B, C, D, E"),
    (lambda config: quote(config, TERMS, grade="A" * 10_000, on=ON), ValueError,
     "grade '" + "A" * 39 + "..." + "A" * 11 + "' (10000 characters) is not one of A, B, C, D, E"),
], ids=["terms-dict", "config-dict", "grade-list", "grade-none", "grade-long"])
def test_the_configuration_terms_and_grade_are_named_when_of_another_kind(call, kind, said):
    """A dict for the configuration or the terms raised an AttributeError from inside ('dict' object has no
    attribute 'currency'), a list for the grade "unhashable type: 'list'", and a long grade came back whole."""
    config = load_bank_config(bank_config_path("bank"))
    with pytest.raises(kind, match="^" + re.escape(said)):
        call(config)
