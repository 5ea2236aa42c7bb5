"""The recent days late (log_recent_days_late, since v16), worked by hand on a small history.

As of 1 July 2026, each claim that fell due weighs the square root of its face, halved for every 15 days since
it fell due (each a working day, so each is late from the day after it):
- A, 400 fen due 16 June, paid that day: on time, weight 20 x 1/2 = 10;
- B, 100 fen due 1 June, paid 11 June: 10 days late, 10 x 1/4 x 10 = 25 claim-days;
- C, 2,500 fen due 16 June, unpaid: 15 days past due so far, 50 x 1/2 x 15 = 375 claim-days.
The late record's smoothing claim is the larger of the largest claim paid on time (A, 20) and the smallest paid
late (B, 10): 20, a tenth of which joins the claims paid on time. (25 + 375) / (10 + 2) = 100 / 3.
"""
import math
from datetime import date

import pytest

from client.risk import ReceivableHistory, debtor_features
from client.risk.features import MODEL_FEATURES, RISING_FEATURES

from .risk_helpers import DEBTOR, ev, lifecycle

AS_OF = date(2026, 7, 1)


def claims():
    return (lifecycle("A", date(2026, 5, 2), date(2026, 6, 16), face=400, paid=date(2026, 6, 16))
            + lifecycle("B", date(2026, 4, 2), date(2026, 6, 1), face=100, paid=date(2026, 6, 11))
            + lifecycle("C", date(2026, 5, 2), date(2026, 6, 16), face=2_500))


def recent(events, as_of=AS_OF):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def test_days_late_of_recent_claims_against_those_paid_on_time():
    f = recent(claims())
    assert f.smoothing_claims.late_record == 20
    assert f.recent_days_late == pytest.approx(100 / 3)
    assert dict(zip(MODEL_FEATURES, f.model_inputs()))["log_recent_days_late"] == pytest.approx(math.log1p(100 / 3))


def test_a_claim_paid_in_part_on_time_counts_only_what_was_late():
    """D, 400 fen due 16 June: 100 paid the day before, the rest on 21 June, 5 days late. Of its weight
    (20 x 1/2 = 10), the three quarters still owed when it fell due were late: 7.5 x 5 = 37.5 claim-days more.
    The smoothing claim stays 20 (D is no smaller than B)."""
    due = date(2026, 6, 16)
    d = [ev("D", "registered", date(2026, 5, 1), due, face=400), ev("D", "confirmed", date(2026, 5, 2), due, face=400),
         ev("D", "paid", date(2026, 6, 15), due, face=400, amount=100),
         ev("D", "settled", date(2026, 6, 21), due, face=400, settled=date(2026, 6, 21))]
    assert recent(claims() + d).recent_days_late == pytest.approx((400 + 37.5) / 12)


def test_claims_not_yet_due_or_due_today_change_nothing():
    later = (lifecycle("E", date(2026, 6, 2), date(2026, 7, 16), face=10_000)
             + lifecycle("F", date(2026, 6, 2), AS_OF, face=10_000))   # due today, not paid yet: may be paid today
    assert recent(claims() + later).recent_days_late == pytest.approx(100 / 3)


def test_nothing_after_the_as_of_date_is_read():
    """C settled on 3 July, G due 2 July and paid after it, H confirmed after the as-of date: on 1 July C is
    still 15 days past due and the others are not there."""
    future = (lifecycle("C", date(2026, 5, 2), date(2026, 6, 16), face=2_500, paid=date(2026, 7, 3))[-1:]
              + lifecycle("G", date(2026, 6, 2), date(2026, 7, 2), face=900, paid=date(2026, 7, 21))
              + lifecycle("H", date(2026, 7, 4), date(2026, 7, 11), face=900, paid=date(2026, 7, 11)))
    assert recent(claims() + future).recent_days_late == pytest.approx(100 / 3)
    # read on 3 July: C paid 17 days late, G (weight 30) one day past due, the others two days older
    fade = 2 ** (-2 / 15)
    assert recent(claims() + future, date(2026, 7, 3)).recent_days_late == pytest.approx(
        (25 * fade + 50 * 2 ** (-17 / 15) * 17 + 30 * 2 ** (-1 / 15) * 1) / (10 * fade + 2))


def test_a_clean_record_reads_no_days_late_and_a_claim_paid_late_raises_it():
    a = lifecycle("A", date(2026, 5, 2), date(2026, 6, 16), face=400, paid=date(2026, 6, 16))
    b = lifecycle("B", date(2026, 4, 2), date(2026, 6, 1), face=100, paid=date(2026, 6, 11))
    assert recent(a).recent_days_late == 0.0
    assert recent(a + b).recent_days_late == pytest.approx(25 / 12)
    assert "log_recent_days_late" in RISING_FEATURES
