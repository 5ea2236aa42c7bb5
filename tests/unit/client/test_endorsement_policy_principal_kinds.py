"""A signature policy naming a principal other than 'MSPID.role' (an exact identity, an organizational unit, any
identity at all) is one Fabric's MSP evaluates and the check does not: whether a transaction meets it is untold,
where it was taken as met by nobody and a transaction Fabric passed read as one whose flags let it through unmet."""
from fabric_protos.common import policies_pb2
from fabric_protos.msp import identities_pb2, msp_principal_pb2

from tests.unit.bench.test_ledger_check_endorsements import (BANK, CLAIM, R1, SUPPLIER, committed, endorsed, judged,
                                                             peers, the_chain)
from tests.unit.receivables_client.audit_ledger import pem


def _only(principal: msp_principal_pb2.MSPPrincipal) -> bytes:
    """A key-level policy met by ``principal`` alone."""
    return policies_pb2.SignaturePolicyEnvelope(rule=policies_pb2.SignaturePolicy(signed_by=0),
                                                identities=[principal]).SerializeToString()


def test_a_key_level_policy_naming_one_identity_is_untold():
    supplier_peer = peers(SUPPLIER)[0]
    identity = msp_principal_pb2.MSPPrincipal(
        principal_classification=msp_principal_pb2.MSPPrincipal.IDENTITY,
        principal=identities_pb2.SerializedIdentity(mspid="SupplierMSP",
                                                    id_bytes=pem(supplier_peer.cert)).SerializeToString())
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: _only(identity)})
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, [supplier_peer, *peers(BANK)])
    failures, untold = judged(the_chain(committed(sealing), committed(writing)))
    assert failures == []
    assert untold and (f"the key-level policy of key {R1!r} of chaincode receivables names principals of a kind this "
                       "check does not evaluate (IDENTITY)") in untold[0], untold


def test_a_role_policy_is_still_judged():
    role = msp_principal_pb2.MSPPrincipal(
        principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
        principal=msp_principal_pb2.MSPRole(msp_identifier="CoreEnterpriseMSP",
                                            role=msp_principal_pb2.MSPRole.PEER).SerializeToString())
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: _only(role)})
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, BANK))
    failures, untold = judged(the_chain(committed(sealing), committed(writing)))
    assert untold == [] and len(failures) == 1
    assert (f"the key-level policy of key {R1!r} of chaincode receivables ('CoreEnterpriseMSP.peer') needs 1 of 1 "
            "principals, has 0") in failures[0], failures


def test_a_role_principal_that_does_not_decode_is_met_by_nobody():
    # Fabric's MSP fails to read it when the policy is evaluated; the check stopped on a bare DecodeError
    garbled = msp_principal_pb2.MSPPrincipal(principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
                                             principal=b"\xff\xff\xff")
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: _only(garbled)})
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, BANK))
    failures, untold = judged(the_chain(committed(sealing), committed(writing)))
    assert untold == [] and len(failures) == 1
    assert (f"the key-level policy of key {R1!r} of chaincode receivables ('?.unreadable-principal') needs 1 of 1 "
            "principals, has 0") in failures[0], failures
