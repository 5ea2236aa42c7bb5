"""`recfin events --checkpoint FILE` whose last event's transaction the peer's ledger does not hold: the Gateway
passes over every event until it meets that transaction (Fabric's chaincodeEventMatcher), so a checkpoint of
another ledger (a network set up anew, another network's) would have the follower print nothing, ever, without a
word. The command asks the peer first and refuses such a file, saying how to read this ledger's events."""

import json

import grpc
from click.testing import CliRunner

from cli.main import main
from client.gateway import ErrorDetail
from client.gateway._transport import TransportError
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

TX = "bb" * 32


def _checkpoint(tmp_path):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 6, "transactionId": TX}))
    return path


def _not_on_this_ledger(tx_id: str) -> TransportError:
    """qscc's answer, through the Gateway, for a transaction its peer's ledger does not hold."""
    said = f"chaincode response 500, Failed to get transaction with id {tx_id}, error no such transaction ID [{tx_id}]"
    return TransportError(grpc.StatusCode.UNKNOWN, f"evaluate call to endorser returned error: {said}",
                          [ErrorDetail("peer0.org1.example.com:7051", "Org1MSP", said)])


def test_a_checkpoint_whose_transaction_the_ledger_does_not_hold_is_refused_before_the_stream(
        tmp_path, over_a_gateway):
    path = _checkpoint(tmp_path)
    transport = FakeTransport()
    transport.fail["evaluate"] = _not_on_this_ledger(TX)
    transport.event_responses = [_events_at(7, "cc" * 32)]
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert refused.exit_code == 1, refused.output
    line = refused.output.splitlines()[-1]
    assert line.startswith(f"Error: {path} resumes after transaction {TX} of block 6, which the peer's ledger of "
                           "channel receivables-channel does not hold"), line
    assert "would print none" in line and "--start-block 0" in line, line
    assert transport.requests("chaincode_events") == []   # no stream asked for
    assert json.loads(path.read_text()) == {"blockNumber": 6, "transactionId": TX}   # the file as it was


def test_a_checkpoint_whose_transaction_the_ledger_holds_resumes_after_it(tmp_path, over_a_gateway):
    path = _checkpoint(tmp_path)
    transport = FakeTransport()   # qscc answers with the block of the transaction, which emitted an event
    transport.result = block(6, (transaction(TX, event=True), 0))
    transport.event_responses = [_events_at(7, "cc" * 32)]
    over_a_gateway(transport)
    resumed = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert resumed.exit_code == 0, resumed.output
    assert len(transport.requests("chaincode_events")) == 1
    assert json.loads(path.read_text())["blockNumber"] == 7


def test_a_peer_that_cannot_answer_the_question_leaves_the_stream_to_say_what_it_meets(tmp_path, over_a_gateway):
    """Only the peer's answer that it holds no such transaction says the file is of another ledger: a read refused
    or unanswered says nothing of it, and the stream asked next meets the same peer."""
    path = _checkpoint(tmp_path)
    transport = FakeTransport()
    transport.fail["evaluate"] = TransportError(grpc.StatusCode.PERMISSION_DENIED, "access denied", [])
    transport.event_responses = [_events_at(7, "cc" * 32)]
    over_a_gateway(transport)
    resumed = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert resumed.exit_code == 0, resumed.output
