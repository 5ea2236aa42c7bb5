"""A claim that fell due and was paid late, or is overdue, never lowers a debtor's probability of paying
late, nor any late share the model sees, whatever its face (the smoothing of late_payment-v8 takes its scale
from the claims paid on time, bounded by those paid late: scaled by all that fell due, a claim of 5 billion
yuan paid 30 days late took four of 50 million yuan paid late from D, 0.2950, to C, 0.1853)."""
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features
from client.risk.features import MODEL_FEATURES
from client.risk.working_days import next_working_day

from .risk_helpers import BIG, DEBTOR, big_late_claims, lifecycle

AS_OF = date(2026, 6, 30)
LATE_SHARES = [k for k, name in enumerate(MODEL_FEATURES) if name.startswith("late_log_odds_")]
MODEL = LatePaymentModel.load(DEFAULT_MODEL)

face = st.one_of(st.integers(1, 10**12), st.sampled_from([1, 100, BIG, 100 * BIG, 10**12]))
# how a claim went: paid this many days after the last day it was on time (0: on its due date), or None: not
# paid (overdue)
outcome = st.one_of(st.none(), st.just(0), st.integers(1, 120))
due_days_ago = st.integers(1, 800)   # due before the as-of date: it fell due
claim = st.tuples(due_days_ago, face, outcome)


def claim_events(rid, days_ago, face, days_late):
    due = AS_OF - timedelta(days=days_ago)
    # late counts from the last day it is paid on time: its due date, or the next working day after a day off
    on_time_until = next_working_day(due)
    paid = None if days_late is None else min(on_time_until + timedelta(days=days_late), AS_OF)
    if paid is not None and not days_late:
        paid = due
    if paid is not None and days_late and paid <= on_time_until:   # "late" by the as-of date: keep it unpaid
        paid = None
    return lifecycle(rid, due - timedelta(days=60), due, face=face, paid=paid)


def seen(events):
    inputs = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), AS_OF).model_inputs()
    return inputs, MODEL.probability(inputs)


@settings(max_examples=300, deadline=None)
@given(st.lists(claim, max_size=6), due_days_ago, face, st.one_of(st.none(), st.integers(1, 120)))
def test_a_claim_paid_late_or_overdue_never_lowers_the_score_or_a_late_share(record, days_ago, added_face,
                                                                             days_late):
    events = [e for k, c in enumerate(record) for e in claim_events(f"C{k}", *c)]
    before, p_before = seen(events)
    after, p_after = seen(events + claim_events("ADDED", days_ago, added_face, days_late))
    for k in LATE_SHARES:
        assert after[k] >= before[k] - 1e-9, MODEL_FEATURES[k]
    assert p_after >= p_before - 1e-12


def test_a_huge_claim_paid_late_scores_worse_than_none():
    """The case the mean claim of all that fell due got wrong: four claims of 50 million yuan paid 30 days
    late, and a fifth of 5 billion yuan, also paid 30 days late."""
    huge = lifecycle("H", date(2026, 1, 10), date(2026, 3, 1), face=100 * BIG, paid=date(2026, 3, 31))
    before, p_before = seen(big_late_claims())
    after, p_after = seen(big_late_claims() + huge)
    assert p_after > p_before
    assert all(after[k] >= before[k] for k in LATE_SHARES)


@settings(max_examples=300, deadline=None)
@given(st.lists(claim, max_size=6), due_days_ago, face, st.one_of(st.none(), st.integers(1, 120)))
def test_a_claim_paid_late_rather_than_on_time_never_lowers_the_score_or_a_late_share(record, days_ago, its_face,
                                                                                      days_late):
    """The same claim, paid on its due date or paid late (or not yet): the first can never score worse. Its
    leaving the claims paid on time must not lower the scale a mostly late window is smoothed with."""
    events = [e for k, c in enumerate(record) for e in claim_events(f"C{k}", *c)]
    on_time, p_on_time = seen(events + claim_events("IT", days_ago, its_face, 0))
    late, p_late = seen(events + claim_events("IT", days_ago, its_face, days_late))
    for k in LATE_SHARES:
        assert late[k] >= on_time[k] - 1e-9, MODEL_FEATURES[k]
    assert p_late >= p_on_time - 1e-12
