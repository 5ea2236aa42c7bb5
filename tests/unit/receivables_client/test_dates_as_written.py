"""A business date in an answer or an event reads only as the contract writes it, ``YYYY-MM-DD``: pydantic's
``date`` alone takes a Unix timestamp (as a number or as text) and a datetime at midnight, which would pass a
value the contract never writes for a day its writer may not have meant, where the client must refuse it."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from client.gateway import ChaincodeEvent
from client.receivables import PaymentRecord, Receivable, ReceivablesClient, ReceivablesEvent, UnreadableAnswer

from . import fakes

R = fakes.receivable()["id"]
MIDNIGHT_UTC_31_MAY = 1780185600   # 2026-05-31T00:00:00Z

NOT_AS_WRITTEN = [MIDNIGHT_UTC_31_MAY, str(MIDNIGHT_UTC_31_MAY), float(MIDNIGHT_UTC_31_MAY),
                  "2026-05-31T00:00:00", "2026-05-31T00:00:00Z", "2026-05-31T00:00:00+08:00"]


@pytest.mark.parametrize("written", NOT_AS_WRITTEN)
def test_a_claim_whose_due_date_is_not_a_written_date_is_unreadable(written):
    contract = fakes.FakeContract(responses={"GetReceivable": fakes.receivable(due_date=written)})
    with pytest.raises(UnreadableAnswer) as unreadable:
        ReceivablesClient(contract).get_receivable(R)
    assert "due_date" in unreadable.value.problem
    assert "YYYY-MM-DD" in unreadable.value.problem


@pytest.mark.parametrize("written", NOT_AS_WRITTEN)
def test_a_payment_records_freeze_day_that_is_not_a_written_date_is_unreadable(written):
    page = fakes.payment_record_page([fakes.payment_record(freezes=[written])])
    contract = fakes.FakeContract(responses={"GetDebtorPaymentRecord": page})
    with pytest.raises(UnreadableAnswer, match="freezes"):
        ReceivablesClient(contract).debtor_payment_record(fakes.CORE)


def test_dates_as_the_contract_writes_them_read_as_dates():
    contract = fakes.FakeContract(responses={"GetReceivable": fakes.receivable(due_date="2026-05-31")})
    assert ReceivablesClient(contract).get_receivable(R).due_date == date(2026, 5, 31)
    record = PaymentRecord.model_validate(fakes.payment_record(freezes=["2026-04-01"]))
    assert record.freezes == [date(2026, 4, 1)]


def test_a_document_built_in_python_takes_a_date_and_refuses_a_datetime():
    assert Receivable.model_validate(fakes.receivable(due_date=date(2026, 5, 31))).due_date == date(2026, 5, 31)
    with pytest.raises(ValueError, match="due_date"):
        Receivable.model_validate(fakes.receivable(due_date=datetime(2026, 5, 31)))


def registered(due_date) -> ReceivablesEvent:
    payload = {"event": "ReceivableRegistered", "receivable_id": R, "tx_id": "ab" * 32, "debtor": fakes.CORE,
               "holder": fakes.TIER1, "face_amount": 11300000, "currency": "CNY", "due_date": due_date}
    return ReceivablesEvent.from_chaincode_event(ChaincodeEvent(
        block_number=7, transaction_id="ab" * 32, chaincode_name="receivables", event_name="ReceivableRegistered",
        payload=json.dumps(payload).encode()))


def test_an_events_due_date_reads_only_as_written():
    assert registered("2026-05-31").typed().due_date == date(2026, 5, 31)
    with pytest.raises(ValueError, match="due_date"):
        registered(MIDNIGHT_UTC_31_MAY).typed()
