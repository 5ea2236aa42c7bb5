"""Business dates as the receivables contract counts them.

The contract dates everything from the transaction timestamp in China Standard Time
(UTC+8, chaincode/receivables/dates.py). An off-chain date that has to agree with the
ledger (an offer's expiry, a due date, "today" in an invoice check) uses the same
calendar, or it is a day off between 16:00 and 24:00 UTC. The client counts it with the
contract's own functions, not a copy, so the two cannot drift apart.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from chaincode.receivables import dates as contract_dates
from chaincode.receivables.dates import BUSINESS_TZ, PEER_TIME_WINDOW, parse_date
from chaincode.receivables.errors import RuleViolation

__all__ = ["BUSINESS_TZ", "IsoDay", "PEER_TIME_WINDOW", "business_date", "business_today",
           "offers_counted_on"]


def business_date(timestamp: str | datetime) -> date:
    """The China Standard Time date of a timestamp (ISO 8601 text or datetime; UTC when naive)."""
    # the contract's business_date takes a datetime only; events and files give a client text
    ts = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) if isinstance(timestamp, str) else timestamp
    return contract_dates.business_date(ts)


def business_today() -> date:
    """Today's business date: the date a transaction submitted now would carry."""
    return business_date(datetime.now(timezone.utc))


def offers_counted_on() -> date:
    """The day GetFinancierExposure, sent now, holds the bank's offers to: an offer counts (``offers``,
    ``offered``) while a holder could accept it on that day, today's business date less the peers' time window
    (``PEER_TIME_WINDOW``, Fabric's peer.authentication.timewindow), as the contract counts it."""
    return contract_dates.earliest_date_still_stamped(datetime.now(timezone.utc))


def date_argument(value: object, what: str) -> date:
    """``value``, a date argument given in Python (``what`` names it), unless it is no ``datetime.date``: a
    TypeError naming it. A datetime is a date to Python too, but its day is the day where it was written, which
    from 16:00 UTC on is the day before the ledger's: the advice names the ledger's day of that moment."""
    if isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime.date, not a datetime: pass business_date({what}) "
                        f"(client.business_dates) for the ledger's day of that moment, China Standard Time; "
                        f"{what}.date() is its day where it was written, which can be the day before")
    if not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


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
