"""A peer's refusal of an event stream comes at its first read, not when the call is made: gRPC returns a
server-streaming call at once and raises its status (a mistyped channel's NOT_FOUND) from the first ``next``,
and the Deliver service answers with a status message. The listener recorded when the stream opened is given
back then, so the request made right takes the checkpointer; one that read an event, or a file naming its
listener, keeps it."""

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


def _read_refused(events) -> None:
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        next(events)


@pytest.mark.parametrize("make", [lambda _: InMemoryCheckpointer(), lambda path: FileCheckpointer(path)],
                         ids=["in memory", "file"])
def test_a_chaincode_events_stream_refused_at_its_first_read_leaves_the_checkpointer_to_the_corrected_one(
        tmp_path, gateway, transport, make):
    path = tmp_path / "checkpoint.json"
    path.write_text('{"blockNumber": 50, "transactionId": "t9"}')   # an earlier version's file: no listener
    checkpointer = make(path)
    transport.event_responses = [NOT_FOUND]
    _read_refused(gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer))

    transport.event_responses = [events_response(50, "t10")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    checkpointer.checkpoint_chaincode_event(next(events))
    events.close()
    assert (checkpointer.block_number, checkpointer.transaction_id) == (50, "t10")
    if isinstance(checkpointer, FileCheckpointer):
        assert json.loads(path.read_text()) == {"blockNumber": 50, "transactionId": "t10", "channel": CHANNEL,
                                                "chaincode": "receivables"}
        checkpointer.close()


def test_a_deliver_status_refusing_block_events_leaves_the_checkpointer_to_a_chaincode_listener(gateway,
                                                                                                 transport):
    checkpointer = InMemoryCheckpointer()
    transport.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.NOT_FOUND)]
    with pytest.raises(GatewayError, match="NOT_FOUND"):
        next(gateway.get_network(MISTYPED).block_events(checkpoint=checkpointer))
    gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)   # taken
    with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel '{CHANNEL}'"):
        gateway.get_network(CHANNEL).block_events(checkpoint=checkpointer)


def test_a_stream_that_read_an_event_keeps_its_listener_when_it_fails(gateway, transport):
    checkpointer = InMemoryCheckpointer()
    transport.event_responses = [events_response(5, "tx1"), TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
    next(events)
    with pytest.raises(GatewayError, match="peer gone"):
        next(events)
    with pytest.raises(ValueError, match=f"was given to chaincode 'receivables' events of channel '{CHANNEL}'"):
        gateway.get_network(MISTYPED).chaincode_events("receivables", checkpoint=checkpointer)


def test_a_file_naming_its_listener_keeps_it_when_that_listener_is_refused(tmp_path, gateway, transport):
    path = tmp_path / "checkpoint.json"
    path.write_text(json.dumps({"blockNumber": 50, "transactionId": "t9", "channel": CHANNEL,
                                "chaincode": "receivables"}))
    with FileCheckpointer(path) as checkpointer:
        transport.event_responses = [NOT_FOUND]
        _read_refused(gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer))
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
            fake.event_responses = [events_response(5, "tx1")]
            corrected = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            checkpointer.checkpoint_chaincode_event(await anext(corrected))
            await corrected.aclose()

    asyncio.run(main())
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "tx1")
