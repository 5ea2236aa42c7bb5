"""A claim whose last day on time is the as-of date has not fallen due yet, frozen or not: the features leave a claim
due on the as-of date out, paid or not, since that day may not be over (it may still be paid), and for a frozen
claim the order may still be lifted that day, leaving it payable on time. Counted as fallen due under a freeze on
that day, it left the claims not yet due a day before an open claim does, and with them the size a clean record is
smoothed with: a debtor whose large claim a court froze read as safer on the claim's due date than the day before
or the same record without the order."""
from datetime import date, timedelta

from client.risk import ReceivableHistory, debtor_features

from .risk_helpers import DEBTOR, ev, lifecycle, six_claims_paid_on_time

DUE = date(2026, 3, 2)   # a Monday: its own last day on time
LARGE = 400_000_00       # 400,000 yuan, far larger than the claims paid on time


def features(as_of, *, frozen):
    order = [ev("X", "frozen", date(2026, 2, 1), DUE, face=LARGE)] if frozen else []
    events = six_claims_paid_on_time() + lifecycle("X", date(2026, 1, 10), DUE, face=LARGE) + order
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def test_on_its_due_date_a_frozen_claim_is_not_yet_due_as_an_open_one_is():
    frozen, open_ = features(DUE, frozen=True), features(DUE, frozen=False)
    assert frozen.fell_due_frozen == []
    assert frozen.smoothing_claims == open_.smoothing_claims == features(DUE - timedelta(days=1), frozen=True) \
        .smoothing_claims
    assert frozen.model_inputs() == open_.model_inputs()


def test_the_day_after_its_due_date_it_fell_due_under_the_freeze():
    after = features(DUE + timedelta(days=1), frozen=True)
    assert after.fell_due_frozen == ["X"]
    assert after.overdue_count == 0 and after.late_365 == 0
