"""The fault suite's replay: blocks built field by field from the Fabric protos, as a peer stores them."""
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from bench.ledger_check import PeerLedger, Verdict, receivable_key, replay, valid_writes


def envelope(writes, namespace="receivables", kind=common_pb2.ENDORSER_TRANSACTION):
    kv = kv_rwset_pb2.KVRWSet(writes=[kv_rwset_pb2.KVWrite(key=k, value=v or b"", is_delete=v is None)
                                      for k, v in writes])
    results = rwset_pb2.TxReadWriteSet(ns_rwset=[rwset_pb2.NsReadWriteSet(namespace=namespace,
                                                                          rwset=kv.SerializeToString())])
    action = proposal_pb2.ChaincodeAction(results=results.SerializeToString())
    response = proposal_response_pb2.ProposalResponsePayload(extension=action.SerializeToString())
    payload_action = transaction_pb2.ChaincodeActionPayload(
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response.SerializeToString()))
    tx = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        payload=payload_action.SerializeToString())])
    header = common_pb2.Header(channel_header=common_pb2.ChannelHeader(type=kind).SerializeToString())
    payload = common_pb2.Payload(header=header, data=tx.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def block(envelopes, flags):
    b = common_pb2.Block(data=common_pb2.BlockData(data=envelopes))
    b.metadata.metadata.extend([b""] * 5)
    b.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(flags)
    return b


def test_replay_applies_only_valid_writes_of_the_namespace_in_order():
    key = receivable_key("R-1")
    blocks = [
        block([envelope([(key, b'{"v":1}'), ("idx", b"\x00")])], [transaction_pb2.VALID]),
        block([envelope([(key, b'{"v":2}')]),                                  # lost an MVCC race
               envelope([(key, b'{"v":3}')]),
               envelope([("other", b"x")], namespace="features")],
              [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID, transaction_pb2.VALID]),
        block([envelope([("idx", None)])], [transaction_pb2.VALID]),           # a delete
        block([envelope([(key, b"config")], kind=common_pb2.CONFIG)], [transaction_pb2.VALID]),
    ]
    assert replay(blocks, "receivables") == {key: b'{"v":3}'}
    assert list(valid_writes(blocks[1], "features")) == [("other", b"x")]


def test_the_receivable_key_is_the_one_the_contract_writes():
    # The chaincode's own key layout and composite-key builder: ledger_check spells the key itself, as an
    # auditor reading blocks would, so this is what keeps the two in step.
    from chaincode.receivables import keys
    from chaincode.shim._composite import create_composite_key

    assert receivable_key("R-1.2") == create_composite_key(keys.RECEIVABLE, ["R-1.2"])


def test_a_transaction_missing_or_invalid_on_any_peer_counts_as_lost_once():
    peers = [PeerLedger("peer0.bank", found=2, lost=["tx-3"]),
             PeerLedger("peer0.core", found=2, not_valid={"tx-3": "MVCC_READ_CONFLICT"}),
             PeerLedger("peer0.supplier", found=3)]
    verdict = Verdict(3, peers)
    assert (verdict.acknowledged, verdict.found, verdict.lost) == (3, 2, 1)
    assert verdict.to_json()["peers"][0]["lost"] == ["tx-3"]


class OneOrgsQscc:
    """qscc and the contract as a peer of SupplierMSP answers them, recording the orgs each query named."""

    def __init__(self, state_value):
        self.state_value = state_value
        self.named = []

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        from fabric_protos.common import ledger_pb2

        self.named.append((function, endorsing_organizations))
        if function == "GetTransactionByID":
            return transaction_pb2.ProcessedTransaction(validationCode=transaction_pb2.VALID).SerializeToString()
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=1).SerializeToString()
        if function == "GetBlockByNumber":
            return block([envelope([(receivable_key("R-1"), self.state_value)])], [transaction_pb2.VALID]) \
                .SerializeToString()
        if function == "GetReceivable":
            return self.state_value
        raise AssertionError(f"unexpected query {function}")


def test_every_query_of_a_peers_check_names_that_peers_own_org():
    from bench.ledger_check import check_peer

    qscc, reader = OneOrgsQscc(b'{"id":"R-1"}'), OneOrgsQscc(b'{"id":"R-1"}')
    ledger = check_peer("peer0.supplier", qscc, reader, "receivables", "receivables", "SupplierMSP",
                        ["tx-1", "tx-2"], ["R-1"])
    assert (ledger.found, ledger.lost, ledger.not_valid, ledger.state_mismatches) == (2, [], {}, [])
    assert [function for function, _ in qscc.named] == ["GetTransactionByID", "GetTransactionByID", "GetChainInfo",
                                                        "GetBlockByNumber"]
    assert {tuple(orgs) for _, orgs in qscc.named + reader.named} == {("SupplierMSP",)}


# ---------------------------------------------------------------- the peers compared with each other

class ChainPeer:
    """qscc and the contract as one peer answers them: its blocks, and its world state of R-1."""

    def __init__(self, blocks, state):
        self.blocks, self.state = blocks, state

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        from fabric_protos.common import ledger_pb2

        if function == "GetTransactionByID":
            return transaction_pb2.ProcessedTransaction(validationCode=transaction_pb2.VALID).SerializeToString()
        if function == "GetChainInfo":
            return ledger_pb2.BlockchainInfo(height=len(self.blocks)).SerializeToString()
        if function == "GetBlockByNumber":
            return self.blocks[int(arguments[1])].SerializeToString()
        if function == "GetReceivable":
            return self.state
        raise AssertionError(f"unexpected query {function}")


def two_writes_of_r1(second_flag, data_hash=b"d1"):
    """Blocks 0 and 1, each writing R-1 (v 1, then v 2); block 1's transaction marked ``second_flag``."""
    key = receivable_key("R-1")
    first = block([envelope([(key, b'{"id":"R-1","v":1}')])], [transaction_pb2.VALID])
    second = block([envelope([(key, b'{"id":"R-1","v":2}')])], [second_flag])
    first.header.data_hash = b"d0"
    second.header.number, second.header.data_hash = 1, data_hash
    return [first, second]


def checked(name, blocks):
    """check_peer on a peer whose world state is what its own blocks replay to."""
    from bench.ledger_check import check_peer

    state = replay(blocks, "receivables")[receivable_key("R-1")]
    peer = ChainPeer(blocks, state)
    return check_peer(name, peer, peer, "receivables", "receivables", "SomeMSP", ["tx-1"], ["R-1"])


def test_peers_that_each_agree_with_themselves_but_not_with_each_other_are_reported():
    # peer0.bank marked block 1's transaction invalid (an MVCC conflict), the other two valid: each peer's world
    # state is its own replay and the acknowledged tx is valid everywhere, so only comparing the peers shows it
    verdict = Verdict(1, [checked("peer0.core", two_writes_of_r1(transaction_pb2.VALID)),
                          checked("peer0.bank", two_writes_of_r1(transaction_pb2.MVCC_READ_CONFLICT)),
                          checked("peer0.supplier", two_writes_of_r1(transaction_pb2.VALID))])
    assert verdict.lost == 0 and not [m for p in verdict.peers for m in p.state_mismatches]
    assert verdict.divergences == [
        "block 1, transaction 0: the peers disagree on its validation code: peer0.core, peer0.supplier VALID; "
        "peer0.bank MVCC_READ_CONFLICT",
        "receivable R-1: the peers' blocks replay to different values: peer0.core, peer0.supplier has "
        '{"id":"R-1","v":2}; peer0.bank has {"id":"R-1","v":1}']
    report = verdict.to_json()
    assert report["divergences"] == verdict.divergences
    assert [(p["peer"], p["height"]) for p in report["peers"]] == [("peer0.core", 2), ("peer0.bank", 2),
                                                                    ("peer0.supplier", 2)]


def test_a_block_that_differs_between_peers_is_named_by_its_hash():
    from bench.ledger_check import block_header_hash

    same, other = two_writes_of_r1(transaction_pb2.VALID), two_writes_of_r1(transaction_pb2.VALID, data_hash=b"dX")
    verdict = Verdict(1, [checked("peer0.core", same), checked("peer0.bank", other)])
    assert verdict.divergences == [
        f"block 1: the peers disagree on its hash: peer0.core {block_header_hash(same[1].header).hex()[:16]}; "
        f"peer0.bank {block_header_hash(other[1].header).hex()[:16]}"]


def test_peers_with_the_same_chain_have_no_divergence_and_a_lagging_one_is_compared_where_they_overlap():
    chain = two_writes_of_r1(transaction_pb2.VALID)
    assert Verdict(1, [checked("peer0.core", chain), checked("peer0.bank", chain)]).divergences == []
    # one block behind: the blocks they share agree, but what it replays for R-1 does not (yet)
    behind = Verdict(1, [checked("peer0.core", chain), checked("peer0.bank", chain[:1])])
    assert [line.split(":")[0] for line in behind.divergences] == ["receivable R-1"]


@pytest.mark.parametrize("number, previous, data, expected", [
    # from Go's encoding/asn1 + crypto/sha256, as Fabric's protoutil.BlockHeaderHash computes them
    (0, b"", b"", "1d1c288c6851505be0b47a0f8e7dfb91ab2abe6ad71cef63a3791d14588d1d0e"),
    (128, b"prev", b"data", "2c0a2549202f308b43705b79e02d63b8278cc85f676f33dfcca4313b25d86c88"),
    (2**64 - 1, bytes(range(200)), b"\xff", "72c9813d615b3bf9f0a21ce846dacd61c6f156f64017f96cd299d67f92697af1"),
])
def test_the_block_hash_is_fabrics(number, previous, data, expected):
    from bench.ledger_check import block_header_hash

    header = common_pb2.BlockHeader(number=number, previous_hash=previous, data_hash=data)
    assert block_header_hash(header).hex() == expected
