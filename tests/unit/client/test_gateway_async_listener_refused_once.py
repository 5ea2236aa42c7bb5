"""An async iterator whose listener the checkpointer refuses at its first read keeps that refusal: every later
read raises it again without opening another stream, which would send the request to the peer again, to be
refused the same way."""

import asyncio

import pytest

from client.gateway import InMemoryCheckpointer, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response

CHANNEL = "receivables-channel"
REFUSAL = (r"^this checkpointer was given to chaincode 'receivables' events of channel "
           r"'receivables-channel', not to chaincode 'receivables' events of channel 'other-channel'")


class _AwaitedStreams(AsyncFakeTransport):
    """An async transport whose stream call is ``async def``: the stream is taken once its opening is
    awaited."""

    async def chaincode_events(self, request):
        return super().chaincode_events(request)


@pytest.mark.parametrize("make_transport", [AsyncFakeTransport, _AwaitedStreams],
                         ids=["plain stream call", "async def stream call"])
def test_a_refused_listener_is_refused_at_every_read_and_its_request_sent_once(credentials, make_transport):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(5, "tx1")]
    checkpointer = InMemoryCheckpointer()

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=make_transport(fake)) as gateway:
            # made before the first listener opens its stream: taken, then refused at its first read
            other = gateway.get_network("other-channel").chaincode_events("receivables",
                                                                          checkpoint=checkpointer)
            first = gateway.get_network(CHANNEL).chaincode_events("receivables", checkpoint=checkpointer)
            await anext(first)   # records the first listener
            refusals = []
            for _ in range(3):
                with pytest.raises(ValueError, match=REFUSAL) as raised:
                    await anext(other)
                refusals.append(raised.value)
            return refusals

    refusals = asyncio.run(main())
    assert len(fake.requests("chaincode_events")) == 2   # the first listener's, and the refused one's once
    assert [stream.cancelled for stream in fake.streams][1:] == [True]   # the refused one, cancelled unread
    assert len({id(refusal) for refusal in refusals}) == 3   # each read its own error, not one raised again
