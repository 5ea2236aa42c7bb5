"""The client counts business dates as the contract does: China Standard Time."""
from __future__ import annotations

from datetime import date, datetime, timezone

from chaincode.receivables import dates as contract_dates
from client.business_dates import business_date


def test_evening_utc_is_already_the_next_business_day():
    late = datetime(2026, 2, 28, 16, 30, tzinfo=timezone.utc)
    assert business_date(late) == date(2026, 3, 1)
    assert business_date("2026-02-28T15:59:59Z") == date(2026, 2, 28)


def test_naive_timestamps_are_read_as_utc():
    assert business_date(datetime(2026, 12, 31, 20, 0)) == date(2027, 1, 1)


def test_client_and_contract_agree_on_every_hour_of_a_day():
    for hour in range(24):
        ts = datetime(2026, 6, 30, hour, 0, tzinfo=timezone.utc)
        assert business_date(ts) == contract_dates.business_date(ts)
