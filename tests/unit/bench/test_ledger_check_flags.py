"""The replay applies a transaction's writes only where the block's TRANSACTIONS_FILTER marks it VALID: a
transaction the filter gives no code (a filter shorter than the block's data, or none at all) was never marked
valid, and a block carrying no metadata is read, not a traceback."""
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import check_peer, replay, valid_writes

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed

KEY = receivable_key("R-1")


def test_a_transaction_the_filter_gives_no_code_is_not_replayed():
    blocks = [block([envelope([(KEY, b'{"v":1}')]), envelope([(KEY, b'{"v":2}')])], [transaction_pb2.VALID])]
    assert replay(blocks, "receivables").state == {KEY: b'{"v":1}'}
    assert list(valid_writes(block([envelope([(KEY, b'{"v":1}')])], []), "receivables")) == []


def test_a_block_with_no_metadata_replays_nothing_and_its_peers_check_goes_on():
    bare = common_pb2.Block(header=common_pb2.BlockHeader(),
                            data=common_pb2.BlockData(data=[envelope([(KEY, b'{"id":"R-1"}')])]))
    assert replay([bare], "receivables").state == {}
    # cut and signed, it carries its orderer metadata, and still no transaction filter
    chain = sealed([bare])
    assert chain[1].metadata.metadata[common_pb2.TRANSACTIONS_FILTER] == b""
    ledger = check_peer("peer0.supplier", ChainPeer(chain, b'{"id":"R-1"}'), ChainPeer(chain, b'{"id":"R-1"}'),
                        "receivables", "receivables", "SupplierMSP", [], ["R-1"])
    assert ledger.state_mismatches == ["receivable R-1: the run wrote it, the replayed blocks do not have it"]
