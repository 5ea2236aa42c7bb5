"""China's working days (工作日): the days a debtor's bank pays on, for when a payment is on time.

A debt due on a Saturday, a Sunday or a public holiday is paid on time on the next working day (顺延: the Civil
Code, article 203, makes the first day after the days off the last day of a period that ends on one): a debtor whose
claim falls due on a Saturday and pays it on Monday paid it on time. The risk features measure timeliness that way
(client.risk.features); the receivables contract does not (it counts interest to the due date as recorded, and
lets a holder mark a claim overdue the day after it, whatever day that is).

The days off are the weekends and the public holidays the State Council announces each year
(国务院办公厅关于部分节假日安排的通知), some of whose weekend days are working days in exchange (调休). The
announcement comes out late in the year before; a year it is not yet in ``_HOLIDAYS`` counts its weekends only,
so a claim due on one of that year's holidays counts as due that day. Add each year's as it is announced.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# year -> (the public holidays as announced, (first, last) month-day spans: New Year, Spring Festival, Qingming,
# Labour Day, Dragon Boat, Mid-Autumn, National Day; the weekend days worked in exchange)
_HOLIDAYS: dict[int, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    2021: ((("01-01", "01-03"), ("02-11", "02-17"), ("04-03", "04-05"), ("05-01", "05-05"), ("06-12", "06-14"),
            ("09-19", "09-21"), ("10-01", "10-07")),
           ("02-07", "02-20", "04-25", "05-08", "09-18", "09-26", "10-09")),
    2022: ((("01-01", "01-03"), ("01-31", "02-06"), ("04-03", "04-05"), ("04-30", "05-04"), ("06-03", "06-05"),
            ("09-10", "09-12"), ("10-01", "10-07")),
           ("01-29", "01-30", "04-02", "04-24", "05-07", "10-08", "10-09")),
    2023: ((("01-01", "01-02"), ("01-21", "01-27"), ("04-05", "04-05"), ("04-29", "05-03"), ("06-22", "06-24"),
            ("09-29", "10-06")),   # Mid-Autumn and National Day together
           ("01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08")),
    2024: ((("01-01", "01-01"), ("02-10", "02-17"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-08", "06-10"),
            ("09-15", "09-17"), ("10-01", "10-07")),
           ("02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12")),
    2025: ((("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"), ("05-31", "06-02"),
            ("10-01", "10-08")),   # Mid-Autumn and National Day together
           ("01-26", "02-08", "04-27", "09-28", "10-11")),
    2026: ((("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-19", "06-21"),
            ("09-25", "09-27"), ("10-01", "10-07")),
           ("01-04", "02-14", "02-28", "05-09", "09-20", "10-10")),
}
HOLIDAY_YEARS: tuple[int, ...] = tuple(sorted(_HOLIDAYS))
# no run of days off is longer than the Spring Festival's nine: a bound on the search for the next working day
_LONGEST_BREAK = 14


@lru_cache(maxsize=None)
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(the public holidays, the weekend days worked in exchange) of ``year``; both empty for a year not in
    the table."""
    spans, exchanged = _HOLIDAYS.get(year, ((), ()))
    holidays = set()
    for first, last in spans:
        day, end = date.fromisoformat(f"{year}-{first}"), date.fromisoformat(f"{year}-{last}")
        while day <= end:
            holidays.add(day)
            day += timedelta(days=1)
    return frozenset(holidays), frozenset(date.fromisoformat(f"{year}-{d}") for d in exchanged)


def is_working_day(day: date) -> bool:
    """``day`` is a working day in China: a weekday that is no public holiday, or a weekend day worked in
    exchange for one (调休). A year whose holidays are not in the table counts its weekends only."""
    holidays, exchanged = _year(day.year)
    return day in exchanged or (day.weekday() < 5 and day not in holidays)


@lru_cache(maxsize=8192)   # asked for each claim's due date many times over as features are computed
def next_working_day(day: date) -> date:
    """``day`` when it is a working day, else the first working day after it: the last day a payment due on
    ``day`` is on time (顺延). The calendar's last day, which has none after it, is its own."""
    for _ in range(_LONGEST_BREAK):
        if is_working_day(day) or day == date.max:
            return day
        day += timedelta(days=1)
    raise AssertionError(f"no working day in the {_LONGEST_BREAK} days to {day}: the holiday table is wrong")
