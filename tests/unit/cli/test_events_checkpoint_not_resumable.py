"""`recfin events --checkpoint FILE` whose last event's transaction the peer's ledger holds, but as one the follower
cannot resume after: committed as invalid or emitting no chaincode event (the Gateway passes over every event until
it meets that transaction's, so the follower would print nothing, ever), or in another block than the file says (it
would skip or replay the events between). The command refuses the file before the stream is asked for, with one
line in its own words: the file, why, and the --start-block to run again with; not the SDK's (start_block=, a new
checkpointer). A peer whose answer is no block is refused naming the file too."""

import json

import pytest
from click.testing import CliRunner
from fabric_protos.peer import transaction_pb2

from cli.main import main
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

TX = "bb" * 32
CHECKPOINT = {"blockNumber": 6, "transactionId": TX}


def _refused(tmp_path, over_a_gateway, qscc_answer: bytes):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps(CHECKPOINT))
    transport = FakeTransport()
    transport.result = qscc_answer   # qscc GetBlockByTxID's answer
    transport.event_responses = [_events_at(7, "cc" * 32)]
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert refused.exit_code == 1, refused.output
    assert transport.requests("chaincode_events") == []   # no stream asked for
    assert json.loads(path.read_text()) == CHECKPOINT   # the file as it was
    lines = refused.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), refused.output
    line = lines[0]
    assert "start_block=" not in line and "checkpointer" not in line, line   # the SDK's words
    return path, line


@pytest.mark.parametrize("answer, why", [
    (block(6, (transaction(TX, event=True), transaction_pb2.MVCC_READ_CONFLICT)),
     "that transaction committed as invalid (MVCC_READ_CONFLICT), so it emitted no chaincode event"),
    (block(6, (transaction(TX, event=False), 0)), "that transaction emitted no chaincode event of its own"),
], ids=["committed-invalid", "emitted-no-event"])
def test_a_checkpoint_at_a_transaction_that_emitted_no_event_is_refused_naming_the_block_to_start_from(
        tmp_path, over_a_gateway, answer, why):
    path, line = _refused(tmp_path, over_a_gateway, answer)
    assert line.startswith(f"Error: {path} resumes after transaction {TX} of block 6, which cannot be resumed from "
                           f"on channel receivables-channel: {why}"), line
    assert "the stream would give no event, ever" in line, line
    assert line.endswith(f"move the file away and run again with --start-block 6 --checkpoint {path} (the events "
                         "of block 6 come again: a consumer keyed by tx_id takes them once)"), line


def test_a_checkpoint_whose_transaction_is_in_another_block_is_refused_naming_the_earlier_block(
        tmp_path, over_a_gateway):
    path, line = _refused(tmp_path, over_a_gateway, block(4, (transaction(TX, event=True), 0)))
    assert line.startswith(f"Error: {path} resumes after transaction {TX} of block 6, which cannot be resumed from "
                           "on channel receivables-channel: "), line
    assert "holds that transaction in block 4" in line and "skipping or replaying the events" in line, line
    assert "run again with --start-block 4 --checkpoint" in line, line


def test_a_peer_whose_answer_is_no_block_is_refused_naming_the_file(tmp_path, over_a_gateway):
    path, line = _refused(tmp_path, over_a_gateway, b"\x08\x01")
    assert line.startswith(f"Error: {path} could not be checked against the peer's ledger before resuming: "), line
    assert "is no block" in line and "run the same command again" in line, line
