"""Opening an event stream is bounded by Timeouts.open_events (docs/sdk-gateway.md, "A signer that hangs"): a
signer that never signs the event request, or an async transport whose stream call never gives its stream, fails
the opening with a GatewayError, DEADLINE_EXCEEDED, where a long-lived listener waited for ever, and the async
client's hung signer held every task of its event loop."""

from __future__ import annotations

import asyncio
import threading

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import GatewayError, Timeouts, connect, connect_async, private_key_signer

from .gateway_fakes import HANG, AsyncFakeTransport, FakeTransport, events_response, filtered_block
from .test_gateway_async_stream_calls import AwaitedStreamsTransport
from .test_gateway_signer_that_hangs import HangingSigner, _names_the_signer_and_what_to_do

CHANNEL = "receivables-channel"
OPENING = {
    "chaincode events": lambda network: network.chaincode_events("receivables"),
    "block events": lambda network: network.block_events(),
    "filtered block events": lambda network: network.filtered_block_events(start_block=7),   # the block sent
}


class _EachDeliverServiceItsOwn(FakeTransport):
    """Answers each Deliver service with block 7 in its own kind, as a peer does."""

    def deliver(self, envelope, kind):
        full = events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=7)))
        self.deliver_responses = [full if kind == "block" else filtered_block(7)]
        return super().deliver(envelope, kind)


def _fake_with_events() -> FakeTransport:
    fake = _EachDeliverServiceItsOwn()
    fake.event_responses = [events_response(7, "tx-1")]
    return fake


def _names_the_open_events_timeout(error: GatewayError) -> None:
    _names_the_signer_and_what_to_do(error, "open_events")
    assert "HangingSigner(token 'recfin')" in error.message
    assert "or its timeout=" not in error.message   # no event method takes one


@pytest.mark.parametrize("opening", OPENING.values(), ids=OPENING.keys())
def test_a_blocking_stream_whose_signer_hangs_fails_at_open_events_and_opens_nothing(credentials, opening):
    key, identity = credentials
    released, returned, fake = threading.Event(), threading.Event(), _fake_with_events()
    gateway = connect(identity=identity, signer=HangingSigner(key, released, returned), transport=fake,
                      timeouts=Timeouts(open_events=0.05))
    network = gateway.get_network(CHANNEL)
    try:
        with pytest.raises(GatewayError) as failed:
            opening(network)
    finally:
        released.set()
    _names_the_open_events_timeout(failed.value)
    assert returned.wait(30) and fake.calls == []   # the late signature went nowhere
    with opening(network) as events:   # the signer answers again: the request is signed anew and sent
        assert next(events)
    assert len(fake.calls) == 1


@pytest.mark.parametrize("opening", OPENING.values(), ids=OPENING.keys())
def test_an_async_stream_whose_signer_hangs_fails_its_first_read_and_holds_no_other_task(credentials, opening):
    key, identity = credentials
    released, returned, fake = threading.Event(), threading.Event(), _fake_with_events()

    async def run():
        gateway = connect_async(identity=identity, signer=HangingSigner(key, released, returned),
                                transport=AsyncFakeTransport(fake), timeouts=Timeouts(open_events=0.05))
        ticks = []

        async def ticking():
            while True:
                ticks.append(None)
                await asyncio.sleep(0)

        other_task = asyncio.create_task(ticking())
        events = opening(gateway.get_network(CHANNEL))
        try:
            with pytest.raises(GatewayError) as failed:
                await anext(events)
            with pytest.raises(GatewayError) as again:   # the iterator stays failed: reconnect to go on
                await anext(events)
        finally:
            other_task.cancel()
        return failed.value, again.value, ticks

    try:
        error, again, ticks = asyncio.run(run())   # returns with the signer still hanging
        assert not returned.is_set()
    finally:
        released.set()
    _names_the_open_events_timeout(error)
    assert again.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert ticks   # the event loop ran its other tasks while the signer hung
    assert returned.wait(30) and fake.calls == []


def test_an_async_stream_whose_signer_answers_in_time_is_opened_as_before(credentials):
    key, identity = credentials
    fake = _fake_with_events()
    slow_but_working = threading.Event()
    sign = private_key_signer(key)

    def signer(digest: bytes) -> bytes:   # a signer whose key is not in the process: it signs in its own thread
        slow_but_working.set()
        return sign(digest)

    async def run():
        gateway = connect_async(identity=identity, signer=signer, transport=AsyncFakeTransport(fake))
        async with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
            return await anext(events)

    assert asyncio.run(run()).transaction_id == "tx-1"
    assert slow_but_working.is_set() and [name for name, *_ in fake.calls] == ["chaincode_events"]


def test_an_async_def_stream_call_that_never_gives_its_stream_fails_at_open_events(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [HANG]
    transport = AwaitedStreamsTransport(fake)
    transport.release.clear()   # a peer that never accepts the stream

    async def run():
        gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=transport,
                                timeouts=Timeouts(open_events=0.05))
        events = gateway.get_network(CHANNEL).chaincode_events("receivables")
        with pytest.raises(GatewayError) as failed:
            await anext(events)
        transport.release.set()   # the peer answers only now: the opening given up on makes no stream
        await asyncio.sleep(0.05)
        return failed.value

    error = asyncio.run(run())
    assert error.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert "Timeouts.open_events" in error.message and fake.address in error.message
    assert fake.calls == [] and fake.streams == []


def test_open_events_is_checked_as_every_timeout():
    with pytest.raises(TypeError, match="Timeouts.open_events"):
        Timeouts(open_events="30")
