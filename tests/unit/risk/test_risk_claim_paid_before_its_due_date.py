"""A claim paid before its due date counts in the late shares from the day after it falls due, in the share of all
time as in the 30/90/180/365-day windows. Counted on time by the share of all time from the day it was paid, while
the windows waited for its day, a debtor read as of a date between the two had its claims paid early counted on
time and its claims due on the same days still unpaid counted nowhere: of the claims not yet due, only those paid
early (all of them on time) moved the share, and the windows and all time disagreed on one record."""
from datetime import date, timedelta

from client.risk import ReceivableHistory, debtor_features
from client.risk.features import MODEL_FEATURES

from .risk_helpers import DEBTOR, lifecycle
from .test_risk_score_notes_what_its_counts_hide import score, small_late_claims_beside_a_large_one_on_time

DUE = date(2026, 3, 2)                 # a Monday: its last day on time
PAID_EARLY = DUE - timedelta(days=3)   # as the simulator's debtors pay some claims
AS_OF = DUE - timedelta(days=1)        # paid, not yet due


def claims_paid_late():
    """Two claims paid 20 days late, both fallen due in the last 90 days before AS_OF."""
    return [*lifecycle("L1", date(2025, 11, 1), date(2026, 1, 5), paid=date(2026, 1, 25)),
            *lifecycle("L2", date(2025, 11, 15), date(2026, 1, 19), paid=date(2026, 2, 8))]


def history(*events):
    return ReceivableHistory(debtor=DEBTOR, events=list(events))


def inputs(features):
    return dict(zip(MODEL_FEATURES, features.model_inputs()))


def test_the_share_of_all_time_leaves_a_claim_paid_early_out_until_it_falls_due_as_the_windows_do():
    paid_early = lifecycle("E", date(2026, 1, 10), DUE, face=400_000, paid=PAID_EARLY)
    features = debtor_features(history(*claims_paid_late(), *paid_early), AS_OF)
    assert features.settled_on_time_count == 1   # the payment is on the record, and settled on time
    assert (features.fell_due_365, features.late_365) == (2, 2)
    assert features.by_amount_all == features.by_amount_365 == features.by_amount_90
    assert inputs(features)["late_log_odds_all"] == inputs(features)["late_log_odds_365"]
    # nor does it set the size of the smoothing yet: the record is the two claims paid late, as without it
    without = debtor_features(history(*claims_paid_late()), AS_OF)
    assert features.smoothing_claims.late_record == without.smoothing_claims.late_record
    assert inputs(features)["late_log_odds_all"] == inputs(without)["late_log_odds_all"]


def test_once_it_has_fallen_due_the_share_of_all_time_counts_it_on_time_as_the_windows_do():
    paid_early = lifecycle("E", date(2026, 1, 10), DUE, face=400_000, paid=PAID_EARLY)
    before = debtor_features(history(*claims_paid_late(), *paid_early), AS_OF)
    after = debtor_features(history(*claims_paid_late(), *paid_early), DUE + timedelta(days=1))
    assert (after.fell_due_365, after.late_365) == (3, 2)
    assert after.by_amount_all == after.by_amount_365
    assert after.by_amount_all.amount == before.by_amount_all.amount + 400_000
    assert after.by_amount_all.late_amount == before.by_amount_all.late_amount
    assert inputs(after)["late_log_odds_all"] < inputs(before)["late_log_odds_all"]


def test_the_note_on_late_claims_by_count_counts_the_claims_the_share_of_all_time_weighs(tmp_path):
    """`risk score` says when the share of the claims that fell due paid late by count is well above the share
    the grade weighs: both over the same claims. Twenty claims paid before their due date, which no late share
    counts yet, took the count from 91% (10 of the 11 claims that fell due) to 32%, as if they had fallen due."""
    paid_early = [event for k in range(20) for event in lifecycle(
        f"E{k}", date(2026, 4, 1) + timedelta(days=k), date(2026, 7, 15), face=100_000, paid=date(2026, 5, 15))]
    scored, said = score(tmp_path, small_late_claims_beside_a_large_one_on_time() + paid_early)
    assert scored["features"]["settled_on_time_count"] == 21   # the large claim and the twenty paid early
    assert (f"note: {DEBTOR} paid late, or has not yet paid, 91% of the claims that fell due but 4% of them "
            "weighed by the square root of their amounts") in said.replace("\n", " ")
