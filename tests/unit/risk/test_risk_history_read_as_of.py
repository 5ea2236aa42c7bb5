"""A history read from the ledger knows nothing after the date it was read as of: scoring it as of a later date
would count a claim the debtor has paid since as unpaid, and once due as overdue. It is refused, saying what to do."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features, history_from_ledger, \
    score_debtor

from ..pricing.ledger_world import World
from .risk_helpers import DEBTOR, ev


def _claim_paid_on_day_20():
    """A claim on `core` due on day 30, read as of day 0 (open), paid on time on day 20; the ledger at day 40."""
    w = World()
    net = w.net
    claim = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 5_000_000, due_in=30))
    start = date.fromisoformat(net.today)
    regulator, debtor = w.client("regulator"), w.uscc("core")
    read_at_start = history_from_ledger(regulator, debtor, start)
    net.advance(20)
    w.client("core").record_payment(claim["id"], 5_000_000)
    net.advance(20)
    return regulator, debtor, start, read_at_start


def test_a_history_read_from_the_ledger_is_not_scored_as_of_a_later_date():
    regulator, debtor, start, read_at_start = _claim_paid_on_day_20()
    day_40 = start + timedelta(days=40)
    model = LatePaymentModel.load(DEFAULT_MODEL)
    with pytest.raises(ValueError) as refused:
        score_debtor(model, read_at_start, day_40)   # would count the claim paid on day 20 as 10 days overdue
    assert read_at_start.read_as_of == start
    assert str(refused.value) == (
        f"as_of {day_40} is after {start}, the date {debtor}'s history was read from the ledger as of: as of then "
        "each claim open when it was read would count as unpaid, and once due as overdue, though the ledger may "
        f"have recorded its payment since; read the history again as of {day_40} "
        f"(history_from_ledger(..., {day_40})), or score as of {start}")
    with pytest.raises(ValueError, match="read the history again"):
        debtor_features(read_at_start, start + timedelta(days=1))
    # as of the date read, or before, it scores; read again as of day 40, the payment is in it
    assert debtor_features(read_at_start, start).open_amount == 5_000_000
    assert score_debtor(model, read_at_start, start - timedelta(days=1)).features.confirmed_count == 0
    again = debtor_features(history_from_ledger(regulator, debtor, day_40), day_40)
    assert (again.settled_on_time_count, again.overdue_count) == (1, 0)


def test_a_history_asked_for_after_the_ledgers_today_is_read_as_of_its_today():
    """The contract answers a later date as of its today, so that is the date the history knows up to."""
    regulator, debtor, start, _ = _claim_paid_on_day_20()
    today, asked = start + timedelta(days=40), start + timedelta(days=120)
    history = history_from_ledger(regulator, debtor, asked)
    assert history.read_as_of == today
    assert history.as_of(asked).read_as_of == today   # a view as of a later date knows no more
    assert history.as_of(start).read_as_of == start   # one as of an earlier date is read as of that date
    with pytest.raises(ValueError, match=f"as_of {asked} is after {today}"):
        debtor_features(history, asked)
    assert debtor_features(history, today).settled_on_time_count == 1


def test_a_history_built_by_hand_is_scored_as_of_any_date():
    history = ReceivableHistory(debtor=DEBTOR, events=[ev("R1", "registered", date(2026, 1, 5), date(2026, 2, 1)),
                                                     ev("R1", "confirmed", date(2026, 1, 6), date(2026, 2, 1))])
    assert history.read_as_of is None
    assert debtor_features(history, date(2026, 6, 1)).overdue_count == 1


def test_a_history_read_as_of_a_date_holds_no_event_after_it():
    with pytest.raises(ValidationError, match="read_as_of: 2026-01-05 is before the event of R1 on 2026-01-06"):
        ReceivableHistory(debtor=DEBTOR, read_as_of=date(2026, 1, 5),
                          events=[ev("R1", "registered", date(2026, 1, 5), date(2026, 2, 1)),
                                  ev("R1", "confirmed", date(2026, 1, 6), date(2026, 2, 1))])
