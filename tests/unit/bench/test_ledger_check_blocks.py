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



def _with_writes(namespace_rwset: bytes) -> bytes:
    """An endorser transaction of the test's whose read-write set of the namespace is ``namespace_rwset``."""
    from fabric_protos.common import common_pb2
    from fabric_protos.ledger.rwset import rwset_pb2
    from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

    from .test_ledger_check import envelope

    env = common_pb2.Envelope.FromString(envelope([("k", b"v")]))
    payload = common_pb2.Payload.FromString(env.payload)
    tx = transaction_pb2.Transaction.FromString(payload.data)
    endorsed = transaction_pb2.ChaincodeActionPayload.FromString(tx.actions[0].payload)
    response = proposal_response_pb2.ProposalResponsePayload.FromString(endorsed.action.proposal_response_payload)
    action = proposal_pb2.ChaincodeAction.FromString(response.extension)
    results = rwset_pb2.TxReadWriteSet.FromString(action.results)
    results.ns_rwset[0].rwset = namespace_rwset
    action.results = results.SerializeToString()
    response.extension = action.SerializeToString()
    endorsed.action.proposal_response_payload = response.SerializeToString()
    tx.actions[0].payload = endorsed.SerializeToString()
    payload.data = tx.SerializeToString()
    env.payload = payload.SerializeToString()
    return env.SerializeToString()


@pytest.mark.parametrize("transaction, part", [
    (b"\xff\xff not an envelope", "its envelope"),
    (_with_writes(b"\xff\xff not writes"), "its writes"),
], ids=["envelope", "writes"])
def test_a_transaction_marked_valid_that_does_not_decode_stops_the_check_naming_the_block_and_the_transaction(
        transaction, part):
    from fabric_protos.peer import transaction_pb2

    from .test_ledger_check import ChainPeer, block, sealed

    peer = ChainPeer(sealed([block([transaction], [transaction_pb2.VALID])]), RECORD)
    with pytest.raises(LedgerReadError, match=rf"^block 1's transaction 0, marked VALID: {part} does not decode"):
        check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", [], [])


class AnswersNoChainInfo(OneOrgsQscc):
    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetChainInfo":
            return b"\xff\xff not chain info"
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


def test_a_peer_answering_no_chain_info_stops_its_check_naming_the_channel():
    with pytest.raises(LedgerReadError, match=r"^the chain info of channel receivables does not decode"):
        check_peer("peer0.supplier", AnswersNoChainInfo(RECORD), OneOrgsQscc(RECORD), "receivables", "receivables",
                   "SupplierMSP", [], [])
