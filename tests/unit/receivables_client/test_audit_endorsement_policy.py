"""The audit holds each transaction whose endorsement a check rests on to the policies Fabric's validation held it to,
read back from the blocks through the versions it read: the chaincode's definition through its read of the
definition's sequence (which a peer makes for every invocation), a key's key-level policy through its read of the
key. A transaction the auditor's peer marks VALID whose endorsements do not meet them fails the check, naming the
policy; what the blocks read cannot tell is said in the passing reason."""
from __future__ import annotations

from fabric_protos.peer import policy_pb2

from chaincode.receivables.store_base import org_policy
from chaincode.signature_policy import signature_policy
from client.ledger.endorsements import committed_transaction
from client.receivables.ledger_keys import receivable_key

from . import test_audit as audit_tests
from .audit_ledger import ScriptedQscc, config_block, endorsed, plain_block, transaction_block
from .test_audit import BANK, BLOCK_OF, CORE, R, REGULATOR, SUPPLIER, at, checks_of

orgs_keys, ledger = audit_tests.orgs_keys, audit_tests.ledger

DEFINED_AT = (1, 0)     # the commit of the chaincode's definition: block 1, alone in it
SEQUENCE = "namespaces/fields/receivables/Sequence"
ANY_TWO = f"OutOf(2, '{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer', '{REGULATOR}.peer')"


def defined(ledger, policy_text: str) -> None:
    """The ledger with block 1 committing the chaincode's definition with ``policy_text``, and the confirmation
    reading its sequence there, as a peer records an invocation's read of it; the registration reading the claim's
    key before it existed (a read at no version, which tells the key held no policy then)."""
    from tests.unit.bench.test_ledger_check_endorsements import definition

    registration = ledger.transactions["t-register"]
    ledger.transactions["t-register"] = endorsed(
        "t-register", {receivable_key(R): {**ledger.receivable, "status": "REGISTERED"}},
        ledger.peers(*_endorsers(registration)), reads={receivable_key(R): None},
        metadata=_policies_written(registration))
    policy = policy_pb2.ApplicationPolicy(signature_policy=signature_policy(policy_text))
    ledger.transactions["commit-1"] = endorsed("commit-1", list(definition(policy).items()),
                                               ledger.peers(CORE, SUPPLIER, BANK), namespace="_lifecycle")
    confirm = ledger.transactions["t-confirm"]
    ledger.transactions["t-confirm"] = endorsed(
        "t-confirm", {receivable_key(R): ledger.receivable}, ledger.peers(*_endorsers(confirm)),
        reads={receivable_key(R): at("t-register")}, also_read={"_lifecycle": {SEQUENCE: DEFINED_AT}})

    def qscc() -> ScriptedQscc:
        blocks = [config_block(list(ledger.orgs.values())), transaction_block(1, [ledger.transactions["commit-1"]]),
                  plain_block(2, 0), *(transaction_block(number, [ledger.transactions[tx_id]]
                                                         if tx_id in ledger.transactions else [])
                                       for tx_id, number in BLOCK_OF.items())]
        return ScriptedQscc(blocks, ledger.transactions)

    ledger.qscc = qscc


def _endorsers(processed) -> list[str]:
    return [e.msp_id for e in committed_transaction(processed).actions[0].endorsements]


def _policies_written(processed) -> dict[str, bytes]:
    return {key: policy for _, key, policy in committed_transaction(processed).actions[0].policies_written}


def test_a_confirmation_meeting_its_definitions_policy_says_so(ledger):
    defined(ledger, ANY_TWO)
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed, reason
    assert reason == (f"endorsed by {CORE} (verified: {CORE}, {SUPPLIER}); its endorsements meet every policy "
                      "Fabric's validation held it to")


def test_a_confirmation_short_of_its_definitions_policy_fails_naming_it(ledger):
    every_party = f"AND('{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer')"
    defined(ledger, every_party)
    report = ledger.audit()[0]
    passed, reason = checks_of(report)["confirmation"]
    assert not passed and not report.passed
    assert reason.startswith(f"t-confirm is marked VALID on {BANK}'s peer, but its endorsements do not meet the "
                             f"policies Fabric's validation held it to: chaincode receivables's endorsement policy "
                             f"({every_party}) needs 3 of 3 principals, has 2"), reason
    assert reason.endswith("that peer's validation flags are not Fabric's, so what it holds of the claim cannot be "
                           "taken as what the policies allowed")


def test_a_key_level_policy_is_read_back_through_the_version_the_confirmation_read(ledger):
    # the registration put the claim under the debtor's and the bank's orgs: the confirmation, endorsed by the
    # debtor's and the supplier's, meets the chaincode's policy, not the claim's
    ledger.transactions["t-register"] = endorsed(
        "t-register", {receivable_key(R): {**ledger.receivable, "status": "REGISTERED"}},
        ledger.peers(SUPPLIER, BANK), metadata={receivable_key(R): org_policy([CORE, BANK])})
    defined(ledger, ANY_TWO)
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert not passed
    assert (f"the key-level policy of key {receivable_key(R)!r} of chaincode receivables (AND('{BANK}.peer', "
            f"'{CORE}.peer')) needs 2 of 2 principals, has 1 ({CORE}.peer)") in reason, reason


def test_a_confirmation_whose_definition_read_is_not_in_the_blocks_says_what_cannot_be_told(ledger):
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed, reason
    assert reason.endswith("; whether its endorsements meet every policy Fabric's validation held it to cannot be "
                           "told from the blocks read: it records no read of chaincode receivables's definition (its "
                           "sequence, which a peer reads for every invocation), so the definition it was validated "
                           "against cannot be told from the blocks"), reason


def test_a_read_of_the_claim_naming_a_version_of_a_transaction_that_did_not_write_it_fails(ledger):
    # the registration put the claim under the debtor's and the bank's orgs; the confirmation's read of the claim
    # names t-taken, which read the claim before it existed and wrote another key: read back through t-taken's read,
    # the claim held no policy, and the confirmation, short of the bank's org, would seem to meet every policy
    ledger.transactions["t-register"] = endorsed(
        "t-register", {receivable_key(R): {**ledger.receivable, "status": "REGISTERED"}},
        ledger.peers(SUPPLIER, BANK), metadata={receivable_key(R): org_policy([CORE, BANK])})
    defined(ledger, ANY_TWO)
    ledger.transactions["t-taken"] = endorsed("t-taken", {"another-key": {"id": "X"}}, ledger.peers(SUPPLIER, BANK),
                                              reads={receivable_key(R): None})
    confirm = ledger.transactions["t-confirm"]
    ledger.transactions["t-confirm"] = endorsed(
        "t-confirm", {receivable_key(R): ledger.receivable}, ledger.peers(*_endorsers(confirm)),
        reads={receivable_key(R): at("t-taken")}, also_read={"_lifecycle": {SEQUENCE: DEFINED_AT}})
    # t-taken wrote nothing of the claim: the history, listing the confirmation after the registration, leaves
    # out no write, and no version of the key is t-taken's, so the confirmation fails before its policies
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed is False
    assert (f"lists transaction t-confirm after t-register, which wrote its key at block {at('t-register')[0]}, "
            f"transaction 0, but t-confirm read the key as written at block {at('t-taken')[0]}, transaction 0") in reason


def test_a_read_of_the_definitions_sequence_naming_no_commit_of_it_tells_no_definition(ledger):
    # the confirmation's read of the sequence names t-taken, which wrote another key and read the definition's fields
    # before any was committed: read back through it, the chaincode had no definition, and the check failed
    defined(ledger, ANY_TWO)
    ledger.transactions["t-taken"] = endorsed(
        "t-taken", {"another-key": {"id": "X"}}, ledger.peers(SUPPLIER, BANK),
        also_read={"_lifecycle": {"namespaces/metadata/receivables": None,
                                  "namespaces/fields/receivables/ValidationInfo": None}})
    confirm = ledger.transactions["t-confirm"]
    ledger.transactions["t-confirm"] = endorsed(
        "t-confirm", {receivable_key(R): ledger.receivable}, ledger.peers(*_endorsers(confirm)),
        reads={receivable_key(R): at("t-register")}, also_read={"_lifecycle": {SEQUENCE: at("t-taken")}})
    passed, reason = checks_of(ledger.audit()[0])["confirmation"]
    assert passed, reason
    assert (f"transaction t-taken (block {at('t-taken')[0]}, transaction 0), the version of chaincode receivables's "
            "definition sequence a read names, does not write it") in reason, reason
