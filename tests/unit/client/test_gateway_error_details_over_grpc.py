"""Each call's failure is its own typed error, with the transaction ID, the gRPC code and status message, and
one ErrorDetail per peer or orderer decoded from the ``grpc-status-details-bin`` trailer, in both families
(docs/sdk-gateway.md, "Errors"); an entry of that trailer that does not decode is passed over alone, the other
peers' entries kept. Over real HTTP/2 (grpc and grpc.aio) to an in-process Gateway server."""

import asyncio

import grpc
import pytest
from google.protobuf import any_pb2
from fabric_protos.gateway import gateway_pb2

from client.gateway import (CommitStatusError, EndorseError, ErrorDetail, EvaluateError, SubmitError, connect,
                            connect_async, private_key_signer)
from .gateway_fakes import Servicer, rpc_status, serving

CHANNEL = "receivables-channel"
DETAILS = (ErrorDetail("peer0.org1:7051", "Org1MSP", "chaincode response 500, no such receivable"),
           ErrorDetail("orderer0:7050", "OrdererMSP", "SERVICE_UNAVAILABLE"))


def _packed(detail: ErrorDetail) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(gateway_pb2.ErrorDetail(address=detail.address, msp_id=detail.msp_id, message=detail.message))
    return packed


CUT_SHORT = any_pb2.Any(type_url="type.googleapis.com/gateway.ErrorDetail", value=b"\x0a\x09peer1")
"""An ErrorDetail entry whose address field is cut short: it does not decode."""


class FailingServicer(Servicer):
    """Fails the call named ``failing`` with ``code``, the trailer holding DETAILS around an entry cut short."""

    def __init__(self, failing, code):
        super().__init__()
        self.failing, self.code = failing, code

    def _fail_if_failing(self, name, request, context):
        if name != self.failing:
            return
        self.seen.append((name, request, None, None))
        status = rpc_status(self.code.value[0], f"{name} failed", [_packed(DETAILS[0]), CUT_SHORT, _packed(DETAILS[1])])
        context.set_trailing_metadata((("grpc-status-details-bin", status),))
        context.abort(self.code, f"{name} failed")

    def Evaluate(self, request, context):
        self._fail_if_failing("evaluate", request, context)
        return super().Evaluate(request, context)

    def Endorse(self, request, context):
        self._fail_if_failing("endorse", request, context)
        return super().Endorse(request, context)

    def Submit(self, request, context):
        self._fail_if_failing("submit", request, context)
        return super().Submit(request, context)

    def CommitStatus(self, request, context):
        self._fail_if_failing("commit_status", request, context)
        return super().CommitStatus(request, context)


CALLS = {
    "evaluate": (EvaluateError, grpc.StatusCode.UNKNOWN),
    "endorse": (EndorseError, grpc.StatusCode.ABORTED),
    "submit": (SubmitError, grpc.StatusCode.UNAVAILABLE),
    "commit_status": (CommitStatusError, grpc.StatusCode.PERMISSION_DENIED),
}


def _call(contract, failing):
    if failing == "evaluate":
        return contract.evaluate_transaction("Get", "R-1")
    return contract.submit("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])


def _check(error, servicer, failing):
    error_type, code = CALLS[failing]
    assert type(error) is error_type
    assert error.code == code and error.message == f"{failing} failed"
    assert error.details == DETAILS
    assert error.transaction_id == servicer.seen[0][1].transaction_id


@pytest.fixture
def server(request):
    failing = request.param
    servicer = FailingServicer(failing, CALLS[failing][1])
    with serving(servicer) as target:
        yield servicer, target, failing


@pytest.mark.parametrize("server", list(CALLS), indirect=True)
def test_each_call_fails_with_its_typed_error_and_the_details_that_decode(server, credentials):
    servicer, target, failing = server
    key, identity = credentials
    with connect(target, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(CALLS[failing][0]) as caught:
            _call(gateway.get_network(CHANNEL).get_contract("receivables"), failing)
    _check(caught.value, servicer, failing)


@pytest.mark.parametrize("server", list(CALLS), indirect=True)
def test_the_async_client_over_grpc_aio_says_the_same(server, credentials):
    servicer, target, failing = server
    key, identity = credentials

    async def call():
        async with connect_async(target, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            contract = gateway.get_network(CHANNEL).get_contract("receivables")
            if failing == "evaluate":
                return await contract.evaluate_transaction("Get", "R-1")
            return await contract.submit("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])

    with pytest.raises(CALLS[failing][0]) as caught:
        asyncio.run(call())
    _check(caught.value, servicer, failing)
