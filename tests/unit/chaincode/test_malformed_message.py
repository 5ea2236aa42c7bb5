"""Bytes from the peer that do not parse as a ChaincodeMessage end that stream with INVALID_ARGUMENT, naming the
malformed message, and one log line saying so: not gRPC's traceback of an unexpected error, nor status UNKNOWN. The
transaction running on the stream goes with it; the server serves the next stream."""

import asyncio
import json
import logging

import grpc
import pytest
from fabric_protos.peer import chaincode_pb2, proposal_response_pb2

from chaincode.feature_contract import FeatureContract

from .peer_double import CALLER, TIMEOUT, Msg, PeerSide, running_server

# a KEEPALIVE followed by a txid (field 4) that is not UTF-8, and bytes that are no message at all
NOT_UTF8_TXID = Msg(type=Msg.KEEPALIVE).SerializeToString() + b"\x22\x02\xff\xfe"


@pytest.mark.parametrize("malformed", [b"\xff\xff\xff", NOT_UTF8_TXID], ids=["garbage", "txid-not-utf8"])
async def test_a_message_that_does_not_parse_ends_its_stream_as_invalid_argument(malformed, caplog):
    caplog.set_level(logging.INFO)
    async with running_server([FeatureContract()]) as port:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.stream_stream("/protos.Chaincode/Connect", request_serializer=lambda raw: raw,
                                         response_deserializer=Msg.FromString)()
            assert (await call.read()).type == Msg.REGISTER
            await call.write(Msg(type=Msg.REGISTERED).SerializeToString())
            await call.write(Msg(type=Msg.READY).SerializeToString())
            await call.write(Msg(type=Msg.TRANSACTION, txid="t1", channel_id="c", payload=chaincode_pb2.ChaincodeInput(
                args=[b"features:GetState", b"k"]).SerializeToString()).SerializeToString())
            assert (await call.read()).type == Msg.GET_STATE     # a transaction runs on the stream
            await call.write(malformed)
            with pytest.raises(grpc.aio.AioRpcError):
                await asyncio.wait_for(call.read(), TIMEOUT)
            assert await call.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert (await call.details()).startswith("malformed ChaincodeMessage from the peer: ")
        async with PeerSide.connect(port) as peer:   # the server serves on
            await peer.start("t2", "features:WhoAmI")
            response = proposal_response_pb2.Response.FromString((await peer.expect("t2", Msg.COMPLETED)).payload)
            assert json.loads(response.payload)["msp_id"] == CALLER.msp_id
    assert not [r for r in caplog.records if r.exc_info or "Unexpected" in r.getMessage()]
    [said] = [r for r in caplog.records if "malformed ChaincodeMessage" in r.getMessage()]
    assert said.levelno == logging.ERROR and said.getMessage().startswith("ending the chaincode stream: ")
