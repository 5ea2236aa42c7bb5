"""A block a peer answers that cannot be replayed (a transaction marked VALID whose bytes do not decode) stops the
check of that peer: the refusal names the peer, after the block and the transaction, since ``verify`` checks
every peer in turn and the block's number alone does not say whose ledger holds it."""
import pytest
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import check_peer
from client.ledger.qscc import LedgerReadError

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed


def test_the_refusal_names_the_peer_the_block_and_the_transaction():
    blocks = sealed([block([envelope([(receivable_key("R-1"), b'{"id":"R-1"}')])], [transaction_pb2.VALID]),
                     block([b"\x0a\x05junk!"], [transaction_pb2.VALID])])
    peer = ChainPeer(blocks, b'{"id":"R-1"}')
    with pytest.raises(LedgerReadError) as refused:
        check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", [], [])
    message = str(refused.value)
    assert message.startswith("block 2's transaction 0, marked VALID: its payload does not decode as a "
                              "common.Payload")
    assert message.endswith("; read from peer0.supplier (SupplierMSP), whose blocks the check cannot replay: that "
                            "ledger is not what Fabric commits. Stop the peer and run `peer node reset` so that it "
                            "fetches its blocks again, or check what relays its answers")
