"""An async event iterator dropped without aclose() (an ``async for`` loop left with break, a task that gave
up on it) cancels its stream, as a sync one does: it used to cancel it only while a read was pending, so after
a break, its last read done, the peer's stream stayed open as long as the gateway's channel."""

import asyncio
import gc

import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_event_pb2

from client.gateway import connect_async, private_key_signer
from client.receivables import AsyncReceivablesClient

from .gateway_fakes import HANG, AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"


@pytest.fixture
def no_cycle_collector():
    enabled = gc.isenabled()
    gc.disable()   # freed by its last reference going, as a quiet process may not collect
    yield
    if enabled:
        gc.enable()


def confirmed(block: int, *tx_ids: str) -> gateway_pb2.ChaincodeEventsResponse:
    """A ChaincodeEvents response of the contract's ReceivableConfirmed events, one per transaction."""
    payload = b'{"event": "ReceivableConfirmed", "receivable_id": "R-1"}'
    return gateway_pb2.ChaincodeEventsResponse(block_number=block, events=[
        chaincode_event_pb2.ChaincodeEvent(chaincode_id="receivables", tx_id=tx_id,
                                           event_name="ReceivableConfirmed", payload=payload)
        for tx_id in tx_ids])


def events_followed_until_break(credentials, read_events) -> FakeTransport:
    """``read_events(network)`` run on a gateway over the fake peer, which sent two events and then waits."""
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [confirmed(5, "tx1", "tx2"), HANG]

    async def run():
        gateway = connect_async(identity=identity, signer=private_key_signer(key),
                                transport=AsyncFakeTransport(fake))
        await read_events(gateway.get_network(CHANNEL))
        cancelled_before_close = fake.streams[0].cancelled
        await gateway.close()
        return cancelled_before_close

    fake.cancelled_before_close = asyncio.run(run())
    return fake


def test_an_async_for_loop_left_with_break_cancels_the_stream_of_the_iterator_it_dropped(
        credentials, no_cycle_collector):
    async def first_event(network):
        async for event in network.chaincode_events("receivables"):
            break
        assert event.transaction_id == "tx1"

    fake = events_followed_until_break(credentials, first_event)
    assert fake.cancelled_before_close


def test_the_receivables_clients_async_events_left_with_break_cancel_their_stream(
        credentials, no_cycle_collector):
    async def first_event(network):
        client = AsyncReceivablesClient(network.get_contract("receivables"), network)
        async for event in client.events():
            break
        assert event.tx_id == "tx1"

    fake = events_followed_until_break(credentials, first_event)
    assert fake.cancelled_before_close

