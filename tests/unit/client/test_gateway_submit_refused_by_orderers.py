"""A Submit every orderer refused (the Raft cluster without a leader) was not ordered; one whose outcome is unknown
(an orderer's stream broken after the send, a deadline, the connection lost) may have been.

The answers are Fabric's Gateway's on a Raft channel (internal/pkg/gateway/submit.go, submitNonBFT): it tries
each orderer in turn; an orderer's status other than SUCCESS and not 4xx (SERVICE_UNAVAILABLE with "no Raft
leader", from the orderer's broadcast handler when its Order step fails) makes it try the next one and adds no
detail; a failed broadcast call adds one. When none took it: UNAVAILABLE, "no orderers could successfully
process transaction". They are sent here by a real gRPC server, status details in the trailers.
"""

from concurrent import futures

import grpc
import pytest
from google.protobuf import any_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc

from bench import outcomes
from client.gateway import SubmitError, connect, private_key_signer
from .gateway_fakes import prepared_envelope, rpc_status

CHANNEL = "receivables-channel"
NONE_TOOK_IT = "no orderers could successfully process transaction"
ORDERERS = ("orderer0.example.com:7050", "orderer1.example.com:8050", "orderer2.example.com:9050")
DIAL_REFUSED = ('rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: '
                'dial tcp 172.18.0.4:7050: connect: connection refused"')


class Gateway(gateway_pb2_grpc.GatewayServicer):
    """Endorses anything; answers Submit with ``code``, ``message`` and one ErrorDetail per (orderer, words)."""

    def __init__(self, code, message, details):
        self.answer = code, message, details
        self.submits = 0

    def Endorse(self, request, context):
        envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, b"ok")
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def Submit(self, request, context):
        self.submits += 1
        code, message, details = self.answer
        packed = []
        for address, words in details:
            entry = any_pb2.Any()
            entry.Pack(gateway_pb2.ErrorDetail(address=address, msp_id="OrdererMSP", message=words))
            packed.append(entry)
        context.set_trailing_metadata((("grpc-status-details-bin", rpc_status(code.value[0], message, packed)),))
        context.abort(code, message)


def submit_failure(credentials, code, message, details=()):
    servicer = Gateway(code, message, details)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    gateway_pb2_grpc.add_GatewayServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    key, identity = credentials
    try:
        with connect(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            contract = gateway.get_network(CHANNEL).get_contract("receivables")
            with pytest.raises(SubmitError) as caught:
                contract.submit_transaction("Transfer", "R-1", "91350100M000100Y43")
    finally:
        server.stop(None)
    assert servicer.submits == 1
    return caught.value


REFUSED = {
    # every orderer answered SERVICE_UNAVAILABLE ("no Raft leader"): the Gateway names none of them
    "all answered no leader": (NONE_TOOK_IT, ()),
    # the killed leader could not be dialled, the other two answered "no Raft leader"
    "leader down, the rest no leader": (NONE_TOOK_IT, ((ORDERERS[0], DIAL_REFUSED),)),
    "none reachable": (NONE_TOOK_IT, tuple((orderer, DIAL_REFUSED) for orderer in ORDERERS)),
    # the Gateway knew no orderer for the channel: it sent nothing
    "no orderer known": ("no orderer nodes available", ()),
}

UNKNOWN = {
    # an orderer's stream broke after the transaction was sent to it: it may have taken it
    "stream broken after the send": (NONE_TOOK_IT, ((ORDERERS[0], DIAL_REFUSED),
                                                    (ORDERERS[1], "rpc error: code = Unavailable desc = error "
                                                                  "reading from server: EOF"))),
    # an orderer gave no answer within the Gateway's broadcast timeout
    "an orderer's deadline": (NONE_TOOK_IT, ((ORDERERS[2], "rpc error: code = DeadlineExceeded desc = context "
                                                           "deadline exceeded"),)),
    # a BFT channel short of a quorum: some orderers may have taken it
    "BFT quorum not met": ("insufficient number of orderers could successfully process transaction to satisfy "
                           "quorum requirement", ()),
}


@pytest.mark.parametrize("message, details", REFUSED.values(), ids=REFUSED.keys())
def test_a_submit_every_orderer_refused_was_not_ordered(credentials, message, details):
    error = submit_failure(credentials, grpc.StatusCode.UNAVAILABLE, message, details)
    assert (error.code, error.message, len(error.details), error.sent) == (
        grpc.StatusCode.UNAVAILABLE, message, len(details), True)
    assert error.may_have_been_ordered is False
    assert "No orderer took it, so it cannot commit" in error.advice and "may still commit" not in str(error)
    assert outcomes.classify(error).cause == outcomes.ORDERING


@pytest.mark.parametrize("message, details", UNKNOWN.values(), ids=UNKNOWN.keys())
def test_a_submit_an_orderer_may_have_taken_may_have_been_ordered(credentials, message, details):
    error = submit_failure(credentials, grpc.StatusCode.UNAVAILABLE, message, details)
    assert error.may_have_been_ordered is True
    assert error.advice.startswith("It may still commit") and "No orderer took it" not in str(error)
    assert outcomes.classify(error).cause == outcomes.ORDERING_UNKNOWN


def test_a_submit_whose_deadline_passed_may_have_been_ordered(credentials):
    error = submit_failure(credentials, grpc.StatusCode.DEADLINE_EXCEEDED,
                           "submit timeout expired while broadcasting to ordering service")
    assert error.may_have_been_ordered is True
    assert outcomes.classify(error).cause == outcomes.TIMEOUT


def test_a_submit_whose_connection_was_lost_after_the_send_may_have_been_ordered(credentials):
    # the Gateway peer's words are gRPC's own, with no orderer named: nothing tells what became of it
    error = SubmitError("Socket closed", transaction_id="ab" * 32, code=grpc.StatusCode.UNAVAILABLE)
    assert error.may_have_been_ordered is True
    assert outcomes.classify(error).cause == outcomes.ORDERING_UNKNOWN
