"""Business dates as the receivables contract counts them.

The contract dates everything from the transaction timestamp in China Standard Time
(UTC+8, chaincode/receivables/dates.py). An off-chain date that has to agree with the
ledger (an offer's expiry, a due date, "today" in an invoice check) uses the same
calendar, or it is a day off between 16:00 and 24:00 UTC. This is the client's own copy of
that one rule.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

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
