"""Fabric's validator marks VALID only an endorser transaction of one action (validateEndorserTransaction: "only one
action per transaction is supported"), and the peer commits the first action's writes alone: a transaction marked
VALID with two actions, or none, is not what the peer committed, and the replay, which would apply every action's
writes, refuses it as it refuses one that does not decode."""
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import replay
from client.ledger.qscc import LedgerReadError

from .test_ledger_check import block, envelope, receivable_key

R1, R2 = receivable_key("R-1"), receivable_key("R-2")


def with_actions(*envelopes: bytes, keep: int | None = None) -> bytes:
    """One transaction holding the action of each of ``envelopes`` (the first ``keep`` of them: 0, none), under the
    first one's header."""
    actions = []
    for raw in envelopes:
        payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(raw).payload)
        actions += transaction_pb2.Transaction.FromString(payload.data).actions
    actions = actions[:keep]
    first = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(envelopes[0]).payload)
    payload = common_pb2.Payload(header=first.header,
                                 data=transaction_pb2.Transaction(actions=actions).SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString(), signature=b"signature").SerializeToString()


@pytest.mark.parametrize("transaction, actions", [
    (with_actions(envelope([(R1, b'{"v":1}')], tx_id="tx-1"), envelope([(R2, b'{"v":1}')], tx_id="tx-1")), 2),
    (with_actions(envelope([], tx_id="tx-1"), keep=0), 0),
], ids=["two actions", "no action"])
def test_a_transaction_marked_valid_with_other_than_one_action_is_refused(transaction, actions):
    with pytest.raises(LedgerReadError, match=f"block 0's transaction 0, marked VALID: its transaction holds "
                                              f"{actions} actions, where Fabric's validator marks VALID only"):
        replay([block([transaction], [transaction_pb2.VALID])], "receivables")


def test_such_a_transaction_marked_invalid_is_passed_over():
    two = with_actions(envelope([(R1, b'{"v":1}')], tx_id="tx-1"), envelope([(R2, b'{"v":1}')], tx_id="tx-1"))
    assert replay([block([two], [transaction_pb2.BAD_PAYLOAD])], "receivables").state == {}
