"""The event history model and the conversion from the receivables contract's query results."""
from datetime import date
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from client.risk import LedgerEvent, ReceivableHistory, debtor_features, events_from_contract_history, history_from_ledger
from client.risk.history import business_date
from .risk_helpers import DEBTOR, ev

DOC = {"doc_type": "receivable", "id": "RCV-1", "status": "SETTLED", "debtor": DEBTOR, "holder": "SUP-1",
       "face_amount": 500_000, "outstanding": 0, "due_date": "2026-04-01", "parent_id": None,
       "payments": [{"amount": 500_000, "date": "2026-04-12", "late": True}]}


def entry(ts, status, holder="SUP-1", frozen=False, action="x"):
    return {"tx_id": f"tx-{ts}", "timestamp": ts, "is_delete": False, "action": action, "by": "someone",
            "msp_id": "M", "status": status, "holder": holder, "outstanding": 500_000, "frozen": frozen}


HISTORY = [
    entry("2026-01-05T02:00:00Z", "REGISTERED"),
    entry("2026-01-06T17:30:00Z", "CONFIRMED"),          # 01:30 on 7 January in Beijing
    entry("2026-01-09T02:00:00Z", "FINANCED"),
    entry("2026-02-01T02:00:00Z", "FINANCED", frozen=True),
    entry("2026-02-09T02:00:00Z", "FINANCED", frozen=False),
    entry("2026-04-02T02:00:00Z", "OVERDUE"),
    entry("2026-04-12T02:00:00Z", "SETTLED"),
]


def test_settled_event_needs_its_date():
    with pytest.raises(ValidationError, match="settled_date"):
        LedgerEvent(receivable_id="R", debtor="D", holder="H", face_amount=1, kind="settled",
                    event_date=date(2026, 1, 1), due_date=date(2026, 1, 1))


def test_history_holds_one_debtor():
    with pytest.raises(ValidationError, match="not the history's debtor"):
        ReceivableHistory(debtor="OTHER", events=[ev("R", "registered", date(2026, 1, 1), date(2026, 2, 1))])


def test_business_dates_are_china_standard_time():
    assert business_date("2026-02-28T16:30:00Z") == date(2026, 3, 1)
    assert business_date("2026-02-28T15:59:59Z") == date(2026, 2, 28)


def test_events_follow_the_status_changes():
    events = events_from_contract_history(DOC, HISTORY)
    assert [(e.kind, e.event_date.isoformat()) for e in events] == [
        ("registered", "2026-01-05"), ("confirmed", "2026-01-07"), ("financed", "2026-01-09"),
        ("frozen", "2026-02-01"), ("overdue", "2026-04-02"), ("settled", "2026-04-12")]
    assert events[-1].settled_date == date(2026, 4, 12)
    assert all(e.face_amount == 500_000 and e.due_date == date(2026, 4, 1) for e in events)


def test_a_split_closes_the_parent_and_the_parts_carry_on():
    parent = dict(DOC, status="SPLIT", payments=[])
    parent_history = [entry("2026-01-05T02:00:00Z", "REGISTERED"), entry("2026-01-07T02:00:00Z", "CONFIRMED"),
                      entry("2026-02-01T02:00:00Z", "SPLIT")]
    parts = []
    for n, (holder, face) in enumerate((("SUP-1", 200_000), ("SUP-2", 300_000))):
        doc = dict(DOC, id=f"RCV-1-{n}", holder=holder, face_amount=face, parent_id="RCV-1", status="CONFIRMED",
                   payments=[])
        parts += events_from_contract_history(doc, [entry("2026-02-01T02:00:00Z", "CONFIRMED", holder=holder)])
    history = ReceivableHistory(debtor=DEBTOR, events=events_from_contract_history(parent, parent_history) + parts)
    f = debtor_features(history, date(2026, 5, 1))
    assert (f.confirmed_count, f.confirmed_amount) == (1, 500_000)     # confirmed once
    assert (f.overdue_count, f.overdue_amount) == (2, 500_000)         # the parts, not the parent as well
    assert f.concentration == 300_000 / 500_000


class FakeReceivables:
    """The two reads of client.receivables.ReceivablesClient the adapter uses, in pages of one."""

    def __init__(self, docs, histories):
        self.docs, self.histories, self.calls = docs, histories, []

    def list_by_debtor(self, debtor, *, page_size=20, bookmark=""):
        self.calls.append(("list_by_debtor", debtor, page_size, bookmark))
        mine = [d for d in self.docs if d["debtor"] == debtor]
        i = int(bookmark or 0)
        return SimpleNamespace(records=mine[i:i + 1], bookmark=str(i + 1) if i + 1 < len(mine) else "")

    def history(self, receivable_id):
        return self.histories[receivable_id]


def test_history_from_ledger_pages_and_cuts_at_as_of():
    second = dict(DOC, id="RCV-2", status="CONFIRMED", payments=[])
    source = FakeReceivables([DOC, second], {"RCV-1": HISTORY, "RCV-2": HISTORY[:2]})
    full = history_from_ledger(source, DEBTOR, date(2026, 12, 31))
    assert len(full.events) == 8 and not full.synthetic
    assert [c[3] for c in source.calls] == ["", "1"]
    cut = history_from_ledger(source, DEBTOR, date(2026, 1, 31))
    assert sorted(e.kind for e in cut.events) == ["confirmed", "confirmed", "financed", "registered", "registered"]
    assert history_from_ledger(FakeReceivables([], {}), "NOBODY", date(2026, 3, 1)).events == []
