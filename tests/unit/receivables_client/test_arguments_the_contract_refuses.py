"""An argument the contract refuses whatever the ledger holds is refused by the SDK before anything is read or sent,
with a ValueError naming the rule the contract would answer with: the caller learns of it without a round trip to
the peers, in the contract's words, in the blocking and the async client alike."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from . import fakes
from .test_async_client import FakeAsyncContract

R = "R-00000000000000a1"


def refused_before_sending(call, rule: str, transaction: str) -> None:
    """``call`` raises, naming ``transaction`` and ``rule``, through either client, and sends nothing."""
    expected = rf"^{transaction} would be refused: RULE {rule}: .*; nothing was sent$"
    contract = fakes.FakeContract()
    with pytest.raises(ValueError, match=expected):
        call(ReceivablesClient(contract))
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(ValueError, match=expected):
        asyncio.run(call(AsyncReceivablesClient(async_contract)))
    assert async_contract.calls == []


@pytest.mark.parametrize("zero", [0, Decimal("0"), Decimal("0.00")])
def test_a_transfer_or_a_payment_of_nothing_is_refused_as_the_contract_refuses_it(zero):
    refused_before_sending(lambda c: c.transfer(R, fakes.TIER2, zero), "amount-not-positive", "TransferReceivable")
    refused_before_sending(lambda c: c.split(R, fakes.TIER2, zero), "amount-not-positive", "TransferReceivable")
    refused_before_sending(lambda c: c.record_payment(R, zero), "amount-not-positive", "RecordPayment")


def test_the_smallest_amount_still_goes_out_in_fen():
    contract = fakes.FakeContract(responses={"RecordPayment": {**fakes.receivable(), "allocations": []}})
    ReceivablesClient(contract).record_payment(R, Decimal("0.01"))
    assert contract.only().arguments[1] == "1"
