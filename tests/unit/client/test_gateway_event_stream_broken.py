"""A stream that breaks (the peer went away, the connection dropped, the gateway closed under it) raises an
EventStreamError, a GatewayError whose last line says how to go on: open the stream again from the checkpointer,
or from start_block. Said as a plain GatewayError, the gRPC code alone told a reader of the log nothing of the
events already handled, nor that none is lost. A stream the peer refuses (its ACL, a request it will not take)
stays a plain GatewayError: opened again, it meets the same refusal."""

from __future__ import annotations

import asyncio
import pickle

import grpc
import pytest

from client.gateway import (EventStreamError, GatewayError, TransportError, connect_async, errors,
                            private_key_signer)

from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
BROKEN = TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")


def test_a_stream_that_breaks_says_to_resume_from_the_checkpointer(gateway, transport):
    transport.event_responses = [events_response(1, "tx1"), BROKEN]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    assert next(events).transaction_id == "tx1"
    for _ in range(2):   # the read that met it, and every later one
        with pytest.raises(EventStreamError) as caught:
            next(events)
        broken = caught.value
        assert isinstance(broken, GatewayError) and (broken.code, broken.message) == (BROKEN.code, "peer gone")
        assert "checkpoint" in broken.advice and "start_block" in broken.advice
        assert str(broken) == f"UNAVAILABLE: peer gone\n{broken.advice}" and broken.without_advice() == str(BROKEN)
    assert str(pickle.loads(pickle.dumps(broken))) == str(broken)
    assert "EventStreamError" in errors.__all__


def test_a_stream_the_peer_refuses_stays_a_plain_gateway_error(gateway, transport):
    transport.event_responses = [TransportError(grpc.StatusCode.PERMISSION_DENIED, "access denied")]
    events = gateway.get_network(CHANNEL).chaincode_events("receivables")
    with pytest.raises(GatewayError) as caught:
        next(events)
    assert type(caught.value) is GatewayError and str(caught.value) == "PERMISSION_DENIED: access denied"


def test_an_async_stream_that_breaks_says_to_resume_from_the_checkpointer(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(1, "tx1"), BROKEN]

    async def main():
        gateway = connect_async(identity=identity, signer=private_key_signer(key), transport=AsyncFakeTransport(fake))
        events = gateway.get_network(CHANNEL).chaincode_events("receivables")
        await anext(events)
        with pytest.raises(EventStreamError) as caught:
            await anext(events)
        await events.aclose()
        return caught.value

    broken = asyncio.run(main())
    assert broken.code == grpc.StatusCode.UNAVAILABLE and str(broken).endswith(broken.advice) and broken.advice


def test_a_wait_for_block_whose_stream_breaks_is_not_told_to_resume_from_a_checkpointer(gateway, transport):
    transport.deliver_responses = [BROKEN]
    with pytest.raises(GatewayError) as caught:
        gateway.get_network(CHANNEL).wait_for_block(3, timeout=5)
    assert not isinstance(caught.value, EventStreamError) and "checkpoint" not in str(caught.value)
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE
