"""checkpoint_block given the block a block events iterator gave, not its number, says where the number is and does
not show the block. Its error printed the whole block (every transaction of it, and with
block_and_private_data_events its private data) into whatever logged it, and told the reader to give "the event's
block_number", which a block has not."""

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import events_pb2
from fabric_protos.ledger.rwset import rwset_pb2

from client.gateway import ChaincodeEvent, FileCheckpointer, InMemoryCheckpointer

SECRET = b"price agreed: 9,950,000 fen"
FULL = common_pb2.Block(header=common_pb2.BlockHeader(number=7), data=common_pb2.BlockData(data=[SECRET * 100]))
FILTERED = events_pb2.FilteredBlock(channel_id="receivables-channel", number=7)
PRIVATE = events_pb2.BlockAndPrivateData(
    block=FULL, private_data_map={0: rwset_pb2.TxPvtReadWriteSet(ns_pvt_rwset=[
        rwset_pb2.NsPvtReadWriteSet(namespace="receivables", collection_pvt_rwset=[
            rwset_pb2.CollectionPvtReadWriteSet(collection_name="terms", rwset=SECRET)])])})
EVENT = ChaincodeEvent(7, "tx1", "receivables", "Confirmed", SECRET)


@pytest.mark.parametrize("given, where", [
    (FULL, "block.header.number"),
    (FILTERED, "block.number"),
    (PRIVATE, "block.block.header.number"),
    (EVENT, "event.block_number, or checkpoint_chaincode_event(event)"),
], ids=["block", "filtered block", "block and private data", "chaincode event"])
def test_a_block_given_for_its_number_is_refused_saying_where_its_number_is(tmp_path, given, where):
    kind = type(given).__name__
    with FileCheckpointer(tmp_path / "checkpoint.json") as checkpointer:
        checkpointer.checkpoint_block(3)
        written = checkpointer.path.read_text()
        for checkpointing in (lambda: checkpointer.checkpoint_block(given),
                              lambda: checkpointer.checkpoint_transaction(given, "tx1")):
            with pytest.raises(ValueError) as refused:
                checkpointing()
            assert str(refused.value) == f"block number: a {kind} was given, not its number: give {where}"
            assert SECRET.decode() not in str(refused.value) and "receivables-channel" not in str(refused.value)
        assert checkpointer.path.read_text() == written and checkpointer.block_number == 4


def test_other_values_are_still_named_and_cut_short():
    with pytest.raises(ValueError, match=r"^block number '7': give a whole number from 0 to 2\*\*64 - 1"):
        InMemoryCheckpointer().checkpoint_block("7")
    with pytest.raises(ValueError) as refused:
        InMemoryCheckpointer().checkpoint_block("7" * 10_000)
    assert len(str(refused.value)) < 300
