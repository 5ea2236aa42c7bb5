"""A FileCheckpointer already closed is refused when an events request is made, before anything is sent: it was
taken, the stream opened at the position it held when closed (another checkpointer may have moved its file on
since), and its first checkpoint failed only once that event had been handled."""
import asyncio

import pytest

from client.gateway import FileCheckpointer, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

TX = "a" * 64


def closed_checkpointer(path) -> FileCheckpointer:
    checkpointer = FileCheckpointer(path)
    checkpointer.checkpoint_transaction(5, TX)
    checkpointer.close()
    assert checkpointer.closed
    return checkpointer


@pytest.mark.parametrize("request_for", [
    lambda network, checkpoint: network.chaincode_events("receivables", checkpoint=checkpoint),
    lambda network, checkpoint: network.new_chaincode_events_request("receivables", checkpoint=checkpoint),
    lambda network, checkpoint: network.block_events(checkpoint=checkpoint),
    lambda network, checkpoint: network.filtered_block_events(checkpoint=checkpoint),
], ids=["chaincode_events", "new_chaincode_events_request", "block_events", "filtered_block_events"])
def test_a_closed_file_checkpointer_is_refused_before_anything_is_sent(tmp_path, gateway, transport, request_for):
    path = tmp_path / "events.checkpoint"
    checkpoint = closed_checkpointer(path)
    transport.event_responses = [events_response(5, "b" * 64)]
    with pytest.raises(ValueError, match=f"the checkpointer of {path} is closed .*make a new FileCheckpointer"):
        request_for(gateway.get_network("receivables-channel"), checkpoint)
    assert transport.calls == []
    with FileCheckpointer(path) as reopened:      # as the refusal says: the file's position, read anew
        assert (reopened.block_number, reopened.transaction_id) == (5, TX)


def test_the_async_gateway_refuses_it_alike(tmp_path, credentials):
    key, identity = credentials
    fake = FakeTransport()
    checkpoint = closed_checkpointer(tmp_path / "events.checkpoint")

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            with pytest.raises(ValueError, match="is closed"):
                gateway.get_network("receivables-channel").chaincode_events("receivables", checkpoint=checkpoint)

    asyncio.run(main())
    assert fake.calls == []


def test_an_open_one_is_taken(tmp_path, gateway, transport):
    transport.event_responses = [events_response(5, "b" * 64)]
    with FileCheckpointer(tmp_path / "events.checkpoint") as checkpoint:
        network = gateway.get_network("receivables-channel")
        with network.chaincode_events("receivables", checkpoint=checkpoint) as events:
            checkpoint.checkpoint_chaincode_event(next(events))
        assert checkpoint.transaction_id == "b" * 64 and not checkpoint.closed
