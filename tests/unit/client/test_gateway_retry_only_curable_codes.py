"""RetryPolicy.retry_on takes only the validation codes a new endorsement can cure.

A retry endorses the transaction afresh under a new ID. That cures a ledger that moved between endorsement and
validation (a conflict, a changed policy, an upgraded chaincode), nothing else: a malformed or badly signed
transaction is built the same way again, and a VALID or DUPLICATE_TXID one may already have applied, so sending it
anew could apply it twice. Such codes are refused when the policy is made, naming the code and why.
"""

import pytest
from fabric_protos.peer import transaction_pb2

from client.gateway import RetryPolicy
from client.gateway._retry import CURABLE_CODES

CODES = transaction_pb2.TxValidationCode
NOT_CURABLE = sorted(set(CODES.values()) - CURABLE_CODES)


@pytest.mark.parametrize("name", ["MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "ENDORSEMENT_POLICY_FAILURE",
                                  "EXPIRED_CHAINCODE"])
def test_a_code_a_new_endorsement_can_cure_is_taken(name):
    assert RetryPolicy(retry_on=name).retry_on == {CODES.Value(name)}


@pytest.mark.parametrize("code", NOT_CURABLE, ids=[CODES.Name(code) for code in NOT_CURABLE])
def test_a_code_a_new_endorsement_cannot_cure_is_refused_naming_it(code):
    with pytest.raises(ValueError, match=rf"retry_on: {CODES.Name(code)} \({code}\) cannot be retried: ") as refused:
        RetryPolicy(retry_on=code)
    assert "MVCC_READ_CONFLICT (11)" in str(refused.value)       # and says which codes it takes


@pytest.mark.parametrize("name, why", [
    ("VALID", "the transaction committed: sent anew it would apply a second time"),
    ("DUPLICATE_TXID", "already on the ledger, so it may have committed"),
    ("BAD_CREATOR_SIGNATURE", "each attempt is built and signed the same way"),
    ("ILLEGAL_WRITESET", "a new endorsement runs the same chaincode on the same arguments"),
    ("INVALID_OTHER_REASON", "its cause is not known"),
])
def test_the_refusal_says_why_a_retry_cannot_cure_the_code(name, why):
    with pytest.raises(ValueError, match=why):
        RetryPolicy(retry_on={"MVCC_READ_CONFLICT", name})        # one bad code among good ones is enough


def test_every_code_left_out_has_a_reason_of_its_own():
    from client.gateway._retry import _NOT_CURABLE
    assert set(_NOT_CURABLE) == set(NOT_CURABLE)


def test_the_refusal_of_chaincode_version_conflict_says_what_an_upgrade_commits_as():
    # Fabric 3's validator never sets EXPIRED_CHAINCODE (the v1.x lifecycle's, which it removed): an upgrade
    # between endorsement and validation is a read conflict on the definition the endorsement read
    with pytest.raises(ValueError) as refused:
        RetryPolicy(retry_on="CHAINCODE_VERSION_CONFLICT")
    assert "an MVCC_READ_CONFLICT on its definition, or EXPIRED_CHAINCODE under the v1.x lifecycle" in str(refused.value)
    assert "a chaincode upgrade is EXPIRED_CHAINCODE" not in str(refused.value)
