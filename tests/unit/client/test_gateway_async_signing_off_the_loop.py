"""The async client calls its signer in a worker thread: a signer that waits (an HSM, a signing service) used
to run in the event loop's thread, holding up every other task of the loop for each of the three signatures
of a submit, and a signer asking an async service on the same loop never got its answer."""

from __future__ import annotations

import asyncio
import threading

from client.gateway import connect_async, private_key_signer

from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


def contract_signing_with(credentials, signer_over_key, fake: FakeTransport):
    """An AsyncContract over the fake peer signing with ``signer_over_key(sign)``, ``sign`` the key's own."""
    key, identity = credentials
    gateway = connect_async(identity=identity, signer=signer_over_key(private_key_signer(key)),
                            transport=AsyncFakeTransport(fake))
    return gateway.get_network(CHANNEL).get_contract("receivables")


def test_a_signer_waiting_on_a_service_of_the_same_event_loop_gets_its_answer(credentials):
    signed_by_the_service = []

    async def run():
        loop = asyncio.get_running_loop()

        async def signing_service(sign, digest: bytes) -> bytes:
            signed_by_the_service.append(digest)
            return sign(digest)

        def signer_over_key(sign):
            # a signer over the async client of a signing service, which the application runs on its loop
            return lambda digest: asyncio.run_coroutine_threadsafe(signing_service(sign, digest),
                                                                   loop).result(5)

        fake = FakeTransport()
        contract = contract_signing_with(credentials, signer_over_key, fake)
        result = await contract.submit("Confirm", arguments=["R-1"])
        return result, fake

    result, fake = asyncio.run(run())
    assert result == b"result"
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]
    assert len(signed_by_the_service) == 3   # the proposal, the transaction and the commit status request


def test_a_submit_cancelled_while_its_transaction_is_signed_was_not_sent_to_the_orderer(credentials):
    signing_the_transaction, finish = threading.Event(), threading.Event()

    def signer_over_key(sign):
        calls = []

        def signer(digest: bytes) -> bytes:
            calls.append(digest)
            if len(calls) == 2:   # the endorsed transaction's signature: the HSM takes its time
                signing_the_transaction.set()
                finish.wait(5)
            return sign(digest)
        return signer

    async def run():
        fake = FakeTransport()
        contract = contract_signing_with(credentials, signer_over_key, fake)
        task = asyncio.create_task(contract.submit("Confirm", arguments=["R-1"]))
        while not signing_the_transaction.is_set():
            await asyncio.sleep(0.001)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as cancelled:
            return fake, cancelled
        finally:
            finish.set()

    fake, cancelled = asyncio.run(run())
    assert [name for name, *_ in fake.calls] == ["endorse"]
    assert cancelled.may_have_been_ordered is False
    assert cancelled.transaction_id == fake.requests("endorse")[0].transaction_id


def test_an_in_process_keys_signatures_are_made_in_the_event_loops_thread(credentials):
    """A private_key_signer's signature takes a little CPU: no thread switch is spent on it."""
    signing_threads = []
    key, identity = credentials
    sign = private_key_signer(key)

    def recording(digest: bytes) -> bytes:
        signing_threads.append(threading.get_ident())
        return sign(digest)
    recording.signing_public_key = sign.signing_public_key   # as private_key_signer marks its signers

    async def run():
        gateway = connect_async(identity=identity, signer=recording,
                                transport=AsyncFakeTransport(FakeTransport()))
        await gateway.get_network(CHANNEL).get_contract("receivables").submit("Confirm", arguments=["R-1"])
        return threading.get_ident()

    loop_thread = asyncio.run(run())
    assert signing_threads == [loop_thread] * 3
