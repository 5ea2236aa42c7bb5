"""history_from_ledger takes a payment record given as its JSON without the fields it has no value for (a claim
split from none leaves out parent_id) in every currency: counting a claim of another currency for ``left_out``
raised KeyError on the missing parent_id, where the same record in the currency scored was read."""

from __future__ import annotations

from datetime import date

from client.risk import history_from_ledger

DEBTOR = "91310000MA1FL00000"


def _record(receivable_id: str, currency: str, parent_id: str | None = None) -> dict:
    record = {"receivable_id": receivable_id, "holder": "H-1", "face_amount": 100_00, "currency": currency,
              "due_date": "2026-01-10", "registered_on": "2026-01-01", "confirmed_on": "2026-01-02"}
    return record if parent_id is None else {**record, "parent_id": parent_id}


class Reader:
    def __init__(self, records):
        self.records = records

    def debtor_payment_record(self, debtor, *, page_size=100, bookmark="", as_of=None):
        return {"as_of": "2026-02-01", "records": self.records, "bookmark": ""}


def test_claims_of_another_currency_without_a_parent_id_are_counted_once_each():
    left_out: dict[str, int] = {}
    records = [_record("R-1", "CNY"), _record("R-2", "USD"), _record("R-3", "USD"), _record("R-3.1", "USD", "R-3")]
    history = history_from_ledger(Reader(records), DEBTOR, date(2026, 2, 1), left_out=left_out)
    assert {e.receivable_id for e in history.events} == {"R-1"}
    assert left_out == {"USD": 2}   # once with its part
