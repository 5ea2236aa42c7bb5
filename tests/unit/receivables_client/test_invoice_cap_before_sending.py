"""ReceivableRegistration.invoices holds at most the contract's cap (chaincode INVOICES_MAX): a longer list is
refused by the SDK, naming the cap, before anything is sent, where the integrator learnt of the cap only from the
contract's argument-invalid refusal on chain."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from chaincode.receivables.model import INVOICES_MAX
from client.receivables import InvoiceInput, ReceivableRegistration, ReceivablesClient

from ..receivables.support import contract_hash
from .fakes import CORE, TIER1, FakeContract, receivable

DAY = date(2026, 3, 2)


def invoice(n: int) -> InvoiceInput:
    return InvoiceInput(number=f"26442000000000{n:06d}", date=DAY, amount=100, tax=0, seller_tax_id=TIER1,
                        buyer_tax_id=CORE)


def registration(invoices: list[InvoiceInput]) -> ReceivableRegistration:
    return ReceivableRegistration(debtor=CORE, face_amount=100, issue_date=DAY, due_date=date(2026, 5, 31),
                                  invoices=invoices, contract_hash=contract_hash())


def test_the_cap_is_the_contracts():
    assert INVOICES_MAX == 100


def test_a_registration_of_the_cap_is_built_and_one_past_it_is_refused_naming_the_cap():
    assert len(registration([invoice(n) for n in range(INVOICES_MAX)]).invoices) == INVOICES_MAX
    with pytest.raises(ValidationError) as refused:
        registration([invoice(n) for n in range(INVOICES_MAX + 1)])
    (error,) = refused.value.errors()
    assert error["loc"] == ("invoices",) and error["type"] == "too_long"
    assert f"at most {INVOICES_MAX} items" in error["msg"]


def test_a_registration_grown_past_the_cap_after_it_was_built_is_not_sent():
    contract = FakeContract(responses={"RegisterReceivable": receivable(status="REGISTERED")})
    # model_copy(update=...) checks nothing: the send does
    built = registration([invoice(0)]).model_copy(update={"invoices": [invoice(n) for n in range(INVOICES_MAX + 1)]})
    with pytest.raises(ValidationError, match=f"at most {INVOICES_MAX} items"):
        ReceivablesClient(contract).register_receivable(built)
    assert contract.calls == []
