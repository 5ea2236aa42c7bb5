"""A checkpointer records its listener once that listener's stream has opened and read, not when a request is
made: a request the peer refuses (a mistyped channel) or the SDK refuses (an unknown block event kind) never
read an event, and tying the checkpointer to it made the corrected request fail, telling the user to remove a
good file.

The peer refuses either when the call is made or at the stream's first read: gRPC returns a server-streaming
call at once and raises its status (a mistyped channel's NOT_FOUND) from the first ``next``, and the Deliver
service answers with a status message. Either way the listener recorded when the stream opened is given back,
so the request made right takes the checkpointer; one that read an event, or a file naming its listener, keeps
it."""

import asyncio
import json

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import (FileCheckpointer, GatewayError, InMemoryCheckpointer, TransportError, connect_async,
                            private_key_signer)
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
MISTYPED = "recievables-channel"
NOT_FOUND = TransportError(grpc.StatusCode.NOT_FOUND, f"channel '{MISTYPED}' not found")


def refused_when_called(gateway, transport, checkpointer) -> None:
    """The peer refuses the chaincode events request of the mistyped channel as the call is made."""
    transport.fail["chaincode_events"] = [NOT_FOUND]
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)


def refused_at_first_read(gateway, transport, checkpointer) -> None:
    """The call returns a stream at once, and the peer's refusal comes from its first read."""
    transport.event_responses = [NOT_FOUND]
    events = gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        next(events)


def block_events_refused_when_called(gateway, transport, checkpointer) -> None:
    transport.fail["deliver"] = [NOT_FOUND]
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        gateway.get_network(MISTYPED).block_events(checkpoint=checkpointer)


def block_events_refused_by_a_deliver_status(gateway, transport, checkpointer) -> None:
    transport.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.NOT_FOUND)]
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        next(gateway.get_network(MISTYPED).block_events(checkpoint=checkpointer))


@pytest.mark.parametrize("refuse", [refused_when_called, refused_at_first_read],
                         ids=["when called", "at first read"])
@pytest.mark.parametrize("make", [lambda _: InMemoryCheckpointer(), lambda path: FileCheckpointer(path)],
                         ids=["in memory", "file"])
def test_a_chaincode_events_request_the_peer_refuses_leaves_the_checkpointer_to_the_corrected_one(
        tmp_path, gateway, transport, make, refuse):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 50, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9"}')   # an earlier version's file: no listener
    checkpointer = make(path)
    refuse(gateway, transport, checkpointer)

    transport.event_responses = [events_response(50, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb10")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    checkpointer.checkpoint_chaincode_event(next(events))
    events.close()
    assert (checkpointer.block_number, checkpointer.transaction_id) == (50, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb10")
    if isinstance(checkpointer, FileCheckpointer):
        assert json.loads(path.read_text()) == {"blockNumber": 50, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb10", "channel": CHANNEL,
                                                "chaincode": "receivables"}
        checkpointer.close()


@pytest.mark.parametrize("refuse",
                         [block_events_refused_when_called, block_events_refused_by_a_deliver_status],
                         ids=["when called", "by a deliver status"])
def test_a_block_events_request_the_peer_refuses_leaves_the_checkpointer_to_a_chaincode_listener(
        gateway, transport, refuse):
    checkpointer = InMemoryCheckpointer()
    refuse(gateway, transport, checkpointer)
    gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)   # taken
    with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel '{CHANNEL}'"):
        gateway.get_network(CHANNEL).block_events(checkpoint=checkpointer)


def test_a_block_events_request_of_an_unknown_kind_leaves_the_checkpointer_unbound(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    network = gateway.get_network(CHANNEL)
    with pytest.raises(ValueError, match="unknown block event kind 'filter'"):
        network.new_block_events_request(kind="filter", checkpoint=checkpointer)
    network.chaincode_events("receivables", checkpoint=checkpointer)   # taken: the refused request bound nothing
    assert [name for name, _, _ in transport.calls] == ["chaincode_events"]


def test_a_file_not_naming_its_listener_says_the_checkpointer_was_given_to_one_and_keeps_the_file(tmp_path,
                                                                                                  gateway):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}')
    with FileCheckpointer(path) as checkpointer:
        gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        with pytest.raises(ValueError) as refused:
            gateway.get_network("other-channel").chaincode_events("receivables", checkpoint=checkpointer)
    # the file names no listener: it is not what is wrong, and removing it is no remedy
    assert str(refused.value) == (
        f"the checkpointer of {path} was given to chaincode 'receivables' events of channel '{CHANNEL}', not to "
        "chaincode 'receivables' events of channel 'other-channel': resumed there, its position would skip or "
        "replay events. Give this listener its own file")
    assert path.read_text() == '{"blockNumber": 5, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}'


def test_an_async_stream_records_its_listener_when_it_opens_and_one_opened_later_for_another_is_refused(
        credentials):
    key, identity = credentials
    checkpointer = InMemoryCheckpointer()
    fake = FakeTransport()
    fake.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            unread = gateway.get_network("other-channel").chaincode_events("receivables", checkpoint=checkpointer)
            read = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            assert (await anext(read)).transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"   # opened first: its listener is the one recorded
            await read.aclose()
            with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel "
                                                 f"'{CHANNEL}', not to chaincode 'receivables' events of channel "
                                                 "'other-channel'"):
                await anext(unread)

    asyncio.run(main())
    assert fake.streams[-1].cancelled   # the stream opened for the refused listener is not left open


def test_a_stream_that_read_an_event_keeps_its_listener_when_it_fails(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    transport.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"), TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    next(events)
    with pytest.raises(GatewayError, match="peer gone"):
        next(events)
    with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel '{CHANNEL}'"):
        gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)


def test_a_file_naming_its_listener_keeps_it_when_that_listener_is_refused(tmp_path, gateway, transport):
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps({"blockNumber": 50, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb9", "channel": CHANNEL,
                                "chaincode": "receivables"}))
    with FileCheckpointer(path) as checkpointer:
        transport.event_responses = [NOT_FOUND]
        with pytest.raises(GatewayError, match="NOT_FOUND"):
            next(gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer))
        with pytest.raises(ValueError, match=f"{path} is the checkpoint of chaincode 'receivables' events"):
            gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)


def test_an_async_stream_refused_at_its_first_read_leaves_the_checkpointer_to_the_corrected_one(credentials):
    key, identity = credentials
    checkpointer = InMemoryCheckpointer()
    fake = FakeTransport()

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            fake.event_responses = [NOT_FOUND]
            refused = gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)
            with pytest.raises(GatewayError, match="NOT_FOUND"):
                await anext(refused)
            fake.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
            corrected = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            checkpointer.checkpoint_chaincode_event(await anext(corrected))
            await corrected.aclose()

    asyncio.run(main())
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
