"""Features from a hand-made history, and the proof of no look-ahead."""
import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.risk import ReceivableHistory, debtor_features
from client.risk.features import MODEL_FEATURES, spring_festival_share
from .risk_helpers import DEBTOR, ev, lifecycle

AS_OF = date(2026, 6, 30)


def history():
    events = []
    events += lifecycle("R1", date(2026, 1, 5), date(2026, 3, 1), paid=date(2026, 3, 1), face=100_000, financed=True)
    events += lifecycle("R2", date(2026, 2, 1), date(2026, 4, 1), paid=date(2026, 4, 11), face=200_000)  # 10 days late
    events += lifecycle("R3", date(2026, 3, 1), date(2026, 6, 1), face=300_000, holder="S2")  # overdue now
    events += lifecycle("R4", date(2026, 5, 1), date(2026, 8, 1), face=100_000, holder="S1")  # open, not due
    events += [ev("R5", "registered", date(2026, 5, 2), date(2026, 8, 2)),
               ev("R5", "rejected", date(2026, 5, 3), date(2026, 8, 2))]
    events += [ev("R4", "frozen", date(2026, 6, 10), date(2026, 8, 1))]
    events.sort(key=lambda e: e.event_date)
    return ReceivableHistory(debtor=DEBTOR, events=events)


def test_counts_and_amounts():
    f = debtor_features(history(), AS_OF)
    assert (f.confirmed_count, f.confirmed_amount) == (4, 700_000)
    assert (f.settled_on_time_count, f.settled_on_time_amount) == (1, 100_000)
    assert (f.settled_late_count, f.settled_late_amount) == (1, 200_000)
    assert (f.mean_days_late, f.max_days_late) == (10.0, 10)
    assert (f.overdue_count, f.overdue_amount) == (1, 300_000)
    assert f.overdue_days_max == 29                      # R3, due 1 June
    assert f.open_amount == 400_000
    assert f.financed_share == 100_000 / 700_000
    assert f.concentration == 300_000 / 400_000          # S2 holds R3, the larger open claim
    assert f.rejection_rate == 1 / 5
    assert (f.rejected_count_90, f.confirmed_count_90) == (1, 1)   # R5 and R4, decided in May
    assert f.freezes == 1


def test_windows():
    f = debtor_features(history(), AS_OF)
    # the last 90 days are Apr 2 .. Jun 30: only R3 (overdue) fell due; R2 fell due on Apr 1
    assert (f.fell_due_90, f.late_90) == (1, 1)
    # in the last 180: R1 as well, on time
    assert (f.fell_due_180, f.late_180) == (3, 2)
    assert len(f.model_inputs()) == len(MODEL_FEATURES)


def test_as_of_before_settlement_sees_the_claim_overdue():
    f = debtor_features(history(), date(2026, 4, 5))   # R2 due Apr 1, paid Apr 11
    assert f.overdue_count == 1 and f.settled_late_count == 0
    f = debtor_features(history(), date(2026, 4, 11))  # the day it was paid
    assert f.overdue_count == 0 and f.settled_late_count == 1


def test_empty_history_is_all_zero_and_usable():
    f = debtor_features(ReceivableHistory(debtor=DEBTOR), AS_OF)
    assert f.confirmed_count == 0 and f.concentration == 0.0 and f.rejection_rate == 0.0
    assert f.overdue_days_max == 0 and f.rejected_count_90 == 0
    assert all(isinstance(x, float) and math.isfinite(x) for x in f.model_inputs())


def test_late_shares_enter_as_smoothed_log_odds():
    """Weighed by amount (since v8; each claim by the square root of its face since v15), smoothed towards 0.1
    with two pseudo-observations of a claim the debtor's size: for a mostly late window, the mean claim paid on
    time (R1, 100,000) or the smallest claim paid late or overdue (R2, 200,000), whichever is larger, each
    weighed as a claim is."""
    inputs = dict(zip(MODEL_FEATURES, debtor_features(history(), AS_OF).model_inputs()))
    r1, r2, r3 = math.sqrt(100_000), math.sqrt(200_000), math.sqrt(300_000)
    claim = r2

    def log_odds(share):
        return pytest.approx(math.log(share / (1 - share)), rel=1e-12)

    # R3 late, of R3: by count (1 + 0.2) / (1 + 2), as v7 had it
    assert inputs["late_log_odds_90"] == log_odds((r3 + 0.2 * claim) / (r3 + 2 * claim))
    # R2 and R3 late, of R1, R2 and R3: by count (2 + 0.2) / (3 + 2)
    assert inputs["late_log_odds_180"] == log_odds((r2 + r3 + 0.2 * claim) / (r1 + r2 + r3 + 2 * claim))
    assert inputs["log_overdue_days_max"] == math.log1p(29)
    # R5 rejected, beside R4 (100,000) confirmed, counted in units of the mean claim of R1 .. R4: by count
    # (1 + 0.1) / (2 + 2)
    confirmed_claim = (100_000 ** 2 + 200_000 ** 2 + 300_000 ** 2 + 100_000 ** 2) / 700_000
    assert inputs["rejection_rate_90"] == pytest.approx((1 + 0.1) / (1 + 100_000 / confirmed_claim + 2),
                                                        rel=1e-12)


def test_spring_festival_share_is_the_calendar_ahead():
    assert spring_festival_share(date(2025, 6, 30)) == 0.0
    assert spring_festival_share(date(2025, 12, 31)) == 59 / 90             # all of January and February 2026
    assert spring_festival_share(date(2024, 12, 31)) == 59 / 90
    assert spring_festival_share(date(2023, 12, 31)) == 60 / 90             # 2024 is a leap year
    assert spring_festival_share(date(2025, 2, 27)) == 1 / 90               # 28 February only


# (claim F1 .. F5, kind, days after as_of): an event of a claim registered after as_of
future_event = st.tuples(st.integers(1, 5), st.sampled_from(["registered", "confirmed", "rejected", "financed",
                                                              "settled", "overdue", "frozen"]), st.integers(1, 400))
# (days from as_of to its due date, face) of each of F1 .. F5: every event of a claim gives the claim's own
future_claims = st.lists(st.tuples(st.integers(-29, 520), st.integers(1, 10**9)), min_size=5, max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.lists(future_event, max_size=15), future_claims, st.booleans())
def test_no_look_ahead_future_events_change_nothing(extra, claims, also_settle_open_claims):
    """Anything recorded after as_of, even about existing claims, leaves the features as they were."""
    base = history()
    future = [ev(f"F{rid}", kind, AS_OF + timedelta(days=days), AS_OF + timedelta(days=claims[rid - 1][0]),
                 face=claims[rid - 1][1], settled=AS_OF + timedelta(days=days) if kind == "settled" else None)
              for rid, kind, days in extra]
    if also_settle_open_claims:  # the overdue R3 gets paid, R4 gets paid late, tomorrow and later
        future += [ev("R3", "settled", AS_OF + timedelta(days=1), date(2026, 6, 1), face=300_000, holder="S2",
                      settled=AS_OF + timedelta(days=1)),
                   ev("R4", "settled", AS_OF + timedelta(days=60), date(2026, 8, 1),
                      settled=AS_OF + timedelta(days=60))]
    longer = ReceivableHistory(debtor=DEBTOR, events=base.events + future)
    assert debtor_features(longer, AS_OF) == debtor_features(base, AS_OF)
    assert debtor_features(longer.as_of(AS_OF), AS_OF) == debtor_features(base, AS_OF)


def test_the_season_counts_an_unpaid_claim_due_on_the_last_day_of_last_years_window():
    end = AS_OF - timedelta(days=365 - 90)   # the last day of the 90 days that followed this date a year ago
    for due, paid in [(end, None), (end, end + timedelta(days=20)), (end - timedelta(days=1), None)]:
        f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", due - timedelta(days=59), due,
                                                                               paid=paid)), AS_OF)
        assert (f.fell_due_same_season, f.late_same_season) == (1, 1), (due, paid)
    on_time = debtor_features(ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", end - timedelta(days=59), end,
                                                                               paid=end)), AS_OF)
    assert (on_time.fell_due_same_season, on_time.late_same_season) == (1, 0)


def test_a_claim_due_today_is_left_out_of_the_recent_windows_paid_or_not():
    """Unpaid, it may still be paid today; counting it only once paid would count today's claims on time only."""
    unpaid = debtor_features(
        ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", AS_OF - timedelta(days=59), AS_OF)), AS_OF)
    assert (unpaid.fell_due_30, unpaid.late_30, unpaid.overdue_count) == (0, 0, 0)
    paid = debtor_features(ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", AS_OF - timedelta(days=59), AS_OF,
                                                                             paid=AS_OF)), AS_OF)
    for window in (30, 90, 180, 365):
        assert (getattr(paid, f"fell_due_{window}"), getattr(paid, f"late_{window}")) == (0, 0), window
    # the next day it counts, by what happened on its due date
    next_day = AS_OF + timedelta(days=1)
    assert (debtor_features(ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", AS_OF - timedelta(days=59), AS_OF,
                                                                              paid=AS_OF)), next_day).late_30,
            debtor_features(ReceivableHistory(debtor=DEBTOR, events=lifecycle("R1", AS_OF - timedelta(days=59), AS_OF)),
                            next_day).late_30) == (0, 1)


def test_payments_by_as_of_reduce_the_open_overdue_and_concentration_amounts():
    due = date(2026, 6, 1)
    events = lifecycle("P", date(2026, 3, 1), due, face=300_000, holder="S2")       # partly paid, overdue
    events += lifecycle("Q", date(2026, 3, 1), date(2026, 8, 1), face=100_000, holder="S1")
    events += [ev("P", "paid", date(2026, 5, 20), due, face=300_000, holder="S2", amount=200_000),
               ev("P", "paid", date(2026, 7, 5), due, face=300_000, holder="S2", amount=50_000)]  # after AS_OF
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), AS_OF)
    assert (f.open_amount, f.overdue_count, f.overdue_amount) == (200_000, 1, 100_000)
    assert f.concentration == 0.5
    assert f.confirmed_amount == 400_000 and f.settled_on_time_count == 0  # paid in part is not settled
    before = debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), date(2026, 5, 19))
    assert (before.open_amount, before.concentration) == (400_000, 3 / 4)
