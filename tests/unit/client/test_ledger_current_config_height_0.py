"""current_config reads the channel's newest block as the height GetChainInfo answers, less one. An answer giving a
height of 0 (an empty answer decodes as one), which no ledger of a channel has, is a LedgerReadError naming the chain
info and the peer, nothing more asked: its -1 was asked as a block number, refused as "block number -1 is not a
block's: give a whole number...", a number the caller never gave."""
from __future__ import annotations

import pytest
from fabric_protos.common import ledger_pb2

from client.ledger.qscc import LedgerReadError, current_config
from .test_ledger_block_by_number import AnsweringQscc

CHANNEL, OWN_ORG = "receivables", "BankMSP"


@pytest.mark.parametrize("answer", [b"", ledger_pb2.BlockchainInfo(height=0, currentBlockHash=b"h").SerializeToString()],
                         ids=["empty", "height 0"])
def test_a_chain_info_of_height_0_is_a_ledger_read_error_not_a_block_number_refused(answer):
    qscc = AnsweringQscc(answer)
    with pytest.raises(LedgerReadError, match=rf"^the chain info of {CHANNEL} that {OWN_ORG}'s peer answered gives a "
                                              r"height of 0, which no ledger of a channel has"):
        current_config(qscc, OWN_ORG, CHANNEL)
    assert [function for function, *_ in qscc.asked] == ["GetChainInfo"]


def test_a_height_of_1_reads_block_0():
    qscc = AnsweringQscc(ledger_pb2.BlockchainInfo(height=1).SerializeToString())
    with pytest.raises(LedgerReadError, match="^block 0 of channel"):   # the same answer again: no block
        current_config(qscc, OWN_ORG, CHANNEL)
    assert qscc.asked[1][:2] == ("GetBlockByNumber", (CHANNEL, "0"))
