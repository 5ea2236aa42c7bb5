"""Each transaction a peer's blocks mark VALID must carry endorsements that meet the policies Fabric's validation held
it to: the chaincode's, as the definition committed in the blocks before it (``_lifecycle``) gives it, and each
written key's key-level policy. Built from real protobuf blocks, signed with real keys: the channel's genesis
config block (three orgs, their CAs), a ``_lifecycle`` commit of the chaincode's definition, then the
transactions. One that does not meet them is named, with the policy and why each endorsement counted or not."""
import pytest
from fabric_protos.common import policies_pb2
from fabric_protos.peer import policy_pb2, transaction_pb2
from fabric_protos.peer.lifecycle import chaincode_definition_pb2, db_pb2

from bench.ledger_check import check_peer, replay
from chaincode.receivables.store_base import org_policy
from chaincode.signature_policy import signature_policy
from network.org_definition import implicit_meta_policy
from tests.unit.receivables_client.audit_ledger import Org, Signer, config_block, endorsed

from .test_ledger_check import ChainPeer, block, receivable_key, sealed

SUPPLIER, BANK, CORE = Org("SupplierMSP"), Org("BankMSP"), Org("CoreEnterpriseMSP")
STRANGER = Org("StrangerMSP")       # an org the channel does not have
ORGS = [SUPPLIER, BANK, CORE]
ANY_TWO = "OutOf(2, 'SupplierMSP.peer', 'BankMSP.peer', 'CoreEnterpriseMSP.peer')"
VALID, R1 = transaction_pb2.VALID, receivable_key("R-1")
CLAIM = {"id": "R-1"}


def peers(*orgs: Org) -> list[Signer]:
    return [Signer.peer_of(org) for org in orgs]


def definition(policy: policy_pb2.ApplicationPolicy, chaincode: str = "receivables") -> dict[str, bytes]:
    """The ``_lifecycle`` writes of a commit of ``chaincode``'s definition with endorsement policy ``policy``, as
    Fabric's lifecycle serializer writes them."""
    info = chaincode_definition_pb2.ChaincodeValidationInfo(validation_plugin="vscc",
                                                            validation_parameter=policy.SerializeToString())
    return {f"namespaces/metadata/{chaincode}": db_pb2.StateMetadata(
                datatype="ChaincodeDefinition",
                fields=["EndorsementInfo", "ValidationInfo", "Collections", "Sequence"]).SerializeToString(),
            f"namespaces/fields/{chaincode}/Sequence": db_pb2.StateData(Int64=1).SerializeToString(),
            f"namespaces/fields/{chaincode}/ValidationInfo": db_pb2.StateData(
                Bytes=info.SerializeToString()).SerializeToString()}


def signed_policy(text: str) -> policy_pb2.ApplicationPolicy:
    return policy_pb2.ApplicationPolicy(signature_policy=signature_policy(text))


def committed(*transactions, flags=None):
    """A block of ``transactions`` (ProcessedTransactions), each marked VALID unless ``flags`` says otherwise."""
    return block([t.transactionEnvelope.SerializeToString() for t in transactions],
                 flags or [VALID] * len(transactions))


def the_chain(*blocks, policy=signed_policy(ANY_TWO), commit_signers=(SUPPLIER, BANK), genesis=None):
    """The channel's blocks: its genesis config block (``genesis``, by default the three orgs'), block 1 committing
    the chaincode's definition with ``policy`` (endorsed by ``commit_signers``' peers: a majority of the orgs'
    members, which ``_lifecycle``'s writes need on a channel without a LifecycleEndorsement policy), then
    ``blocks``."""
    commit = endorsed("commit-1", list(definition(policy).items()), peers(*commit_signers), namespace="_lifecycle")
    return sealed([committed(commit), *blocks], genesis=genesis or config_block(ORGS))


def judged(chain):
    replayed = replay(chain, "receivables")
    return replayed.endorsement_failures, replayed.endorsements_untold


def test_transactions_whose_endorsements_meet_every_policy_pass():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK))),
                      committed(endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(CORE, BANK))))
    assert judged(chain) == ([], [])


def test_a_tampered_signature_is_named():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), tamper=True)))
    failures, untold = judged(chain)
    assert untold == []
    assert len(failures) == 1
    assert failures[0].startswith("block 2, transaction 0 (tx-2): marked VALID, but its endorsements do not meet what "
                                  "Fabric's validation holds it to: chaincode receivables's endorsement policy "
                                  f"({ANY_TWO}) needs 2 of 3 principals, has 0")
    assert "SupplierMSP CN=peer0.supplier" in failures[0]
    assert "the signature does not verify under the endorser certificate's key" in failures[0]
    assert failures[0].endswith("`peer node reset` so that it fetches its blocks again from the ordering service, "
                                "then run the check again")


def test_an_endorser_of_an_msp_the_channel_does_not_have_counts_for_nothing():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, STRANGER))))
    failures, _ = judged(chain)
    assert len(failures) == 1
    assert "needs 2 of 3 principals, has 1 (SupplierMSP.peer)" in failures[0]
    assert ("StrangerMSP: it names MSP 'StrangerMSP', which is no X.509 MSP of the channel configuration"
            in failures[0])


def test_endorsements_that_verify_but_do_not_satisfy_the_policy_are_named():
    # one org's peer where the policy asks two; an org's client certificate is no peer of it either
    client_key, client_cert = BANK.issue("user1.bank", ou="client")
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, [*peers(SUPPLIER),
                                                               Signer("BankMSP", client_cert, client_key)])))
    failures, _ = judged(chain)
    assert len(failures) == 1
    assert "needs 2 of 3 principals, has 1 (SupplierMSP.peer): missing 1 of BankMSP.peer, CoreEnterpriseMSP.peer" \
        in failures[0]
    assert "endorsed by SupplierMSP CN=peer0.supplier" in failures[0] and "BankMSP CN=user1.bank" in failures[0]


def test_a_key_is_held_to_the_key_level_policy_an_earlier_block_gave_it():
    supplier_and_core = org_policy(["SupplierMSP", "CoreEnterpriseMSP"])
    registration = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: supplier_and_core})
    # any two orgs meet the chaincode's policy, not the key's
    by_the_key = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, CORE))
    not_by_the_key = endorsed("tx-4", {R1: {**CLAIM, "v": 3}}, peers(SUPPLIER, BANK))
    failures, _ = judged(the_chain(committed(registration), committed(by_the_key), committed(not_by_the_key)))
    assert len(failures) == 1
    assert failures[0].startswith(f"block 4, transaction 0 (tx-4): marked VALID, but its endorsements do not meet "
                                  f"what Fabric's validation holds it to: the key-level policy of key {R1!r} of "
                                  "chaincode receivables (AND('CoreEnterpriseMSP.peer', 'SupplierMSP.peer')) needs 2 "
                                  "of 2 principals, has 1 (SupplierMSP.peer)")


@pytest.mark.parametrize("earlier, expected", [
    (VALID, "failure"),
    (transaction_pb2.MVCC_READ_CONFLICT, "failure"),        # the read versions are checked after the endorsements
    (transaction_pb2.ENDORSEMENT_POLICY_FAILURE, "pass"),   # its policy never took effect
    (transaction_pb2.BAD_RWSET, "untold"),                  # whether it passed the endorsement check: not told
], ids=["valid", "mvcc-conflict", "endorsement-failure", "bad-rwset"])
def test_a_key_whose_policy_an_earlier_transaction_of_the_block_wrote(earlier, expected):
    policy = org_policy(["SupplierMSP", "CoreEnterpriseMSP"])
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: policy})
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, CORE))
    failures, untold = judged(the_chain(committed(sealing, writing, flags=[earlier, VALID])))
    outcome = "failure" if failures else "untold" if untold else "pass"
    assert outcome == expected, (failures, untold)
    if failures:
        assert failures[0].startswith("block 2, transaction 1 (tx-3): ")
        assert "was written by a transaction before it in the same block, which passed its endorsement check" \
            in failures[0]
    if untold:
        assert untold == [f"block 2, transaction 1 (tx-3): the key-level policy of key {R1!r} of chaincode "
                          "receivables was written by a transaction before it in the same block, marked BAD_RWSET, "
                          "which does not say whether it passed its endorsement check (Fabric fails the later one "
                          "where it did)"]


def test_a_transaction_of_a_chaincode_no_definition_was_committed_for_is_named():
    chain = sealed([committed(endorsed("tx-1", {R1: CLAIM}, peers(SUPPLIER, BANK)))], genesis=config_block(ORGS))
    failures, _ = judged(chain)
    assert len(failures) == 1
    assert "no definition of chaincode receivables was committed before its block" in failures[0]


def test_the_definitions_commit_is_held_to_the_lifecycle_policy():
    failures, _ = judged(the_chain(commit_signers=(SUPPLIER,)))
    assert len(failures) == 1
    assert failures[0].startswith("block 1, transaction 0 (commit-1): marked VALID, but its endorsements do not meet "
                                  "what Fabric's validation holds it to: _lifecycle's endorsement policy (the channel "
                                  "defines no LifecycleEndorsement policy: a majority of its application orgs' "
                                  "members)")


def with_endorsement_policies(genesis):
    """The genesis config block with each application org's Endorsement policy its peers', and the channel's
    /Channel/Application/Endorsement a majority of those, as the project's configtx writes them."""
    from fabric_protos.common import common_pb2, configtx_pb2

    envelope = common_pb2.Envelope.FromString(genesis.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    config_envelope = configtx_pb2.ConfigEnvelope.FromString(payload.data)
    application = config_envelope.config.channel_group.groups["Application"]
    application.policies["Endorsement"].policy.CopyFrom(policies_pb2.Policy(
        type=policies_pb2.Policy.IMPLICIT_META, value=implicit_meta_policy("MAJORITY Endorsement").SerializeToString()))
    for name, group in application.groups.items():
        group.policies["Endorsement"].policy.CopyFrom(policies_pb2.Policy(
            type=policies_pb2.Policy.SIGNATURE, value=signature_policy(f"OR('{name}.peer')").SerializeToString()))
    payload.data = config_envelope.SerializeToString()
    genesis.data.data[0] = common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()
    return genesis


def test_a_definition_naming_a_channel_policy_is_held_to_that_policy():
    reference = policy_pb2.ApplicationPolicy(channel_config_policy_reference="/Channel/Application/Endorsement")
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK))),
                      committed(endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, STRANGER))),
                      policy=reference, genesis=with_endorsement_policies(config_block(ORGS)))
    failures, untold = judged(chain)
    assert untold == []
    assert len(failures) == 1
    assert failures[0].startswith("block 3, transaction 0 (tx-3): marked VALID, but its endorsements do not meet what "
                                  "Fabric's validation holds it to: chaincode receivables's endorsement policy, "
                                  "/Channel/Application/Endorsement (MAJORITY Endorsement) needs 2 of 3")


def test_the_peers_ledger_names_the_transactions_that_fail_apart_from_its_state():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER))))
    peer = ChainPeer(chain, b'{"id": "R-1"}')
    ledger = check_peer("peer0.supplier", peer, peer, "receivables", "receivables", "SupplierMSP", [], [])
    assert ledger.state_mismatches == []
    assert [line.split(":")[0] for line in ledger.endorsement_failures] == ["block 2, transaction 0 (tx-2)"]
    assert ledger.to_json()["endorsement_failures"] == ledger.endorsement_failures
