"""A checkpoint file whose block number is a decimal string (as the Node client writes its BigInt) of thousands of
digits is refused as no checkpoint, naming the file: int() of it failed past Python's 4300-digit conversion limit,
and `recfin events --checkpoint` showed that bare ValueError with Python's advice to programmers."""

import json

import pytest

from client.gateway import FileCheckpointer
from client.block_numbers import MAX_BLOCK_NUMBER
from client.gateway._checkpointer import NotACheckpointFile


@pytest.mark.parametrize("written", ["9" * 5000, 9 * 10 ** 30, str(MAX_BLOCK_NUMBER + 1)],
                         ids=["5000 digits", "a number past uint64", "text one past uint64"])
def test_a_block_number_past_any_block_is_refused_naming_the_file(tmp_path, written):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": written}))
    with pytest.raises(NotACheckpointFile) as refused:
        FileCheckpointer(path)
    assert str(refused.value).startswith(f"{path} is not a checkpoint file")


def test_the_node_clients_decimal_string_is_read_up_to_the_last_block(tmp_path):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": str(MAX_BLOCK_NUMBER)}))
    with FileCheckpointer(path) as checkpointer:
        assert checkpointer.block_number == MAX_BLOCK_NUMBER
