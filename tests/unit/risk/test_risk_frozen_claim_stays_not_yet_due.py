"""A claim a freeze order bound when it fell due, and binds still, is to be paid by the day the order is lifted, a
day still ahead: it stays among the claims not yet due, as the day before it fell due, and with them in the size a
clean record is smoothed with (since late_payment-v19). Left out of every group, a large claim frozen on its due
date made the debtor score safer from the day after (late_payment-v18: 0.0492, B) than the day before or than the same
record with the claim still to fall due (0.0786, C): a freeze order is news about the claim, never a reason to look
safer."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features
from client.risk.features import claim_weight

from .risk_helpers import DEBTOR, ev, lifecycle, six_claims_paid_on_time

MODEL = LatePaymentModel.load(DEFAULT_MODEL)
DUE = date(2026, 3, 2)   # a Monday: its own last day on time
LARGE = 400_000_00       # 400,000 yuan, far larger than the claims paid on time


def features(events, as_of):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def large_claim(due, *, frozen_on=None, face=LARGE, confirmed_on=date(2026, 1, 10)):
    order = [ev("X", "frozen", frozen_on, due, face=face)] if frozen_on else []
    return lifecycle("X", confirmed_on, due, face=face) + order


def test_after_its_due_date_a_bound_claim_weighs_as_it_did_the_day_before():
    record = six_claims_paid_on_time()
    day_before = features(record + large_claim(DUE, frozen_on=date(2026, 2, 1)), DUE - timedelta(days=1))
    for days_after in (1, 10, 45):
        as_of = DUE + timedelta(days=days_after)
        frozen = features(record + large_claim(DUE, frozen_on=date(2026, 2, 1)), as_of)
        # the same record with the claim still to fall due, no order on it
        still_to_fall_due = features(record + large_claim(as_of + timedelta(days=30)), as_of)
        assert frozen.fell_due_frozen == ["X"] and frozen.overdue_count == 0 and frozen.late_365 == 0
        assert frozen.smoothing_claims == still_to_fall_due.smoothing_claims == day_before.smoothing_claims
        assert frozen.model_inputs() == still_to_fall_due.model_inputs()
    frozen = features(record + large_claim(DUE, frozen_on=date(2026, 2, 1)), DUE + timedelta(days=1))
    assert MODEL.probability(frozen.model_inputs()) >= MODEL.probability(day_before.model_inputs())


def test_a_bound_part_of_a_split_claim_stays_among_the_claims_not_yet_due():
    """Claim R is split into R.1 (400,000 yuan, frozen before the due date, bound still) and R.2 (1,000 yuan,
    paid on time): R counts by R.2, and R.1's size stays in the smoothing of a clean record."""
    part, kept = LARGE, 1_000_00
    events = [ev("R", "registered", date(2026, 1, 4), DUE, face=part + kept),
              ev("R", "confirmed", date(2026, 1, 5), DUE, face=part + kept)]
    for rid, face in (("R.1", part), ("R.2", kept)):
        events += [ev(rid, "registered", date(2026, 1, 20), DUE, face=face, holder=rid, parent="R"),
                   ev(rid, "confirmed", date(2026, 1, 20), DUE, face=face, holder=rid, parent="R")]
    events += [ev("R.1", "frozen", date(2026, 2, 1), DUE, face=part, holder="R.1", parent="R"),
               ev("R.2", "settled", DUE, DUE, face=kept, holder="R.2", settled=DUE, parent="R")]
    f = features(events, DUE + timedelta(days=10))
    assert f.parts_fell_due_frozen == ["R.1"] and f.settled_on_time_count == 1
    assert f.smoothing_claims.clean_record == pytest.approx(claim_weight(part))



def split_claim_frozen_whole(*, part_lifted_on=None):
    """Claim R of 400,000 yuan split into R.1 and R.2 of 200,000 each, an order recorded on each before the due
    date; R.2's lifted on ``part_lifted_on``, R.1's never."""
    half = LARGE // 2
    events = [ev("R", "registered", date(2026, 1, 4), DUE, face=LARGE),
              ev("R", "confirmed", date(2026, 1, 5), DUE, face=LARGE)]
    for rid in ("R.1", "R.2"):
        events += [ev(rid, "registered", date(2026, 1, 20), DUE, face=half, holder=rid, parent="R"),
                   ev(rid, "confirmed", date(2026, 1, 20), DUE, face=half, holder=rid, parent="R"),
                   ev(rid, "frozen", date(2026, 2, 1), DUE, face=half, holder=rid, parent="R")]
    if part_lifted_on:
        events.append(ev("R.2", "unfrozen", part_lifted_on, DUE, face=half, holder="R.2", parent="R"))
    return events


@pytest.mark.parametrize("lifted_on, as_of", [
    (date(2026, 3, 12), date(2026, 3, 12)),   # lifted on the as-of date (a Thursday): R.2 is to be paid by then
    (date(2026, 3, 14), date(2026, 3, 16)),   # lifted on a Saturday: R.2 is to be paid by the Monday
])
def test_a_split_claim_whose_part_is_still_to_be_paid_is_still_to_fall_due_whole(lifted_on, as_of):
    """R.1 bound still and R.2 still to be paid by a day not yet over: nothing of R has fallen due, so R stays
    among the claims not yet due at its face, as the day before and as the same record with it still to fall
    due. Taken as two claims of half its face, it smoothed a clean record with a smaller claim, and an order
    lifted on one part scored the debtor safer while nothing of the claim had been paid."""
    record = six_claims_paid_on_time()
    lifted = features(record + split_claim_frozen_whole(part_lifted_on=lifted_on), as_of)
    bound = features(record + split_claim_frozen_whole(), as_of)
    still_to_fall_due = features(record + large_claim(as_of + timedelta(days=30)), as_of)
    assert lifted.parts_fell_due_frozen == ["R.1"] and bound.fell_due_frozen == ["R"]
    assert lifted.smoothing_claims == bound.smoothing_claims == still_to_fall_due.smoothing_claims
    assert lifted.model_inputs() == still_to_fall_due.model_inputs()


face = st.one_of(st.integers(1, 10**12), st.sampled_from([1, 100_000, LARGE, 10**12]))
# a claim of the record: due this many days before the as-of date, of this face, paid this many days after its due
# date (0: on it) or not at all
record_claim = st.tuples(st.integers(1, 700), face, st.one_of(st.none(), st.integers(0, 60)))


@settings(max_examples=200, deadline=None)
@given(st.lists(record_claim, max_size=5), st.integers(1, 200), face)
def test_an_order_that_binds_a_claim_when_it_falls_due_scores_it_as_still_to_fall_due(
        record, due_days_ago, frozen_face):
    as_of = date(2026, 6, 30)
    events = []
    for k, (days_ago, claim_face, days_late) in enumerate(record):
        due = as_of - timedelta(days=days_ago)
        paid = None if days_late is None else min(due + timedelta(days=days_late), as_of)
        events += lifecycle(f"C{k}", due - timedelta(days=60), due, face=claim_face, paid=paid)
    due = as_of - timedelta(days=due_days_ago)
    confirmed_on = due - timedelta(days=60)
    frozen = features(events + large_claim(due, frozen_on=due - timedelta(days=5), face=frozen_face,
                                           confirmed_on=confirmed_on), as_of)
    # the same record, the claim confirmed the same day and still to fall due, no order on it: scored the same
    still_to_fall_due = features(events + large_claim(as_of + timedelta(days=30), face=frozen_face,
                                                      confirmed_on=confirmed_on), as_of)
    assert frozen.fell_due_frozen == ["X"]
    assert frozen.model_inputs() == still_to_fall_due.model_inputs()
