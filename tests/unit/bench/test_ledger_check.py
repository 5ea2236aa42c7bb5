"""The fault suite's replay: blocks built field by field from the Fabric protos, as a peer stores them."""
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
