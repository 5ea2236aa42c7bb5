"""A write with an empty value is a delete to the peer (Fabric's rwsetutil.IsKVWriteDelete, IsKVWriteHashDelete),
whatever its is_delete flag says: the replay must commit it as the peer does."""
import hashlib

from fabric_protos.peer import transaction_pb2

from bench.ledger_check import receivable_key, replay, valid_writes

from .test_ledger_check import _policy, block, envelope

VALID = transaction_pb2.VALID


def test_a_write_with_an_empty_value_not_flagged_as_a_delete_is_replayed_as_a_delete():
    key = receivable_key("R-1")
    blocks = [block([envelope([(key, b'{"v":1}')], policies=[(key, _policy("BankMSP"))])], [VALID]),
              # value b"" with is_delete false: what the wire carries for a put of nothing
              block([envelope([(key, b"")])], [VALID])]
    replayed = replay(blocks, "receivables")
    assert key not in replayed.state
    assert replayed.deleted == {key: b'{"v":1}'}
    assert key not in replayed.policies        # a delete takes the key-level policy with it
    assert list(valid_writes(blocks[1], "receivables")) == [(key, None)]


def test_a_private_write_whose_value_hash_is_empty_or_the_hash_of_nothing_is_replayed_as_a_delete():
    empty_hash = hashlib.sha256(b"").digest()
    blocks = [block([envelope([], hashed=[("c", b"k1", b"h1"), ("c", b"k2", b"h2"), ("c", b"k3", b"h3")])],
                    [VALID]),
              block([envelope([], hashed=[("c", b"k1", b""), ("c", b"k2", empty_hash)])], [VALID])]
    assert replay(blocks, "receivables").private_hashes == {("c", b"k3"): b"h3"}
