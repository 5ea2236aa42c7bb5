"""check_chaincode_events_checkpoint refuses, before anything is asked, what chaincode_events would refuse to resume
from (a file's path or a block number in place of the checkpointer, a closed FileCheckpointer, a transaction ID of
no block or of another type) in the words chaincode_events uses, and a channel that is no name even where the
checkpoint names no transaction: a path was an AttributeError of Python's words, a transaction ID with no block
was taken as resumable, and an int one was refused as the argument "tx_id", which the caller never wrote."""
from __future__ import annotations

import pytest

from client.gateway import FileCheckpointer, InMemoryCheckpointer
from client.ledger.event_checkpoints import check_chaincode_events_checkpoint
from .test_ledger_block_by_number import AnsweringQscc

TX = "ab" * 32


class Position:
    """A checkpoint of the caller's own making (the Checkpoint protocol), holding what it was given."""

    def __init__(self, block_number, transaction_id) -> None:
        self.block_number, self.transaction_id = block_number, transaction_id


def closed_file_checkpointer(tmp_path) -> FileCheckpointer:
    held = FileCheckpointer(tmp_path / "events.json")
    held.checkpoint_transaction(3, TX)
    held.close()
    return held


@pytest.mark.parametrize("checkpoint, error, words", [
    ("state/events.json", TypeError, "is a str, not a checkpointer: give FileCheckpointer(path)"),
    (7, TypeError, "is a int, not a checkpointer"),
    (Position(3, 7), TypeError, "checkpoint.transaction_id 7: give a transaction ID (str) or None"),
    (Position(None, TX), ValueError, f"checkpoint.transaction_id '{TX}' comes with no block_number"),
    (Position("3", TX), ValueError, "checkpoint.block_number '3': give a block number"),
    ("closed", ValueError, "is closed (its file released"),
], ids=["a path", "a block number", "an int transaction ID", "no block", "a block number of text", "closed"])
def test_a_checkpoint_events_would_refuse_is_refused_so_before_anything_is_asked(tmp_path, checkpoint, error, words):
    if checkpoint == "closed":
        checkpoint = closed_file_checkpointer(tmp_path)
    qscc = AnsweringQscc(AssertionError("asked"))
    with pytest.raises(error) as refused:
        check_chaincode_events_checkpoint(qscc, "BankMSP", "receivables", checkpoint)
    assert words in str(refused.value) and "tx_id" not in str(refused.value)
    assert qscc.asked == []


@pytest.mark.parametrize("checkpoint", [None, InMemoryCheckpointer()], ids=["none", "no position"])
@pytest.mark.parametrize("channel, error", [(None, TypeError), ("", ValueError)])
def test_a_channel_that_is_no_name_is_refused_whatever_the_checkpoint(checkpoint, channel, error):
    with pytest.raises(error, match=r"^channel (must be|is empty)"):
        check_chaincode_events_checkpoint(AnsweringQscc(AssertionError("asked")), "BankMSP", channel, checkpoint)
