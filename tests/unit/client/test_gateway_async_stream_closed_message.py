"""A stream read in progress when the async gateway (or the caller's channel) closes fails with the words the
sync family and the async unary calls use, "the gateway was closed; connect again to make calls": it said "the
gateway or its channel" and told a wait_for_block, which has no checkpointer, to resume from one."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from client.gateway import GatewayError, connect, connect_async, private_key_signer

from .gateway_fakes import Servicer, start_server
from .test_gateway_close_streams import async_gateway_closing

CHANNEL = "receivables-channel"
GATEWAY_CLOSED = "the gateway was closed; connect again to make calls"
CHANNEL_CLOSED = "the gateway's gRPC channel was closed; connect again with an open channel to make calls"


@pytest.fixture
def served():
    servicer = Servicer()
    server, port = start_server(servicer)
    yield f"127.0.0.1:{port}"
    servicer.release.set()
    server.stop(None)


def read_cut_by_close(credentials, address, close: str) -> GatewayError:
    """The error of a filtered block read waiting when ``close`` ("gateway" or "channel") is closed."""
    async def main():
        gateway, close_it = async_gateway_closing(credentials, address, close)
        events = gateway.get_network(CHANNEL).filtered_block_events()
        await events.__anext__()    # block 5; no other comes
        reader = asyncio.ensure_future(events.__anext__())
        await asyncio.sleep(0.05)   # the reader's read is under way
        await close_it()
        with pytest.raises(GatewayError) as caught:
            await asyncio.wait_for(reader, 10)
        await gateway.close()
        return caught.value

    return asyncio.run(main())


@pytest.mark.parametrize("close, message", [("gateway", GATEWAY_CLOSED), ("channel", CHANNEL_CLOSED)])
def test_a_read_cut_by_the_close_of_the_async_gateway_or_its_channel_says_which(credentials, served, close,
                                                                                 message):
    error = read_cut_by_close(credentials, served, close)
    assert (error.code, error.message) == (grpc.StatusCode.CANCELLED, message)


def test_a_wait_for_block_cut_by_the_close_of_the_async_gateway_fails_as_the_sync_ones(credentials, served):
    key, identity = credentials

    async def main():
        gateway = connect_async(served, identity=identity, signer=private_key_signer(key), insecure=True)
        waiting = asyncio.ensure_future(gateway.get_network(CHANNEL).wait_for_block(99, timeout=30))
        await asyncio.sleep(0.2)    # the wait's stream is open, its first block read
        await gateway.close()
        with pytest.raises(GatewayError) as caught:
            await asyncio.wait_for(waiting, 10)
        return caught.value

    error = asyncio.run(main())
    assert (error.code, error.message) == (grpc.StatusCode.CANCELLED, GATEWAY_CLOSED)


def test_the_sync_family_says_the_same(credentials, served):
    key, identity = credentials
    gateway = connect(served, identity=identity, signer=private_key_signer(key), insecure=True)
    events = gateway.get_network(CHANNEL).filtered_block_events()
    next(events)
    gateway.close()
    with pytest.raises(GatewayError) as caught:
        next(events)
    assert caught.value.message == GATEWAY_CLOSED
