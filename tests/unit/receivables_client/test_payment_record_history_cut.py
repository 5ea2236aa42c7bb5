"""The SDK's payment record page reads the claims the contract could not count (``history_cut``), and a page
from a contract older than the field as naming none."""

from __future__ import annotations

from client.receivables import PaymentRecordPage, ReceivablesClient

from . import fakes
from .fakes import CORE, FakeContract


def test_a_payment_record_page_names_the_claims_whose_history_was_cut():
    answer = fakes.payment_record_page([fakes.payment_record()], history_cut=("R-00000000000000ff",))
    contract = FakeContract(responses={"GetDebtorPaymentRecord": answer})
    page = ReceivablesClient(contract).debtor_payment_record(CORE)
    assert page.history_cut == ["R-00000000000000ff"]
    assert [r.receivable_id for r in page.records] == ["R-00000000000000a1"]


def test_a_page_from_a_contract_without_the_field_names_none():
    older = {k: v for k, v in fakes.payment_record_page([fakes.payment_record()]).items() if k != "history_cut"}
    page = PaymentRecordPage.model_validate(older)
    assert page.history_cut == []
