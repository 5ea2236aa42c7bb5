"""Business dates from the transaction timestamp, never the wall clock.

Every endorsing peer sees the same proposal timestamp, so dates derived from it
agree. Business dates are calendar dates in China Standard Time (UTC+8, no
daylight saving): a transaction at 01:00 Beijing time on 1 March belongs to
1 March although it is still 28/29 February in UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from chaincode.caller_values import InvalidValue

from .errors import rule, shown

BUSINESS_TZ = timezone(timedelta(hours=8), "CST")
# How far a proposal's timestamp may be from an endorsing peer's clock: Fabric's peer.authentication.timewindow, whose
# default the network keeps. A transaction stamped before midnight may so commit after it, judged by its own date.
PEER_TIME_WINDOW = timedelta(minutes=15)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def days_text(days: int) -> str:
    """A count of days as a refusal writes it: ``1 day``, ``2 days``."""
    return f"{days} day" if days == 1 else f"{days} days"


def business_date(timestamp: datetime) -> date:
    """The date in China Standard Time of ``timestamp`` (UTC when naive)."""
    return _in_business_tz(timestamp).date()


def earliest_date_still_stamped(timestamp: datetime) -> date:
    """The earliest business date a transaction committing from ``timestamp`` on may still carry: that of
    ``timestamp`` less the peers' time window (the day before, in the first minutes after midnight).

    The window is taken off in China Standard Time, 8 hours ahead of UTC, so a stamp in the first minutes of
    0001-01-01 UTC (a client's wrong clock) still has a date, that day, rather than none before year 1."""
    return (_in_business_tz(timestamp) - PEER_TIME_WINDOW).date()


def _in_business_tz(timestamp: datetime) -> datetime:
    """``timestamp`` (UTC when naive) in China Standard Time.

    A stamp in the last 8 hours of 9999-12-31 UTC falls in year 10000 there, which no date holds. Only a
    client whose clock is wrong sends one, so it is refused as the shim refuses a proposal's timestamp outside
    years 1 to 9999 (``InvalidValue``, answered ``ValueError: ...``), not failed as an internal error."""
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=timezone.utc)
    try:
        return timestamp.astimezone(BUSINESS_TZ)
    except OverflowError:
        raise InvalidValue(f"the proposal's timestamp {iso_timestamp(timestamp)} is after 9999-12-31, the "
                           "last business date, in China Standard Time (UTC+8): the client that submitted it "
                           "set it wrongly; submit the transaction again from a client whose clock is right"
                           ) from None


def start_of(day: date) -> str:
    """The first instant of business date ``day`` (midnight in China Standard Time), as ``iso_timestamp`` writes it."""
    return iso_timestamp(datetime(day.year, day.month, day.day, tzinfo=BUSINESS_TZ))


def iso_timestamp(timestamp: datetime) -> str:
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=timezone.utc)
    return timestamp.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def as_time(timestamp: str) -> datetime:
    """A transaction timestamp as the contract writes it (ISO 8601, UTC, ``Z``), as a time to compare: as text, a
    timestamp on a whole second ("...:00Z") sorts after one 0.4 s later ("...:00.400000Z")."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def is_time(timestamp: str) -> bool:
    """Whether ``timestamp`` is one ``as_time`` reads, with its zone: the contract writes every one so, and a record two
    orgs wrote need not hold one (a time without a zone compares with none that has one)."""
    try:
        return as_time(timestamp).tzinfo is not None
    except ValueError:
        return False


def parse_date(value: object, field: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise rule("date-invalid", f"{field} is {shown(value)}: give a calendar date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise rule("date-invalid", f"{field} is {shown(value)}: not a calendar date") from None


def a_year_after(day: date) -> date:
    """The same day one calendar year later; 29 February gives 28 February, the last day of that month.

    A day of year 9999 has none in the calendar, whose last day, 9999-12-31, it gives: every later date the
    calendar holds is within the year (a claim issued then, by a client whose clock is wrong, is judged by its
    other rules rather than failed as an internal error)."""
    if day.year == date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February, and the next year has none
        return day.replace(year=day.year + 1, day=28)
