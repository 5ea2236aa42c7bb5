"""checkpoint_block(n) records the position n + 1: the largest block number it takes is one below the largest block
number, and given the largest one it says so, naming the number given (not the position one past it, which no
caller wrote) and changing nothing."""

import pytest

from client.gateway import MAX_BLOCK_NUMBER, FileCheckpointer, InMemoryCheckpointer


def test_the_largest_block_number_is_refused_naming_it_and_the_largest_accepted(tmp_path):
    for checkpointer in (InMemoryCheckpointer(), FileCheckpointer(tmp_path / "checkpoint.json")):
        checkpointer.checkpoint_block(7)
        with pytest.raises(ValueError) as refused:
            checkpointer.checkpoint_block(MAX_BLOCK_NUMBER)
        message = str(refused.value)
        assert f"block number {MAX_BLOCK_NUMBER}" in message
        assert f"{MAX_BLOCK_NUMBER - 1}" in message
        assert str(MAX_BLOCK_NUMBER + 1) not in message
        assert checkpointer.block_number == 8
        checkpointer.checkpoint_block(MAX_BLOCK_NUMBER - 1)       # the largest it takes
        assert checkpointer.block_number == MAX_BLOCK_NUMBER
