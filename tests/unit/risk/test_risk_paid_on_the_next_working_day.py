"""A claim due on a Saturday, a Sunday or a public holiday is paid on time on the next working day (顺延), in the
features a score reads and in the labels training reads alike; its days late are the calendar days after that
day. Counted from the due date, a claim due on a Saturday and paid on Monday was 2 days late, and one due on
National Day and paid when the holiday ended a week late."""
from datetime import date, timedelta

from client.risk import ReceivableHistory, debtor_features
from client.risk.dataset import labelled_claims
from client.risk.simulator import SimulationConfig, simulate
from client.risk.working_days import HOLIDAY_YEARS, is_working_day, next_working_day

from .risk_helpers import DEBTOR, ev, lifecycle

SATURDAY, SUNDAY, MONDAY, TUESDAY = date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)
AS_OF = date(2026, 6, 30)


def features(events, as_of=AS_OF):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def timeliness(f):
    return (f.settled_on_time_count, f.settled_late_count, f.max_days_late, f.late_180, f.fell_due_180)


def test_a_claim_due_on_a_saturday_and_paid_on_monday_is_on_time():
    f = features(lifecycle("R", date(2026, 1, 5), SATURDAY, paid=MONDAY))
    assert timeliness(f) == (1, 0, 0, 0, 1)
    assert f.mean_days_late == 0.0 and f.recent_days_late == 0.0


def test_paid_on_tuesday_it_is_one_day_late():
    f = features(lifecycle("R", date(2026, 1, 5), SATURDAY, paid=TUESDAY))
    assert timeliness(f) == (0, 1, 1, 1, 1)
    assert f.mean_days_late == 1.0 and f.recent_days_late > 0


def test_a_claim_due_on_a_public_holiday_is_on_time_until_the_holiday_ends():
    """National Day 2026 runs from 1 to 7 October: a claim due on the 1st is on time on the 8th."""
    due, as_of = date(2026, 10, 1), date(2026, 12, 31)
    assert timeliness(features(lifecycle("R", date(2026, 8, 1), due, paid=date(2026, 10, 8)), as_of))[:3] == (1, 0, 0)
    assert timeliness(features(lifecycle("R", date(2026, 8, 1), due, paid=date(2026, 10, 9)), as_of))[:3] == (0, 1, 1)


def test_a_weekend_day_worked_in_exchange_is_a_working_day():
    """Saturday 10 October 2026 is worked in exchange for National Day: a claim due then is late on Monday."""
    f = features(lifecycle("R", date(2026, 8, 1), date(2026, 10, 10), paid=date(2026, 10, 12)), date(2026, 12, 31))
    assert timeliness(f)[:3] == (0, 1, 2)


def test_unpaid_it_is_overdue_only_after_the_next_working_day_whatever_day_the_holder_marked_it():
    """The contract lets a holder mark it overdue on the Sunday; the debtor may still pay it on time on Monday."""
    events = lifecycle("R", date(2026, 1, 5), SATURDAY) + [ev("R", "overdue", SUNDAY, SATURDAY)]
    assert features(events, SUNDAY).overdue_count == features(events, MONDAY).overdue_count == 0
    f = features(events, TUESDAY)
    assert (f.overdue_count, f.overdue_days_max, f.late_30, f.fell_due_30) == (1, 1, 1, 1)


def test_the_training_labels_count_as_the_features_do():
    """Labelled against the last day it was on time, and dated by it: what the score reads is what was trained."""
    for paid, late in ((MONDAY, 0), (TUESDAY, 1)):
        history = ReceivableHistory(debtor=DEBTOR, events=lifecycle("R", date(2026, 1, 5), SATURDAY, paid=paid))
        assert labelled_claims(history, date(2026, 2, 1), history_ends=AS_OF) == [(MONDAY, late)]
        assert debtor_features(history, AS_OF).settled_late_count == late
    # unpaid and read as of the Monday, which may not be over: whether it is paid on time is not known yet
    unpaid = ReceivableHistory(debtor=DEBTOR, events=lifecycle("R", date(2026, 1, 5), SATURDAY))
    assert labelled_claims(unpaid, date(2026, 2, 1), history_ends=MONDAY) == []
    assert labelled_claims(unpaid, date(2026, 2, 1), history_ends=TUESDAY) == [(MONDAY, 1)]


def test_the_working_days():
    assert [is_working_day(d) for d in (SATURDAY, SUNDAY, MONDAY)] == [False, False, True]
    assert next_working_day(SATURDAY) == next_working_day(SUNDAY) == next_working_day(MONDAY) == MONDAY
    assert next_working_day(date(2026, 2, 15)) == date(2026, 2, 24)   # the Spring Festival, 15 to 23 February
    assert next_working_day(date(2026, 5, 1)) == date(2026, 5, 6)     # Labour Day, 1 to 5 May
    # Saturdays worked in exchange for the Spring Festival
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert next_working_day(date.max) == date.max


def test_the_calendar_holds_every_year_the_simulator_trains_on():
    cfg = SimulationConfig()
    last_due = cfg.end + timedelta(days=180)   # the longest term the simulator draws
    assert set(range(cfg.start.year, last_due.year + 1)) <= set(HOLIDAY_YEARS)
    assert list(HOLIDAY_YEARS) == list(range(HOLIDAY_YEARS[0], HOLIDAY_YEARS[-1] + 1))   # no year missing


def test_the_simulator_pays_on_time_by_the_next_working_day_and_late_after_it():
    """Its debtors pay a claim due on a day off on the next working day, which counts on time; the claims it
    draws late (marked overdue) are paid after that day, so the labels are the draws the ceiling knows."""
    paid_after_a_day_off = 0
    for history in simulate(SimulationConfig(debtors=20, seed=3)):
        kinds: dict[str, dict] = {}
        for e in history.events:
            kinds.setdefault(e.receivable_id, {})[e.kind] = e
        for rid, k in kinds.items():
            # a claim never frozen nor split, or a part, settled
            if "settled" not in k or "frozen" in k or "split" in k:
                continue
            due, paid = k["settled"].due_date, k["settled"].settled_date
            if "overdue" in k:
                assert paid > next_working_day(due), rid
            else:
                assert paid <= next_working_day(due), rid
                if k["settled"].parent_id is None:
                    assert is_working_day(paid), rid
                    paid_after_a_day_off += paid > due
    assert paid_after_a_day_off > 0
