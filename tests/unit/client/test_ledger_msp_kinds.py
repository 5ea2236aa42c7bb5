"""Endorsements verified as the MSP their endorser names verifies them, and a channel config whatever kinds of MSP
its orgs have: an MSP set to the SHA3 signature hash family has its identities sign SHA3-256 digests; an Idemix org
(MSPConfig type 1) is no X.509 MSP, and an endorsement naming it is refused, not the whole config; an X.509 MSP
that cannot be read is named."""
from __future__ import annotations

import pytest
from fabric_protos.common import common_pb2
from fabric_protos.msp import msp_config_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import hashing, private_key_signer
from client.ledger.endorsements import committed_transaction
from client.ledger.msp import channel_msps
from client.ledger.qscc import LedgerReadError, config_of
from tests.unit.receivables_client.audit_ledger import Org, Signer, endorsed, msp_config_block

IDEMIX_MSP_TYPE = 1


def _with_hash_family(org: Org, family: str) -> msp_config_pb2.MSPConfig:
    outer = org.msp_config()
    fabric = msp_config_pb2.FabricMSPConfig.FromString(outer.config)
    fabric.crypto_config.signature_hash_family = family
    fabric.crypto_config.identity_identifier_hash_function = "SHA256"
    return msp_config_pb2.MSPConfig(type=outer.type, config=fabric.SerializeToString())


def _idemix(msp_id: str) -> msp_config_pb2.MSPConfig:
    idemix = msp_config_pb2.IdemixMSPConfig(name=msp_id, ipk=b"\x0a\x20" + b"k" * 32, epoch=1,
                                            revocation_pk=b"-----BEGIN PUBLIC KEY-----\n...")
    return msp_config_pb2.MSPConfig(type=IDEMIX_MSP_TYPE, config=idemix.SerializeToString())


def _signed_with(processed: transaction_pb2.ProcessedTransaction, org: Org, digest) -> None:
    """Re-sign ``org``'s endorsement of the transaction's action over ``digest`` of what a peer signs."""
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    for endorsement in action.action.endorsements:
        if org.msp_id.encode() in endorsement.endorser:
            endorsement.signature = private_key_signer(org.peer_key)(
                digest(action.action.proposal_response_payload + endorsement.endorser))
    transaction.actions[0].payload = action.SerializeToString()
    payload.data = transaction.SerializeToString()
    processed.transactionEnvelope.payload = payload.SerializeToString()


def _problems(processed, config) -> dict[str, str | None]:
    endorsements = committed_transaction(processed, channel_msps(config)).actions[0].endorsements
    return {endorsement.msp_id: endorsement.problem for endorsement in endorsements}


def test_an_endorsement_of_a_sha3_msp_verifies_over_the_sha3_digest_and_not_over_sha256():
    core, supplier = Org("CoreEnterpriseMSP"), Org("SupplierMSP")
    config = config_of(msp_config_block([_with_hash_family(core, "SHA3"), supplier.msp_config()]))
    assert channel_msps(config)["CoreEnterpriseMSP"].signature_hash_family == "SHA3"
    assert channel_msps(config)["SupplierMSP"].signature_hash_family == "SHA2"   # unset: Fabric's default

    sha3_signed = endorsed("t1", {"k": {"v": 1}}, [Signer.peer_of(core), Signer.peer_of(supplier)])
    _signed_with(sha3_signed, core, hashing.sha3_256)
    assert _problems(sha3_signed, config) == {"CoreEnterpriseMSP": None, "SupplierMSP": None}

    sha256_signed = endorsed("t2", {"k": {"v": 1}}, [Signer.peer_of(core)])
    assert "does not verify" in _problems(sha256_signed, config)["CoreEnterpriseMSP"]


def test_an_endorsement_of_an_msp_of_an_unknown_hash_family_is_refused_naming_the_org_and_family():
    core = Org("CoreEnterpriseMSP")
    config = config_of(msp_config_block([_with_hash_family(core, "SHA5")]))
    problem = _problems(endorsed("t1", {"k": {"v": 1}}, [Signer.peer_of(core)]), config)["CoreEnterpriseMSP"]
    assert "CoreEnterpriseMSP's MSP" in problem and "'SHA5'" in problem and "SHA2 or SHA3" in problem


def test_an_idemix_org_is_left_out_of_the_msps_and_an_endorsement_naming_it_is_refused():
    core, anon = Org("CoreEnterpriseMSP"), Org("AnonMSP")
    config = config_of(msp_config_block([core.msp_config(), _idemix("AnonMSP")]))
    assert list(channel_msps(config)) == ["CoreEnterpriseMSP"]
    problems = _problems(endorsed("t1", {"k": {"v": 1}}, [Signer.peer_of(core), Signer.peer_of(anon)]), config)
    assert problems["CoreEnterpriseMSP"] is None
    assert "names MSP 'AnonMSP', which is no X.509 MSP of the channel configuration" in problems["AnonMSP"]


def test_an_x509_msp_that_cannot_be_read_is_named():
    core, broken = Org("CoreEnterpriseMSP"), msp_config_pb2.FabricMSPConfig(name="BrokenMSP", root_certs=[b"no PEM"])
    config = config_of(msp_config_block([core.msp_config(),
                                         msp_config_pb2.MSPConfig(type=0, config=broken.SerializeToString())]))
    with pytest.raises(LedgerReadError, match=r"the MSP of org BrokenMSP \(Application\) in the channel config "
                                              r"cannot be read as an X\.509 MSP"):
        channel_msps(config)
