"""A signer that hangs (an HSM, a signing service that never answers) is bounded by the application, not by
``Timeouts``, which bound gRPC calls only (docs/sdk-gateway.md, "A signer that hangs"): a blocking call whose
wait is given up on in another thread carries on once the signer returns, and sends; an async one cancelled
while its signer waits sends nothing, whenever the signer returns."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from client.gateway import connect, connect_async, private_key_signer

from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


def _signer_hanging_on_the_transaction(key, hanging: threading.Event, released: threading.Event):
    """Signs with ``key``; the second signature (the endorsed transaction's) waits until ``released``."""
    sign, calls = private_key_signer(key), []

    # no signing_public_key: a signer whose key is not known, as an HSM's
    def signer(digest: bytes) -> bytes:
        calls.append(digest)
        if len(calls) == 2:
            hanging.set()
            released.wait()
        return sign(digest)
    return signer


def test_a_blocking_submit_given_up_on_in_another_thread_is_sent_once_its_signer_returns(credentials):
    key, identity = credentials
    hanging, released, fake = threading.Event(), threading.Event(), FakeTransport()
    gateway = connect(identity=identity, signer=_signer_hanging_on_the_transaction(key, hanging, released),
                      transport=fake)
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    with ThreadPoolExecutor(1) as worker:
        submitted = worker.submit(contract.submit, "Confirm", arguments=["R-1"])
        try:
            hanging.wait()
            assert not submitted.done() and [name for name, *_ in fake.calls] == ["endorse"]
        finally:
            released.set()   # the application gave up on the wait; the call did not give up
        assert submitted.result() == b"result"
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]


def test_an_async_submit_cancelled_while_its_signer_hangs_sends_nothing_when_the_signer_returns(credentials):
    key, identity = credentials
    hanging, released, fake = threading.Event(), threading.Event(), FakeTransport()

    async def run():
        gateway = connect_async(identity=identity,
                                signer=_signer_hanging_on_the_transaction(key, hanging, released),
                                transport=AsyncFakeTransport(fake))
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        task = asyncio.create_task(contract.submit("Confirm", arguments=["R-1"]))
        await asyncio.to_thread(hanging.wait)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as cancelled:
            return cancelled
        finally:
            released.set()

    cancelled = asyncio.run(run())   # asyncio.run waits for the worker thread the signer ran in
    assert cancelled.may_have_been_ordered is False
    assert [name for name, *_ in fake.calls] == ["endorse"]
