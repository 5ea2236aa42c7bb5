"""Each peer's blocks must be its chain as the ordering service cut it: block n numbered n, its transactions
hashing to its header's data_hash (SHA-256 of their bytes one after another, protoutil.ComputeBlockDataHash), its
previous_hash the hash of block n-1's header. A block that is not is named among the peer's state mismatches:
what it replays to proves nothing, even where the peer's world state agrees with it."""
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import check_peer
from client.ledger.block_integrity import header_hash

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed

R1, R2 = receivable_key("R-1"), receivable_key("R-2")
V1, V2 = b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}'
VALID = transaction_pb2.VALID


def chain(second_value=V2):
    return sealed([block([envelope([(R1, V1)])], [VALID]),
                   block([envelope([(R1, second_value)]), envelope([(R2, b'{"id":"R-2"}')])], [VALID, VALID])])


def mismatches(blocks, state=V2):
    """The state mismatches of a peer answering ``blocks``, whose world state holds ``state`` for every claim
    its blocks replay."""
    peer = ChainPeer(blocks, state)
    return check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", [], []) \
        .state_mismatches


def test_a_chain_as_the_ordering_service_cut_it_has_no_problem():
    assert mismatches(chain()[:2], V1) == []


def test_a_transaction_dropped_from_a_blocks_data_is_named_though_the_world_state_agrees_with_the_rest():
    blocks = chain()
    del blocks[2].data.data[1]           # R-2's transaction gone, its flag and the header kept
    blocks[2].metadata.metadata[2] = bytes([VALID])
    found = mismatches(blocks)
    assert len(found) == 1
    assert found[0].startswith(f"block 2's header gives data hash {blocks[2].header.data_hash.hex()}, but its "
                               "transactions hash to ")


def test_a_block_answered_for_another_number_is_named():
    blocks = chain()
    blocks[2] = blocks[1]                # block 1 again, in place of block 2
    found = mismatches(blocks, V1)
    assert found[0] == "block 2: the peer answered a block numbered 1 when asked for it"
    assert found[1].startswith(f"block 1's header gives previous hash {header_hash(blocks[0].header).hex()}, but "
                               "block 1's header hashes to ")


def test_a_block_of_another_chain_is_named_by_its_previous_hash():
    blocks, other = chain(), chain(second_value=b'{"id":"R-1","v":3}')
    other_first = sealed([block([envelope([(R1, b'{"id":"R-1","v":0}')])], [VALID]), other[2]])[1]
    assert other[2].header.previous_hash == header_hash(other_first.header)
    found = mismatches([*blocks[:2], other[2]], b'{"id":"R-1","v":3}')
    assert found[0] == (f"block 2's header gives previous hash {header_hash(other_first.header).hex()}, but block "
                        f"1's header hashes to {header_hash(blocks[1].header).hex()}: the two are not of one chain")
