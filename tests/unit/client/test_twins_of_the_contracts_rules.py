"""The client counts business dates and credit codes' check characters with the contract's own functions
(chaincode/receivables/dates.py, chaincode/receivables/uscc.py), not copies of them that could drift apart,
and keeps its public names and behaviour: ``business_date`` takes ISO 8601 text too,
``credit_code_check_digit`` a body in lower case."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from chaincode.receivables import dates as contract_dates
from chaincode.receivables import uscc
from client import business_dates
from client.invoices import credit_code


def test_the_business_calendar_and_the_peers_window_are_the_contracts():
    assert business_dates.BUSINESS_TZ is contract_dates.BUSINESS_TZ
    assert business_dates.PEER_TIME_WINDOW is contract_dates.PEER_TIME_WINDOW


def test_business_date_is_counted_by_the_contracts_function(monkeypatch):
    asked = []
    monkeypatch.setattr(contract_dates, "business_date", lambda ts: asked.append(ts) or date(2001, 2, 3))
    assert business_dates.business_date("2026-02-28T16:30:00Z") == date(2001, 2, 3)
    assert asked == [datetime(2026, 2, 28, 16, 30, tzinfo=timezone.utc)]


def test_the_offers_day_is_the_contracts_earliest_date_still_stamped(monkeypatch):
    monkeypatch.setattr(contract_dates, "earliest_date_still_stamped", lambda ts: date(2001, 2, 3))
    assert business_dates.offers_counted_on() == date(2001, 2, 3)


def test_the_check_digit_is_the_contracts_check_character(monkeypatch):
    assert credit_code.CREDIT_CODE_CHARSET is uscc.CHARSET
    asked = []
    monkeypatch.setattr(uscc, "check_character", lambda body: asked.append(body) or "Q")
    assert credit_code.credit_code_check_digit("91350100m000100y4") == "Q"
    # the client reads a body typed in lower case as its capitals, which is all the contract's function takes
    assert asked == ["91350100M000100Y4"]


def test_a_body_in_lower_case_has_its_capitals_check_digit_and_a_bad_body_is_refused():
    assert credit_code.credit_code_check_digit("91350100m000100y4") == "3"
    with pytest.raises(ValueError, match="not 17 characters of the credit-code set"):
        uscc.check_character("91350100m000100y4")
    with pytest.raises(ValueError, match="not 17 characters of the credit-code set"):
        credit_code.credit_code_check_digit("91350100M000100O4")
