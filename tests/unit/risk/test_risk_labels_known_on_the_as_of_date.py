"""Which claims are training examples at an as-of date depends only on what the ledger showed by its end:
a claim confirmed and open then, no freeze order binding it then, due in the horizon by the due date the
debtor confirmed. When a freeze order is lifted after the as-of date decides only the label (the claim is
to be paid by the day of the lifting), never whether the claim is an example."""
from datetime import date

from client.risk import ReceivableHistory
from client.risk.dataset import build_examples, labelled_claims

from .risk_helpers import DEBTOR, ev

AS_OF = date(2026, 4, 1)      # the horizon runs to 2026-06-30
ENDS = date(2026, 12, 31)     # the date the ledger was read as of
DUE = date(2026, 5, 1)        # in the horizon
PAY_BY = date(2026, 5, 6)     # DUE is Labour Day: the first working day after the holiday
# after the as-of date: before the due date, after it within the horizon, after the horizon
LIFTINGS = (date(2026, 4, 20), date(2026, 5, 20), date(2026, 7, 20))


def frozen_claim(due, frozen_on, lifted_on):
    """Claim F confirmed 2026-03-02, due ``due``, frozen on ``frozen_on``, lifted on ``lifted_on`` and paid the
    day the debtor could pay it from (its due date, or the day of the lifting when that is later)."""
    paid = max(due, lifted_on)
    return ReceivableHistory(debtor=DEBTOR, events=[
        ev("F", "registered", date(2026, 3, 1), due), ev("F", "confirmed", date(2026, 3, 2), due),
        ev("F", "frozen", frozen_on, due), ev("F", "unfrozen", lifted_on, due),
        ev("F", "settled", paid, due, settled=paid)])


def labelled(due, frozen_on, lifted_on):
    return labelled_claims(frozen_claim(due, frozen_on, lifted_on), AS_OF, history_ends=ENDS)


def test_a_claim_frozen_and_past_due_on_the_as_of_date_is_no_example_whenever_its_order_is_lifted():
    """Due before the as-of date and frozen on it: nothing then says it falls due in the horizon; a lifting
    inside the horizon made it one."""
    for lifted_on in LIFTINGS:
        assert labelled(date(2026, 3, 20), date(2026, 3, 10), lifted_on) == [], lifted_on


def test_a_claim_frozen_on_the_as_of_date_is_no_example_whenever_its_order_is_lifted():
    """Due in the horizon but frozen on the as-of date: the contract refuses financing it, and the day it is
    to be paid by is the lifting's, not known then; a lifting inside the horizon made it one, a later one not."""
    for lifted_on in LIFTINGS:
        assert labelled(DUE, date(2026, 3, 10), lifted_on) == [], lifted_on
        assert build_examples([frozen_claim(DUE, date(2026, 3, 10), lifted_on)], [AS_OF],
                              history_ends=ENDS).labels == [], lifted_on


def test_a_claim_frozen_after_the_as_of_date_is_an_example_whenever_its_order_is_lifted():
    """Open, unfrozen and due in the horizon on the as-of date: an example, labelled against the day it was to
    be paid by, the day of the lifting when that came after the due date; a lifting after the horizon left it
    out."""
    for lifted_on in LIFTINGS:
        assert labelled(DUE, date(2026, 4, 10), lifted_on) == [(max(PAY_BY, lifted_on), 0)], lifted_on


def test_a_claim_frozen_after_the_as_of_date_and_paid_late_after_its_lifting_is_late():
    history = ReceivableHistory(debtor=DEBTOR, events=[
        ev("F", "registered", date(2026, 3, 1), DUE), ev("F", "confirmed", date(2026, 3, 2), DUE),
        ev("F", "frozen", date(2026, 4, 10), DUE), ev("F", "unfrozen", date(2026, 7, 20), DUE),
        ev("F", "settled", date(2026, 8, 1), DUE, settled=date(2026, 8, 1))])
    assert labelled_claims(history, AS_OF, history_ends=ENDS) == [(date(2026, 7, 20), 1)]


def test_a_claim_whose_order_is_lifted_on_the_last_day_of_the_history_is_not_labelled():
    """To be paid by the day the history ends, which may not be over: its outcome is not known, as for a claim
    due that day."""
    assert labelled_claims(frozen_claim(DUE, date(2026, 4, 10), ENDS), AS_OF, history_ends=ENDS) == []
