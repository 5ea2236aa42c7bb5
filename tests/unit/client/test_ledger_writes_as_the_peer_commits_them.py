"""A committed transaction read as the peer commits it: a write with an empty value is a delete (Fabric's
rwsetutil.IsKVWriteDelete, whatever its is_delete flag says), and only a transaction of one action is VALID
(Fabric's validateEndorserTransaction: "only one action per transaction is supported"; any other is
INVALID_ENDORSER_TRANSACTION), so the endorsement judgement of one marked VALID with other than one action names it
instead of judging its actions."""
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

from client.ledger import endorsement_policy
from client.ledger.endorsements import committed_transaction
from client.ledger.qscc import config_of
from tests.unit.bench.test_ledger_check import block, envelope, receivable_key
from tests.unit.bench.test_ledger_check_one_action import with_actions
from tests.unit.bench.test_ledger_check_endorsements import (BANK, CLAIM, ORGS, R1, SUPPLIER, definition, endorsed,
                                                             peers, signed_policy, ANY_TWO)
from tests.unit.receivables_client.audit_ledger import config_block

VALID = transaction_pb2.VALID


def test_a_write_with_an_empty_value_not_flagged_as_a_delete_reads_as_a_delete():
    key, kept = receivable_key("R-1"), receivable_key("R-2")
    processed = transaction_pb2.ProcessedTransaction(
        transactionEnvelope=common_pb2.Envelope.FromString(envelope([(key, b""), (kept, b"{}")], tx_id="tx-1")),
        validationCode=VALID)
    assert [(w.key, w.value) for w in committed_transaction(processed).actions[0].writes] == [(key, None),
                                                                                               (kept, b"{}")]


class _Held:
    """The state at the block's start: the chaincode defined with any two orgs' peers as its policy, no key-level
    policy anywhere."""

    def __init__(self):
        self.lifecycle = definition(signed_policy(ANY_TWO))

    def lifecycle_value(self, key):
        return self.lifecycle.get(key)

    def key_policy(self, namespace, collection, key):
        return None


def _with_actions(*processed, keep=None):
    """One envelope holding the actions of each of ``processed`` (the first ``keep`` of them), under the first one's
    header."""
    return with_actions(*(p.transactionEnvelope.SerializeToString() for p in processed), keep=keep)


def _judged(raw):
    judge = endorsement_policy.ChannelJudge(config_of(config_block(ORGS)))
    return endorsement_policy.block_judgements(block([raw], [VALID]), judge, _Held())[0]


def test_a_transaction_of_one_well_endorsed_action_passes():
    one = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK))
    assert _judged(_with_actions(one)).met is True


def test_a_transaction_marked_valid_with_two_actions_or_none_is_named_not_judged_action_by_action():
    one = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK))
    other = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, BANK))
    for raw, count in ((_with_actions(one, other), 2), (_with_actions(one, keep=0), 0)):
        judgement = _judged(raw)
        assert judgement.met is False
        assert judgement.failures == (
            f"it holds {count} actions, where Fabric's validator marks VALID only a transaction of one (any other "
            "INVALID_ENDORSER_TRANSACTION)",)


def test_an_earlier_transaction_of_the_block_holds_later_ones_to_the_metadata_its_first_action_writes_alone():
    """Fabric records what a transaction before in the block writes of keys' metadata from its first action alone
    (statebased extractDependenciesForTx reads tx.Actions[0]); one of several actions is never validated
    (INVALID_ENDORSER_TRANSACTION), so what its later actions write holds no later transaction to anything."""
    from chaincode.receivables.store_base import org_policy

    plain = endorsed("tx-2", {receivable_key("R-9"): CLAIM}, peers(SUPPLIER, BANK))
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: org_policy(["BankMSP"])})
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, BANK))
    judge = endorsement_policy.ChannelJudge(config_of(config_block(ORGS)))
    raw = [_with_actions(plain, sealing), writing.transactionEnvelope.SerializeToString()]
    judged = endorsement_policy.block_judgements(
        block(raw, [transaction_pb2.INVALID_ENDORSER_TRANSACTION, VALID]), judge, _Held())
    assert judged[1].met is True, judged[1]
