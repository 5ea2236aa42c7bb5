"""An async transport's stream calls may be written ``async def``: the async client awaits what they return (the
stream) before reading it, as it reads the stream a plain stream call returns."""

import asyncio
import gc

import pytest

from client.gateway import ChaincodeEvent, connect, connect_async, private_key_signer
from .gateway_fakes import HANG, AsyncFakeTransport, FakeTransport, events_response, filtered_block

CHANNEL = "receivables-channel"


class AwaitedStreamsTransport(AsyncFakeTransport):
    """An async transport whose stream calls are ``async def``, returning the stream once it is open."""

    def __init__(self, fake: FakeTransport):
        super().__init__(fake)
        self.opening = asyncio.Event()
        """Set once a stream call has started opening; ``release`` lets it return its stream."""
        self.release = asyncio.Event()
        self.release.set()

    async def chaincode_events(self, request):
        self.opening.set()
        await self.release.wait()  # a peer slow to accept the stream
        return super().chaincode_events(request)

    async def deliver(self, envelope, kind):
        return super().deliver(envelope, kind)


def _gateway(credentials, transport):
    key, identity = credentials
    return connect_async(identity=identity, signer=private_key_signer(key), transport=transport)


def test_an_async_def_stream_call_serves_chaincode_events_and_wait_for_block(credentials):
    fake = FakeTransport()
    fake.event_responses = [events_response(7, "tx-1", "tx-2")]
    fake.deliver_responses = [filtered_block(7)]

    async def main():
        async with _gateway(credentials, AwaitedStreamsTransport(fake)) as gateway:
            network = gateway.get_network(CHANNEL)
            async with network.chaincode_events("receivables") as events:
                received = [event async for event in events]
            return received, await network.wait_for_block(7)

    received, block = asyncio.run(main())
    assert received == [
        ChaincodeEvent(7, "tx-1", "receivables", "Confirmed", b"tx-1"),
        ChaincodeEvent(7, "tx-2", "receivables", "Confirmed", b"tx-2"),
    ]
    assert block == 7
    assert [name for name, *_ in fake.calls] == ["chaincode_events", "deliver"]


def test_aclose_while_an_async_def_stream_call_is_opening_ends_the_readers_iteration(credentials):
    """The opening is part of the first read: closing the iterator under it cancels it, so no stream is opened
    after the close and left unread with nobody to cancel it."""
    fake = FakeTransport()
    fake.event_responses = [HANG]
    transport = AwaitedStreamsTransport(fake)
    transport.release.clear()

    async def main():
        async with _gateway(credentials, transport) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            reader = asyncio.create_task(anext(events, "ended"))
            opening = asyncio.create_task(transport.opening.wait())
            await asyncio.wait({reader, opening}, return_when=asyncio.FIRST_COMPLETED)  # a read that fails at once
            opening.cancel()
            await events.aclose()
            return await reader

    assert asyncio.run(main()) == "ended"
    assert fake.calls == [] and fake.streams == []  # the opening was cancelled before it made the call


@pytest.mark.parametrize("awaited", [False, True], ids=["stream", "async def"])
def test_an_iterator_dropped_while_its_first_read_is_pending_is_collected_and_its_stream_cancelled(
        credentials, awaited):
    """A caller gives up waiting for the first event (a timeout) and drops the iterator without aclose(): the read
    left pending must not keep the iterator alive, or its stream (opened then, for an async def call still
    opening) is never cancelled."""
    fake = FakeTransport()
    fake.event_responses = [HANG]
    transport = AwaitedStreamsTransport(fake) if awaited else AsyncFakeTransport(fake)
    if awaited:
        transport.release.clear()

    async def main():
        async with _gateway(credentials, transport) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.05):
                    await anext(events)
            del events
            gc.collect()
            if awaited:
                transport.release.set()  # the peer accepts the stream only now, after the drop
            await asyncio.sleep(0.05)

    asyncio.run(main())
    # the plain call's stream, opened at the first read, is cancelled; the async def one's opening is cancelled
    # with the read (or, had it completed, its stream)
    assert [stream.cancelled for stream in fake.streams] == ([] if awaited else [True])


def test_connect_still_refuses_a_transport_whose_stream_call_is_async_def(credentials):
    """The sync client cannot await a stream call: the coroutine is closed unrun and connect_async() is named."""
    key, identity = credentials
    fake = FakeTransport()
    with connect(identity=identity, signer=private_key_signer(key), transport=_ForwardingAwaitedStreams(fake)) as gateway:
        with pytest.raises(ValueError, match=r"an awaitable: .* closed without being run.* to connect_async\(\)"):
            gateway.get_network(CHANNEL).chaincode_events("receivables")
    assert fake.calls == []


class _ForwardingAwaitedStreams:
    """Sync unary calls (connect() cannot tell its family before a call) and an ``async def`` stream call."""

    def __init__(self, fake: FakeTransport):
        self._fake = fake

    def __getattr__(self, name):
        return getattr(self._fake, name)

    async def chaincode_events(self, request):
        return self._fake.chaincode_events(request)


class _AwaitedSyncStreams(AsyncFakeTransport):
    """An async transport whose ``async def`` stream call returns a SYNC stream (a sync transport's, wrapped)."""

    async def chaincode_events(self, request):
        return self.fake.chaincode_events(request)


def test_an_async_def_stream_call_that_opens_a_sync_stream_is_refused_naming_connect_at_every_read(credentials):
    fake = FakeTransport()
    fake.event_responses = [events_response(7, "tx-1")]

    async def main():
        async with _gateway(credentials, _AwaitedSyncStreams(fake)) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            refusals = []
            for _ in range(2):
                with pytest.raises(ValueError, match=r"a sync stream.*Give the transport to\s+connect\(\)") as raised:
                    await anext(events)
                refusals.append(raised.value)
            return refusals

    first, second = asyncio.run(main())
    assert first is not second                                  # each read its own error, not one raised twice
    assert [stream.cancelled for stream in fake.streams] == [True]   # opened once, cancelled unread
