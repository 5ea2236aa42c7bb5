"""A checkpoint method given something that is no block number or transaction ID (or ``check_listener`` no names)
refuses it and changes nothing: a FileCheckpointer wrote it over its good checkpoint, and every restart then
refused the file as "not a checkpoint file", the position it held lost."""

import json

import pytest

from client.gateway import FileCheckpointer, InMemoryCheckpointer

BAD_CALLS = {
    "a number as transaction ID": (lambda c: c.checkpoint_transaction(7, 12345), TypeError, "transaction ID 12345"),
    "a block beyond uint64": (lambda c: c.checkpoint_transaction(2**64, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"), ValueError,
                              "block number 18446744073709551616"),
    "a float block": (lambda c: c.checkpoint_block(2.0), ValueError, "block number 2.0"),
    "a bool block": (lambda c: c.checkpoint_transaction(True, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"), ValueError, "block number True"),
    "a negative block": (lambda c: c.checkpoint_block(-2), ValueError, "block number -2"),
    "an event with a float block": (
        lambda c: c.checkpoint_chaincode_event(type("Event", (), {"block_number": 7.0, "transaction_id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9"})),
        ValueError, "block number 7.0"),
    "an empty channel": (lambda c: c.check_listener("", "receivables"), ValueError, "channel '', chaincode"),
    "an empty chaincode": (lambda c: c.check_listener("receivables-channel", ""), ValueError, "chaincode ''"),
}


@pytest.mark.parametrize("call, error, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_a_bad_checkpoint_changes_neither_the_file_nor_the_position(tmp_path, call, error, message):
    path = tmp_path / "checkpoint.json"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.check_listener("receivables-channel", "receivables")
        checkpointer.checkpoint_transaction(5, "74782d676f6f6400000000000000000000000000000000000000000000000000")
        written = path.read_text()
        with pytest.raises(error, match=message):
            call(checkpointer)
        assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "74782d676f6f6400000000000000000000000000000000000000000000000000")
        checkpointer.checkpoint_transaction(5, "74782d676f6f6400000000000000000000000000000000000000000000000000")   # the listener too is as it was
    assert path.read_text() == written
    with FileCheckpointer(path) as restarted:
        assert (restarted.block_number, restarted.transaction_id) == (5, "74782d676f6f6400000000000000000000000000000000000000000000000000")
    assert json.loads(written)["chaincode"] == "receivables"


@pytest.mark.parametrize("call, error, message", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_an_in_memory_checkpointer_refuses_the_same(call, error, message):
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_transaction(5, "74782d676f6f6400000000000000000000000000000000000000000000000000")
    with pytest.raises(error, match=message):
        call(checkpointer)
    assert (checkpointer.block_number, checkpointer.transaction_id) == (5, "74782d676f6f6400000000000000000000000000000000000000000000000000")
