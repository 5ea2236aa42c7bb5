"""A Deliver response of another kind than the stream asked for (a filtered block to a full-block request, an
empty response) is a GatewayError that ends the stream, not a response passed over: passed over, its block was
one the listener never saw, and a checkpoint made after the next block skipped it for good."""

from __future__ import annotations

import asyncio

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import DeliverStatusError, EventStreamError, GatewayError, connect_async, private_key_signer

from .conftest import CHANNEL, connected
from .gateway_fakes import AsyncFakeTransport, FakeTransport


def full(number: int) -> events_pb2.DeliverResponse:
    return events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=number)))


def filtered(number: int) -> events_pb2.DeliverResponse:
    return events_pb2.DeliverResponse(filtered_block=events_pb2.FilteredBlock(channel_id=CHANNEL, number=number))


def private(number: int) -> events_pb2.DeliverResponse:
    return events_pb2.DeliverResponse(block_and_private_data=events_pb2.BlockAndPrivateData(
        block=common_pb2.Block(header=common_pb2.BlockHeader(number=number))))


def number_of(event) -> int:
    """The block number of what a block events iterator of any kind gives."""
    if isinstance(event, events_pb2.FilteredBlock):
        return event.number
    if isinstance(event, events_pb2.BlockAndPrivateData):
        return event.block.header.number
    return event.header.number


# each kind of stream, the response of its own kind, and a response of another kind (or of none) that it may get
STREAMS = {
    "block answered a filtered block": ("block_events", full, filtered(2), "a filtered_block, not a block"),
    "block answered a private data block": ("block_events", full, private(2), "a block_and_private_data"),
    "filtered answered a full block": ("filtered_block_events", filtered, full(2), "a block, not a filtered_block"),
    "private answered a full block": ("block_and_private_data_events", private, full(2),
                                      "a block, not a block_and_private_data"),
    "block answered nothing": ("block_events", full, events_pb2.DeliverResponse(), "nothing (no block and no status)"),
}


def _is_the_refusal(error: BaseException, said: str) -> None:
    assert type(error) is GatewayError   # no EventStreamError: opened again, the same peer answers the same
    assert not isinstance(error, (EventStreamError, DeliverStatusError)) and error.code is None
    assert said in error.message and "open the stream again from the checkpointer" in error.message


@pytest.mark.parametrize("events, answer, other, said", STREAMS.values(), ids=STREAMS.keys())
def test_a_blocking_stream_answered_with_another_kind_fails_there_and_gives_no_later_block(credentials, events,
                                                                                        answer, other, said):
    transport = FakeTransport()
    transport.deliver_responses = [answer(1), other, answer(3)]
    with connected(credentials, transport) as gateway:
        blocks = getattr(gateway.get_network(CHANNEL), events)(start_block=1)
        assert number_of(next(blocks)) == 1
        with pytest.raises(GatewayError) as refused:
            next(blocks)
        _is_the_refusal(refused.value, said)
        with pytest.raises(GatewayError) as again:   # block 3 is never given in its place
            next(blocks)
        assert again.value.message == refused.value.message
        (stream,) = transport.streams
        assert stream.cancelled and stream.reads == 2   # the peer's end is closed, block 3 left unread


@pytest.mark.parametrize("events, answer, other, said", STREAMS.values(), ids=STREAMS.keys())
def test_an_async_stream_answered_with_another_kind_fails_there_and_gives_no_later_block(credentials, events,
                                                                                      answer, other, said):
    key, identity = credentials
    fake = FakeTransport()
    fake.deliver_responses = [answer(1), other, answer(3)]

    async def read() -> None:
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            blocks = getattr(gateway.get_network(CHANNEL), events)(start_block=1)
            assert number_of(await blocks.__anext__()) == 1
            with pytest.raises(GatewayError) as refused:
                await blocks.__anext__()
            _is_the_refusal(refused.value, said)
            with pytest.raises(GatewayError) as again:
                await blocks.__anext__()
            assert again.value.message == refused.value.message
            (stream,) = fake.streams
            assert stream.cancelled and stream.reads == 2

    asyncio.run(read())


def test_wait_for_block_answered_with_another_kind_says_so_rather_than_waiting_past_it(credentials):
    transport = FakeTransport()
    transport.deliver_responses = [full(9), filtered(9)]   # wait_for_block reads filtered blocks
    with connected(credentials, transport) as gateway:
        with pytest.raises(GatewayError) as refused:
            gateway.get_network(CHANNEL).wait_for_block(9, timeout=5)
    _is_the_refusal(refused.value, "a block, not a filtered_block")


def test_a_success_status_still_ends_the_stream_quietly(credentials):
    transport = FakeTransport()
    transport.deliver_responses = [full(1), events_pb2.DeliverResponse(status=common_pb2.SUCCESS)]
    with connected(credentials, transport) as gateway:
        assert [number_of(block) for block in gateway.get_network(CHANNEL).block_events(start_block=1)] == [1]
