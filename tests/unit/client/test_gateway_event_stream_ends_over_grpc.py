"""How an event stream ends, over real HTTP/2 to an in-process Gateway server (docs/sdk-gateway.md, "Events and
checkpoints"): a stream the peer ends with gRPC status OK ends the loop quietly, after every event it sent, and
closing an iterator cancels its stream, so the peer's end of it closes too. Both families."""

import asyncio
import threading
from contextlib import ExitStack

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import connect, connect_async, private_key_signer
from .gateway_fakes import Servicer, events_response, serving

CHANNEL = "receivables-channel"
TX = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"]


class EndingServicer(Servicer):
    """Sends two chaincode events (or two blocks) and then ends the stream with status OK, or, when ``holds``,
    keeps it open until the client cancels it (``cancelled`` is set then)."""

    def __init__(self, holds=False):
        super().__init__()
        self.holds = holds
        self.cancelled = threading.Event()

    def _hold(self, context):
        while self.holds and context.is_active() and not self.release.wait(0.01):
            pass

    def ChaincodeEvents(self, request, context):
        context.add_callback(self.cancelled.set)   # before anything is sent, so no end can come first
        yield events_response(4, TX[0])
        yield events_response(5, TX[1])
        self._hold(context)

    def Deliver(self, request_iterator, context):
        context.add_callback(self.cancelled.set)
        next(request_iterator)
        for number in (8, 9):
            yield events_pb2.DeliverResponse(block=common_pb2.Block(header=common_pb2.BlockHeader(number=number)))
        self._hold(context)


@pytest.fixture
def serve(credentials):
    key, identity = credentials
    with ExitStack() as stack:

        def serving_options(**options):
            servicer = EndingServicer(**options)
            target = stack.enter_context(serving(servicer))
            return servicer, dict(target=target, identity=identity, signer=private_key_signer(key), insecure=True)

        yield serving_options


def _read(network):
    """Every chaincode event's transaction ID, then every block's number, the loops run to their end."""
    with network.chaincode_events("receivables", start_block=4) as events:
        transactions = [event.transaction_id for event in events]
    with network.block_events(start_block=8) as blocks:
        numbers = [block.header.number for block in blocks]
    return transactions, numbers


async def _read_async(network):
    async with network.chaincode_events("receivables", start_block=4) as events:
        transactions = [event.transaction_id async for event in events]
    async with network.block_events(start_block=8) as blocks:
        numbers = [block.header.number async for block in blocks]
    return transactions, numbers


def test_a_stream_the_peer_ends_with_status_ok_ends_the_loop_quietly(serve):
    _, options = serve()
    with connect(**options) as gateway:
        assert _read(gateway.get_network(CHANNEL)) == (TX, [8, 9])


def test_an_async_stream_the_peer_ends_with_status_ok_ends_the_loop_quietly(serve):
    _, options = serve()

    async def read():
        async with connect_async(**options) as gateway:
            return await _read_async(gateway.get_network(CHANNEL))

    assert asyncio.run(read()) == (TX, [8, 9])


@pytest.mark.parametrize("opened", ["chaincode_events", "block_events"])
def test_closing_an_iterator_cancels_its_stream_at_the_peer(serve, opened):
    servicer, options = serve(holds=True)
    with connect(**options) as gateway:
        network = gateway.get_network(CHANNEL)
        stream = network.chaincode_events("receivables") if opened == "chaincode_events" else network.block_events()
        next(stream)
        stream.close()
        assert servicer.cancelled.wait(5)   # the gateway is still open: the iterator's close ended the stream


@pytest.mark.parametrize("opened", ["chaincode_events", "block_events"])
def test_closing_an_async_iterator_cancels_its_stream_at_the_peer(serve, opened):
    servicer, options = serve(holds=True)

    async def read_one_and_close():
        async with connect_async(**options) as gateway:
            network = gateway.get_network(CHANNEL)
            stream = network.chaincode_events("receivables") if opened == "chaincode_events" \
                else network.block_events()
            await stream.__anext__()
            await stream.aclose()
            return await asyncio.to_thread(servicer.cancelled.wait, 5)

    assert asyncio.run(read_one_and_close())
