"""Business dates as the receivables contract counts them.

The contract dates everything from the transaction timestamp in China Standard Time
(UTC+8, chaincode/receivables/dates.py). An off-chain date that has to agree with the
ledger (an offer's expiry, a due date, "today" in an invoice check) uses the same
calendar, or it is a day off between 16:00 and 24:00 UTC. This is the client's own copy of
that one rule.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Annotated

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from chaincode.receivables.dates import parse_date
from chaincode.receivables.errors import RuleViolation

BUSINESS_TZ = timezone(timedelta(hours=8), "CST")


def business_date(timestamp: str | datetime) -> date:
    """The China Standard Time date of a timestamp (ISO 8601 text or datetime; UTC when naive)."""
    ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) if isinstance(timestamp, str) else timestamp
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=timezone.utc)
    return ts.astimezone(BUSINESS_TZ).date()


def business_today() -> date:
    """Today's business date: the date a transaction submitted now would carry."""
    return business_date(datetime.now(timezone.utc))


# How far a proposal's timestamp may be from an endorsing peer's clock (Fabric's peer.authentication.timewindow,
# whose default the network keeps): the contract counts a bank's offer in its exposure while an acceptance stamped
# that much earlier may still commit (chaincode/receivables/dates.py, PEER_TIME_WINDOW).
PEER_TIME_WINDOW = timedelta(minutes=15)


def offers_counted_on() -> date:
    """The day GetFinancierExposure, sent now, holds the bank's offers to: an offer counts (``offers``,
    ``offered``) while a holder could accept it on that day, today's business date less the peers' time window."""
    return business_date(datetime.now(timezone.utc) - PEER_TIME_WINDOW)


def _iso_day(value: object, info: ValidationInfo) -> date:
    # as the contract reads a date (chaincode/receivables/dates.py, parse_date): pydantic alone would read 0 or "0"
    # as 1970-01-01 and "20270301" as a date, so a damaged file would be priced on another day with nothing said
    if isinstance(value, date) and not isinstance(value, datetime):   # from code: a date is a date
        return value
    try:
        return parse_date(value, info.field_name or "date")
    except RuleViolation as refusal:
        raise PydanticCustomError("iso_date", "{problem}", {"problem": refusal.detail}) from None


# A date in offers files and history files: a string written YYYY-MM-DD that is a day of the calendar, nothing else.
IsoDay = Annotated[date, BeforeValidator(_iso_day)]
