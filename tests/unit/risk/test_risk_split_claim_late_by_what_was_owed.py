"""The late shares by amount weigh a claim paid late, or not yet, by what was still owed on it when it fell due:
of a split claim, the parts paid late or unpaid, each once; what a part paid on time, or the debtor paid before
the due date, is paid on time. Weighed at the claim's whole face, a claim of 800,000 fen split in two, one half
paid on time and the other unpaid, read as 800,000 fen late, as if the half paid had not been."""
import asyncio
from datetime import date

import pytest

from client.risk import ReceivableHistory, debtor_features, history_from_ledger

from ..pricing.ledger_world import World
from .risk_helpers import DAY, DEBTOR, DUE, FACE, SPLIT_ON, ev, lifecycle, settle, split_claim

AS_OF = DUE + 20 * DAY


def features(events, as_of=AS_OF):
    return debtor_features(ReceivableHistory(debtor=DEBTOR, events=events), as_of)


def late_by_amount(f):
    return [(w.amount, w.late_amount) for w in (f.by_amount_all, f.by_amount_30, f.by_amount_90)]


@pytest.mark.parametrize("chained", [True, False])
def test_a_part_paid_on_time_is_not_late_in_the_amounts(chained):
    f = features(split_claim([DUE, None], chained=chained))
    assert late_by_amount(f) == [(FACE, FACE // 2)] * 3
    assert (f.overdue_count, f.overdue_amount, f.late_30, f.fell_due_30) == (1, FACE // 2, 1, 1)


@pytest.mark.parametrize("chained", [True, False])
def test_one_part_of_three_paid_late_is_late_at_its_own_face(chained):
    f = features(split_claim([DUE, DUE + 5 * DAY, DUE - DAY], chained=chained))
    third = FACE // 3
    assert late_by_amount(f) == [(FACE, third)] * 3
    # the claim is still one claim paid late, by its latest part
    assert (f.settled_late_count, f.max_days_late, f.settled_on_time_count) == (1, 5, 0)


def test_a_part_split_off_and_settled_early_leaves_the_rest_late_at_what_it_owes():
    """R.1 passed on and paid a month before the due date; R.2, kept, unpaid 20 days after it."""
    f = features(split_claim([SPLIT_ON + DAY, None], chained=False))
    assert late_by_amount(f) == [(FACE, FACE // 2)] * 3


def test_what_was_paid_on_the_claim_before_its_split_is_paid_on_time():
    """100,000 fen, 40,000 paid before the split, the 60,000 left split in two: one part paid 5 days late,
    one on time. The late amount is the late part's 30,000, not the face, nor the parts counted with the
    parent."""
    due, confirmed = date(2026, 3, 1), date(2025, 12, 2)
    events = [ev("P", "registered", confirmed - DAY, due), ev("P", "confirmed", confirmed, due),
              ev("P", "paid", date(2026, 1, 10), due, amount=40_000), ev("P", "split", date(2026, 1, 20), due)]
    for rid, holder, paid in (("P.1", "S2", due + 5 * DAY), ("P.2", "S1", due)):
        events += [ev(rid, kind, date(2026, 1, 20), due, face=30_000, holder=holder, parent="P")
                   for kind in ("registered", "confirmed")]
        events += settle(rid, due, paid, face=30_000, holder=holder, parent="P")
    f = features(events, due + 20 * DAY)
    assert late_by_amount(f) == [(100_000, 30_000)] * 3
    assert (f.settled_late_count, f.settled_late_amount, f.confirmed_amount) == (1, 100_000, 100_000)


def test_a_claim_never_split_is_late_at_what_it_still_owed_when_it_fell_due():
    """Paid 40,000 of 100,000 before its due date and the rest 10 days late: 60,000 fen were paid late. One
    paid late in full, or never paid, is late at its face as before."""
    due = date(2026, 3, 1)
    partly = lifecycle("C", date(2026, 1, 5), due, paid=due + 10 * DAY) + [
        ev("C", "paid", due - 3 * DAY, due, amount=40_000),
        ev("C", "paid", due + 10 * DAY, due, amount=60_000)]
    assert late_by_amount(features(partly, due + 20 * DAY)) == [(100_000, 60_000)] * 3
    # a payment after the due date does not make what it paid on time
    after = lifecycle("C", date(2026, 1, 5), due) + [ev("C", "paid", due + 2 * DAY, due, amount=40_000)]
    assert late_by_amount(features(after, due + 20 * DAY)) == [(100_000, 100_000)] * 3
    whole = lifecycle("C", date(2026, 1, 5), due, paid=due + 10 * DAY)
    assert late_by_amount(features(whole, due + 20 * DAY)) == [(100_000, 100_000)] * 3


@pytest.mark.parametrize("chained", [True, False])
def test_the_late_amount_as_of_a_date_knows_nothing_after_it(chained):
    """No look-ahead: the features as of each date are those of the history cut at that date, and a part paid
    after it (late) counts as unpaid then."""
    history = ReceivableHistory(debtor=DEBTOR, events=split_claim([DUE, DUE + 30 * DAY, None], chained=chained))
    for as_of in (SPLIT_ON, DUE - DAY, DUE, DUE + DAY, DUE + 29 * DAY, DUE + 30 * DAY, DUE + 60 * DAY):
        assert debtor_features(history, as_of) == debtor_features(history.as_of(as_of), as_of), as_of
    before_the_late_payment = debtor_features(history, DUE + 29 * DAY)
    after_it = debtor_features(history, DUE + 31 * DAY)
    third = FACE // 3
    assert before_the_late_payment.by_amount_all.late_amount == FACE - third   # two parts unpaid
    assert after_it.by_amount_all.late_amount == FACE - third                  # one paid late, one unpaid


def test_on_the_ledger_a_part_transferred_and_paid_on_time_is_not_late():
    """On the contract in-process: tier1 passes 400.00 of a 1,000.00 claim to tier2 (a split), the debtor pays
    tier2's part on its due date and leaves tier1's unpaid. Read from the ledger 20 days later, 600.00 of the
    1,000.00 that fell due is late, not all of it."""
    w = World()
    net = w.net
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    net.advance(5)
    asyncio.run(net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000"))
    net.advance(25)   # the due date
    w.client("core").record_payment(f"{claim}.1", 400_00)
    net.advance(20)
    reader = w.client("regulator")
    as_of = date.fromisoformat(net.today)
    f = debtor_features(history_from_ledger(reader, w.uscc("core"), as_of), as_of)
    assert (f.confirmed_count, f.overdue_count, f.overdue_amount) == (1, 1, 600_00)
    assert (f.by_amount_all.amount, f.by_amount_all.late_amount) == (1000_00, 600_00)
    assert (f.by_amount_30.amount, f.by_amount_30.late_amount) == (1000_00, 600_00)
