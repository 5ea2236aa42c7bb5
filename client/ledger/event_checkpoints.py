"""Whether a chaincode events checkpoint can be resumed from, asked of the own org's peer before resuming.

Resuming from a checkpoint's transaction, the Gateway starts at the block its ledger holds that transaction in and
passes over every chaincode event until it meets that transaction's (Fabric's ``chaincodeEventMatcher``). A
transaction that emitted no chaincode event is never met: one that committed as invalid (its events are dropped
with it, as in a block of only invalid transactions), or a valid one whose chaincode set no event. Resumed from a
checkpoint naming one, the stream gives no event, ever, and no error. ``checkpoint_chaincode_event(event)`` only
ever records a transaction that emitted one; ``checkpoint_transaction(block_number, transaction_id)``, or a
checkpoint file written by other means, may name any.
"""
from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_event_pb2, transaction_pb2
from google.protobuf.message import DecodeError

from ..gateway import holds_position
from ..gateway._events import check_checkpoint
from ..gateway._transaction import chaincode_action_of
from ..gateway._twins import Steps, awaiting, blocking
from .qscc import (LedgerReadError, _block_answer, ask_own_org, checked_channel, decoded, enum_name,
                   not_on_ledger, position_in_block, validation_flags)


class CheckpointNotResumable(ValueError):
    """A chaincode events checkpoint whose transaction the Gateway would never meet, or that its ledger holds in
    another block than the checkpoint says: resumed from it, the stream would give no event, ever, or skip or
    replay the events between the two blocks. ``channel``, ``block_number`` and ``transaction_id`` are the
    checkpoint's, ``reason`` what the peer's ledger says of its transaction and ``resume_block`` the block to
    resume from instead with ``start_block`` (that block's events come again: handle them as repeats)."""

    def __init__(self, *, channel: str, block_number: int, transaction_id: str, reason: str,
                 resume_block: int) -> None:
        self.channel, self.block_number, self.transaction_id = channel, block_number, transaction_id
        self.reason, self.resume_block = reason, resume_block
        super().__init__(
            f"the checkpoint at block {block_number}, transaction {transaction_id}, of channel {channel} cannot be "
            f"resumed from: {reason}. Resume with start_block={resume_block} and a new checkpointer (the events of "
            f"block {resume_block} come again: handle them as repeats), and checkpoint each event with "
            "checkpoint_chaincode_event(event)")

    def __reduce__(self):
        return _rebuilt, (type(self), self.__dict__)


def _rebuilt(cls, fields: dict) -> CheckpointNotResumable:
    error = cls(**{name: fields[name] for name in ("channel", "block_number", "transaction_id", "reason",
                                                   "resume_block")})
    error.__dict__.update(fields)
    return error


def _emits_chaincode_event(envelope: common_pb2.Envelope, tx_id: str) -> bool:
    """Whether a transaction carries a chaincode event as Fabric's event iterator reads one (an event with a
    chaincode, a name and a transaction ID, in one of its actions) that the Gateway's matcher meets: one whose
    transaction ID is ``tx_id``, as the matcher compares the event's own ID, not its transaction's."""
    payload = decoded(common_pb2.Payload, envelope.payload, "the checkpoint's transaction's payload")
    try:
        transaction = transaction_pb2.Transaction.FromString(payload.data)
    except (DecodeError, RuntimeError):   # the protobuf backend raises either: no transaction, no event
        return False
    for action in transaction.actions:
        try:
            endorsed = transaction_pb2.ChaincodeActionPayload.FromString(action.payload).action
            event = chaincode_event_pb2.ChaincodeEvent.FromString(chaincode_action_of(endorsed).events)
        except (DecodeError, RuntimeError):   # an action Fabric's iterator cannot read gives it no event either
            continue
        if event.chaincode_id and event.event_name and event.tx_id == tx_id:
            return True
    return False


def check_chaincode_events_checkpoint_steps(qscc, msp_id: str, channel: str, checkpoint) -> Steps[None]:
    """The steps of :func:`check_chaincode_events_checkpoint`, for a body that runs sync or async."""
    # what events() would resume from, checked as it checks it, before anything is asked: a path or a position given
    # in place of the checkpointer, a closed file's, a transaction ID with no block or of another kind than Fabric's
    check_checkpoint(checkpoint)
    checked_channel(channel)
    if not holds_position(checkpoint) or not checkpoint.transaction_id:
        return   # no transaction to meet: the stream starts at its block, start_block or the next commit
    tx_id = checkpoint.transaction_id
    with not_on_ledger(msp_id, channel, tx_id=tx_id):
        answer = yield ask_own_org(qscc, msp_id, "GetBlockByTxID", channel, tx_id)
    block = _block_answer(answer, f"the block of transaction {tx_id} on channel {channel}", msp_id)
    number, position = block.header.number, position_in_block(block, tx_id)
    if position is None:
        raise LedgerReadError(f"{msp_id}'s peer answered block {number} as the block of transaction {tx_id} on "
                              f"channel {channel}, and it holds no such transaction")

    def refused(reason: str, resume_block: int) -> CheckpointNotResumable:
        return CheckpointNotResumable(channel=channel, block_number=checkpoint.block_number, transaction_id=tx_id,
                                      reason=reason, resume_block=resume_block)

    if number != checkpoint.block_number:
        raise refused(f"{msp_id}'s peer holds that transaction in block {number}, and the Gateway would resume "
                      "there, skipping or replaying the events between the two blocks: the checkpoint was edited, "
                      "or is of another ledger", min(number, checkpoint.block_number))
    flags = validation_flags(block)
    code = flags[position] if position < len(flags) else transaction_pb2.NOT_VALIDATED
    if code != transaction_pb2.VALID:
        raise refused(f"that transaction committed as invalid "
                      f"({enum_name(transaction_pb2.TxValidationCode, code)}), so it emitted no chaincode event, and "
                      "the Gateway passes over every event until it meets that transaction's: resumed from it, the "
                      "stream would give no event, ever, and no error", number)
    envelope = decoded(common_pb2.Envelope, block.data.data[position], f"transaction {tx_id}")
    if not _emits_chaincode_event(envelope, tx_id):
        raise refused("that transaction emitted no chaincode event of its own, and the Gateway passes over every "
                      "event until it meets that transaction's: resumed from it, the stream would give no event, "
                      "ever, and no error", number)


check_chaincode_events_checkpoint = blocking(check_chaincode_events_checkpoint_steps)
check_chaincode_events_checkpoint.__name__ = check_chaincode_events_checkpoint.__qualname__ = \
    "check_chaincode_events_checkpoint"
check_chaincode_events_checkpoint.__doc__ = """Raise :class:`CheckpointNotResumable` where resuming chaincode events
of ``channel`` from ``checkpoint`` would give no event, ever (its transaction committed as invalid, or emitted no
chaincode event) or start at another block than it says, as the own org's peer (``msp_id``) holds its transaction;
:class:`~.qscc.NoSuchTransactionError` where that peer holds no such transaction (a checkpoint of another ledger,
whose resumed stream gives no event either). A checkpoint that names no transaction asks nothing. Before anything
is asked, a ``checkpoint`` that ``chaincode_events`` would refuse (a file's path or a block number given in its place,
a closed FileCheckpointer, a transaction ID with no block number) is refused as it refuses it, and a ``channel`` that
is no channel's name is a TypeError or ValueError naming it. ``qscc`` is the
Contract of chaincode ``qscc`` (``network.get_contract("qscc")``); of an AsyncNetwork:
:func:`check_chaincode_events_checkpoint_async`."""
check_chaincode_events_checkpoint_async = awaiting(check_chaincode_events_checkpoint_steps)
