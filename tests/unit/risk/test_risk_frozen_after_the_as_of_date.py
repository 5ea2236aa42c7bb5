"""A claim a freeze order binds only after the as-of date, and binds still when the history ends, is counted as
of that date as it stood then: live and unfrozen, open, overdue or paid as it was. The order, not yet recorded
on the day, changes no feature of it."""
import asyncio
from datetime import date, timedelta

import pytest

from client.risk import ReceivableHistory, debtor_features, history_from_ledger

from ..pricing.ledger_world import World
from .risk_helpers import DEBTOR, ev
from .test_risk_features import AS_OF, history


@pytest.mark.parametrize("claim", ["R1", "R2", "R3", "R4"])
@pytest.mark.parametrize("days_after", [1, 40, 400])
def test_an_order_recorded_after_the_date_and_never_lifted_changes_no_feature(claim, days_after):
    """R1 paid on time, R2 paid late, R3 overdue, R4 open and due after the order: each frozen after AS_OF
    (before R4 falls due, or after), no order ever lifted."""
    base = history()
    due, face = next((e.due_date, e.face_amount) for e in base.events if e.receivable_id == claim)
    frozen = ReceivableHistory(debtor=DEBTOR, events=base.events + [
        ev(claim, "frozen", AS_OF + timedelta(days=days_after), due, face=face)])
    assert debtor_features(frozen, AS_OF) == debtor_features(base, AS_OF)
    assert debtor_features(frozen, AS_OF).fell_due_frozen == []


def test_on_the_ledger_a_claim_frozen_after_the_date_is_scored_as_it_stood_then():
    """On the contract in-process: a claim confirmed, scored as of five days later; the regulator freezes it
    afterwards, before it falls due, and never lifts the order. Read from the ledger as of that day, or as of
    today and scored as of that day, it is the same open, unfrozen claim."""
    w = World()
    net = w.net
    tier1, core, regulator = net.actors["tier1"], net.actors["core"], net.actors["regulator"]
    claim = asyncio.run(net.confirmed(tier1, core, 1000_00, due_in=30))["id"]
    net.advance(5)
    then = date.fromisoformat(net.today)
    net.advance(5)
    asyncio.run(net.ok(regulator, "FreezeReceivable", claim, "(2026)沪0101财保7号"))
    net.advance(40)   # past its due date, the order binding it still
    reader, debtor = w.client("regulator"), w.uscc("core")
    read_then = history_from_ledger(reader, debtor, then)
    read_today = history_from_ledger(reader, debtor, date.fromisoformat(net.today))
    assert [e.kind for e in read_today.events if e.kind == "frozen"] == ["frozen"]
    as_then = debtor_features(read_then, then)
    assert as_then == debtor_features(read_today, then) == debtor_features(read_today.as_of(then), then)
    assert (as_then.confirmed_count, as_then.open_amount, as_then.freezes, as_then.fell_due_frozen) == \
        (1, 1000_00, 0, [])
    # as of today the order binds it past its due date: in no timeliness measure
    assert debtor_features(read_today, date.fromisoformat(net.today)).fell_due_frozen == [claim]
