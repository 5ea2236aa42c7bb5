"""A quote for a disbursement date gone by (before the day the offer would be made, the ledger's today) is
declined as such, before any reason counted from that date: a claim the bank finances from today is not
declined as too far off from a date no offer made today can be disbursed on, and one due by today is declined
as past its due date then."""
from datetime import date

import pytest

from client.pricing import ReceivableTerms, bank_config_path, load_bank_config, quote

TODAY = date(2026, 12, 5)   # the day the offer would be made
GONE_BY = date(2026, 11, 25)


@pytest.fixture
def config():
    config = load_bank_config(bank_config_path("bank"))
    assert config.limits.max_days == 360
    return config


def claim(due: date) -> ReceivableTerms:
    return ReceivableTerms(receivable_id="R", face_amount=100_000_000, due_date=due)


def test_a_date_gone_by_is_named_not_the_days_counted_from_it(config):
    terms = claim(date(2027, 11, 28))   # 358 days from today, 368 from the date gone by
    assert quote(config, terms, grade="A", on=TODAY, offered_on=TODAY).offer is not None
    declined = quote(config, terms, grade="A", on=GONE_BY, offered_on=TODAY)
    assert declined.offer is None
    assert declined.declined == ("the disbursement date 2026-11-25 is before 2026-12-05, the day the offer "
                                 "would be made: quote for a disbursement on 2026-12-05 or later")


def test_a_claim_due_by_the_day_the_offer_would_be_made_is_past_its_due_date(config):
    declined = quote(config, claim(date(2026, 12, 3)), grade="A", on=GONE_BY, offered_on=TODAY)
    assert declined.offer is None
    assert declined.declined == ("R is due on 2026-12-03, before the day the offer would be made "
                                 "2026-12-05: the contract finances no claim on or after its due date "
                                 "(rule past-maturity)")
