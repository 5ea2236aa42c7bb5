"""A claim a freeze order binds at the end of the as-of date is no example, however and whenever the order is lifted
later: the contract refuses financing it that day. Its holders may split it once the order is lifted (the contract
splits no frozen claim), and the order stays on the claim it was recorded on, not on the parts. Whether the claim
is an example must not depend on that later split: judged by its parts alone, a claim frozen on the as-of date,
lifted and then split was labelled, where the same claim left whole was not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from client.risk.dataset import labelled_claims
from client.risk.history import ReceivableHistory

from .risk_helpers import DEBTOR, ev, settle

FACE, DUE = 10_000_000, date(2026, 3, 1)
FROZEN_ON, AS_OF, LIFTED_ON, SPLIT_ON = date(2026, 1, 10), date(2026, 1, 15), date(2026, 1, 25), date(2026, 2, 1)
ENDS = date(2026, 6, 1)
PAY_BY = date(2026, 3, 2)   # DUE is a Sunday: the last day on time, the label's date
PAID_ON = DUE + timedelta(days=5)


def _claim_frozen_on_the_as_of_date(*, split_later: bool) -> ReceivableHistory:
    """R, confirmed, frozen on FROZEN_ON and lifted on LIFTED_ON; then, if ``split_later``, split on SPLIT_ON into
    R.1 and R.2 (twice over: R.2 split again into R.2.1 and R.2.2), every part paid late on PAID_ON; else R paid
    late on PAID_ON."""
    events = [ev("R", "registered", date(2026, 1, 4), DUE, face=FACE),
              ev("R", "confirmed", date(2026, 1, 5), DUE, face=FACE),
              ev("R", "frozen", FROZEN_ON, DUE, face=FACE),
              ev("R", "unfrozen", LIFTED_ON, DUE, face=FACE)]
    if not split_later:
        return ReceivableHistory(debtor=DEBTOR, events=events + settle("R", DUE, PAID_ON, face=FACE, holder="S1"))
    events.append(ev("R", "split", SPLIT_ON, DUE, face=FACE))
    parts = (("R.1", "R", 100, "S2"), ("R.2", "R", FACE - 100, "S1"),
             ("R.2.1", "R.2", 50, "S3"), ("R.2.2", "R.2", FACE - 150, "S1"))
    for part, parent, face, holder in parts:
        events += [ev(part, "registered", SPLIT_ON, DUE, face=face, holder=holder, parent=parent),
                   ev(part, "confirmed", SPLIT_ON, DUE, face=face, holder=holder, parent=parent)]
    events.append(ev("R.2", "split", SPLIT_ON, DUE, face=FACE - 100, parent="R"))
    for part, parent, face, holder in (parts[0], parts[2], parts[3]):
        events += settle(part, DUE, PAID_ON, face=face, holder=holder, parent=parent)
    return ReceivableHistory(debtor=DEBTOR, events=events)


@pytest.mark.parametrize("split_later", [False, True], ids=["left whole", "split after the lifting"])
def test_a_claim_frozen_on_the_as_of_date_is_no_example_however_it_is_split_later(split_later):
    history = _claim_frozen_on_the_as_of_date(split_later=split_later)
    assert labelled_claims(history, AS_OF, history_ends=ENDS) == []


@pytest.mark.parametrize("split_later", [False, True], ids=["left whole", "split after the lifting"])
def test_once_the_order_is_lifted_the_claim_is_an_example_split_later_or_not(split_later):
    history = _claim_frozen_on_the_as_of_date(split_later=split_later)
    assert labelled_claims(history, LIFTED_ON, history_ends=ENDS) == [(PAY_BY, 1)]
