"""A submit its caller gives up on (a cancelled task, Ctrl-C) says how far it got: cancelled while the
proposal was endorsed, nothing reached the orderer and the transaction cannot commit; only once its envelope
was handed to the orderer may it commit. Either way the cancellation goes on, carrying ``transaction_id``.

Both used to read as one that "may have committed": a caller could not tell a safe retry from a risky one."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from fabric_protos.peer import transaction_pb2

from client.gateway import RetryPolicy, _twins, connect, connect_async, private_key_signer
from client.receivables import AsyncReceivablesClient, ReceivablesClient

from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


class HangsAt(AsyncFakeTransport):
    """The fake peer, awaited, whose ``hang_at`` call is sent (recorded) and then never answered: its caller
    waits until it gives up."""

    def __init__(self, fake: FakeTransport, hang_at: str) -> None:
        super().__init__(fake)
        self.hang_at = hang_at

    async def _answer(self, method: str, request, timeout):
        answer = getattr(self.fake, method)(request, timeout)
        if method == self.hang_at:
            await asyncio.Event().wait()     # ends only in its cancellation
        return answer

    async def endorse(self, request, timeout):
        return await self._answer("endorse", request, timeout)

    async def submit(self, request, timeout):
        return await self._answer("submit", request, timeout)

    async def commit_status(self, request, timeout):
        return await self._answer("commit_status", request, timeout)


async def until_sent(fake: FakeTransport, method: str, task: asyncio.Task) -> None:
    """Wait until ``method``'s request is sent. A call that ends before it sends it fails the test, naming how
    it ended, where waiting on would hang the run."""
    while method not in [name for name, *_ in fake.calls]:
        if task.done():
            ended = "cancelled" if task.cancelled() else repr(task.exception() or task.result())
            pytest.fail(f"the call ended ({ended}) before its {method} request was sent")
        await asyncio.sleep(0)


def cancelled_while(credentials, hang_at: str, call) -> tuple[FakeTransport, asyncio.CancelledError]:
    """Run ``call(contract)`` until its ``hang_at`` request is sent, cancel it, and return the fake peer and
    the CancelledError the task ended with."""
    key, identity = credentials
    fake = FakeTransport()

    async def cancel_it():
        gateway = connect_async(identity=identity, signer=private_key_signer(key),
                                transport=HangsAt(fake, hang_at))
        task = asyncio.create_task(call(gateway.get_network(CHANNEL).get_contract("receivables")))
        await until_sent(fake, hang_at, task)
        task.cancel()
        try:
            await task
        finally:
            assert task.cancelled()     # raised on, never swallowed

    with pytest.raises(asyncio.CancelledError) as cancelled:
        asyncio.run(cancel_it())
    return fake, cancelled.value


def sent_transaction_id(fake: FakeTransport, method: str) -> str:
    return fake.requests(method)[-1].transaction_id


@pytest.mark.parametrize("submit", [
    lambda contract: contract.submit_async("Confirm", arguments=["R-1"]),
    lambda contract: contract.submit("Confirm", arguments=["R-1"]),
], ids=["submit_async", "submit"])
def test_a_submit_cancelled_while_it_is_endorsed_cannot_have_been_ordered(credentials, submit):
    fake, cancelled = cancelled_while(credentials, "endorse", submit)
    assert [name for name, *_ in fake.calls] == ["endorse"]      # nothing went to the orderer
    assert cancelled.may_have_been_ordered is False
    assert cancelled.transaction_id == sent_transaction_id(fake, "endorse")


@pytest.mark.parametrize("submit, hang_at", [
    (lambda contract: contract.submit_async("Confirm", arguments=["R-1"]), "submit"),
    (lambda contract: contract.submit("Confirm", arguments=["R-1"]), "submit"),
    (lambda contract: contract.submit("Confirm", arguments=["R-1"]), "commit_status"),
], ids=["submit_async at submit", "submit at submit", "submit waiting for its status"])
def test_a_submit_cancelled_once_its_envelope_was_handed_to_the_orderer_may_have_been_ordered(
        credentials, submit, hang_at):
    fake, cancelled = cancelled_while(credentials, hang_at, submit)
    assert cancelled.may_have_been_ordered is True
    assert cancelled.transaction_id == sent_transaction_id(fake, "submit")


def test_a_blocking_submit_interrupted_by_ctrl_c_while_it_is_endorsed_cannot_have_been_ordered(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.fail["endorse"] = KeyboardInterrupt()
    contract = connect(identity=identity, signer=private_key_signer(key), transport=fake) \
        .get_network(CHANNEL).get_contract("receivables")
    with pytest.raises(KeyboardInterrupt) as interrupted:
        contract.submit("Confirm", arguments=["R-1"])
    assert [name for name, *_ in fake.calls] == ["endorse"]
    assert interrupted.value.may_have_been_ordered is False
    assert interrupted.value.transaction_id == sent_transaction_id(fake, "endorse")


def test_a_submit_cancelled_between_retries_cannot_commit_the_attempt_that_committed_invalid(credentials):
    # the first attempt committed as invalid (it wrote nothing); cancelled while waiting to endorse again,
    # nothing of the submit can commit
    key, identity = credentials
    fake = FakeTransport()
    fake.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]

    async def cancel_it():
        gateway = connect_async(identity=identity, signer=private_key_signer(key),
                                transport=AsyncFakeTransport(fake))
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        task = asyncio.create_task(contract.submit("Confirm", arguments=["R-1"],
                                                   retry=RetryPolicy(max_attempts=2, backoff=3600)))
        await until_sent(fake, "commit_status", task)
        task.cancel()          # waiting out the backoff before the second attempt
        await task

    with pytest.raises(asyncio.CancelledError) as cancelled:
        asyncio.run(cancel_it())
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]
    assert cancelled.value.may_have_been_ordered is False
    assert cancelled.value.transaction_id == sent_transaction_id(fake, "submit")


def transfer(contract):
    return AsyncReceivablesClient(contract).transfer("R-0000000000000001", "91310000MA1K00002C", 3_000_000,
                                                     request_id="TR-7")


def test_a_receivables_call_cancelled_while_it_is_endorsed_says_it_cannot_commit_and_keeps_its_ids(
        credentials):
    fake, cancelled = cancelled_while(credentials, "endorse", transfer)
    transaction_id = sent_transaction_id(fake, "endorse")
    assert cancelled.request_id == "TR-7" and cancelled.transaction_id == transaction_id
    assert cancelled.__notes__ == [
        f"request id TR-7: TransferReceivable was cancelled before a transaction of it that can commit "
        f"reached the orderer: transaction {transaction_id} cannot commit; call again with "
        "request_id='TR-7' to apply it, once"]


def test_a_receivables_call_cancelled_after_the_orderer_was_handed_it_may_have_committed(credentials):
    fake, cancelled = cancelled_while(credentials, "submit", transfer)
    transaction_id = sent_transaction_id(fake, "submit")
    assert cancelled.request_id == "TR-7" and cancelled.transaction_id == transaction_id
    assert cancelled.__notes__ == [
        f"request id TR-7: it may have committed (TransferReceivable was cancelled after its transaction "
        f"{transaction_id} was handed to the orderer); call again with request_id='TR-7' to apply it at most "
        "once, or client.request('TR-7') to see whether it did"]


def test_a_blocking_receivables_call_interrupted_while_it_is_endorsed_says_it_cannot_commit(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.fail["endorse"] = KeyboardInterrupt()
    contract = connect(identity=identity, signer=private_key_signer(key), transport=fake) \
        .get_network(CHANNEL).get_contract("receivables")
    with pytest.raises(KeyboardInterrupt) as interrupted:
        ReceivablesClient(contract).transfer("R-0000000000000001", "91310000MA1K00002C", 3_000_000,
                                             request_id="TR-8")
    transaction_id = sent_transaction_id(fake, "endorse")
    assert interrupted.value.request_id == "TR-8" and interrupted.value.transaction_id == transaction_id
    assert interrupted.value.__notes__[0].startswith(
        "request id TR-8: TransferReceivable was interrupted before a transaction of it that can commit "
        "reached the orderer")


def test_a_blocking_submit_interrupted_by_ctrl_c_between_retries_cannot_commit_the_attempt_that_committed_invalid(
        credentials, monkeypatch):
    # Ctrl-C while the blocking submit waits out its backoff says what a cancellation there says in the async
    # twin: the attempt committed invalid (it wrote nothing), and no later one was endorsed yet
    key, identity = credentials
    fake = FakeTransport()
    fake.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]

    def interrupted_sleep(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(_twins, "time", SimpleNamespace(sleep=interrupted_sleep))
    contract = connect(identity=identity, signer=private_key_signer(key), transport=fake) \
        .get_network(CHANNEL).get_contract("receivables")
    with pytest.raises(KeyboardInterrupt) as interrupted:
        contract.submit("Confirm", arguments=["R-1"], retry=RetryPolicy(max_attempts=2, backoff=3600))
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]
    assert interrupted.value.may_have_been_ordered is False
    assert interrupted.value.transaction_id == sent_transaction_id(fake, "submit")
