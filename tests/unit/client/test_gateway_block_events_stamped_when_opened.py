"""A block events request this client signs is stamped when its stream opens, each time it opens.

The peer's Deliver service refuses (BAD_REQUEST) a seek envelope whose channel header is stamped more than
peer.authentication.timewindow (15 minutes by default) from its clock (Fabric's common/deliver/deliver.go,
validateChannelHeader). An async iterator opens its stream at its first read, however long after the request
was made, and events() called again on the same request (a reconnect) opens another stream: each must carry
the time it was sent, not the time the request was made. A request rebuilt from bytes and a signature given
(offline signing) is sent exactly as it was signed: this client cannot sign it again.
"""

import asyncio
from types import SimpleNamespace

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

import client.gateway._events as events_module
from client.gateway import DeliverStatusError, connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, filtered_block, verify

CHANNEL = "receivables-channel"
AN_HOUR = 3600 * 10**9


class Clock:
    """The time the SDK stamps requests with, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_700_000_000 * 10**9

    def time_ns(self) -> int:
        return self.now


def stamped(envelope: common_pb2.Envelope) -> tuple[int, bytes]:
    """The time (nanoseconds) a sent Deliver envelope's channel header carries, and its nonce."""
    header = common_pb2.Payload.FromString(envelope.payload).header
    timestamp = common_pb2.ChannelHeader.FromString(header.channel_header).timestamp
    return timestamp.ToNanoseconds(), common_pb2.SignatureHeader.FromString(header.signature_header).nonce


def sent_envelopes(fake: FakeTransport) -> list[common_pb2.Envelope]:
    return [envelope for envelope, _kind in fake.requests("deliver")]


def test_an_async_iterator_first_read_an_hour_after_it_was_made_sends_the_time_of_the_read(credentials,
                                                                                           monkeypatch):
    key, identity = credentials
    clock = Clock()
    monkeypatch.setattr(events_module, "time", SimpleNamespace(time_ns=clock.time_ns))
    fake = FakeTransport()
    fake.deliver_responses = [filtered_block(5)]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            blocks = gateway.get_network(CHANNEL).filtered_block_events(start_block=5)
            clock.now += AN_HOUR   # the first read comes an hour later: the stream opens then
            return (await anext(blocks)).number

    assert asyncio.run(main()) == 5
    (envelope,) = sent_envelopes(fake)
    assert stamped(envelope)[0] == clock.now
    verify(key.public_key(), envelope.signature, envelope.payload)


def test_the_same_request_opened_again_an_hour_later_is_stamped_and_signed_again(credentials, monkeypatch):
    key, identity = credentials
    clock = Clock()
    monkeypatch.setattr(events_module, "time", SimpleNamespace(time_ns=clock.time_ns))
    fake = FakeTransport()
    fake.deliver_responses = [filtered_block(5)]
    with connect(identity=identity, signer=private_key_signer(key), transport=fake) as gateway:
        request = gateway.get_network(CHANNEL).new_block_events_request(start_block=5, kind="filtered")
        clock.now += AN_HOUR
        with request.events() as blocks:
            assert next(blocks).number == 5
        opened_first = clock.now
        clock.now += AN_HOUR   # a reconnect with the request kept
        with request.events() as blocks:
            assert next(blocks).number == 5
    first, again = sent_envelopes(fake)
    assert [stamped(first)[0], stamped(again)[0]] == [opened_first, clock.now]
    assert stamped(first)[1] != stamped(again)[1]   # a new nonce: not the first request replayed
    for envelope in (first, again):
        verify(key.public_key(), envelope.signature, envelope.payload)
        assert common_pb2.Payload.FromString(envelope.payload).data == common_pb2.Payload.FromString(
            first.payload).data   # the same start position
    assert request.bytes == again.SerializeToString()   # the request is the one last sent


def test_a_request_signed_elsewhere_is_sent_as_it_was_signed(credentials, monkeypatch):
    key, identity = credentials
    clock = Clock()
    monkeypatch.setattr(events_module, "time", SimpleNamespace(time_ns=clock.time_ns))
    fake = FakeTransport()
    offline = connect(identity=identity, transport=fake)   # no signer: signed elsewhere
    unsigned = offline.get_network(CHANNEL).new_block_events_request(start_block=5, kind="filtered")
    signed = offline.new_signed_block_events_request(unsigned.bytes, private_key_signer(key)(unsigned.digest),
                                                     kind="filtered")
    clock.now += AN_HOUR
    for _ in range(2):
        signed.events().close()
    as_signed = common_pb2.Envelope.FromString(unsigned.bytes).payload
    assert [envelope.payload for envelope in sent_envelopes(fake)] == [as_signed, as_signed]


def test_a_request_signed_elsewhere_refused_as_opened_late_says_why_and_what_to_do(credentials, monkeypatch):
    key, identity = credentials
    clock = Clock()
    monkeypatch.setattr(events_module, "time", SimpleNamespace(time_ns=clock.time_ns))
    fake = FakeTransport()
    fake.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.BAD_REQUEST)]
    offline = connect(identity=identity, transport=fake)   # no signer: signed elsewhere
    unsigned = offline.get_network(CHANNEL).new_block_events_request(start_block=5, kind="filtered")
    signed = offline.new_signed_block_events_request(unsigned.bytes, private_key_signer(key)(unsigned.digest),
                                                     kind="filtered")
    clock.now += AN_HOUR   # the peer's Deliver refuses a request stamped an hour ago: BAD_REQUEST, no reason
    with pytest.raises(DeliverStatusError) as raised:
        next(signed.events())
    assert raised.value.message == "block delivery ended with status BAD_REQUEST"   # Deliver's words, as before
    (note,) = raised.value.__notes__
    assert "60 minutes before this machine's clock" in note
    assert "peer.authentication.timewindow, 15 minutes by default" in note
    assert "Sign a new request" in note


def test_a_bad_request_of_a_request_stamped_now_notes_nothing(gateway, transport):
    transport.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.BAD_REQUEST)]
    with pytest.raises(DeliverStatusError) as raised:
        next(gateway.get_network(CHANNEL).filtered_block_events(start_block=5))
    assert getattr(raised.value, "__notes__", None) is None   # its stamp is not why: no note misleads
