"""A retried submit given up on (a cancelled task, Ctrl-C) names, beside the transaction ID of the attempt it stopped
in (``transaction_id``), those of the attempts before it (``earlier_transaction_ids``), each committed as invalid:
the cancellation named the last alone, as the errors of a retried submit did."""
from __future__ import annotations

import asyncio

import pytest
from fabric_protos.peer import transaction_pb2

from client.gateway import RetryPolicy, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport
from .test_gateway_cancelled_submit import until_sent

CHANNEL = "receivables-channel"
CONFLICT = transaction_pb2.MVCC_READ_CONFLICT


class SecondStatusHangs(AsyncFakeTransport):
    """The fake peer, awaited, whose second commit status request is sent and never answered."""

    async def commit_status(self, request, timeout):
        answer = self.fake.commit_status(request, timeout)
        if len(self.fake.requests("commit_status")) == 2:
            await asyncio.Event().wait()     # ends only in its cancellation
        return answer


def cancelled_retry(credentials, transport_kind, wait_for: str, count: int,
                    policy: RetryPolicy = RetryPolicy(max_attempts=3, backoff=0)):
    key, identity = credentials
    fake = FakeTransport()
    fake.commit_codes = [CONFLICT, CONFLICT, CONFLICT]

    async def cancel_it():
        gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=transport_kind(fake))
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        task = asyncio.create_task(contract.submit("Confirm", arguments=["R-1"], retry=policy))
        while len(fake.requests(wait_for)) < count:
            await until_sent(fake, wait_for, task)
            await asyncio.sleep(0)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError) as cancelled:
        asyncio.run(cancel_it())
    return fake, cancelled.value


def test_cancelled_while_the_second_attempt_waits_for_its_status_names_the_first(credentials):
    fake, cancelled = cancelled_retry(credentials, SecondStatusHangs, "commit_status", 2)
    first, second = [request.transaction_id for request in fake.requests("submit")]
    assert cancelled.transaction_id == second and cancelled.may_have_been_ordered is True
    assert cancelled.earlier_transaction_ids == (first,)


class PausesAfterTheSecond(RetryPolicy):
    """Retries at once after the first attempt, and waits an hour after the second."""

    def delay(self, attempt: int) -> float:
        return 0 if attempt == 1 else 3600


def test_cancelled_while_waiting_to_retry_names_the_attempts_before_the_last_invalid_one(credentials):
    fake, cancelled = cancelled_retry(credentials, AsyncFakeTransport, "commit_status", 2,
                                      policy=PausesAfterTheSecond(max_attempts=3))
    first, second = [request.transaction_id for request in fake.requests("submit")]
    assert cancelled.transaction_id == second and cancelled.may_have_been_ordered is False
    assert cancelled.earlier_transaction_ids == (first,)
