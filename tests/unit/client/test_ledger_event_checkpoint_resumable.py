"""check_chaincode_events_checkpoint asks the own org's peer (qscc GetBlockByTxID) whether resuming chaincode events
from a checkpoint would give events. The Gateway passes over every event until it meets the checkpoint transaction's
(Fabric's chaincodeEventMatcher): a checkpoint naming a transaction that committed as invalid (as in a block of only
invalid transactions) or emitted no event gives no event, ever, and no error; one whose transaction the ledger holds
in another block resumes there, skipping or replaying the events between. Each is a CheckpointNotResumable naming
the block to resume from with start_block; a transaction the ledger does not hold, a NoSuchTransactionError."""
from __future__ import annotations

import asyncio
import pickle

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_event_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

from client.gateway import InMemoryCheckpointer
from client.gateway.errors import EvaluateError
from client.ledger.event_checkpoints import (CheckpointNotResumable, check_chaincode_events_checkpoint,
                                             check_chaincode_events_checkpoint_async)
from client.ledger.qscc import NoSuchTransactionError
from .test_ledger_block_by_number import AnsweringQscc, AwaitedQscc

CHANNEL, OWN_ORG = "receivables", "BankMSP"
TX, OTHER = "ab" * 32, "cd" * 32


def transaction(tx_id: str, *, event: bool, event_tx_id: str | None = None) -> bytes:
    """A transaction envelope as a block holds it, its chaincode action carrying a chaincode event (of transaction
    ``event_tx_id``, its own by default, as the endorsing peer sets it) or none."""
    emitted = chaincode_event_pb2.ChaincodeEvent(chaincode_id="receivables", tx_id=event_tx_id or tx_id,
                                                 event_name="Registered", payload=b"{}") if event else None
    action = proposal_pb2.ChaincodeAction(events=emitted.SerializeToString() if emitted else b"")
    response_payload = proposal_response_pb2.ProposalResponsePayload(extension=action.SerializeToString())
    endorsed = transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response_payload.SerializeToString())
    action_payload = transaction_pb2.ChaincodeActionPayload(action=endorsed)
    tx = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        payload=action_payload.SerializeToString())])
    header = common_pb2.ChannelHeader(type=common_pb2.ENDORSER_TRANSACTION, channel_id=CHANNEL, tx_id=tx_id)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()),
                                 data=tx.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def block(number: int, *transactions: tuple[bytes, int]) -> bytes:
    """Block ``number`` holding ``transactions``, each with the validation code the committing peer gave it."""
    stored = common_pb2.Block(header=common_pb2.BlockHeader(number=number, data_hash=b"d"))
    stored.data.data.extend(envelope for envelope, _ in transactions)
    stored.metadata.metadata.extend([b"", b"", bytes(code for _, code in transactions)])
    return stored.SerializeToString()


def checkpoint(block_number: int, tx_id: str | None) -> InMemoryCheckpointer:
    held = InMemoryCheckpointer()
    held.checkpoint_transaction(block_number, tx_id)
    return held


def test_a_checkpoint_of_a_valid_transaction_that_emitted_an_event_is_resumable():
    qscc = AnsweringQscc(block(7, (transaction(OTHER, event=True), 0), (transaction(TX, event=True), 0)))
    assert check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX)) is None
    assert qscc.asked == [("GetBlockByTxID", (CHANNEL, TX), [OWN_ORG])]


def test_a_transaction_of_a_block_of_only_invalid_transactions_is_refused_naming_the_block_to_resume_from():
    qscc = AnsweringQscc(block(7, (transaction(OTHER, event=True), transaction_pb2.MVCC_READ_CONFLICT),
                               (transaction(TX, event=True), transaction_pb2.MVCC_READ_CONFLICT)))
    with pytest.raises(CheckpointNotResumable) as refused:
        check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX))
    error = refused.value
    assert (error.channel, error.block_number, error.transaction_id, error.resume_block) == (CHANNEL, 7, TX, 7)
    assert "committed as invalid (MVCC_READ_CONFLICT), so it emitted no chaincode event" in str(error)
    assert "the stream would give no event, ever, and no error" in str(error)
    assert "Resume with start_block=7 and a new checkpointer" in str(error)
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is CheckpointNotResumable and str(copied) == str(error)


def test_a_valid_transaction_that_emitted_no_event_is_refused():
    qscc = AnsweringQscc(block(7, (transaction(TX, event=False), 0)))
    with pytest.raises(CheckpointNotResumable, match="that transaction emitted no chaincode event"):
        check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX))


def test_a_transaction_the_ledger_holds_in_another_block_is_refused():
    qscc = AnsweringQscc(block(9, (transaction(TX, event=True), 0)))
    with pytest.raises(CheckpointNotResumable, match="holds that transaction in block 9") as refused:
        check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX))
    assert refused.value.resume_block == 7      # the earlier: replaying is safe, skipping is not


def test_a_transaction_the_ledger_does_not_hold_is_a_no_such_transaction_error():
    refused = EvaluateError(f"evaluate call to endorser returned error: chaincode response 500, Failed to get block "
                            f"for txID {TX}, error no such transaction ID [{TX}] in index", transaction_id="q",
                            code=grpc.StatusCode.UNKNOWN)
    with pytest.raises(NoSuchTransactionError):
        check_chaincode_events_checkpoint(AnsweringQscc(refused), OWN_ORG, CHANNEL, checkpoint(7, TX))


@pytest.mark.parametrize("held", [None, InMemoryCheckpointer(), checkpoint(0, None), checkpoint(7, None)],
                         ids=["none", "empty", "block 0", "a whole block"])
def test_a_checkpoint_that_names_no_transaction_asks_nothing(held):
    qscc = AnsweringQscc(b"")
    check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, held)
    assert qscc.asked == []


def test_the_async_twin_refuses_alike():
    qscc = AwaitedQscc(block(7, (transaction(TX, event=True), transaction_pb2.ENDORSEMENT_POLICY_FAILURE)))
    with pytest.raises(CheckpointNotResumable, match="ENDORSEMENT_POLICY_FAILURE"):
        asyncio.run(check_chaincode_events_checkpoint_async(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX)))


def test_a_valid_transaction_whose_event_names_another_transaction_is_refused():
    # Fabric's matcher compares the event's own transaction ID with the checkpoint's: an event naming another one
    # (endorsed so by peers that did not set it) is never met, and the stream stays silent as for no event at all
    qscc = AnsweringQscc(block(7, (transaction(TX, event=True, event_tx_id=OTHER), 0)))
    with pytest.raises(CheckpointNotResumable, match="emitted no chaincode event"):
        check_chaincode_events_checkpoint(qscc, OWN_ORG, CHANNEL, checkpoint(7, TX))
