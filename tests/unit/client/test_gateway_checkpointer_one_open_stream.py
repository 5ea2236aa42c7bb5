"""A checkpointer is of one open event stream at a time. Two streams of the same listener checkpointing into one
checkpointer (two listeners, or a reconnect opened while the first stream still runs) would leave in it whichever
position was written last: a restart would skip the events the other stream had not handled yet, or give again
those it had. The second stream is refused with CheckpointerInUse, naming the file; a reconnect once the first
stream failed, ended, was closed or dropped takes the checkpointer."""

import asyncio
import contextlib

import grpc
import pytest

from client.gateway import (
    CheckpointerInUse, EventStreamError, FileCheckpointer, InMemoryCheckpointer, TransportError, connect_async,
    private_key_signer,
)
from .gateway_fakes import HANG, AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
TX1 = "a" * 63 + "1"
TX2 = "a" * 63 + "2"
LISTENER = f"chaincode 'receivables' events of channel '{CHANNEL}'"


@contextlib.asynccontextmanager
async def _async_network(credentials, transport):
    key, identity = credentials
    async with connect_async(identity=identity, signer=private_key_signer(key),
                             transport=AsyncFakeTransport(transport)) as gateway:
        yield gateway.get_network(CHANNEL)


def _events(gateway, checkpointer, chaincode="receivables"):
    return gateway.get_network(CHANNEL).chaincode_events(chaincode, checkpoint=checkpointer)


@pytest.fixture(params=["in memory", "file"])
def checkpointer(request, tmp_path):
    if request.param == "in memory":
        yield InMemoryCheckpointer()
    else:
        with FileCheckpointer(tmp_path / "events.json") as made:
            yield made


def test_a_second_stream_opened_while_the_first_is_open_is_refused_and_cancelled(gateway, transport, checkpointer):
    transport.event_responses = [events_response(5, TX1), HANG]
    first = _events(gateway, checkpointer)
    checkpointer.checkpoint_chaincode_event(next(first))
    with pytest.raises(CheckpointerInUse, match=(
            rf"is in use by an open event stream \({LISTENER}\): checkpointed by two streams, its position would be "
            r"whichever wrote last.*Close the other stream first \(one that failed, ended or was closed frees it, so "
            r"a reconnect takes it; one left open when your own code raised in its loop stays open while anything "
            r"refers to it, that exception's traceback included: open each stream in a with block\), or give this "
            r"stream its own")):
        _events(gateway, checkpointer)
    assert len(transport.streams) == 1   # refused as the request was made: nothing signed, nothing sent
    assert not transport.streams[0].cancelled
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, TX1)   # as it was
    first.close()


def test_the_refusal_names_the_checkpoint_file(tmp_path, gateway, transport):
    path = tmp_path / "events.json"
    transport.event_responses = [HANG]
    with FileCheckpointer(path) as checkpointer:
        with _events(gateway, checkpointer):
            with pytest.raises(CheckpointerInUse, match=rf"^the checkpointer of {path} is in use .* give this stream "
                                                        r"its own FileCheckpointer, of a file of its own$") as refused:
                _events(gateway, checkpointer)
    assert refused.value.path == path and isinstance(refused.value, ValueError)
    assert not path.exists()   # nothing written


def test_a_block_events_stream_of_the_same_channel_is_refused_too(gateway, transport, checkpointer):
    transport.deliver_responses = [HANG]
    with gateway.get_network(CHANNEL).filtered_block_events(checkpoint=checkpointer):
        with pytest.raises(CheckpointerInUse, match=f"block events of channel '{CHANNEL}'"):
            gateway.get_network(CHANNEL).block_events(checkpoint=checkpointer)


def test_a_listener_of_another_chaincode_is_still_told_so(gateway, transport, checkpointer):
    transport.event_responses = [HANG]
    with _events(gateway, checkpointer):
        with pytest.raises(ValueError, match="not (of|to) chaincode 'other' events") as refused:
            _events(gateway, checkpointer, "other")
    assert not isinstance(refused.value, CheckpointerInUse)


def test_a_reconnect_after_the_stream_was_closed_takes_the_checkpointer(gateway, transport, checkpointer):
    transport.event_responses = [events_response(5, TX1), HANG]
    first = _events(gateway, checkpointer)
    checkpointer.checkpoint_chaincode_event(next(first))
    first.close()
    transport.event_responses = [events_response(5, TX1, TX2)]
    with _events(gateway, checkpointer) as again:
        checkpointer.checkpoint_chaincode_event(next(again))
    assert checkpointer.transaction_id == TX1   # the Gateway passes over TX1 itself; the fake gives it again


def test_a_reconnect_after_the_stream_broke_takes_the_checkpointer(gateway, transport, checkpointer):
    transport.event_responses = [events_response(5, TX1), TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]
    first = _events(gateway, checkpointer)
    with pytest.raises(EventStreamError):
        for event in first:
            checkpointer.checkpoint_chaincode_event(event)
    transport.event_responses = [events_response(6, TX2)]
    with _events(gateway, checkpointer) as again:   # `first` is still referenced: its failure freed the checkpointer
        checkpointer.checkpoint_chaincode_event(next(again))
    assert (checkpointer.block_number, checkpointer.transaction_id) == (6, TX2)


def test_a_reconnect_after_the_stream_ended_or_was_dropped_takes_the_checkpointer(gateway, transport, checkpointer):
    transport.event_responses = [events_response(5, TX1)]
    ended = _events(gateway, checkpointer)
    assert [event.transaction_id for event in ended] == [TX1]   # the peer ended the stream
    transport.event_responses = [HANG]
    dropped = _events(gateway, checkpointer)
    del dropped   # left unclosed (a loop left with break): dropped, it frees the checkpointer
    transport.event_responses = [events_response(6, TX2)]
    with _events(gateway, checkpointer) as again:
        assert next(again).transaction_id == TX2


def test_first_frees_the_checkpointer_for_the_next_wait(gateway, transport, checkpointer):
    transport.event_responses = [events_response(5, TX1, TX2)]
    assert _events(gateway, checkpointer).first().transaction_id == TX1
    assert _events(gateway, checkpointer).first().transaction_id == TX1


def test_the_async_client_refuses_a_second_open_stream_at_the_call_as_the_blocking_one_does(credentials,
                                                                                           checkpointer):
    transport = FakeTransport()

    async def main():
        async with _async_network(credentials, transport) as network:
            transport.event_responses = [events_response(5, TX1), HANG]
            first = network.chaincode_events("receivables", checkpoint=checkpointer)
            checkpointer.checkpoint_chaincode_event(await anext(first))
            with pytest.raises(CheckpointerInUse, match=rf"in use by an open event stream \({LISTENER}\)"):
                network.chaincode_events("receivables", checkpoint=checkpointer)
            assert len(transport.streams) == 1
            await _closed_then_taken_again(first, network, transport, checkpointer)

    asyncio.run(main())
    assert (checkpointer.block_number, checkpointer.transaction_id) == (6, TX2)


def test_an_async_request_made_before_the_other_stream_opened_is_refused_at_its_first_read(credentials,
                                                                                          checkpointer):
    transport = FakeTransport()

    async def main():
        async with _async_network(credentials, transport) as network:
            transport.event_responses = [events_response(5, TX1), HANG]
            first = network.chaincode_events("receivables", checkpoint=checkpointer)
            second = network.chaincode_events("receivables", checkpoint=checkpointer)   # neither open yet
            checkpointer.checkpoint_chaincode_event(await anext(first))
            with pytest.raises(CheckpointerInUse, match=rf"in use by an open event stream \({LISTENER}\)"):
                await anext(second)
            with pytest.raises(CheckpointerInUse):   # every later read says the same, sending nothing again
                await anext(second)
            assert len(transport.streams) == 2 and transport.streams[1].cancelled
            await _closed_then_taken_again(first, network, transport, checkpointer)

    asyncio.run(main())
    assert (checkpointer.block_number, checkpointer.transaction_id) == (6, TX2)


def test_an_async_stream_the_peer_ended_frees_the_checkpointer(credentials, checkpointer):
    transport = FakeTransport()

    async def main():
        async with _async_network(credentials, transport) as network:
            transport.event_responses = [events_response(5, TX1)]
            ended = network.chaincode_events("receivables", checkpoint=checkpointer)
            assert [event.transaction_id async for event in ended] == [TX1]
            transport.event_responses = [events_response(6, TX2)]
            async with network.chaincode_events("receivables", checkpoint=checkpointer) as again:
                return (await anext(again)).transaction_id

    assert asyncio.run(main()) == TX2


async def _closed_then_taken_again(first, network, transport, checkpointer):
    """The open stream closed, a new stream takes the checkpointer and moves it to the next event (block 6, TX2)."""
    await first.aclose()
    transport.event_responses = [events_response(6, TX2)]
    async with network.chaincode_events("receivables", checkpoint=checkpointer) as again:
        checkpointer.checkpoint_chaincode_event(await anext(again))
