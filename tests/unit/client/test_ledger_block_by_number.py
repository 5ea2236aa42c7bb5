"""A block read by number through qscc ``GetBlockByNumber``, from a peer of the caller's own org: the block, or a
LedgerReadError naming the block and the channel where the answer is no block; sync and async alike."""
from __future__ import annotations

import asyncio

import pytest
from fabric_protos.common import common_pb2, ledger_pb2

from client.gateway.errors import EvaluateError
from client.ledger.qscc import LedgerReadError, block_by_number, block_by_number_async, current_config

CHANNEL, OWN_ORG = "receivables", "BankMSP"


class AnsweringQscc:
    """qscc answering every query with ``answer`` (bytes, or an error to raise), recording each query."""

    def __init__(self, answer: bytes | Exception) -> None:
        self.answer, self.asked = answer, []

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        self.asked.append((function, tuple(arguments), endorsing_organizations))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class AwaitedQscc(AnsweringQscc):
    async def evaluate(self, function, **options):   # type: ignore[override]
        return AnsweringQscc.evaluate(self, function, **options)


def stored_block(number: int) -> common_pb2.Block:
    block = common_pb2.Block(header=common_pb2.BlockHeader(number=number, data_hash=b"d"))
    block.data.data.append(b"a transaction")
    return block


def read(qscc: AnsweringQscc, number: int) -> common_pb2.Block:
    if isinstance(qscc, AwaitedQscc):
        return asyncio.run(block_by_number_async(qscc, OWN_ORG, CHANNEL, number))
    return block_by_number(qscc, OWN_ORG, CHANNEL, number)


@pytest.mark.parametrize("kind", [AnsweringQscc, AwaitedQscc])
def test_a_block_is_read_by_its_number_from_a_peer_of_the_callers_own_org(kind):
    qscc = kind(stored_block(7).SerializeToString())
    assert read(qscc, 7) == stored_block(7)
    assert qscc.asked == [("GetBlockByNumber", (CHANNEL, "7"), [OWN_ORG])]


NOT_BLOCKS = {
    "bytes that do not decode": b"\xff\xff not a block",
    "an empty answer": b"",
    "another message's bytes": ledger_pb2.BlockchainInfo(height=3).SerializeToString(),
}


@pytest.mark.parametrize("kind", [AnsweringQscc, AwaitedQscc])
@pytest.mark.parametrize("answer", NOT_BLOCKS.values(), ids=NOT_BLOCKS.keys())
def test_an_answer_that_is_no_block_is_a_ledger_read_error_naming_the_block_and_the_channel(kind, answer):
    # protobuf reads an empty answer, or another message's fields, as a Block with nothing set: block 0, no data
    with pytest.raises(LedgerReadError, match=rf"^block 7 of channel {CHANNEL}\b"):
        read(kind(answer), 7)


def test_a_read_the_peer_refused_is_raised_as_the_gateway_raised_it():
    # its answer that it holds no such block is a NoSuchBlockError (test_ledger_not_on_ledger_typed.py)
    refused = EvaluateError("evaluate call to endorser returned error: access denied for [GetBlockByNumber]"
                            f"[{CHANNEL}]: [Failed evaluating policy on signed data]", transaction_id="q")
    with pytest.raises(EvaluateError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 7)
    assert raised.value is refused


class EmptyNewestBlock(AnsweringQscc):
    """A channel of 3 blocks whose peer answers its newest with no bytes."""

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=3).SerializeToString()
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


def test_the_channel_config_read_from_an_answer_that_is_no_block_names_the_block_asked_for():
    # read as block 0 holding nothing, it said "block 0 names no last config block in its metadata"
    with pytest.raises(LedgerReadError, match=rf"^block 2 of channel {CHANNEL}: the answer of {OWN_ORG}'s peer is "
                                              r"no block \(0 bytes holding no block header\)"):
        current_config(EmptyNewestBlock(b""), OWN_ORG, CHANNEL)
