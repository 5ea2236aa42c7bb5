"""Which receivables are labelled, at which as-of dates: only what the history shows, each once, none already known."""
from datetime import date, timedelta

import pytest

from client.risk import ReceivableHistory
from client.risk.dataset import HORIZON_DAYS, build_examples, labelled_claims, snapshot_dates
from client.risk.simulator import SimulationConfig
from .risk_helpers import (CONFIRMED, DAY, DEBTOR, DUE, PART_CONFIRMED, PART_DUE, PART_SPLIT_ON, SPLIT_ON,
                           lifecycle, split_claim, split_part_again)

ENDS = date(2026, 3, 1)   # the date the ledger was read as of
AS_OF = date(2026, 2, 1)


def history(*events):
    return ReceivableHistory(debtor=DEBTOR, events=[e for group in events for e in group])


def test_a_claim_due_on_or_after_the_day_the_history_ends_is_not_labelled():
    """Unpaid when the history ends, it is not known yet whether it will be paid on time: no label, not a late one.
    The last day may not be over (a ledger read as of today), so a claim due on it is left out paid or not: keeping
    the ones paid that day would keep only on-time outcomes of that day."""
    h = history(lifecycle("LATER", date(2026, 1, 3), date(2026, 4, 15)),           # due after ENDS
                lifecycle("UNPAID", date(2026, 1, 3), date(2026, 2, 12)),          # due before ENDS, never paid
                lifecycle("LAST-DAY", date(2026, 1, 3), ENDS),                     # due on ENDS, unpaid so far
                lifecycle("LAST-DAY-PAID", date(2026, 1, 3), ENDS, paid=ENDS),     # due on ENDS, paid on it
                lifecycle("DAY-BEFORE", date(2026, 1, 3), ENDS - DAY),             # due the day before, unpaid
                lifecycle("PAID", date(2026, 1, 3), date(2026, 2, 25), paid=date(2026, 2, 25)),
                lifecycle("EARLY", date(2026, 1, 3), date(2026, 4, 20), paid=date(2026, 2, 10)))  # due after ENDS
    assert sorted(labelled_claims(h, AS_OF, history_ends=ENDS)) == [(date(2026, 2, 12), 1), (date(2026, 2, 25), 0),
                                                                    (ENDS - DAY, 1)]
    assert sorted(build_examples([h], [AS_OF], history_ends=ENDS).labels) == [0, 1, 1]


def test_a_claim_due_the_day_the_ledger_is_read_is_labelled_alike_in_the_morning_and_the_afternoon():
    """Read as of its due date before the debtor pays it, then again after, the same claim gets the same label:
    none, for whether it is paid by the end of that day is not known while the day lasts."""
    morning = history(lifecycle("R", date(2026, 1, 3), ENDS))
    afternoon = history(lifecycle("R", date(2026, 1, 3), ENDS, paid=ENDS))
    assert labelled_claims(morning, AS_OF, history_ends=ENDS) == labelled_claims(afternoon, AS_OF,
                                                                                 history_ends=ENDS) == []
    # ENDS is a Sunday: the claim may still be paid on time on Monday, so it is labelled once that day is over
    # (read as of the Tuesday), by what happened by then, and dated by it
    assert labelled_claims(morning, AS_OF, history_ends=ENDS + DAY) == []
    assert labelled_claims(morning, AS_OF, history_ends=ENDS + 2 * DAY) == [(ENDS + DAY, 1)]
    assert labelled_claims(afternoon, AS_OF, history_ends=ENDS + 2 * DAY) == [(ENDS + DAY, 0)]


def test_events_after_the_history_ends_are_not_read_and_an_as_of_date_after_it_is_refused():
    h = history(lifecycle("R", date(2026, 1, 3), date(2026, 2, 12), paid=date(2026, 2, 12)))
    assert labelled_claims(h, AS_OF, history_ends=date(2026, 2, 13)) == [(date(2026, 2, 12), 0)]
    assert labelled_claims(h, AS_OF, history_ends=date(2026, 2, 12)) == []       # its due day not over: not known
    with pytest.raises(ValueError, match="as_of 2026-03-02 is after 2026-03-01, the date the history ends"):
        labelled_claims(h, ENDS + DAY, history_ends=ENDS)
    with pytest.raises(ValueError, match="the date the history ends"):
        build_examples([h], [AS_OF, ENDS + DAY], history_ends=ENDS)


def test_a_claim_settled_by_the_as_of_date_is_not_labelled():
    """Its label would be known on the day it is predicted for, and the features already count its settlement."""
    due = date(2026, 2, 12)
    h = history(lifecycle("EARLY", date(2026, 1, 3), due, paid=AS_OF - 5 * DAY),
                lifecycle("ON-THE-DAY", date(2026, 1, 3), due, paid=AS_OF),
                lifecycle("NEXT-DAY", date(2026, 1, 3), due, paid=AS_OF + DAY),
                lifecycle("OPEN", date(2026, 1, 3), due))
    assert labelled_claims(h, AS_OF, history_ends=ENDS) == [(due, 0), (due, 1)]   # NEXT-DAY, OPEN
    # a split claim with one part paid by then is still open: labelled, as its other part is paid
    split = ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE - 50 * DAY, DUE + 3 * DAY]))
    assert labelled_claims(split, DUE - 30 * DAY, history_ends=DUE + 60 * DAY) == [(DUE, 1)]
    paid = ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE - 50 * DAY, DUE - 40 * DAY]))
    assert labelled_claims(paid, DUE - 30 * DAY, history_ends=DUE + 60 * DAY) == []


def test_a_claim_split_into_eight_parts_is_labelled_once():
    unpaid = ReceivableHistory(debtor=DEBTOR, events=split_claim([None] * 8))
    assert labelled_claims(unpaid, DUE - 30 * DAY, history_ends=DUE + 60 * DAY) == [(DUE, 1)]
    on_time = ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE - k * DAY for k in range(8)]))
    assert labelled_claims(on_time, DUE - 30 * DAY, history_ends=DUE + 60 * DAY) == [(DUE, 0)]


@pytest.mark.parametrize("days,count", [(SimulationConfig().days, 8), (3 * 365, 2), (5 * 365, 8), (3 * 365, 20)])
def test_as_of_dates_are_a_horizon_apart_so_no_receivable_is_labelled_twice(days, count):
    start = SimulationConfig().start
    dates = snapshot_dates(start, days, count=count)
    assert 2 <= len(dates) <= count
    assert all(later - earlier >= timedelta(days=HORIZON_DAYS) for earlier, later in zip(dates, dates[1:]))
    assert dates[0] - start >= timedelta(days=365)                                    # a year of history first
    assert dates[-1] + timedelta(days=HORIZON_DAYS) < start + timedelta(days=days)    # labels all within it


def test_a_claim_not_yet_confirmed_on_the_as_of_date_is_not_labelled():
    """Registered later, or awaiting the debtor then: there was no claim to price on the day, and which claims came
    to be, on what terms, is known only later."""
    due = date(2026, 2, 12)
    h = history(lifecycle("LATER", AS_OF + 10 * DAY, due, paid=due + 5 * DAY),        # registered after AS_OF
                lifecycle("PENDING", AS_OF + DAY, due, paid=due + 5 * DAY),           # registered on AS_OF
                lifecycle("THAT-DAY", AS_OF, due, paid=due + 5 * DAY))                # confirmed on AS_OF
    assert labelled_claims(h, AS_OF, history_ends=ENDS) == [(due, 1)]                 # THAT-DAY
    assert build_examples([h], [AS_OF], history_ends=ENDS).labels == [1]
    assert len(labelled_claims(h, AS_OF + DAY, history_ends=ENDS)) == 2               # PENDING confirmed by then


def test_a_split_claim_is_confirmed_when_the_original_was_not_when_its_parts_came_to_be():
    split = ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE, DUE + 3 * DAY]))   # parts from SPLIT_ON
    assert labelled_claims(split, CONFIRMED, history_ends=DUE + 60 * DAY) == [(DUE, 1)]  # before the split
    assert labelled_claims(split, CONFIRMED - DAY, history_ends=DUE + 60 * DAY) == []     # registered, not confirmed
    # a history without the original: confirmed when its first part came to be
    parts = ReceivableHistory(debtor=DEBTOR, events=[e for e in split.events if e.receivable_id != "R"])
    assert labelled_claims(parts, SPLIT_ON - DAY, history_ends=DUE + 60 * DAY) == []
    assert labelled_claims(parts, SPLIT_ON, history_ends=DUE + 60 * DAY) == [(DUE, 1)]


def test_a_part_split_again_after_the_as_of_date_is_labelled_from_its_own_confirmation():
    """Without the original, the claim is confirmed when its first part was, the part split again included: whether
    it is labelled on a date does not hang on a split after it."""
    parts = ReceivableHistory(debtor=DEBTOR, events=split_part_again())
    ends = PART_DUE + 30 * DAY
    assert labelled_claims(parts, PART_CONFIRMED - DAY, history_ends=ends) == []     # registered, not confirmed
    for as_of in (PART_CONFIRMED, PART_SPLIT_ON - 5 * DAY, PART_SPLIT_ON):
        # PART_DUE is a Sunday: dated by the Monday, the last day it was on time
        assert labelled_claims(parts, as_of, history_ends=ends) == [(PART_DUE + DAY, 0)]
    assert build_examples([parts], [PART_SPLIT_ON - 5 * DAY], history_ends=ends).labels == [0]
