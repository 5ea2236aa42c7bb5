"""events.first(condition) given a condition that cannot be called (an event name, as `first("Confirmed")`) is
refused when called, naming what to give, and the stream is left as it was. It was taken, and the wait failed only
once an event came, which may be hours later, on "'str' object is not callable", the stream closed under it."""

import asyncio

import pytest

from client.gateway import connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, HANG, events_response

CHANNEL = "receivables-channel"
REFUSED = (r"^condition must be a function of an event that is true for the one waited for, e\.g\. lambda event: "
           r"event\.event_name == 'Confirmed', not str 'Confirmed'$")


def test_a_condition_that_cannot_be_called_is_refused_before_any_event(gateway, transport):
    transport.event_responses = [HANG]
    with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
        with pytest.raises(TypeError, match=REFUSED):
            events.first("Confirmed", timeout=5)
        assert not transport.streams[0].cancelled   # the stream is as it was: the caller may wait again
    transport.event_responses = [events_response(5, "tx1")]
    with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
        assert events.first(lambda event: event.event_name == "Confirmed", timeout=5).transaction_id == "tx1"


def test_the_async_twin_refuses_it_too(credentials, transport):
    key, identity = credentials
    transport.event_responses = [HANG]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(transport)) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            with pytest.raises(TypeError, match=REFUSED):
                await events.first("Confirmed", timeout=5)
            await events.aclose()

    asyncio.run(main())
    assert transport.calls == []   # refused before the stream was opened
