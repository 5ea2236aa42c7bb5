"""The features of a debtor as of many dates, from one pass over its history (debtor_features_on, what training
builds its examples with), are those debtor_features computes from scratch as of each date: every 30 days of a
simulation, and the day before, of and after each event of the kinds few claims have (a freeze order, its
lifting, a rejection, a split), where a state carried from one date to the next would show."""
from datetime import date, timedelta

import pytest

from client.risk.features import debtor_features, debtor_features_on
from client.risk.history import LedgerEvent, ReceivableHistory
from client.risk.simulator import SimulationConfig, simulate

RARE = ("frozen", "unfrozen", "rejected", "split")


def many_dates(history: ReceivableHistory) -> list[date]:
    first, last = history.events[0].event_date, history.events[-1].event_date
    every_30_days = {first + timedelta(days=day) for day in range(0, (last - first).days + 31, 30)}
    around_rare = {e.event_date + timedelta(days=shift) for e in history.events if e.kind in RARE
                   for shift in (-1, 0, 1)}
    return sorted(every_30_days | around_rare)


def test_the_features_on_many_dates_are_those_from_scratch_on_each():
    compared, kinds = 0, set()
    for history in simulate(SimulationConfig(debtors=8, seed=9)):
        dates = many_dates(history)
        for as_of, features in zip(dates, debtor_features_on(history, dates), strict=True):
            assert features == debtor_features(history, as_of), (history.debtor, as_of)
            compared += 1
        kinds |= {e.kind for e in history.events}
    # the simulation had what a state carried wrongly from one date to the next would change
    assert compared > 500 and set(RARE) <= kinds


def test_a_part_confirmed_after_its_claim_was_split_counts_as_from_scratch():
    """A part takes its claim's confirmation until the debtor confirms it itself (a history read in which the
    part's own confirmation is dated later): as of a date before, that carried date, as of one after, its own;
    a state kept from the date before would keep the carried one."""
    def event(receivable_id, kind, day, parent_id=None, **fields):
        return LedgerEvent(receivable_id=receivable_id, debtor="D", holder="S", face_amount=100, kind=kind,
                           event_date=day, due_date=date(2026, 6, 30), parent_id=parent_id, **fields)
    history = ReceivableHistory(debtor="D", events=[
        event("R", "registered", date(2026, 1, 5)), event("R", "confirmed", date(2026, 1, 6)),
        event("R", "split", date(2026, 3, 1)), event("R.1", "registered", date(2026, 3, 1), "R"),
        event("R.1", "confirmed", date(2026, 4, 1), "R"),
        event("R.1", "settled", date(2026, 7, 3), "R", settled_date=date(2026, 7, 3))])
    dates = [date(2026, 2, 1), date(2026, 3, 15), date(2026, 4, 15), date(2026, 7, 10)]
    assert debtor_features_on(history, dates) == [debtor_features(history, d) for d in dates]


def test_dates_out_of_order_are_refused():
    history = simulate(SimulationConfig(debtors=1, seed=9))[0]
    with pytest.raises(ValueError, match="not in ascending order: sort them"):
        debtor_features_on(history, [date(2026, 5, 1), date(2026, 4, 1)])


def test_a_date_after_the_read_is_refused_as_from_scratch():
    history = simulate(SimulationConfig(debtors=1, seed=9))[0]
    read = history.as_of(history.events[-1].event_date).model_copy(
        update={"read_as_of": history.events[-1].event_date})
    later = read.read_as_of + timedelta(days=1)
    with pytest.raises(ValueError) as from_scratch:
        debtor_features(read, later)
    with pytest.raises(ValueError) as on_dates:
        debtor_features_on(read, [read.read_as_of, later])
    assert str(on_dates.value) == str(from_scratch.value)


def test_a_split_claim_closed_by_a_part_seen_later_counts_as_from_scratch():
    """A split claim none of whose parts the history holds stays payable, until a part appears that could be
    its (its parent held nowhere, the claim's due date, no larger face): then it is closed. No event of its own
    comes between, so a state kept from the date before would keep it payable."""
    def event(receivable_id, kind, day, face=100, parent_id=None):
        return LedgerEvent(receivable_id=receivable_id, debtor="D", holder="S", face_amount=face, kind=kind,
                           event_date=day, due_date=date(2026, 6, 30), parent_id=parent_id)
    history = ReceivableHistory(debtor="D", events=[
        event("X", "registered", date(2026, 1, 5)), event("X", "confirmed", date(2026, 1, 6)),
        event("X", "split", date(2026, 3, 1)),
        event("Y", "registered", date(2026, 4, 1), 40, "Q.1"), event("Y", "confirmed", date(2026, 4, 1), 40, "Q.1")])
    dates = [date(2026, 3, 15), date(2026, 4, 15)]
    on_dates = debtor_features_on(history, dates)
    assert [f.open_amount for f in on_dates] == [100, 40]
    assert on_dates == [debtor_features(history, d) for d in dates]
