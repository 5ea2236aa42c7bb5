"""A payment read from the ledger is dated as the contract dates it, by its transaction timestamp in China Standard
Time (UTC+8): paid at 15:59 UTC on the due date it is paid at 23:59 in Beijing, on time; at 16:00 UTC, still the
due date in UTC, it is paid at 00:00 the next day in Beijing, a day late. Read as of the due date, the later payment
is not there yet: the claim is open, due that day, neither paid nor late."""
import asyncio
from datetime import date, datetime, timezone

import pytest

from client.risk import debtor_features, history_from_ledger

from ..pricing.ledger_world import World

DUE = date(2026, 3, 10)   # a Tuesday, and no holiday: the last day on time is the due date itself
LAST_MINUTE_OF_DUE = datetime(2026, 3, 10, 15, 59, tzinfo=timezone.utc)   # 23:59 on 10 March in Beijing
FIRST_MINUTE_AFTER = datetime(2026, 3, 10, 16, 0, tzinfo=timezone.utc)   # 00:00 on 11 March in Beijing


@pytest.mark.parametrize("paid_at,late", [(LAST_MINUTE_OF_DUE, False), (FIRST_MINUTE_AFTER, True)])
def test_a_payment_is_on_time_or_late_by_its_date_in_beijing(paid_at, late):
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = asyncio.run(net.confirmed(tier1, core, 1000_00, due_date=DUE.isoformat()))["id"]
    net.now = paid_at
    asyncio.run(net.ok(core, "RecordPayment", claim, str(1000_00)))
    net.now = datetime(2026, 3, 20, 4, 0, tzinfo=timezone.utc)
    reader, debtor = w.client("regulator"), w.uscc("core")
    day_after = date(2026, 3, 11)
    after = debtor_features(history_from_ledger(reader, debtor, day_after), day_after)
    assert (after.settled_on_time_count, after.settled_late_count, after.max_days_late) == \
        ((0, 1, 1) if late else (1, 0, 0))
    on_due = debtor_features(history_from_ledger(reader, debtor, DUE), DUE)
    # paid after midnight in Beijing, the payment is of a day the read as of the due date does not hold
    assert (on_due.open_amount, on_due.settled_on_time_count + on_due.settled_late_count) == \
        ((1000_00, 0) if late else (0, 1))
    assert (on_due.overdue_count, on_due.late_30) == (0, 0)
