"""checkpoint_chaincode_event given what is not the gateway's ChaincodeEvent (a typed ReceivablesEvent, whose
transaction is tx_id, or a ReceivablesEvents iterator's last_raw before any event) raises TypeError naming
what to give, and the checkpoint (its file too) stays as it was, where it raised a bare AttributeError."""

import json

import pytest

from client.gateway import ChaincodeEvent, FileCheckpointer, InMemoryCheckpointer
from client.receivables import ReceivablesEvent

TYPED = ReceivablesEvent(name="ReceivableConfirmed", receivable_id="R-1", tx_id="bb" * 32, block_number=6,
                         details={})


@pytest.mark.parametrize("given, named", [(TYPED, "a ReceivablesEvent"), (None, "None")])
def test_what_is_not_a_chaincode_event_is_refused_naming_what_to_give(tmp_path, given, named):
    path = tmp_path / "events.checkpoint"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_chaincode_event(ChaincodeEvent(5, "aa" * 32, "receivables", "X", b"{}"))
        before = path.read_bytes()
        with pytest.raises(TypeError) as refused:
            checkpointer.checkpoint_chaincode_event(given)
        assert str(refused.value).startswith(f"{named} is not a chaincode event")
        assert "last_raw" in str(refused.value) and "checkpoint_transaction(" in str(refused.value)
        assert path.read_bytes() == before
        assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "aa" * 32)
    assert json.loads(before)["blockNumber"] == 5


def test_an_in_memory_checkpointer_refuses_a_typed_event_alike():
    checkpointer = InMemoryCheckpointer()
    with pytest.raises(TypeError, match="^a ReceivablesEvent is not a chaincode event"):
        checkpointer.checkpoint_chaincode_event(TYPED)
    assert checkpointer.block_number is None
