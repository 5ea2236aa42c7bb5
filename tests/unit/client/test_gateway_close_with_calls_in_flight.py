"""Closing a gateway whose gRPC channel the caller keeps (``grpc_channel=``) lets a call already in flight run to
its end, sync and async alike, as the official clients' close() does: the submit the peer is working on comes back
with its answer, not with a CANCELLED that leaves the caller unsure whether it was ordered. Calls made after the
close are refused (test_gateway_close_streams.py); a channel the gateway opened is closed, and a call in flight
on it fails with CANCELLED."""

import asyncio
import threading

import grpc
from fabric_protos.gateway import gateway_pb2

from client.gateway import EvaluateError, connect, connect_async, private_key_signer
from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"


class HeldSubmit(Servicer):
    """Submit answers once released; ``arrived`` is set when it reached the server."""

    def __init__(self):
        super().__init__()
        self.arrived = threading.Event()

    def Submit(self, request, context):
        self.arrived.set()
        self.release.wait(30)
        return gateway_pb2.SubmitResponse()


def _proposal(gateway):
    return gateway.get_network(CHANNEL).get_contract("receivables").new_proposal(
        "Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])


def _served():
    servicer = HeldSubmit()
    server, port = start_server(servicer)
    return servicer, server, f"127.0.0.1:{port}"


def test_a_submit_in_flight_when_the_gateway_closes_gets_its_answer(credentials):
    key, identity = credentials
    servicer, server, address = _served()
    channel = grpc.insecure_channel(address)
    try:
        gateway = connect(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
        transaction = _proposal(gateway).endorse()
        outcome = {}

        def submit():
            try:
                outcome["submitted"] = transaction.submit()
            except Exception as error:  # noqa: BLE001 - reported below
                outcome["failed"] = error

        submitting = threading.Thread(target=submit)
        submitting.start()
        assert servicer.arrived.wait(10)
        gateway.close()
        servicer.release.set()
        submitting.join(10)
        assert outcome["submitted"].transaction_id == transaction.transaction_id
        try:
            _proposal(gateway).evaluate()
        except EvaluateError as refused:
            assert (refused.code, refused.sent) == (grpc.StatusCode.CANCELLED, False)
        else:
            raise AssertionError("a call after close() was made")
    finally:
        channel.close()
        server.stop(None)


def test_an_async_submit_in_flight_when_the_gateway_closes_gets_its_answer(credentials):
    key, identity = credentials
    servicer, server, address = _served()

    async def main():
        channel = grpc.aio.insecure_channel(address)
        try:
            gateway = connect_async(grpc_channel=channel, identity=identity, signer=private_key_signer(key))
            transaction = await _proposal(gateway).endorse()
            submitting = asyncio.ensure_future(transaction.submit())
            assert await asyncio.to_thread(servicer.arrived.wait, 10)
            await gateway.close()
            servicer.release.set()
            return (await submitting).transaction_id == transaction.transaction_id
        finally:
            await channel.close()

    try:
        assert asyncio.run(main())
    finally:
        servicer.release.set()
        server.stop(None)
