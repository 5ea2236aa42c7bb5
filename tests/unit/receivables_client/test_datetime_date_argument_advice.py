"""A datetime given for a date argument is refused before sending, and the refusal names the way to the
ledger's day of that moment (China Standard Time), not the datetime's own calendar day, which from 16:00 UTC
on is the day before the ledger's."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from client.business_dates import business_date
from client.receivables import ReceivablesClient

from .fakes import CORE, FakeContract


def test_the_refusal_of_a_datetime_as_of_names_the_ledgers_day_of_it():
    contract = FakeContract()
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)   # 07:30 on 2 March in Beijing
    with pytest.raises(TypeError) as refused:
        ReceivablesClient(contract).debtor_payment_record(CORE, as_of=moment)
    advice = str(refused.value)
    assert "business_date(as_of) (client.business_dates)" in advice
    assert "China Standard Time" in advice and "can be the day before" in advice
    assert contract.calls == []
    # the advice followed sends the ledger's day of that moment (the fake answers nothing: the call counts)
    contract.errors["GetDebtorPaymentRecord"] = RuntimeError("not answered here")
    with pytest.raises(RuntimeError):
        ReceivablesClient(contract).debtor_payment_record(CORE, as_of=business_date(moment))
    assert contract.calls[-1].arguments[-1] == "2026-03-02"
