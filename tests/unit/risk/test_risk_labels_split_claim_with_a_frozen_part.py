"""A freeze order binds the part of a split claim it names, not the claim: the contract takes payment on the other
parts. The training labels count such a claim as the features do (``as_the_debtor_could_pay``): by its other parts,
late when the debtor left them unpaid past the due date, and are left without it only where orders bind every part
or its other parts were settled by the as-of date (their outcome known that day)."""

from __future__ import annotations

from datetime import date, timedelta

from client.risk.dataset import labelled_claims
from client.risk.features import debtor_features
from client.risk.history import ReceivableHistory

from .risk_helpers import DEBTOR, ev, settle

CONFIRMED, SPLIT_ON, FROZEN_ON = date(2026, 1, 5), date(2026, 1, 20), date(2026, 2, 10)
DUE = date(2026, 3, 1)
PAY_BY = date(2026, 3, 2)       # DUE is a Sunday: the last day on time, the label's date
AS_OF = date(2026, 2, 1)        # the claim open, no order on it yet: an example then
ENDS = date(2026, 6, 1)          # the history's end, the order on the frozen part still binding it


def _split_claim_with_a_frozen_part(*, kept_paid_on: date | None, freeze_every_part: bool = False):
    """R of 100,000.00 yuan due DUE, split on SPLIT_ON into R.1 (1 yuan, passed to S2, frozen on FROZEN_ON and never
    lifted) and R.2 (99,999 yuan, kept by S1, paid on ``kept_paid_on``, or not at all)."""
    events = [ev("R", "registered", CONFIRMED - timedelta(days=1), DUE, face=10_000_000),
              ev("R", "confirmed", CONFIRMED, DUE, face=10_000_000),
              ev("R", "split", SPLIT_ON, DUE, face=10_000_000)]
    for part, face, holder in (("R.1", 100, "S2"), ("R.2", 9_999_900, "S1")):
        events += [ev(part, "registered", SPLIT_ON, DUE, face=face, holder=holder, parent="R"),
                   ev(part, "confirmed", SPLIT_ON, DUE, face=face, holder=holder, parent="R")]
    events.append(ev("R.1", "frozen", FROZEN_ON, DUE, face=100, holder="S2", parent="R"))
    if freeze_every_part:
        events.append(ev("R.2", "frozen", FROZEN_ON, DUE, face=9_999_900, parent="R"))
    if kept_paid_on is not None:
        events += settle("R.2", DUE, kept_paid_on, face=9_999_900, holder="S1", parent="R")
    return ReceivableHistory(debtor=DEBTOR, events=events)


def test_a_claim_whose_other_parts_are_left_unpaid_past_its_due_date_is_labelled_late():
    history = _split_claim_with_a_frozen_part(kept_paid_on=None)
    assert labelled_claims(history, AS_OF, history_ends=ENDS) == [(PAY_BY, 1)]
    # as the features count it once it has fallen due: overdue by the part the debtor could pay
    assert debtor_features(history, date(2026, 4, 1)).overdue_count == 1


def test_a_claim_whose_other_parts_are_paid_late_is_labelled_late_and_one_paid_on_time_on_time():
    late = _split_claim_with_a_frozen_part(kept_paid_on=DUE + timedelta(days=20))
    on_time = _split_claim_with_a_frozen_part(kept_paid_on=DUE)
    assert labelled_claims(late, AS_OF, history_ends=ENDS) == [(PAY_BY, 1)]
    assert labelled_claims(on_time, AS_OF, history_ends=ENDS) == [(PAY_BY, 0)]


def test_a_claim_every_part_of_which_an_order_binds_still_is_not_labelled():
    history = _split_claim_with_a_frozen_part(kept_paid_on=None, freeze_every_part=True)
    assert labelled_claims(history, AS_OF, history_ends=ENDS) == []


def test_a_claim_whose_other_parts_were_settled_by_the_as_of_date_is_not_labelled():
    """What was open on the as-of date is the part an order binds since: its outcome is not known."""
    history = _split_claim_with_a_frozen_part(kept_paid_on=AS_OF - timedelta(days=2))
    assert labelled_claims(history, AS_OF, history_ends=ENDS) == []


def test_a_claim_a_freeze_order_binds_a_part_of_on_the_as_of_date_is_still_no_example():
    history = _split_claim_with_a_frozen_part(kept_paid_on=None)
    assert labelled_claims(history, FROZEN_ON, history_ends=ENDS) == []
