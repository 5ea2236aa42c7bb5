"""A split claim overdue by one part counts its days past due from that part's last day on time, not from
another part's: a part a freeze order bound when the claim fell due is to be paid by the day the order is
lifted, and while its sibling, paid on time on the due date, says nothing of it, the part unpaid ten days
after the lifting is ten days overdue, as the same claim never split is."""
from datetime import date, timedelta

import pytest

from client.risk.dataset import labelled_claims
from client.risk.features import debtor_features
from client.risk.history import LedgerEvent, ReceivableHistory

DUE = date(2026, 3, 3)            # a Tuesday
LIFTED = date(2026, 3, 13)        # a Friday: the frozen part is to be paid by then
AS_OF = date(2026, 3, 23)         # ten days after it


def _event(receivable_id, kind, day, face, parent_id=None, **fields):
    return LedgerEvent(receivable_id=receivable_id, debtor="D", holder="S", face_amount=face, kind=kind,
                       event_date=day, due_date=DUE, parent_id=parent_id, **fields)


def _frozen_until_after_due(receivable_id, face, parent_id=None):
    return [_event(receivable_id, "frozen", date(2026, 2, 1), face, parent_id),
            _event(receivable_id, "unfrozen", LIFTED, face, parent_id)]


def _split_claim() -> ReceivableHistory:
    """R of 100 fen split into R.1 (60), paid on its due date, and R.2 (40), frozen until after it."""
    return ReceivableHistory(debtor="D", events=[
        _event("R", "registered", date(2026, 1, 5), 100), _event("R", "confirmed", date(2026, 1, 6), 100),
        _event("R", "split", date(2026, 1, 10), 100),
        _event("R.1", "registered", date(2026, 1, 10), 60, "R"),
        _event("R.2", "registered", date(2026, 1, 10), 40, "R"),
        *_frozen_until_after_due("R.2", 40, "R"),
        _event("R.1", "settled", DUE, 60, "R", settled_date=DUE)])


def _never_split() -> ReceivableHistory:
    """Q, R.2 as a claim of its own: 40 fen, frozen until after its due date."""
    return ReceivableHistory(debtor="D", events=[
        _event("Q", "registered", date(2026, 1, 5), 40), _event("Q", "confirmed", date(2026, 1, 6), 40),
        *_frozen_until_after_due("Q", 40)])


def test_a_split_claims_days_overdue_are_those_of_its_unpaid_part():
    f, alone = debtor_features(_split_claim(), AS_OF), debtor_features(_never_split(), AS_OF)
    assert (alone.overdue_count, alone.overdue_days_max) == (1, 10)
    assert (f.overdue_count, f.overdue_amount, f.overdue_days_max) == (1, 40, 10)


def test_an_overdue_part_adds_its_own_days_past_due_to_the_recent_days_late():
    """The recent days late weigh an unpaid claim by its days past due so far: the part's ten, not the twenty
    since its sibling's due date. The weight, the claim's, is halved from the day the claim was decided late,
    the day of the lifting its unpaid part was to be paid by, as the same claim never split fades, not from the
    due date its sibling was paid by on time: the claim was not late then, and the labels date it by the lifting
    (client.risk.features.day_decided)."""
    f = debtor_features(_split_claim(), AS_OF)
    # weight sqrt(100) x 40/100 owed when it fell due, halved for the 10 days since LIFTED, times 10 days; over a
    # tenth of the late record's claim (the claim's sqrt(100): none was paid on time)
    weight = 100 ** 0.5 * 0.4 * 0.5 ** (10 / 15)
    assert f.smoothing_claims.late_record == 10.0
    assert f.recent_days_late == pytest.approx(weight * 10 / (0.1 * 10.0))


def test_a_split_claim_whose_unpaid_part_is_to_be_paid_by_the_last_day_read_has_no_label():
    """Labels cover only claims whose outcome the history shows: one to be paid by the day the history ends,
    not over yet (read as of today), is left out. A split claim is to be paid by each part's own day: the
    part the order held is to be paid by the day of the lifting, so a history ending that day does not show
    whether it was paid on time, however its sibling was paid, as for the same claim never split."""
    split, whole = _split_claim(), _never_split()
    as_of = date(2026, 1, 20)   # confirmed, falling due in the 90 days after, no order recorded yet
    assert labelled_claims(whole, as_of, history_ends=LIFTED) == []
    assert labelled_claims(split, as_of, history_ends=LIFTED) == []
    # a day later the day is over, and the part unpaid then is late, as the claim never split
    after = LIFTED + timedelta(days=1)
    assert labelled_claims(whole, as_of, history_ends=after) == [(LIFTED, 1)]
    assert [label for _, label in labelled_claims(split, as_of, history_ends=after)] == [1]
