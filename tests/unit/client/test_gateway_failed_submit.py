"""After a failed submit: whether the transaction may have been ordered, and asking its commit status by ID; after a
submit whose commit status could not be obtained, the endorsed result."""

import asyncio

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import errors as errors_module
from client.gateway import (
    AsyncCommit,
    Commit,
    CommitStatusError,
    SubmitError,
    TransportError,
    connect,
    private_key_signer,
)
from .gateway_fakes import FakeTransport, verify
from .test_gateway_async import async_gateway

CHANNEL = "receivables-channel"

# What Fabric's Gateway answers Submit with (internal/pkg/gateway/api.go) once it may have handed the transaction on.
MAY_HAVE_BEEN_ORDERED = [
    (grpc.StatusCode.DEADLINE_EXCEEDED, "submit timeout expired while broadcasting to ordering service"),
    (grpc.StatusCode.UNAVAILABLE, "insufficient number of orderers could successfully process transaction to "
                                  "satisfy quorum requirement"),
    (grpc.StatusCode.CANCELLED, "the connection dropped"),
    (grpc.StatusCode.UNKNOWN, "stream reset"),
    (None, "no gRPC status"),
    # an orderer refused it, after an earlier one, tried first, may have taken it before its connection dropped
    (grpc.StatusCode.ABORTED, "received unsuccessful response from orderer: status=BAD_REQUEST"),
]
# ... and when it says that no orderer took it.
NOT_ORDERED = [
    (grpc.StatusCode.INVALID_ARGUMENT, "prepared transaction must be signed"),
    (grpc.StatusCode.FAILED_PRECONDITION, "channel not found"),
    (grpc.StatusCode.PERMISSION_DENIED, "access denied"),
    (grpc.StatusCode.UNAUTHENTICATED, "no credentials"),
    (grpc.StatusCode.UNIMPLEMENTED, "no Gateway service"),
    # every orderer tried answered with a refusal (no Raft leader), none named in details: see
    # test_gateway_submit_refused_by_orderers for the details that leave it possibly ordered
    (grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process transaction"),
    (grpc.StatusCode.UNAVAILABLE, "no orderer nodes available"),
]


@pytest.mark.parametrize("code, message", MAY_HAVE_BEEN_ORDERED + NOT_ORDERED)
def test_a_submit_error_says_whether_the_transaction_may_have_been_ordered(code, message):
    error = SubmitError(message, transaction_id="ab" * 32, code=code)
    assert error.may_have_been_ordered is ((code, message) in MAY_HAVE_BEEN_ORDERED)


def test_the_errors_documentation_no_longer_says_a_submit_error_was_refused():
    for text in (SubmitError.__doc__, errors_module.__doc__):
        assert "not accepted" not in text and "did not accept" not in text and "may_have_been_ordered" in text


def test_after_a_submit_that_timed_out_the_network_asks_the_commit_status_of_its_transaction(contract, gateway,
                                                                                              transport, credentials):
    key, identity = credentials
    transport.fail["submit"] = TransportError(grpc.StatusCode.DEADLINE_EXCEEDED, "submit timeout expired")
    with pytest.raises(SubmitError) as caught:
        contract.submit_transaction("Transfer", "R-1", "91350100M000100Y43")
    assert caught.value.may_have_been_ordered

    commit = gateway.get_network(CHANNEL).new_commit(caught.value.transaction_id)
    assert isinstance(commit, Commit) and commit.transaction_id == caught.value.transaction_id
    status = commit.status(timeout=2.5)

    assert (status.transaction_id, status.block_number, status.successful) == (caught.value.transaction_id, 7, True)
    (request, timeout) = [(r, t) for name, r, t in transport.calls if name == "commit_status"][0]
    inner = gateway_pb2.CommitStatusRequest.FromString(request.request)
    assert (inner.transaction_id, inner.channel_id, inner.identity) == (
        caught.value.transaction_id, CHANNEL, identity.serialize())
    verify(key.public_key(), request.signature, request.request)
    assert timeout == 2.5
    assert gateway.get_network(CHANNEL).last_committed_block == 7


def test_a_commit_by_transaction_id_reports_an_invalid_transaction_and_a_status_the_peer_cannot_give(gateway,
                                                                                                    transport):
    network = gateway.get_network(CHANNEL)
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    assert network.new_commit("cd" * 32).status().code_name == "MVCC_READ_CONFLICT"

    transport.fail["commit_status"] = TransportError(grpc.StatusCode.DEADLINE_EXCEEDED, "no such transaction yet")
    with pytest.raises(CommitStatusError) as caught:
        network.new_commit("ef" * 32).status()
    assert caught.value.transaction_id == "ef" * 32


def test_a_commit_by_transaction_id_can_be_signed_elsewhere(credentials, transport):
    key, identity = credentials
    gateway = connect(identity=identity, transport=transport)     # no signer
    unsigned = gateway.get_network(CHANNEL).new_commit("ab" * 32)
    signed = gateway.new_signed_commit(unsigned.bytes, private_key_signer(key)(unsigned.digest))
    assert signed.status().transaction_id == "ab" * 32
    request = transport.requests("commit_status")[0]
    verify(key.public_key(), request.signature, request.request)


@pytest.mark.parametrize("transaction_id, error, words", [
    (b"ab" * 32, TypeError, "must be a str"),
    (None, TypeError, "must be a str"),
    ("R-1", ValueError, "not a Fabric transaction ID"),
    ("AB" * 32, ValueError, "not a Fabric transaction ID"),
    ("ab" * 31, ValueError, "not a Fabric transaction ID"),
])
def test_a_commit_needs_a_transaction_id_of_64_hex_digits(gateway, transport, transaction_id, error, words):
    with pytest.raises(error, match=words):
        gateway.get_network(CHANNEL).new_commit(transaction_id)
    assert transport.calls == []


def test_the_async_network_gives_an_async_commit(credentials):
    fake = FakeTransport()
    fake.fail["submit"] = TransportError(grpc.StatusCode.UNAVAILABLE, "no orderers could successfully process")

    async def main():
        network = async_gateway(credentials, fake).get_network(CHANNEL)
        with pytest.raises(SubmitError) as caught:
            await network.get_contract("receivables").submit_transaction("Confirm", "R-1")
        commit = network.new_commit(caught.value.transaction_id)
        assert isinstance(commit, AsyncCommit)
        return caught.value, await commit.status()

    error, status = asyncio.run(main())
    assert error.may_have_been_ordered and status.transaction_id == error.transaction_id and status.successful
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]


SUBMIT_CALLS = {
    "submit_transaction": lambda contract: contract.submit_transaction("Register", "R-1"),
    "submit": lambda contract: contract.submit("Register", arguments=["R-1"]),
}


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("call", SUBMIT_CALLS.values(), ids=SUBMIT_CALLS.keys())
def test_a_commit_status_that_failed_after_the_submit_keeps_the_endorsed_result(credentials, family, call):
    fake = FakeTransport()
    fake.result = b"R-000123"  # an ID the chaincode made: the transaction may still commit with it
    fake.fail["commit_status"] = TransportError(grpc.StatusCode.DEADLINE_EXCEEDED, "no block with it yet")
    key, identity = credentials

    async def from_async_gateway():
        await call(async_gateway(credentials, fake).get_network(CHANNEL).get_contract("receivables"))

    with pytest.raises(CommitStatusError) as caught:
        if family == "sync":
            gateway = connect(identity=identity, signer=private_key_signer(key), transport=fake)
            call(gateway.get_network(CHANNEL).get_contract("receivables"))
        else:
            asyncio.run(from_async_gateway())
    assert caught.value.result == b"R-000123"
    assert caught.value.transaction_id == fake.requests("submit")[0].transaction_id
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]


def test_a_commit_status_asked_by_itself_has_no_result_to_keep(gateway, transport):
    transport.fail["commit_status"] = TransportError(grpc.StatusCode.UNAVAILABLE, "peer gone")
    with pytest.raises(CommitStatusError) as caught:
        gateway.get_network(CHANNEL).new_commit("ab" * 32).status()
    assert caught.value.result is None
