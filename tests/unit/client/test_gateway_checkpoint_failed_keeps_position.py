"""A FileCheckpointer whose write fails (a full disk) keeps the position it had: it moved to the new one before
the write, so a caller that caught the error and resumed in the same process (checkpoint=checkpointer) started
past the file's position and skipped the events between."""

from __future__ import annotations

import errno
import json
import os

import pytest

from client import atomic_file
from client.gateway import ChaincodeEvent, FileCheckpointer


def _disk_full(descriptor):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("checkpoint", [
    lambda checkpointer: checkpointer.checkpoint_chaincode_event(
        ChaincodeEvent(9, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9", "receivables", "Confirmed", b"")),
    lambda checkpointer: checkpointer.checkpoint_transaction(9, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"),
    lambda checkpointer: checkpointer.checkpoint_block(8),
], ids=["chaincode event", "transaction", "block"])
def test_a_checkpoint_that_fails_leaves_the_position_where_the_file_is(tmp_path, monkeypatch, checkpoint):
    path = tmp_path / "events.json"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_transaction(6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6")
        monkeypatch.setattr(atomic_file.os, "fsync", _disk_full)
        with pytest.raises(OSError, match="No space left on device"):
            checkpoint(checkpointer)
        assert (checkpointer.block_number, checkpointer.transaction_id) == (6, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6")
        assert json.loads(path.read_text()) == {"blockNumber": 6, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6"}
        monkeypatch.undo()   # space again: the same checkpoint goes through
        checkpoint(checkpointer)
        assert checkpointer.block_number == 9
    assert FileCheckpointer(path).block_number == 9


def test_the_first_checkpoint_of_a_new_file_that_fails_leaves_no_position(tmp_path, monkeypatch):
    path = tmp_path / "events.json"
    with FileCheckpointer(path) as checkpointer:
        monkeypatch.setattr(atomic_file.os, "fsync", _disk_full)
        with pytest.raises(OSError, match="No space left on device"):
            checkpointer.checkpoint_transaction(9, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9")
        assert (checkpointer.block_number, checkpointer.transaction_id) == (None, None)
    assert not path.exists()
