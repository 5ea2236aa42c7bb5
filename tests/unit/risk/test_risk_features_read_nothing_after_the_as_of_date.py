"""No feature reads an event recorded after its as-of date, whatever its kind: as of the day before each freeze
order, each lifting and each rejection of a simulation, and every 60 days between, a debtor's features from its
whole history are those from the history cut at that date. A scoring or training path that read one (a lifting
recorded later, moving a claim that fell due under an order back into the late shares) would score a debtor, or
train the model, with what no one knew on that date."""
from datetime import timedelta

from client.risk.features import debtor_features
from client.risk.history import ReceivableHistory
from client.risk.simulator import SimulationConfig, simulate

# the kinds of event a few claims have: as of a date at random, most histories record none after it
RARE = ("frozen", "unfrozen", "rejected")


def as_of_dates(history: ReceivableHistory) -> list:
    """The day before each rare event of the history, and every 60 days from its first event to its last."""
    first, last = history.events[0].event_date, history.events[-1].event_date
    every_60_days = {first + timedelta(days=day) for day in range(0, (last - first).days, 60)}
    before_rare = {e.event_date - timedelta(days=1) for e in history.events if e.kind in RARE}
    return sorted(d for d in every_60_days | before_rare if d >= first)


def test_a_debtors_features_are_those_of_its_history_cut_at_the_as_of_date():
    lifted_after_falling_due = 0   # as-of dates at which a claim fell due under an order lifted later
    for history in simulate(SimulationConfig(debtors=20, seed=9)):
        liftings = {e.event_date - timedelta(days=1) for e in history.events if e.kind == "unfrozen"}
        for as_of in as_of_dates(history):
            whole = debtor_features(history, as_of)
            assert whole == debtor_features(history.as_of(as_of), as_of), (history.debtor, as_of)
            lifted_after_falling_due += as_of in liftings and bool(whole.fell_due_frozen)
    # the check met what a lifting read too early would change
    assert lifted_after_falling_due > 0
