"""A split claim is dated by the day its outcome was decided, each part judged by its own day to be paid by:
late from the day of the part that was not paid by it, on time on the last part's day. A part a freeze order held
past the due date is to be paid by the day the order was lifted (the next working day when that is a day off),
so a claim late only through that part is labelled late on that day, as the same claim never split is, not on
the due date its sibling was paid by on time; and one whose last part's day is the history's last day has no
label, paid or not. The features date it by the same day (client.risk.features.day_decided): as of the day of
the lifting, and up to that part's day, the claim is not late yet. Dated by its sibling's day, it counted late in
the windows from the lifting on, before the debtor could be late."""
from datetime import date, timedelta

import pytest

from client.risk.dataset import labelled_claims
from client.risk.features import debtor_features
from client.risk.history import LedgerEvent, ReceivableHistory

DUE = date(2026, 3, 3)            # a Tuesday
LIFTED = date(2026, 3, 13)        # a Friday: the frozen part is to be paid by then
LIFTED_ON_SATURDAY = date(2026, 3, 14)   # the frozen part is to be paid by Monday
MONDAY = date(2026, 3, 16)
AS_OF = date(2026, 1, 20)         # R confirmed, due in the 90 days after, no order recorded yet
ENDS = date(2026, 4, 30)


def _event(receivable_id, kind, day, face, parent_id=None, **fields):
    return LedgerEvent(receivable_id=receivable_id, debtor="D", holder="S", face_amount=face, kind=kind,
                       event_date=day, due_date=DUE, parent_id=parent_id, **fields)


def _settled(receivable_id, day, face, parent_id=None):
    """Settled on ``day`` (None: not settled)."""
    return [] if day is None else [_event(receivable_id, "settled", day, face, parent_id, settled_date=day)]


def _frozen_until_after_due(receivable_id, face, parent_id=None, lifted=LIFTED):
    return [_event(receivable_id, "frozen", date(2026, 2, 1), face, parent_id),
            _event(receivable_id, "unfrozen", lifted, face, parent_id)]


def _split(frozen_part_paid_on, *, sibling_paid_on=DUE, lifted=LIFTED):
    """R of 100 fen split into R.1 (60), paid on ``sibling_paid_on`` (None: not at all), and R.2 (40), frozen
    until ``lifted``, after the due date, and paid on ``frozen_part_paid_on`` (None: not at all)."""
    return ReceivableHistory(debtor="D", events=[
        _event("R", "registered", date(2026, 1, 5), 100), _event("R", "confirmed", date(2026, 1, 6), 100),
        _event("R", "split", date(2026, 1, 10), 100),
        _event("R.1", "registered", date(2026, 1, 10), 60, "R"),
        _event("R.2", "registered", date(2026, 1, 10), 40, "R"),
        *_frozen_until_after_due("R.2", 40, "R", lifted),
        *_settled("R.1", sibling_paid_on, 60, "R"),
        *_settled("R.2", frozen_part_paid_on, 40, "R")])


def _whole(paid_on, *, lifted=LIFTED):
    """Q, R.2 as a claim of its own: 40 fen, frozen until ``lifted``, after its due date, paid on ``paid_on``
    (None: not)."""
    return ReceivableHistory(debtor="D", events=[
        _event("Q", "registered", date(2026, 1, 5), 40), _event("Q", "confirmed", date(2026, 1, 6), 40),
        *_frozen_until_after_due("Q", 40, lifted=lifted), *_settled("Q", paid_on, 40)])


def _days(first, last):
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def test_late_only_through_the_part_lifted_after_the_due_date_is_dated_by_the_lifting():
    for paid_on in (LIFTED + timedelta(days=5), None):   # paid 5 days after the lifting, or never
        assert labelled_claims(_whole(paid_on), AS_OF, history_ends=ENDS) == [(LIFTED, 1)]
        assert labelled_claims(_split(paid_on), AS_OF, history_ends=ENDS) == [(LIFTED, 1)]


def test_on_time_is_dated_by_the_last_part_to_be_paid():
    assert labelled_claims(_whole(LIFTED), AS_OF, history_ends=ENDS) == [(LIFTED, 0)]
    assert labelled_claims(_split(LIFTED), AS_OF, history_ends=ENDS) == [(LIFTED, 0)]


def test_late_through_the_earlier_part_is_dated_by_its_day():
    late_sibling = _split(LIFTED + timedelta(days=5), sibling_paid_on=DUE + timedelta(days=2))
    assert labelled_claims(late_sibling, AS_OF, history_ends=ENDS) == [(DUE, 1)]


def test_no_label_while_the_last_parts_day_is_not_over_paid_that_day_or_not():
    """Read as of the day of the lifting, the frozen part may still be paid that day: the claim has no label,
    whether the part was paid by the read or not, as the claim never split has none."""
    for paid_on in (LIFTED, None):
        assert labelled_claims(_whole(paid_on), AS_OF, history_ends=LIFTED) == []
        assert labelled_claims(_split(paid_on), AS_OF, history_ends=LIFTED) == []


def test_the_features_do_not_count_it_late_from_the_lifting_up_to_the_frozen_parts_own_day():
    for lifted, pay_by in ((LIFTED, LIFTED), (LIFTED_ON_SATURDAY, MONDAY)):
        unpaid = _split(None, lifted=lifted)
        for day in _days(DUE + timedelta(days=1), pay_by):
            f = debtor_features(unpaid, day)
            assert (f.late_30, f.by_amount_30.late_amount, f.overdue_count) == (0, 0, 0), (lifted, day)
        f = debtor_features(unpaid, pay_by + timedelta(days=1))
        assert (f.late_30, f.by_amount_30.late_amount, f.overdue_count) == (1, 40, 1)


def test_the_features_count_it_late_from_the_day_after_its_label_is_dated_as_the_claim_never_split():
    """Unpaid, paid late or paid on the frozen part's day: as of every day from the due date on, the claim
    counts late exactly when its label is late and dated before that day, as the same claim never split does."""
    for lifted, pay_by in ((LIFTED, LIFTED), (LIFTED_ON_SATURDAY, MONDAY)):
        for paid_on in (None, pay_by + timedelta(days=4), pay_by):
            split, whole = _split(paid_on, lifted=lifted), _whole(paid_on, lifted=lifted)
            [(decided, label)] = labelled_claims(split, AS_OF, history_ends=ENDS)
            assert labelled_claims(whole, AS_OF, history_ends=ENDS) == [(decided, label)] == [(pay_by, label)]
            for day in _days(DUE, ENDS - timedelta(days=1)):
                late = debtor_features(split, day).late_90
                assert late == (1 if label and day > decided else 0), (lifted, paid_on, day)
                assert late == debtor_features(whole, day).late_90, (lifted, paid_on, day)


def test_a_part_still_to_be_paid_is_not_late_in_amount_beside_a_sibling_already_late():
    """R.1 (60 fen), unpaid past the due date, makes the claim late; R.2 (40), which the order held until the
    lifting, is to be paid by that day, so as of it only R.1's 60 fen are late, and the day after all 100."""
    unpaid = _split(None, sibling_paid_on=None)
    f = debtor_features(unpaid, LIFTED)
    assert (f.late_30, f.by_amount_30.late_amount, f.by_amount_all.late_amount) == (1, 60, 60)
    f = debtor_features(unpaid, LIFTED + timedelta(days=1))
    assert (f.late_30, f.by_amount_30.late_amount, f.by_amount_all.late_amount) == (1, 100, 100)


def test_a_part_still_to_be_paid_adds_nothing_to_the_recent_days_late_beside_a_sibling_already_late():
    """As of the lifting the recent days late weigh the claim by R.1's 60 fen, unpaid 10 days since the due date
    that decided it late, and halved for those 10 days, as the day before while the order bound R.2: R.2, still to
    be paid that day, has not fallen due and adds no weight. Over a tenth of the late record's claim (R.1's
    sqrt(60): none was paid on time). Weighed at the claim's 100 fen, R.2's 40 not late, the lifting alone took the
    days late down to 60% of the day before's while nothing of the claim was paid."""
    day_before = debtor_features(_split(None, sibling_paid_on=None), LIFTED - timedelta(days=1))
    f = debtor_features(_split(None, sibling_paid_on=None), LIFTED)
    assert f.smoothing_claims == day_before.smoothing_claims
    assert f.smoothing_claims.late_record == pytest.approx(60 ** 0.5)
    assert f.recent_days_late == pytest.approx(60 ** 0.5 * 0.5 ** (10 / 15) * 10 / (0.1 * 60 ** 0.5))
    assert f.recent_days_late > day_before.recent_days_late
