"""The event history model and the conversion from the receivables contract's payment record."""
from datetime import date

import pytest
from pydantic import ValidationError

from client.risk import LedgerEvent, ReceivableHistory, debtor_features, events_from_payment_record, history_from_ledger
from client.business_dates import business_date
from .risk_helpers import DEBTOR, ev


def record(rid="RCV-1", **over):
    """A GetDebtorPaymentRecord entry: registered 5 Jan, confirmed 7 Jan, financed 9 Jan, frozen 1 Feb,
    marked overdue 2 Apr, settled 12 Apr (11 days late)."""
    doc = {"receivable_id": rid, "parent_id": None, "holder": "H-0000000000000001", "face_amount": 500_000,
           "outstanding": 0, "currency": "CNY", "due_date": "2026-04-01", "status": "SETTLED",
           "registered_on": "2026-01-05",
           "confirmed_on": "2026-01-07", "rejected_on": None, "financed_on": "2026-01-09",
           "marked_overdue_on": "2026-04-02", "split_on": None, "settled_on": "2026-04-12", "days_late": 11,
           "overdue": False, "freezes": ["2026-02-01"], "frozen": False,
           "payments": [{"paid_on": "2026-04-12", "amount": 500_000}]}
    doc.update(over)
    return doc


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


def test_events_follow_the_dated_states():
    events = events_from_payment_record(DEBTOR, record())
    assert sorted((e.event_date.isoformat(), e.kind) for e in events) == [
        ("2026-01-05", "registered"), ("2026-01-07", "confirmed"), ("2026-01-09", "financed"),
        ("2026-02-01", "frozen"), ("2026-04-02", "overdue"), ("2026-04-12", "paid"), ("2026-04-12", "settled")]
    settled = next(e for e in events if e.kind == "settled")
    assert settled.settled_date == date(2026, 4, 12)
    assert all(e.face_amount == 500_000 and e.due_date == date(2026, 4, 1) and e.debtor == DEBTOR
               and e.holder == "H-0000000000000001" for e in events)


def test_a_rejected_claim_gives_registration_and_rejection_only():
    events = events_from_payment_record(DEBTOR, record(
        status="REJECTED", confirmed_on=None, financed_on=None, marked_overdue_on=None, settled_on=None, freezes=[],
        rejected_on="2026-01-06", payments=[]))
    assert [(e.kind, e.event_date.isoformat()) for e in events] == [("registered", "2026-01-05"),
                                                                    ("rejected", "2026-01-06")]


def test_a_split_closes_the_parent_and_the_parts_carry_on_from_the_split():
    open_ = dict(financed_on=None, marked_overdue_on=None, settled_on=None, freezes=[], status="CONFIRMED",
                 payments=[])
    parent = record(**open_, split_on="2026-02-01")
    parts = [record(f"RCV-1.{n}", **open_, parent_id="RCV-1", holder=holder, face_amount=face,
                    registered_on="2026-02-01")  # confirmed_on stays the original's, 7 January
             for n, (holder, face) in enumerate((("H-1", 200_000), ("H-2", 300_000)), 1)]
    events = [e for r in [parent, *parts] for e in events_from_payment_record(DEBTOR, r)]
    assert {e.event_date for e in events if e.kind == "confirmed" and e.parent_id} == {date(2026, 2, 1)}
    history = ReceivableHistory(debtor=DEBTOR, events=events)
    f = debtor_features(history, date(2026, 5, 1))
    assert (f.confirmed_count, f.confirmed_amount) == (1, 500_000)     # confirmed once
    # the original claim, overdue once: not the parent as well, nor each part (amounts are the parts' owed)
    assert (f.overdue_count, f.overdue_amount) == (1, 500_000)
    assert f.concentration == 300_000 / 500_000
    before = debtor_features(history, date(2026, 1, 31))               # before the split: the original alone
    assert (before.open_amount, before.confirmed_count) == (500_000, 1)


class FakeReceivables:
    """ReceivablesClient.debtor_payment_record over fixed records, one page as the contract's JSON; the contract
    cuts at as_of, so this does too."""

    def __init__(self, records):
        self.records, self.calls = records, []

    def debtor_payment_record(self, debtor, *, page_size=100, bookmark="", as_of=None):
        self.calls.append((debtor, as_of, page_size))
        return {"as_of": as_of.isoformat(), "bookmark": "",
                "records": [r for r in self.records if r["registered_on"] <= as_of.isoformat()]}


def test_history_from_ledger_reads_the_record_as_of_the_date():
    source = FakeReceivables([record(), record("RCV-2", registered_on="2026-03-01", confirmed_on=None,
                                               financed_on=None, marked_overdue_on=None, settled_on=None, freezes=[],
                                               payments=[])])
    full = history_from_ledger(source, DEBTOR, date(2026, 12, 31))
    assert len(full.events) == 8 and not full.synthetic
    assert source.calls == [(DEBTOR, date(2026, 12, 31), 100)]
    assert [e.event_date for e in full.events] == sorted(e.event_date for e in full.events)
    cut = history_from_ledger(source, DEBTOR, date(2026, 1, 31))
    assert sorted(e.kind for e in cut.events) == ["confirmed", "financed", "registered"]
    assert history_from_ledger(FakeReceivables([]), "NOBODY", date(2026, 3, 1)).events == []


def test_history_from_ledger_keeps_only_the_claims_in_the_currency_asked_for():
    open_ = dict(financed_on=None, marked_overdue_on=None, settled_on=None, freezes=[], status="CONFIRMED",
                 outstanding=500_000, payments=[])
    source = FakeReceivables([record("RCV-CNY", **open_),
                              record("RCV-USD", **open_, currency="USD", face_amount=70_000)])
    day = date(2026, 3, 1)
    yuan = history_from_ledger(source, DEBTOR, day)  # CNY unless told otherwise
    assert {e.receivable_id for e in yuan.events} == {"RCV-CNY"}
    assert debtor_features(yuan, day).open_amount == 500_000  # not 570,000: US cents and fen do not add up
    dollars = history_from_ledger(source, DEBTOR, day, currency="USD")
    assert {e.receivable_id for e in dollars.events} == {"RCV-USD"}
    assert debtor_features(dollars, day).open_amount == 70_000


def test_each_payment_gives_a_paid_event_with_its_amount():
    partly = record(status="CONFIRMED", outstanding=300_000, settled_on=None, marked_overdue_on=None, days_late=0,
                    payments=[{"paid_on": "2026-02-10", "amount": 150_000},
                              {"paid_on": "2026-03-10", "amount": 50_000}])
    paid = [(e.event_date, e.amount) for e in events_from_payment_record(DEBTOR, partly) if e.kind == "paid"]
    assert paid == [(date(2026, 2, 10), 150_000), (date(2026, 3, 10), 50_000)]


def test_a_paid_event_needs_its_amount_and_no_other_event_has_one():
    with pytest.raises(ValidationError, match="amount"):
        ev("R", "paid", date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValidationError, match="amount"):
        ev("R", "confirmed", date(2026, 1, 1), date(2026, 2, 1), amount=100)
