"""A block events request rebuilt from its bytes without a signature (the official clients'
newBlockEventsRequest), to be signed by the Gateway that opens it: the same request, the same Deliver
service, signed by that Gateway's key; refused unsent when it carries another identity."""

import asyncio

import pytest
from fabric_protos.common import common_pb2

from client.gateway import (
    AsyncBlockEventsRequest, BlockEventsRequest, Identity, connect, connect_async, private_key_signer,
)
from .gateway_fakes import AsyncFakeTransport, FakeTransport, filtered_block, make_key_and_cert, verify

CHANNEL = "receivables-channel"


def _built_offline(identity, kind="filtered"):
    """The bytes of a block events request built by a Gateway without a signer."""
    offline = connect(identity=identity, transport=FakeTransport())
    return offline.get_network(CHANNEL).new_block_events_request(start_block=5, kind=kind).bytes


@pytest.mark.parametrize("kind", ["block", "filtered", "private"])
def test_rebuilt_unsigned_it_is_the_same_request_signed_by_the_gateway_that_opens_it(credentials, kind):
    key, identity = credentials
    request_bytes = _built_offline(identity, kind)
    transport = FakeTransport()
    transport.deliver_responses = [filtered_block(5)]
    with connect(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
        rebuilt = gateway.new_block_events_request(request_bytes, kind)
        assert type(rebuilt) is BlockEventsRequest and rebuilt.kind == kind
        assert rebuilt.bytes == request_bytes and rebuilt.signature == b""
        rebuilt.events().close()
    ((envelope, sent_kind),) = transport.requests("deliver")
    assert sent_kind == kind
    assert envelope.payload == common_pb2.Envelope.FromString(request_bytes).payload   # as built, not stamped anew
    verify(key.public_key(), envelope.signature, envelope.payload)


def test_the_async_gateway_rebuilds_its_async_twin(credentials):
    key, identity = credentials
    request_bytes = _built_offline(identity)
    fake = FakeTransport()
    fake.deliver_responses = [filtered_block(5)]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            rebuilt = gateway.new_block_events_request(request_bytes, kind="filtered")
            assert type(rebuilt) is AsyncBlockEventsRequest
            async with rebuilt.events() as events:
                return await events.__anext__()

    assert asyncio.run(main()).number == 5
    ((envelope, kind),) = fake.requests("deliver")
    assert kind == "filtered"
    verify(key.public_key(), envelope.signature, envelope.payload)


def test_its_kind_must_be_given_as_the_bytes_do_not_carry_it(credentials):
    key, identity = credentials
    request_bytes = _built_offline(identity)
    with connect(identity=identity, signer=private_key_signer(key), transport=FakeTransport()) as gateway:
        with pytest.raises(TypeError, match="kind"):
            gateway.new_block_events_request(request_bytes)
        with pytest.raises(ValueError, match="kind"):
            gateway.new_block_events_request(request_bytes, kind="filter")


def test_bytes_of_another_kind_of_request_are_refused_saying_so(credentials):
    key, identity = credentials
    with connect(identity=identity, signer=private_key_signer(key), transport=FakeTransport()) as gateway:
        network = gateway.get_network(CHANNEL)
        chaincode_events_bytes = network.new_chaincode_events_request("receivables").bytes
        with pytest.raises(ValueError, match="^the bytes given are not a block events request: "):
            gateway.new_block_events_request(chaincode_events_bytes, kind="block")


def test_another_identitys_request_is_refused_unsent_naming_the_way_to_sign_it(credentials):
    _, identity = credentials
    request_bytes = _built_offline(identity)
    bob_key, bob_certificate = make_key_and_cert("bob@org1")
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", bob_certificate), signer=private_key_signer(bob_key),
                 transport=transport) as bob:
        rebuilt = bob.new_block_events_request(request_bytes, kind="filtered")
        with pytest.raises(ValueError) as refused:
            rebuilt.events()
    assert "Nothing was sent" in str(refused.value)
    assert "gateway.new_signed_block_events_request(bytes, signature, kind=request.kind)" in str(refused.value)
    assert transport.calls == []
