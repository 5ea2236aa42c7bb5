"""Typed errors, and the per-peer details decoded from google.rpc.Status."""

import copy
import pickle

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from google.protobuf import any_pb2

from client.gateway import (
    BlockWaitTimeoutError,
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    GatewayError,
    SubmitError,
    TransactionError,
    TransportError,
)
from client.gateway import errors as errors_module
from client.gateway._status import decode_error_details
from .gateway_fakes import _field, rpc_status


def packed(message) -> any_pb2.Any:
    wrapped = any_pb2.Any()
    wrapped.Pack(message)
    return wrapped


def test_decodes_one_detail_per_peer_and_ignores_other_types():
    other = any_pb2.Any(type_url="type.googleapis.com/google.rpc.DebugInfo", value=b"\x0a\x01x")
    status = rpc_status(
        10,
        "failed to endorse transaction",
        [
            packed(gateway_pb2.ErrorDetail(address="peer0.org1:7051", msp_id="Org1MSP", message="chaincode said no")),
            other,
            packed(gateway_pb2.ErrorDetail(address="peer0.org2:9051", msp_id="Org2MSP", message="timeout")),
        ],
    )
    assert decode_error_details(status) == (
        ErrorDetail("peer0.org1:7051", "Org1MSP", "chaincode said no"),
        ErrorDetail("peer0.org2:9051", "Org2MSP", "timeout"),
    )


def error_detail_of_bytes(address: bytes, msp_id: bytes, message: bytes) -> any_pb2.Any:
    """A gateway.ErrorDetail encoded by hand, as a peer may send it: its strings any bytes at all."""
    encoded = _field(1, 2, address) + _field(2, 2, msp_id) + _field(3, 2, message)
    return any_pb2.Any(type_url="type.googleapis.com/gateway.ErrorDetail", value=encoded)


def test_a_detail_not_in_utf8_is_kept_decoded_with_replacement_characters_saying_so():
    # which peer refused, and why, is still worth reading where a few of its bytes are not text
    status = rpc_status(10, "failed to endorse transaction", [
        error_detail_of_bytes(b"peer0.org1:7051", b"Org1MSP", b"chaincode said no: \xff\xfeR-1"),
        error_detail_of_bytes(b"peer0.\xc3org2:9051", b"Org2MSP", b"timeout"),
    ])
    first, second = decode_error_details(status)
    assert (first.address, first.msp_id) == ("peer0.org1:7051", "Org1MSP")
    assert first.message.startswith("chaincode said no: \ufffd\ufffdR-1")
    assert "message not valid UTF-8" in first.message
    assert (second.address, second.msp_id) == ("peer0.\ufffdorg2:9051", "Org2MSP")
    assert second.message.startswith("timeout") and "address not valid UTF-8" in second.message


def test_undecodable_status_gives_no_details():
    assert decode_error_details(b"\xff\xff\xff") == ()
    assert decode_error_details(rpc_status(2, "no details", [])) == ()


@pytest.mark.parametrize(
    "method, error_type, call",
    [
        ("evaluate", EvaluateError, lambda c: c.evaluate_transaction("Get", "R-1")),
        ("endorse", EndorseError, lambda c: c.submit_transaction("Confirm", "R-1")),
        ("submit", SubmitError, lambda c: c.submit_transaction("Confirm", "R-1")),
        ("commit_status", CommitStatusError, lambda c: c.submit_transaction("Confirm", "R-1")),
    ],
)
def test_each_phase_raises_its_error_with_tx_id_code_and_details(contract, transport, method, error_type, call):
    details = [ErrorDetail("orderer0:7050", "OrdererMSP", "service unavailable")]
    transport.fail[method] = TransportError(grpc.StatusCode.UNAVAILABLE, "phase failed", details)
    with pytest.raises(error_type) as caught:
        call(contract)
    error = caught.value
    sent = transport.calls[0][1]
    assert error.transaction_id == sent.transaction_id
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert error.details == tuple(details)
    assert "orderer0:7050" in str(error) and sent.transaction_id in str(error)
    assert isinstance(error.__cause__, TransportError)


def test_hierarchy():
    for error_type in (EvaluateError, EndorseError, SubmitError, CommitStatusError, CommitError):
        assert issubclass(error_type, TransactionError)
    assert issubclass(TransactionError, GatewayError)
    for name in ("EndorseError", "SubmitError", "CommitStatusError", "CommitError", "GatewayError"):
        assert name in errors_module.__doc__


@pytest.mark.parametrize(
    "error",
    [
        GatewayError("stream failed", code=grpc.StatusCode.ABORTED, details=[ErrorDetail("p0:7051", "Org1MSP", "no")]),
        EndorseError("failed to endorse", transaction_id="ab" * 32, code=grpc.StatusCode.ABORTED,
                     details=[ErrorDetail("p1:9051", "Org2MSP", "chaincode said no")]),
        CommitStatusError("deadline", transaction_id="cd" * 32, code=grpc.StatusCode.DEADLINE_EXCEEDED),
        CommitError(transaction_id="ef" * 32, validation_code=11, block_number=5),
        BlockWaitTimeoutError(channel="receivables-channel", block_number=9, address="peer0:7051", timeout=2.5),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_survive_pickling_and_copying_with_every_field(error):
    # A ProcessPool worker's error comes back pickled: one that cannot be rebuilt breaks the pool.
    for twin in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(twin) is type(error)
        assert vars(twin) == vars(error) and str(twin) == str(error) and twin.args == error.args


def test_a_detail_without_an_msp_id_or_address_says_so():
    # "peer0:7051 (): ..." reads as a field lost on the way; the peer (or the SDK, for the Gateway peer's own
    # answer) gave none
    assert str(ErrorDetail("peer0.org1:7051", "", "chaincode response 500, no")) == (
        "peer0.org1:7051 (MSP ID not known): chaincode response 500, no")
    assert str(ErrorDetail("", "", "chaincode response 0, ")) == (
        "address not known (MSP ID not known): chaincode response 0, ")
    assert str(ErrorDetail("peer0.org1:7051", "Org1MSP", "no")) == "peer0.org1:7051 (Org1MSP): no"
