"""A block's orderer signatures are verified in the signature hash family of the signer's MSP, as Fabric's
MSP verifies every signature (msp/identities.go ``Verify``: the digest of the MSP's SignatureHashFamily): an
orderer org whose MSP is set to SHA3 signs the SHA3-256 digest, and its blocks are the ordering service's all
the same."""
from __future__ import annotations

from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.msp import identities_pb2, msp_config_pb2

from client.gateway import hashing, private_key_signer
from client.ledger import block_integrity

from .audit_ledger import ORDERER, Org, config_block, pem, plain_block, with_signature_hash_family


def config_with_orderer_family(family: str) -> configtx_pb2.Config:
    """The channel config of ``config_block``, its orderer org's MSP set to the signature hash ``family``."""
    envelope = common_pb2.Envelope.FromString(config_block([Org("BankMSP")]).data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    config = configtx_pb2.ConfigEnvelope.FromString(payload.data).config
    value = config.channel_group.groups["Orderer"].groups[ORDERER.msp_id].values["MSP"]
    value.value = with_signature_hash_family(msp_config_pb2.MSPConfig.FromString(value.value),
                                             family).SerializeToString()
    return config


def block_signed_over(digest) -> common_pb2.Block:
    """Block 1, signed by ``ORDERER``'s identity over ``digest`` of the bytes an orderer signs."""
    block = plain_block(1, 0)
    block.header.data_hash = block_integrity.data_hash(block.data)
    block.metadata.metadata.extend([b""] * (5 - len(block.metadata.metadata)))
    signatures = common_pb2.Metadata.FromString(block.metadata.metadata[common_pb2.SIGNATURES])
    creator = identities_pb2.SerializedIdentity(mspid=ORDERER.msp_id, id_bytes=pem(ORDERER.peer_cert))
    header = common_pb2.SignatureHeader(creator=creator.SerializeToString(), nonce=b"orderer nonce")
    signed = signatures.value + header.SerializeToString() + block_integrity.header_bytes(block.header)
    signatures.signatures.add(signature_header=header.SerializeToString(),
                              signature=private_key_signer(ORDERER.peer_key)(digest(signed)))
    block.metadata.metadata[common_pb2.SIGNATURES] = signatures.SerializeToString()
    return block


def test_a_block_signed_by_an_orderer_of_an_msp_set_to_sha3_passes():
    config = config_with_orderer_family("SHA3")
    assert block_integrity.signature_problem(block_signed_over(hashing.sha3_256), config) is None


def test_a_block_signed_over_sha256_by_an_orderer_of_an_msp_set_to_sha3_fails():
    config = config_with_orderer_family("SHA3")
    problem = block_integrity.signature_problem(block_signed_over(hashing.sha256), config)
    assert problem is not None and "does not verify" in problem


def test_a_block_signed_by_an_orderer_of_an_msp_set_to_sha2_is_verified_over_sha256():
    config = config_with_orderer_family("SHA2")
    assert block_integrity.signature_problem(block_signed_over(hashing.sha256), config) is None
    assert block_integrity.signature_problem(block_signed_over(hashing.sha3_256), config) is not None


def test_an_orderer_msp_of_a_family_fabric_does_not_know_verifies_no_signature():
    config = config_with_orderer_family("MD5")
    problem = block_integrity.signature_problem(block_signed_over(hashing.sha256), config)
    assert problem is not None and "'MD5'" in problem and "verifies no signature" in problem
