"""configtxgen writes the genesis block in place: one that fails half way must leave no block for the next run to
keep as the channel's."""
from pathlib import Path

import pytest

from network import channel, configtx
from network.errors import ToolError
from network.tools import Result

BLOCK = b"\x0a\x00a whole genesis block"


class Configtxgen:
    """configtxgen writing the first `written` bytes of its block, then exiting 1 (disk full) unless it wrote all."""

    def __init__(self, written: int = len(BLOCK)):
        self.written = written

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        assert tool == "configtxgen"
        Path(args[args.index("-outputBlock") + 1]).write_bytes(BLOCK[:self.written])
        if self.written < len(BLOCK):
            raise ToolError("configtxgen -configPath ... failed: Error writing genesis block: no space left on device")
        return Result("", "", 0)


def test_a_block_configtxgen_did_not_finish_is_not_kept(topology, data_root):
    block = configtx.genesis_block_path(data_root, topology.channel)
    with pytest.raises(ToolError, match="no space left"):
        channel.create_genesis_block(Configtxgen(written=5), topology, data_root)
    assert not block.exists()
    assert list(block.parent.iterdir()) == []           # nor the part it wrote, under another name
    assert channel.create_genesis_block(Configtxgen(), topology, data_root) == (block, True)
    assert block.read_bytes() == BLOCK
