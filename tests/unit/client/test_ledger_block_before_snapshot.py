"""A block a peer does not hold because it joined the channel from a snapshot taken after it is a NoSuchBlockError
(``before_snapshot``) saying so and where to read it: Fabric's answer there is "cannot serve block [<n>]. The ledger
is bootstrapped from a snapshot", not "no such block number", so it was raised as a bare EvaluateError, while the
advice of a NoSuchBlockError named the snapshot among the causes of an answer that never comes from one."""
from __future__ import annotations

import grpc
import pytest

from client.gateway import EvaluateError
from client.ledger.qscc import NoSuchBlockError, block_by_number
from .test_ledger_block_by_number import AnsweringQscc

CHANNEL, OWN_ORG = "receivables", "BankMSP"
BEFORE_SNAPSHOT = ("evaluate call to endorser returned error: chaincode response 500, Failed to get block number 3, "
                   "error cannot serve block [3]. The ledger is bootstrapped from a snapshot. First available block = "
                   "[4]")


def test_a_block_before_the_peers_snapshot_is_a_no_such_block_error_saying_so():
    refused = EvaluateError(BEFORE_SNAPSHOT, transaction_id="q", code=grpc.StatusCode.UNKNOWN)
    with pytest.raises(NoSuchBlockError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 3)
    error = raised.value
    assert error.before_snapshot and error.block_number == 3 and error.message == BEFORE_SNAPSHOT
    assert str(error).endswith(f"{OWN_ORG}'s peer holds no block 3 of channel {CHANNEL}: it joined the channel from a "
                               "snapshot and keeps no block before it (its words above name the first it holds); read "
                               "the block from a peer that joined the channel from its genesis block. Nothing was "
                               "changed.")
    assert "wait_for_block" not in str(error)


def test_another_blocks_snapshot_answer_is_raised_as_it_came():
    refused = EvaluateError(BEFORE_SNAPSHOT, transaction_id="q", code=grpc.StatusCode.UNKNOWN)
    with pytest.raises(EvaluateError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 30)
    assert raised.value is refused
