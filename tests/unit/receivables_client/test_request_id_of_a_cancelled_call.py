"""An awaited call with a business request id that its caller gives up on (``asyncio.wait_for``'s deadline,
a cancelled task, Ctrl-C) names its request id, and is cancelled all the same.

A call made without ``request_id`` sends a fresh one it makes itself. Given up after the transaction may
have reached the orderer, its TimeoutError or CancelledError is all the caller has: without the id on it (on
the CancelledError, the TimeoutError's ``__cause__``), the call could only be sent again under a new id, which
pays twice when the first attempt committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net
from . import fakes
from .fakes import TIER2, FakeContract
from .test_async_client import FakeAsyncContract
from .test_exactly_once import everything

R = fakes.receivable()["id"]


@dataclass
class NeverAnswers(FakeAsyncContract):
    """The recording double, awaited, whose calls of ``silent`` are sent and then never answered: their caller
    waits until it gives up (a deadline, a cancelled task)."""

    silent: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in self.silent:
            self.responses.setdefault(name, b"")   # never given: the call waits for it until cancelled

    async def submit(self, name, **options):
        return await self._unless_silent(name, FakeContract.submit(self, name, **options))

    async def evaluate(self, name, **options):
        return await self._unless_silent(name, FakeContract.evaluate(self, name, **options))

    async def _unless_silent(self, name: str, answer: bytes) -> bytes:
        if name in self.silent:
            await asyncio.Event().wait()   # ends only in its cancellation
        return answer


def retry_advice(request_id: str) -> str:
    return (f"call again with request_id={request_id!r} to apply it at most once, or "
            f"client.request({request_id!r}) to see whether it did")


def test_a_transfer_given_up_by_wait_for_names_the_id_it_made_on_the_timeouts_cause():
    contract = NeverAnswers(silent=frozenset({"TransferReceivable"}))
    client = AsyncReceivablesClient(contract)

    async def give_up():
        # the call runs up to its unanswered submit before the deadline's timer can fire: the submit is sent
        await asyncio.wait_for(client.transfer(R, TIER2, 3_000_000), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    sent = contract.only("submit").arguments[-1]
    cancelled = gave_up.value.__cause__
    assert isinstance(cancelled, asyncio.CancelledError)
    assert cancelled.request_id == sent
    assert cancelled.__notes__ == [
        f"request id {sent}: it may have committed (TransferReceivable was cancelled while it was submitted: "
        f"whether it reached the orderer cannot be told); {retry_advice(sent)}"]


def test_a_cancelled_payment_task_names_the_callers_own_request_id_and_ends_cancelled():
    contract = NeverAnswers(silent=frozenset({"RecordPayment"}))
    client = AsyncReceivablesClient(contract)

    async def cancel_it():
        task = asyncio.create_task(client.record_payment(R, 100, request_id="PO-2026-0042"))
        while not contract.calls:          # until the payment is sent, one turn of the loop at a time
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        finally:
            assert task.cancelled()        # the cancellation went on: nothing swallowed it

    with pytest.raises(asyncio.CancelledError) as cancelled:
        asyncio.run(cancel_it())
    assert cancelled.value.request_id == "PO-2026-0042"
    assert cancelled.value.__notes__ == [
        "request id PO-2026-0042: it may have committed (RecordPayment was cancelled while it was submitted: "
        f"whether it reached the orderer cannot be told); {retry_advice('PO-2026-0042')}"]


def test_a_split_claims_payment_cancelled_while_its_transaction_is_read_says_that_it_committed():
    contract = NeverAnswers(silent=frozenset({"GetRequest"}), responses={
        "RecordPayment": {**fakes.receivable(status="SPLIT"), "allocations": []}})
    client = AsyncReceivablesClient(contract)

    async def give_up():
        await asyncio.wait_for(client.record_payment(R, 100), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    assert [c.name for c in contract.calls] == ["RecordPayment", "GetRequest"]
    sent = contract.calls[0].arguments[-1]
    cancelled = gave_up.value.__cause__
    assert cancelled.request_id == sent
    assert cancelled.__notes__ == [
        f"request id {sent}: RecordPayment committed, and was cancelled while the SDK read what it recorded; "
        f"client.request({sent!r}) returns its result, as a call again with request_id={sent!r} does, which "
        "changes nothing"]


@pytest.mark.parametrize("call, silent", [
    (lambda c: c.withdraw_discount_offer("D-00000000000000e1"), "WithdrawDiscountOffer"),   # no request id
    (lambda c: c.get_receivable(R), "GetReceivable"),     # a query
], ids=["change", "query"])
def test_a_cancelled_call_that_sends_no_request_id_is_cancelled_as_it_was(call, silent):
    contract = NeverAnswers(silent=frozenset({silent}))

    async def give_up():
        await asyncio.wait_for(call(AsyncReceivablesClient(contract)), timeout=0.001)

    with pytest.raises(TimeoutError) as gave_up:
        asyncio.run(give_up())
    assert contract.only().name == silent
    assert not hasattr(gave_up.value.__cause__, "request_id")
    assert not getattr(gave_up.value.__cause__, "__notes__", [])


def test_a_blocking_transfer_interrupted_by_ctrl_c_names_the_id_it_made():
    contract = FakeContract(errors={"TransferReceivable": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt) as interrupted:
        ReceivablesClient(contract).transfer(R, TIER2, 3_000_000)
    sent = contract.only("submit").arguments[-1]
    assert interrupted.value.request_id == sent
    assert interrupted.value.__notes__ == [
        f"request id {sent}: it may have committed (TransferReceivable was interrupted while it was "
        f"submitted: whether it reached the orderer cannot be told); {retry_advice(sent)}"]


@dataclass
class CommitsUnanswered(LedgerContract):
    """The in-process Gateway Contract, awaited: each submit commits on the ledger, then, while ``hang``, its
    commit status never comes (``committed`` is set once the ledger has it)."""

    hang: bool = False
    committed: asyncio.Event = field(default_factory=asyncio.Event)

    async def submit(self, name, **options):
        # LedgerContract runs the contract with asyncio.run, which cannot run inside this loop: in a thread
        payload = await asyncio.to_thread(LedgerContract.submit, self, name, **options)
        self.committed.set()
        if self.hang:
            await asyncio.Event().wait()
        return payload

    async def evaluate(self, name, **options):
        return await asyncio.to_thread(LedgerContract.evaluate, self, name, **options)


def test_a_transfer_that_committed_and_was_cancelled_is_retried_with_the_id_its_cancellation_names():
    net = asyncio.run(standard_net())
    r = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_00))
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    contract = CommitsUnanswered(net.ledger, tier1.identity, lambda: net.now, hang=True)
    client = AsyncReceivablesClient(contract)

    async def cancel_then_retry():
        task = asyncio.create_task(client.transfer(r["id"], tier2.uscc, 3_000_000))
        await contract.committed.wait()    # committed; its answer never comes, and its caller gives up
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as cancelled:
            request_id = cancelled.request_id
        committed = everything(net)
        contract.hang = False
        again = await client.transfer(r["id"], tier2.uscc, 3_000_000, request_id=request_id)
        assert everything(net) == committed    # the first transfer's result: nothing moved twice
        return again

    again = asyncio.run(cancel_then_retry())
    assert again.children == [f"{r['id']}.1", f"{r['id']}.2"]
