"""A split claim whose parts the payment record could not count (a newer contract version wrote them, or the peer cut
their history): the parts are named in ``history_cut`` and the claim they were split from is left out with them,
where the features reopened it as a claim none of whose parts is known and counted it unpaid, past its due date
overdue at its whole face, though its parts were paid in full on time."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from client.risk import debtor_features, history_from_ledger

from ..pricing.ledger_world import World
from ..receivables.test_payment_record_newer_version_writes import as_newer_version_wrote_last


def _paid_on_time_by_parts(w: World, claim: str, parts: list[str]) -> None:
    """Each of ``parts`` paid in full before the due date, its last write by a newer contract version."""
    for part in parts:
        asyncio.run(w.net.ok(w.net.actors["core"], "RecordPayment", part, str(w.net.doc(part)["outstanding"])))
        as_newer_version_wrote_last(w.net, part)


def _read(w: World, start: date, days: int):
    cut: list[str] = []
    day = start + timedelta(days=days)
    history = history_from_ledger(w.client("bank"), w.uscc("core"), day, history_cut=cut)
    return history, debtor_features(history, day), cut


def test_a_split_claim_whose_parts_are_not_counted_is_not_counted_overdue():
    w = World()
    net = w.net
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = asyncio.run(net.confirmed(tier1, net.actors["core"], 1000_00, due_in=30))["id"]
    start = date.fromisoformat(net.today)
    net.advance(5)
    parts = asyncio.run(net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000"))["children"]
    net.advance(10)
    _paid_on_time_by_parts(w, claim, parts)
    net.advance(40)

    history, features, cut = _read(w, start, 45)
    assert cut == parts
    assert {e.receivable_id for e in history.events} == set()
    assert (features.overdue_count, features.overdue_amount, features.open_amount) == (0, 0, 0)
    assert features.confirmed_count == 0


def test_a_part_split_again_whose_parts_are_not_counted_leaves_its_claims_other_part_counted():
    w = World()
    net = w.net
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    claim = asyncio.run(net.confirmed(tier1, net.actors["core"], 1000_00, due_in=30))["id"]
    start = date.fromisoformat(net.today)
    net.advance(5)
    given, kept = asyncio.run(net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000"))["children"]
    below = asyncio.run(net.ok(tier2, "TransferReceivable", given, tier1.uscc, "10000"))["children"]
    net.advance(10)
    _paid_on_time_by_parts(w, given, below)
    net.advance(40)   # kept, 600.00 CNY, is unpaid 15 days past its due date

    history, features, cut = _read(w, start, 45)
    assert cut == below
    assert {e.receivable_id for e in history.events} == {claim, kept}
    # the claim is overdue by what its one counted part still owes, not also by the part split again
    assert (features.overdue_count, features.overdue_amount, features.overdue_days_max) == (1, 600_00, 15)
    assert features.open_amount == 600_00


def test_records_given_as_json_without_the_fields_they_have_no_value_for_still_read():
    record = {"receivable_id": "R-1", "holder": "H-1", "face_amount": 100_00, "currency": "CNY",
              "due_date": "2026-01-10", "registered_on": "2026-01-01", "confirmed_on": "2026-01-02"}

    class Reader:
        def debtor_payment_record(self, debtor, *, page_size=100, bookmark="", as_of=None):
            return {"as_of": "2026-02-01", "records": [record], "bookmark": ""}

    history = history_from_ledger(Reader(), "91310000MA1FL00000", date(2026, 2, 1))
    assert [e.kind for e in history.events] == ["registered", "confirmed"]
