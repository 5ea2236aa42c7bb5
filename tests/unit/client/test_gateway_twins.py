"""The sync and async families run one body per call: both must behave the same, and the async
driver must hand errors back into the body and let cancellation through."""

import asyncio

import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from client.gateway import CommitError, EndorseError, RetryPolicy, TransportError, connect, connect_async
from client.gateway import _twins, private_key_signer
from client.gateway._twins import Pause, awaiting, blocking
from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


class Recorder:
    """A body that calls twice, pauses, and handles an error of its second call."""

    def __init__(self):
        self.handled = []

    def _run(self, first, second):
        a = yield first()
        yield Pause(0.5)
        try:
            b = yield second()
        except KeyError as error:
            self.handled.append(error)
            b = "recovered"
        return a, b

    run_sync = blocking(_run)
    run_async = awaiting(_run)


def test_blocking_sends_values_back_and_sleeps_for_a_pause(monkeypatch):
    slept = []
    monkeypatch.setattr(_twins.time, "sleep", slept.append)
    assert Recorder().run_sync(lambda: 1, lambda: 2) == (1, 2)
    assert slept == [0.5]


def test_awaiting_awaits_each_step_and_throws_its_error_into_the_body(monkeypatch):
    slept = []

    async def fake_sleep(seconds):
        slept.append(seconds)

    async def one():
        return 1

    async def fails():
        raise KeyError("gone")

    monkeypatch.setattr(_twins.asyncio, "sleep", fake_sleep)
    recorder = Recorder()
    assert asyncio.run(recorder.run_async(one, fails)) == (1, "recovered")
    assert slept == [0.5] and [str(e) for e in recorder.handled] == ["'gone'"]


def test_an_error_the_body_does_not_handle_leaves_the_async_method():
    async def fails():
        raise ValueError("bad")

    async def one():
        return 1

    with pytest.raises(ValueError, match="bad"):
        asyncio.run(Recorder().run_async(fails, one))


def test_cancelling_an_awaited_call_cancels_the_method(credentials):
    key, identity = credentials
    fake = FakeTransport()
    transport = AsyncFakeTransport(fake)
    started = asyncio.Event()

    async def never_answers(request, timeout):
        started.set()
        await asyncio.sleep(3600)

    transport.evaluate = never_answers

    async def main():
        contract = connect_async(identity=identity, signer=private_key_signer(key), transport=transport)
        task = asyncio.ensure_future(contract.get_network(CHANNEL).get_contract("cc").evaluate_transaction("Get"))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_the_methods_keep_their_names_and_signatures():
    from client.gateway import AsyncContract, Contract

    assert Contract.submit.__name__ == AsyncContract.submit.__name__ == "submit"
    assert asyncio.iscoroutinefunction(AsyncContract.submit) and not asyncio.iscoroutinefunction(Contract.submit)
    assert "retry" in Contract.submit.__signature__.parameters


@pytest.mark.parametrize("family", ["sync", "async"])
def test_typed_errors_are_chained_to_the_transport_error(credentials, family):
    key, identity = credentials
    fake = FakeTransport()
    failure = TransportError(grpc.StatusCode.ABORTED, "no")
    fake.fail["endorse"] = failure
    options = dict(identity=identity, signer=private_key_signer(key))
    if family == "sync":
        contract = connect(transport=fake, **options).get_network(CHANNEL).get_contract("cc")
        with pytest.raises(EndorseError) as caught:
            contract.submit_transaction("Confirm")
    else:
        async def main():
            contract = connect_async(transport=AsyncFakeTransport(fake), **options).get_network(CHANNEL).get_contract("cc")
            await contract.submit_transaction("Confirm")

        with pytest.raises(EndorseError) as caught:
            asyncio.run(main())
    assert caught.value.__cause__ is failure
    assert caught.value.message == "no" and caught.value.code == grpc.StatusCode.ABORTED


@pytest.mark.parametrize("family", ["sync", "async"])
def test_retry_waits_backoff_times_attempt_between_attempts(credentials, monkeypatch, family):
    key, identity = credentials
    fake = FakeTransport()
    fake.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    waits = []
    monkeypatch.setattr(_twins.time, "sleep", waits.append)

    async def fake_sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr(_twins.asyncio, "sleep", fake_sleep)
    policy = RetryPolicy(max_attempts=3, backoff=0.25)
    options = dict(identity=identity, signer=private_key_signer(key))
    with pytest.raises(CommitError) as caught:
        if family == "sync":
            connect(transport=fake, **options).get_network(CHANNEL).get_contract("cc").submit_transaction(
                "Settle", retry=policy
            )
        else:
            contract = connect_async(transport=AsyncFakeTransport(fake), **options).get_network(CHANNEL).get_contract("cc")
            asyncio.run(contract.submit_transaction("Settle", retry=policy))
    assert waits == [0.25, 0.5]
    assert len(fake.requests("endorse")) == 3
    assert caught.value.transaction_id == fake.requests("endorse")[-1].transaction_id
