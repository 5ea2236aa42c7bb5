"""An event stream the peer refuses is told from one that broke (docs/sdk-gateway.md, "Events and checkpoints"):
a gRPC status of ``errors.STREAM_REFUSED_CODES`` raises a plain GatewayError, which opening the stream again would
meet again, any other an EventStreamError, which says to resume from the checkpointer; a Deliver status reply
raises a DeliverStatusError with the status number and its name (the number as text for one not known). Over
real HTTP/2 (grpc and grpc.aio) to an in-process Gateway server."""

import asyncio

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2

from client.gateway import DeliverStatusError, EventStreamError, GatewayError, connect, connect_async, \
    private_key_signer
from client.gateway.errors import STREAM_REFUSED_CODES
from .gateway_fakes import Servicer, serving

CHANNEL = "receivables-channel"
REFUSED = sorted(STREAM_REFUSED_CODES, key=lambda code: code.name)
BROKEN = [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN,
          grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.DATA_LOSS]


class EndingServicer(Servicer):
    """Ends every chaincode events stream with ``code``, and every Deliver stream with the status ``status``."""

    def __init__(self, code=grpc.StatusCode.OK, status=common_pb2.SUCCESS):
        super().__init__()
        self.code, self.status = code, status

    def ChaincodeEvents(self, request, context):
        context.abort(self.code, f"ended with {self.code.name}")
        yield  # a stream handler

    def Deliver(self, request_iterator, context):
        next(request_iterator)
        yield events_pb2.DeliverResponse(status=self.status)


def _first_read_fails(target, credentials, family, events):
    """What the first read of ``events(network)`` raised, through a gateway of ``family``."""
    key, identity = credentials
    options = dict(identity=identity, signer=private_key_signer(key), insecure=True)
    if family == "sync":
        with connect(target, **options) as gateway, pytest.raises(GatewayError) as caught:
            next(events(gateway.get_network(CHANNEL)))
        return caught.value

    async def read():
        async with connect_async(target, **options) as gateway:
            with pytest.raises(GatewayError) as caught:
                await events(gateway.get_network(CHANNEL)).__anext__()
            return caught.value

    return asyncio.run(read())


def _chaincode_events(network):
    return network.chaincode_events("receivables", start_block=3)


def _block_events(network):
    return network.block_events(start_block=3)


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("code", REFUSED + BROKEN, ids=lambda code: code.name)
def test_a_refused_stream_is_a_plain_gateway_error_and_a_broken_one_an_event_stream_error(credentials, family, code):
    with serving(EndingServicer(code=code)) as target:
        error = _first_read_fails(target, credentials, family, _chaincode_events)
    assert type(error) is (GatewayError if code in STREAM_REFUSED_CODES else EventStreamError)
    assert error.code == code and error.message == f"ended with {code.name}"


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("status, name", [(common_pb2.FORBIDDEN, "FORBIDDEN"),
                                          (common_pb2.SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"),
                                          (599, "599")])
def test_a_deliver_status_reply_is_a_deliver_status_error_with_its_status(credentials, family, status, name):
    with serving(EndingServicer(status=status)) as target:
        error = _first_read_fails(target, credentials, family, _block_events)
    assert type(error) is DeliverStatusError and error.code is None
    assert (error.status, error.status_name) == (status, name)
    assert error.message == f"block delivery ended with status {name}"
