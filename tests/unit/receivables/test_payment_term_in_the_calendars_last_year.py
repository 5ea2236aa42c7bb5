"""A claim issued in year 9999 (stamped so by a client whose clock is wrong) has no day a calendar year later:
the default payment term then reaches the calendar's last day, rather than failing the registration as an
internal error."""

from __future__ import annotations

from datetime import date

from chaincode.receivables.dates import a_year_after

from .support import standard_net


def test_a_day_of_year_9999_gives_the_calendars_last_day():
    assert a_year_after(date(9999, 3, 1)) == date(9999, 12, 31)
    assert a_year_after(date(9998, 3, 1)) == date(9999, 3, 1)
    assert a_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


async def test_a_claim_issued_in_year_9999_is_judged_by_its_rules_not_failed():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    assert (await net.registered_in_year_9999(tier1, core, 5000, due_date="9999-12-01"))["status"] == "REGISTERED"
