"""A transaction id the channel already holds is marked DUPLICATE_TXID by Fabric's validator wherever it comes
again, in a later block or the same one (validator.go: only endorser transactions are checked). The check counts an
acknowledged tx once, whatever its copies; and a peer whose blocks mark a second endorser transaction of one id
VALID is named, block and position, since its writes are then in the replay twice."""
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import Verdict, check_peer, replay

from .test_ledger_check import ChainPeer, block, envelope, receivable_key, sealed

R1 = receivable_key("R-1")
V1, V2 = b'{"id":"R-1","v":1}', b'{"id":"R-1","v":2}'
VALID, DUPLICATE = transaction_pb2.VALID, transaction_pb2.DUPLICATE_TXID


def check(blocks, state):
    peer = ChainPeer(blocks, state)
    return check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", ["tx-1"], [])


def test_a_second_copy_marked_duplicate_is_not_replayed_and_the_tx_counts_once():
    ledger = check(sealed([block([envelope([(R1, V1)], tx_id="tx-1")], [VALID]),
                           block([envelope([(R1, V2)], tx_id="tx-1")], [DUPLICATE])]), V1)
    assert (ledger.found, ledger.state_mismatches) == (1, [])
    assert (Verdict(1, [ledger]).found, Verdict(1, [ledger]).lost) == (1, 0)


def test_a_second_copy_marked_valid_in_a_later_block_is_named_with_both_places():
    ledger = check(sealed([block([envelope([(R1, V1)], tx_id="tx-1")], [VALID]),
                           block([envelope([], tx_id="tx-2"), envelope([(R1, V2)], tx_id="tx-1")], [VALID, VALID])]),
                   V2)
    assert ledger.found == 1
    assert ledger.state_mismatches == [
        "block 2, transaction 1: transaction tx-1 is marked VALID, as it already is in block 1, transaction 0, "
        "where Fabric marks a transaction whose id the channel holds DUPLICATE_TXID: this peer's validation flags "
        "are not Fabric's, and the replay applies that transaction's writes twice. Stop the peer and run `peer "
        "node reset` so that it fetches its blocks again and validates them itself"]


def test_a_second_copy_marked_valid_in_the_same_block_is_named():
    replayed = replay(sealed([block([envelope([(R1, V1)], tx_id="tx-1"), envelope([(R1, V2)], tx_id="tx-1")],
                                    [VALID, VALID])]), "receivables")
    assert [problem.split(":")[0] for problem in replayed.problems] == ["block 1, transaction 1"]


def test_config_transactions_without_an_id_are_no_duplicates():
    config = envelope([], kind=common_pb2.CONFIG)
    replayed = replay(sealed([block([config], [VALID]), block([config], [VALID])]), "receivables")
    assert replayed.problems == []


def test_endorser_transactions_without_an_id_are_left_to_the_other_checks():
    nameless = envelope([(R1, V1)])
    replayed = replay(sealed([block([nameless, nameless], [VALID, VALID])]), "receivables")
    assert replayed.problems == []


def test_a_copy_marked_valid_after_one_an_earlier_block_marked_invalid_is_named_with_both_places():
    """Fabric's block index holds the id of every transaction of a committed block, valid or not: a later
    transaction of that id is DUPLICATE_TXID, never VALID, whose writes the replay would otherwise apply."""
    ledger = check(sealed([block([envelope([(R1, V1)], tx_id="tx-1")], [transaction_pb2.MVCC_READ_CONFLICT]),
                           block([envelope([], tx_id="tx-2"), envelope([(R1, V2)], tx_id="tx-1")], [VALID, VALID])]),
                   V2)
    assert ledger.state_mismatches == [
        "block 2, transaction 1: transaction tx-1 is marked VALID, where block 1, transaction 0 already holds a "
        "transaction of that id, marked MVCC_READ_CONFLICT: Fabric's validator marks a transaction whose id the "
        "channel's ledger holds, valid or not, DUPLICATE_TXID, so this peer's validation flags are not Fabric's, and "
        "the replay applies that transaction's writes. Stop the peer and run `peer node reset` so that it fetches "
        "its blocks again and validates them itself"]


def test_an_invalid_transaction_whose_envelope_does_not_decode_names_no_id():
    replayed = replay(sealed([block([b"\xff not an envelope"], [transaction_pb2.BAD_PAYLOAD]),
                              block([envelope([(R1, V1)], tx_id="tx-1")], [VALID])]), "receivables")
    assert replayed.problems == [] and replayed.state == {R1: V1}


def test_in_one_block_a_copy_marked_valid_after_one_with_a_read_conflict_is_named():
    """Fabric's validator marks the second transaction of one id in a block DUPLICATE_TXID before the commit finds
    the first one's read conflict: a VALID second copy is no flag of Fabric's."""
    MVCC = transaction_pb2.MVCC_READ_CONFLICT
    replayed = replay(sealed([block([envelope([], tx_id="tx-1"), envelope([(R1, V1)], tx_id="tx-1")], [MVCC, VALID])]),
                      "receivables")
    assert replayed.problems == [
        "block 1, transaction 1: transaction tx-1 is marked VALID, where block 1, transaction 0 already holds a "
        "transaction of that id, marked MVCC_READ_CONFLICT: Fabric's validator marks a second transaction of one id "
        "in a block, before the commit invalidated the first one, DUPLICATE_TXID, so this peer's "
        "validation flags are not Fabric's, and the replay applies that transaction's writes. Stop the peer and run "
        "`peer node reset` so that it fetches its blocks again and validates them itself"]
    # the first with a read conflict is named, after one invalidated otherwise
    replayed = replay(sealed([block([envelope([], tx_id="tx-1"), envelope([], tx_id="tx-1"),
                                     envelope([(R1, V1)], tx_id="tx-1")],
                                    [transaction_pb2.ENDORSEMENT_POLICY_FAILURE, MVCC, VALID])]), "receivables")
    assert [problem.split(": Fabric's")[0] for problem in replayed.problems] == [
        "block 1, transaction 2: transaction tx-1 is marked VALID, where block 1, transaction 1 already holds a "
        "transaction of that id, marked MVCC_READ_CONFLICT"]


def test_in_one_block_a_copy_marked_valid_after_one_failing_its_endorsements_is_no_duplicate():
    """A transaction the validator invalidates (its endorsements) reports no id to the block's duplicate check, and
    its block is not in the ledger's index yet: a later copy in the same block may be VALID."""
    replayed = replay(sealed([block([envelope([], tx_id="tx-1"), envelope([(R1, V1)], tx_id="tx-1")],
                                    [transaction_pb2.ENDORSEMENT_POLICY_FAILURE, VALID])]), "receivables")
    assert replayed.problems == [] and replayed.state == {R1: V1}


@pytest.mark.parametrize("code", ["INVALID_WRITESET", "NIL_TXACTION"])
def test_in_one_block_a_copy_marked_valid_after_one_the_commit_invalidated_otherwise_is_named(code):
    """The commit sets INVALID_WRITESET (a write the state database refuses) and NIL_TXACTION (no action to read) as it
    sets the read conflicts: after the validator, which took the first copy's id and marked the second
    DUPLICATE_TXID. A VALID second copy after one of them is no flag of Fabric's either."""
    first = getattr(transaction_pb2, code)
    replayed = replay(sealed([block([envelope([], tx_id="tx-1"), envelope([(R1, V1)], tx_id="tx-1")], [first, VALID])]),
                      "receivables")
    assert [problem.split(": Fabric's")[0] for problem in replayed.problems] == [
        "block 1, transaction 1: transaction tx-1 is marked VALID, where block 1, transaction 0 already holds a "
        f"transaction of that id, marked {code}"]
    assert "before the commit invalidated the first" in replayed.problems[0]
