"""The simulator lifts its freeze orders as a regulator does on a ledger: most after some weeks, some before
the claim falls due and some after, a few never, the same liftings for the same seed. While an order binds a
claim it takes no payment and no overdue mark; once lifted after its due date the claim is paid from the day
of the lifting, and the training labels judge it by that day, as the features do."""
from datetime import timedelta

import pytest

from client.risk.dataset import HORIZON_DAYS, labelled_claims
from client.risk.history import ReceivableHistory
from client.risk.simulator import SimulationConfig, simulate
from client.risk.working_days import next_working_day

CFG = SimulationConfig(debtors=80, seed=7)
ENDS = CFG.end - timedelta(days=1)   # the simulation's last day, as training reads it


def by_claim(history):
    """Receivable id -> {kind: event} of a history (the simulator records each kind at most once a claim)."""
    claims = {}
    for event in history.events:
        claims.setdefault(event.receivable_id, {})[event.kind] = event
    return claims


@pytest.fixture(scope="module")
def histories():
    return simulate(CFG)


@pytest.fixture(scope="module")
def frozen_claims(histories):
    """(history, receivable id, its events by kind) of every claim a freeze order was recorded on."""
    return [(h, rid, kinds) for h in histories for rid, kinds in by_claim(h).items() if "frozen" in kinds]


def liftings(histories):
    return [(e.receivable_id, e.event_date) for h in histories for e in h.events if e.kind == "unfrozen"]


def test_the_liftings_are_the_same_for_the_same_seed_and_differ_for_another(histories):
    # simulated again for its first 20 debtors (each drawn from the seed in turn, its claims from the seed and its
    # own id): the same seed gives the same liftings at any size that has some
    first = liftings(histories[:20])
    assert first and first == liftings(simulate(SimulationConfig(debtors=20, seed=CFG.seed)))
    assert first != liftings(simulate(SimulationConfig(debtors=20, seed=8)))


def test_orders_are_lifted_before_the_due_date_after_it_and_some_never(frozen_claims):
    lifted = [k for _, _, k in frozen_claims if "unfrozen" in k]
    before = [k for k in lifted if k["unfrozen"].event_date <= k["frozen"].due_date]
    after = [k for k in lifted if k["unfrozen"].event_date > k["frozen"].due_date]
    never = [k for _, _, k in frozen_claims if "unfrozen" not in k]
    assert before and after and never
    assert len(never) < len(before) and len(never) < len(after)   # most are lifted
    # after some weeks: none the week it was recorded
    assert all((k["unfrozen"].event_date - k["frozen"].event_date).days >= 7 for k in before + after)


def test_a_frozen_claim_is_paid_and_marked_overdue_only_once_its_order_is_lifted(frozen_claims):
    checked = {"never lifted": 0, "settled": 0, "overdue": 0}
    for _, rid, kinds in frozen_claims:
        if "unfrozen" not in kinds:
            assert "settled" not in kinds and "overdue" not in kinds, rid
            checked["never lifted"] += 1
            continue
        lifted = kinds["unfrozen"].event_date
        if "settled" in kinds:
            assert kinds["settled"].settled_date >= lifted, rid
            checked["settled"] += 1
        if "overdue" in kinds:
            # due by the day of the lifting when lifted after its due date, and marked only after that day
            assert kinds["overdue"].event_date > max(lifted, kinds["frozen"].due_date), rid
            checked["overdue"] += 1
    assert min(checked.values()) >= 5, checked     # each rule met on some claims: one never met would pass unchecked


def test_a_claim_lifted_after_its_due_date_is_labelled_by_its_payment_against_the_day_of_the_lifting(
        frozen_claims):
    checked = 0
    for history, rid, kinds in frozen_claims:
        if "unfrozen" not in kinds or "confirmed" not in kinds:
            continue
        lifted, due = kinds["unfrozen"].event_date, kinds["frozen"].due_date
        # to be paid by the day of the lifting, or the next working day after a day off
        pay_by = next_working_day(lifted)
        if lifted <= next_working_day(due) or pay_by >= ENDS:
            continue
        # chosen by its due date, before the order was recorded (one frozen on the as-of date is no example)
        as_of = max(kinds["confirmed"].event_date, due - timedelta(days=HORIZON_DAYS))
        if as_of >= kinds["frozen"].event_date:
            continue
        paid = kinds["settled"].settled_date if "settled" in kinds else None
        label = 0 if paid is not None and paid <= pay_by else 1   # the rule: paid by the day of the lifting
        alone = ReceivableHistory(debtor=history.debtor, events=list(kinds.values()), synthetic=True)
        assert labelled_claims(alone, as_of, history_ends=ENDS) == [(pay_by, label)], rid
        assert (pay_by, label) in labelled_claims(history, as_of, history_ends=ENDS), rid
        checked += 1
    assert checked >= 5


def test_a_claim_whose_order_was_lifted_before_its_due_date_is_labelled_as_any_other(frozen_claims):
    checked = 0
    for history, rid, kinds in frozen_claims:
        due = kinds["frozen"].due_date
        pay_by = next_working_day(due)   # the due date, or the next working day after a day off
        if "unfrozen" not in kinds or kinds["unfrozen"].event_date > pay_by or pay_by >= ENDS:
            continue
        as_of = max(kinds["confirmed"].event_date, due - timedelta(days=HORIZON_DAYS))
        label = 0 if "settled" in kinds and kinds["settled"].settled_date <= pay_by else 1
        alone = ReceivableHistory(debtor=history.debtor, events=list(kinds.values()), synthetic=True)
        # frozen on the as-of date: no example, though the order was lifted before the claim fell due
        frozen_then = kinds["frozen"].event_date <= as_of < kinds["unfrozen"].event_date
        assert labelled_claims(alone, as_of, history_ends=ENDS) == ([] if frozen_then else [(pay_by, label)]), rid
        checked += 0 if frozen_then else 1
    assert checked >= 5


def test_a_claim_an_order_still_binds_is_not_labelled(frozen_claims):
    bound = [(h, kinds) for h, _, kinds in frozen_claims
             if "unfrozen" not in kinds and kinds["frozen"].due_date < ENDS]
    assert bound
    for history, kinds in bound:
        due = kinds["frozen"].due_date
        as_of = max(kinds["confirmed"].event_date, due - timedelta(days=HORIZON_DAYS))
        alone = ReceivableHistory(debtor=history.debtor, events=list(kinds.values()), synthetic=True)
        assert labelled_claims(alone, as_of, history_ends=ENDS) == []
