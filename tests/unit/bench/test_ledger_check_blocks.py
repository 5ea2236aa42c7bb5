"""A peer's blocks, read for the replay: an answer that is no block stops the peer's check with a LedgerReadError
naming the block and the channel, not a protobuf error, nor a traceback from reading nothing as a block."""
import pytest

from bench.ledger_check import check_peer
from client.ledger.qscc import LedgerReadError

from .test_ledger_check import OneOrgsQscc

RECORD = b'{"id":"R-1"}'


class AnswersNoBlock(OneOrgsQscc):
    """A peer of SupplierMSP answering ``GetBlockByNumber`` with ``answer``."""

    def __init__(self, answer: bytes) -> None:
        super().__init__(RECORD)
        self.answer = answer

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetBlockByNumber":
            return self.answer
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


@pytest.mark.parametrize("answer", [b"\xff\xff not a block", b""], ids=["undecodable", "empty"])
def test_a_peer_answering_no_block_stops_its_check_naming_the_block_and_the_channel(answer):
    with pytest.raises(LedgerReadError, match=r"^block 0 of channel receivables\b"):
        check_peer("peer0.supplier", AnswersNoBlock(answer), OneOrgsQscc(RECORD), "receivables", "receivables",
                   "SupplierMSP", ["tx-1"], [])
