"""A checkpointer records its listener once that listener's stream has opened, not when a request is made: a
request the peer refuses (a mistyped channel) or the SDK refuses (an unknown block event kind) never read an
event, and tying the checkpointer to it made the corrected request fail, telling the user to remove a good file."""

import asyncio
import json

import grpc
import pytest

from client.gateway import (FileCheckpointer, GatewayError, InMemoryCheckpointer, TransportError, connect_async,
                            private_key_signer)
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
MISTYPED = "recievables-channel"


def _channel_not_found() -> TransportError:
    return TransportError(grpc.StatusCode.NOT_FOUND, f"channel '{MISTYPED}' not found")


@pytest.mark.parametrize("make", [lambda _: InMemoryCheckpointer(), lambda path: FileCheckpointer(path)],
                         ids=["in memory", "file"])
def test_a_request_the_peer_refuses_leaves_the_checkpointer_to_the_corrected_one(tmp_path, gateway, transport, make):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 50, "transactionId": "t9"}')   # an earlier version's file: no listener
    checkpointer = make(path)
    transport.fail["chaincode_events"] = [_channel_not_found()]
    with pytest.raises(GatewayError, match="not found"):
        gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)

    transport.event_responses = [events_response(50, "t10")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    checkpointer.checkpoint_chaincode_event(next(events))
    events.close()
    assert (checkpointer.block_number, checkpointer.transaction_id) == (50, "t10")
    if isinstance(checkpointer, FileCheckpointer):
        assert json.loads(path.read_text()) == {"blockNumber": 50, "transactionId": "t10", "channel": CHANNEL,
                                                "chaincode": "receivables"}
        checkpointer.close()


def test_a_block_events_request_the_peer_refuses_leaves_the_checkpointer_to_a_chaincode_listener(gateway,
                                                                                                 transport):
    checkpointer = InMemoryCheckpointer()
    transport.fail["deliver"] = [_channel_not_found()]
    with pytest.raises(GatewayError, match="not found"):
        gateway.get_network(CHANNEL).block_events(checkpoint=checkpointer)
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
    path.write_text('{"blockNumber": 5, "transactionId": "tx1"}')
    with FileCheckpointer(path) as checkpointer:
        gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
        with pytest.raises(ValueError) as refused:
            gateway.get_network("other-channel").chaincode_events("receivables", checkpoint=checkpointer)
    # the file names no listener: it is not what is wrong, and removing it is no remedy
    assert str(refused.value) == (
        f"the checkpointer of {path} was given to chaincode 'receivables' events of channel '{CHANNEL}', not to "
        "chaincode 'receivables' events of channel 'other-channel': resumed there, its position would skip or "
        "replay events. Give this listener its own file")
    assert path.read_text() == '{"blockNumber": 5, "transactionId": "tx1"}'


def test_an_async_stream_records_its_listener_when_it_opens_and_one_opened_later_for_another_is_refused(
        credentials):
    key, identity = credentials
    checkpointer = InMemoryCheckpointer()
    fake = FakeTransport()
    fake.event_responses = [events_response(5, "tx1")]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            unread = gateway.get_network("other-channel").chaincode_events("receivables", checkpoint=checkpointer)
            read = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            assert (await anext(read)).transaction_id == "tx1"   # opened first: its listener is the one recorded
            await read.aclose()
            with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel "
                                                 f"'{CHANNEL}', not to chaincode 'receivables' events of channel "
                                                 "'other-channel'"):
                await anext(unread)

    asyncio.run(main())
    assert fake.streams[-1].cancelled   # the stream opened for the refused listener is not left open
