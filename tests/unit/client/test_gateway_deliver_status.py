"""A block events stream the peer's Deliver service ends with a status reply raises DeliverStatusError, whose
``status`` and ``status_name`` tell a reconnect loop a status worth waiting out (SERVICE_UNAVAILABLE) from one
the same request meets again (FORBIDDEN, NOT_FOUND), without reading the message: it is the Node client's
wording, which test_wire_agreement_with_node.py pins."""

import asyncio

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import DeliverStatusError, GatewayError, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, filtered_block

CHANNEL = "receivables-channel"


@pytest.mark.parametrize("status, name", [(common_pb2.SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"),
                                          (common_pb2.FORBIDDEN, "FORBIDDEN"),
                                          (common_pb2.NOT_FOUND, "NOT_FOUND"), (599, "599")],
                         ids=["service unavailable", "forbidden", "not found", "a status of no name"])
def test_a_deliver_status_reply_raises_the_status_for_the_program_and_the_same_message(gateway, transport,
                                                                                       status, name):
    transport.deliver_responses = [filtered_block(3), events_pb2.DeliverResponse(status=status)]
    events = gateway.get_network(CHANNEL).filtered_block_events(start_block=3)
    assert next(events).number == 3
    for _ in range(2):   # the read that met the status, and a later one raising it again
        with pytest.raises(DeliverStatusError) as raised:
            next(events)
        error = raised.value
        assert (error.status, error.status_name) == (status, name)
        assert (error.message, error.code) == (f"block delivery ended with status {name}", None)
        assert isinstance(error, GatewayError)   # caught by the `except GatewayError` of any reconnect loop


def test_the_async_iterator_raises_it_too_at_every_read(credentials):
    key, identity = credentials
    fake = FakeTransport()
    fake.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.SERVICE_UNAVAILABLE)]

    async def main():
        async with connect_async(identity=identity, signer=private_key_signer(key),
                                 transport=AsyncFakeTransport(fake)) as gateway:
            events = gateway.get_network(CHANNEL).block_events()
            statuses = []
            for _ in range(2):
                with pytest.raises(DeliverStatusError) as raised:
                    await anext(events)
                statuses.append((raised.value.status, raised.value.status_name, str(raised.value)))
            return statuses

    assert asyncio.run(main()) == [(common_pb2.SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE",
                                    "block delivery ended with status SERVICE_UNAVAILABLE\nThe peer cannot serve "
                                    "the channel's blocks for now: open the stream again in a while, from the last "
                                    "block handled.")] * 2


@pytest.mark.parametrize("status, said", [
    (common_pb2.FORBIDDEN, "refuses this identity its blocks"),
    (common_pb2.BAD_REQUEST, "peer.authentication.timewindow"),
    (common_pb2.NOT_FOUND, "is it joined to it?"),
    (common_pb2.SERVICE_UNAVAILABLE, "open the stream again in a while"),
], ids=["forbidden", "bad request", "not found", "service unavailable"])
def test_str_says_what_to_do_about_the_status_beside_its_message(gateway, transport, status, said):
    # the reply names its status alone: "block delivery ended with status FORBIDDEN" left the reader guessing
    transport.deliver_responses = [events_pb2.DeliverResponse(status=status)]
    with pytest.raises(DeliverStatusError) as raised:
        next(gateway.get_network(CHANNEL).block_events())
    message, advice = str(raised.value).splitlines()
    assert message == raised.value.message == f"block delivery ended with status {raised.value.status_name}"
    assert said in advice and raised.value.advice == advice


def test_a_status_of_no_advice_is_its_message_alone():
    assert str(DeliverStatusError(599)) == "block delivery ended with status 599"
