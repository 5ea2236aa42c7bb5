"""A checkpoint holds a Fabric transaction ID (64 lowercase hex digits) or none: a damaged or hand-edited file, or an
ID of another form given to a checkpointer, is refused naming it, and nothing changes. Resumed from, such an ID
names no transaction of its block to the peer, and the listener would skip or replay events without a word."""

import json

import pytest

from client.gateway import FileCheckpointer, InMemoryCheckpointer
from client.gateway._checkpointer import NotACheckpointFile

GOOD = "5" * 64
NOT_IDS = ["tx1", GOOD.upper().replace("5", "A"), "a" * 63, "a" * 65, f" {'a' * 64}", f"{'a' * 64}\n", "g" * 64]


@pytest.mark.parametrize("written", NOT_IDS)
def test_a_file_holding_something_else_than_a_transaction_id_is_refused_naming_it_and_left_alone(tmp_path, written):
    path = tmp_path / "events.checkpoint"
    text = json.dumps({"blockNumber": 7, "transactionId": written})
    path.write_text(text)
    with pytest.raises(NotACheckpointFile) as refused:
        FileCheckpointer(path)
    said = str(refused.value)
    assert str(path) in said and "transactionId" in said and "64 lowercase hex" in said
    assert "start_block" in said    # how to go on without skipping the events since the last good checkpoint
    assert path.read_text() == text


@pytest.mark.parametrize("given", NOT_IDS)
def test_a_checkpointer_refuses_an_id_that_is_no_transaction_id_and_keeps_its_position(tmp_path, given):
    path = tmp_path / "events.checkpoint"
    with FileCheckpointer(path) as on_file:
        for checkpointer in (InMemoryCheckpointer(), on_file):
            checkpointer.checkpoint_transaction(5, GOOD)
            with pytest.raises(ValueError, match="no Fabric transaction ID"):
                checkpointer.checkpoint_transaction(6, given)
            assert (checkpointer.block_number, checkpointer.transaction_id) == (5, GOOD)
    assert json.loads(path.read_text()) == {"blockNumber": 5, "transactionId": GOOD}


def test_a_transaction_id_and_an_empty_one_are_taken(tmp_path):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 7, "transactionId": GOOD}))
    with FileCheckpointer(path) as checkpointer:
        assert (checkpointer.block_number, checkpointer.transaction_id) == (7, GOOD)
        checkpointer.checkpoint_block(7)
        assert (checkpointer.block_number, checkpointer.transaction_id) == (8, None)
