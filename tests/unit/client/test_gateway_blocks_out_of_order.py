"""A block out of the order Fabric sends them in (a gap in a Deliver stream, a block going back or sent again, a
first block other than the one asked for) is a GatewayError that ends the stream, not a block given on: after a
gap, a checkpoint of the block that came skipped the missing ones for good; going back, events already handled
came again."""

from __future__ import annotations

import asyncio

import pytest
from fabric_protos.common import common_pb2

from client.gateway import EventStreamError, GatewayError, InMemoryCheckpointer, connect_async, private_key_signer

from .conftest import CHANNEL, connected
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response
from .test_gateway_deliver_answer_of_another_kind import filtered, full, number_of, private

TX_A, TX_B, TX_C = "a" * 64, "b" * 64, "c" * 64

BLOCK_STREAMS = {"block": ("block_events", full), "filtered": ("filtered_block_events", filtered),
                 "private": ("block_and_private_data_events", private)}

# the blocks sent after the stream's first (block 5, asked for), and what the error says of the one out of order
OUT_OF_ORDER = {
    "a gap": ([5, 7], "block 7 after block 5", "without block 6 between them"),
    "going back": ([5, 4], "block 4 after block 5", "going back"),
    "sent again": ([5, 5], "block 5 again", "after all of it"),
}


def _is_the_refusal(error: BaseException, *said: str) -> None:
    assert type(error) is GatewayError and error.code is None   # opened again, the same answerer answers the same
    assert not isinstance(error, EventStreamError)
    for words in said:
        assert words in error.message
    assert "open the stream again from the checkpointer" in error.message


@pytest.mark.parametrize("stream", BLOCK_STREAMS.values(), ids=BLOCK_STREAMS.keys())
@pytest.mark.parametrize("sent, which, what", OUT_OF_ORDER.values(), ids=OUT_OF_ORDER.keys())
def test_a_block_stream_refuses_a_block_that_is_not_the_next_one(credentials, stream, sent, which, what):
    events, answer = stream
    transport = FakeTransport()
    transport.deliver_responses = [answer(number) for number in sent] + [answer(8)]
    checkpointer = InMemoryCheckpointer()
    with connected(credentials, transport) as gateway:
        blocks = getattr(gateway.get_network(CHANNEL), events)(start_block=5, checkpoint=checkpointer)
        first = next(blocks)
        checkpointer.checkpoint_block(number_of(first))
        with pytest.raises(GatewayError) as refused:
            next(blocks)
        _is_the_refusal(refused.value, which, what)
        with pytest.raises(GatewayError) as again:   # block 8 is never given after it
            next(blocks)
        assert again.value.message == refused.value.message
    (opened,) = transport.streams
    assert opened.cancelled and opened.reads == 2
    assert checkpointer.block_number == 6   # resumed there, block 6 comes (again) from a peer that sends it


@pytest.mark.parametrize("stream", BLOCK_STREAMS.values(), ids=BLOCK_STREAMS.keys())
def test_a_block_stream_refuses_a_first_block_other_than_the_one_asked_for(credentials, stream):
    events, answer = stream
    transport = FakeTransport()
    transport.deliver_responses = [answer(9)]
    with connected(credentials, transport) as gateway:
        with pytest.raises(GatewayError) as refused:
            next(getattr(gateway.get_network(CHANNEL), events)(start_block=5))
    _is_the_refusal(refused.value, "block 9 first", "asked to start at block 5")


def test_a_block_stream_from_a_checkpoint_starts_at_its_block(credentials):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(4)   # resume at block 5
    transport = FakeTransport()
    transport.deliver_responses = [filtered(3)]
    with connected(credentials, transport) as gateway:
        with pytest.raises(GatewayError) as refused:
            next(gateway.get_network(CHANNEL).filtered_block_events(checkpoint=checkpointer))
    _is_the_refusal(refused.value, "block 3 first", "asked to start at block 5")
    assert checkpointer.block_number == 5


@pytest.mark.parametrize("stream", BLOCK_STREAMS.values(), ids=BLOCK_STREAMS.keys())
def test_blocks_in_order_are_given_from_any_first_block_of_a_stream_from_the_newest(credentials, stream):
    events, answer = stream
    transport = FakeTransport()
    transport.deliver_responses = [answer(41), answer(42), answer(43)]
    with connected(credentials, transport) as gateway:
        with getattr(gateway.get_network(CHANNEL), events)() as blocks:   # from the peer's newest block, unknown here
            assert [number_of(next(blocks)) for _ in range(3)] == [41, 42, 43]


def test_each_stream_of_one_request_keeps_its_own_order(credentials):
    transport = FakeTransport()
    transport.deliver_responses = [filtered(5), filtered(6)]
    with connected(credentials, transport) as gateway:
        request = gateway.get_network(CHANNEL).new_block_events_request(start_block=5, kind="filtered")
        for _ in range(2):   # opened again, a stream starts at block 5 again
            with request.events() as blocks:
                assert [block.number for block in blocks] == [5, 6]


# chaincode events: responses only for blocks with events, so a gap is the ordinary case
CHAINCODE_OUT_OF_ORDER = {
    "going back": ([events_response(5, TX_A), events_response(3, TX_B)], "block 3 after block 5", "going back"),
    "sent again": ([events_response(5, TX_A), events_response(5, TX_B)], "block 5 again", "after all of it"),
}


@pytest.mark.parametrize("sent, which, what", CHAINCODE_OUT_OF_ORDER.values(), ids=CHAINCODE_OUT_OF_ORDER.keys())
def test_a_chaincode_events_stream_refuses_a_block_that_is_not_later_than_the_last(credentials, sent, which, what):
    transport = FakeTransport()
    transport.event_responses = sent + [events_response(9, TX_C)]
    checkpointer = InMemoryCheckpointer()
    with connected(credentials, transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=5, checkpoint=checkpointer)
        event = next(events)
        checkpointer.checkpoint_chaincode_event(event)
        with pytest.raises(GatewayError) as refused:
            next(events)
        _is_the_refusal(refused.value, which, what, "chaincode events stream")
        with pytest.raises(GatewayError):
            next(events)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, TX_A)
    assert transport.streams[0].cancelled


def test_a_chaincode_events_stream_refuses_a_block_before_its_checkpoint(credentials):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_block(4)   # resume at block 5
    transport = FakeTransport()
    transport.event_responses = [events_response(4, TX_B)]
    with connected(credentials, transport) as gateway:
        with pytest.raises(GatewayError) as refused:
            next(gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer))
    _is_the_refusal(refused.value, "block 4 first", "asked to start at block 5")
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, None)


def test_a_chaincode_events_stream_after_a_transaction_starts_at_the_block_the_peer_finds_it_in(credentials):
    # The Gateway starts at the block that holds the checkpoint's transaction, whatever block the checkpoint
    # names: one made by hand with another block is put right there, not refused.
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_transaction(5, TX_A)
    transport = FakeTransport()
    transport.event_responses = [events_response(3, TX_B), events_response(4, TX_C)]
    with connected(credentials, transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        assert [(event.block_number, event.transaction_id) for event in events] == [(3, TX_B), (4, TX_C)]


def test_chaincode_events_pass_over_blocks_without_events(credentials):
    transport = FakeTransport()
    transport.event_responses = [events_response(5, TX_A, TX_B), events_response(8, TX_C)]
    with connected(credentials, transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=2)
        assert [(event.block_number, event.transaction_id) for event in events] == [(5, TX_A), (5, TX_B), (8, TX_C)]


def test_an_async_stream_refuses_a_gap_too(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.deliver_responses = [full(5), full(7), full(8)]

    async def read() -> None:
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            blocks = gateway.get_network(CHANNEL).block_events(start_block=5)
            assert number_of(await blocks.__anext__()) == 5
            with pytest.raises(GatewayError) as refused:
                await blocks.__anext__()
            _is_the_refusal(refused.value, "block 7 after block 5", "without block 6 between them")
            with pytest.raises(GatewayError):
                await blocks.__anext__()
            (stream,) = fake.streams
            assert stream.cancelled and stream.reads == 2

    asyncio.run(read())


def test_an_async_chaincode_events_stream_refuses_going_back(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(5, TX_A), events_response(4, TX_B)]

    async def read() -> list:
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            got = []
            with pytest.raises(GatewayError) as refused:
                async for event in gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=5):
                    got.append(event.transaction_id)
            _is_the_refusal(refused.value, "block 4 after block 5")
            return got

    assert asyncio.run(read()) == [TX_A]


def _events_of(chaincode: str, block: int, *tx_ids: str):
    response = events_response(block, *tx_ids)
    for event in response.events:
        event.chaincode_id = chaincode
    return response


def test_a_chaincode_events_stream_refuses_an_event_of_another_chaincode(credentials):
    # Fabric's Gateway sends the events of the chaincode asked for only: one of another chaincode was handled as
    # this one's, and only its checkpoint was then refused
    transport = FakeTransport()
    transport.event_responses = [events_response(5, TX_A), _events_of("other", 6, TX_B), events_response(7, TX_C)]
    with connected(credentials, transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=5)
        assert next(events).transaction_id == TX_A
        with pytest.raises(GatewayError) as refused:
            next(events)
        _is_the_refusal(refused.value, "an event of chaincode 'other' (block 6) on a stream of the events of "
                                       "chaincode 'receivables'")
        with pytest.raises(GatewayError):
            next(events)   # block 7 is never given after it
    assert transport.streams[0].cancelled


def test_a_block_events_request_rebuilt_with_a_seek_that_does_not_decode_is_still_sent(credentials):
    # the start the order is checked from is read from the request: one that cannot be read is the peer's to
    # refuse, not a protobuf DecodeError out of events()
    transport = FakeTransport()
    transport.deliver_responses = [filtered(5), filtered(6)]
    with connected(credentials, transport) as gateway:
        made = gateway.get_network(CHANNEL).new_block_events_request(start_block=5, kind="filtered")
        envelope = common_pb2.Envelope.FromString(made.bytes)
        payload = common_pb2.Payload.FromString(envelope.payload)
        payload.data = b"\xff\xff\xff"
        envelope.payload = payload.SerializeToString()
        rebuilt = gateway.new_block_events_request(envelope.SerializeToString(), kind="filtered")
        with rebuilt.events() as blocks:
            assert [block.number for block in blocks] == [5, 6]


def test_a_chaincode_events_response_without_events_is_no_block_of_the_order(credentials):
    # it gives the listener nothing to handle or checkpoint: its block number (0, unset) skips and repeats nothing
    transport = FakeTransport()
    transport.event_responses = [events_response(0), events_response(5, TX_A), events_response(0),
                                 events_response(9), events_response(7, TX_B)]
    with connected(credentials, transport) as gateway:
        events = gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=5)
        assert [(event.block_number, event.transaction_id) for event in (next(events), next(events))] == [
            (5, TX_A), (7, TX_B)]
