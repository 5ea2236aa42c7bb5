"""A registration its creditor withdrew is no decision of the debtor's: the risk features read from the ledger
leave it out of the rejection rate, where the debtor's own rejection counts (docs/risk-and-pricing.md)."""

from __future__ import annotations

import asyncio
from datetime import date

from client.risk import debtor_features, history_from_ledger

from ..pricing.ledger_world import World


def test_a_withdrawn_registration_counts_neither_as_rejected_nor_as_confirmed():
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    asyncio.run(net.confirmed(tier1, core, 3_000_000, due_in=60))
    mistaken = asyncio.run(net.registered(tier1, core, 1_000_000, due_in=60))
    disputed = asyncio.run(net.registered(tier1, core, 1_000_000, due_in=60))
    w.client("tier1").withdraw(mistaken["id"], "registered in error")
    today = date.fromisoformat(net.today)
    record = {r.receivable_id: r for r in w.client("regulator").iter_payment_record(w.uscc("core"))}
    assert (record[mistaken["id"]].status, record[mistaken["id"]].withdrawn_on) == ("WITHDRAWN", today)

    features = debtor_features(history_from_ledger(w.client("regulator"), w.uscc("core"), today), today)
    assert (features.confirmed_count, features.rejection_rate, features.rejected_count_90) == (1, 0, 0)
    w.client("core").reject(disputed["id"], "goods not received")     # the debtor's own decision counts
    features = debtor_features(history_from_ledger(w.client("regulator"), w.uscc("core"), today), today)
    assert (features.confirmed_count, features.rejection_rate, features.rejected_count_90) == (1, 0.5, 1)
