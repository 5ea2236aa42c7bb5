"""The creator's certificate is read only from id_bytes holding exactly one PEM block labelled CERTIFICATE.

Fabric's MSP authenticates the first PEM block of id_bytes whatever its label and ignores the rest; a chaincode
reading any other block would act for an identity the peer never checked the signature of."""

import base64
import json
import textwrap

import pytest
from cryptography.hazmat.primitives import serialization
from fabric_protos.msp import identities_pb2

from chaincode.receivables import ReceivablesContract
from chaincode.shim import ClientIdentity
from chaincode.testing import MemoryLedger, make_identity
from chaincode.testing._identities import TestIdentity

MALLORY = make_identity("SupplierMSP", "mallory")                 # OU=client
ADMIN = make_identity("SupplierMSP", "root", ou="admin")          # its certificate is public


def pem_of(identity: TestIdentity) -> bytes:
    return identity.certificate.public_bytes(serialization.Encoding.PEM)


def relabelled(identity: TestIdentity, label: str = "X509 CERT") -> bytes:
    """``identity``'s certificate as a PEM block under another label than CERTIFICATE."""
    der = identity.certificate.public_bytes(serialization.Encoding.DER)
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


def creator(id_bytes: bytes) -> bytes:
    return identities_pb2.SerializedIdentity(mspid="SupplierMSP", id_bytes=id_bytes).SerializeToString()


def test_a_relabelled_first_block_with_another_certificate_after_it_is_refused():
    # the peer authenticates mallory (the first block); the chaincode must not read the admin's after it
    with pytest.raises(ValueError, match="holds 2 PEM blocks: the peer authenticates the first alone"):
        ClientIdentity.from_serialized(creator(relabelled(MALLORY) + pem_of(ADMIN)))


def test_two_certificate_blocks_are_refused():
    with pytest.raises(ValueError, match="holds 2 PEM blocks"):
        ClientIdentity.from_serialized(creator(pem_of(MALLORY) + pem_of(ADMIN)))


def test_a_lone_block_of_another_label_is_refused_naming_the_label():
    with pytest.raises(ValueError, match="is a PEM block labelled 'X509 CERT', not CERTIFICATE"):
        ClientIdentity.from_serialized(creator(relabelled(MALLORY)))


def test_text_around_the_block_is_refused():
    with pytest.raises(ValueError, match="not a PEM X.509 certificate: send one block labelled CERTIFICATE"):
        ClientIdentity.from_serialized(creator(b"admin\n" + pem_of(MALLORY)))
    with pytest.raises(ValueError, match="not a PEM X.509 certificate"):
        ClientIdentity.from_serialized(creator(pem_of(MALLORY) + b"trailer"))


def test_one_certificate_block_is_read_with_whitespace_and_crlf_around_it():
    padded = b"\r\n " + pem_of(MALLORY).replace(b"\n", b"\r\n") + b"\n\n"
    assert ClientIdentity.from_serialized(creator(padded)).id == MALLORY.id


async def test_a_client_appending_the_admins_certificate_is_not_taken_for_the_admin():
    forged = TestIdentity(creator(relabelled(MALLORY) + pem_of(ADMIN)), msp_id="SupplierMSP",
                          certificate=MALLORY.certificate, private_key=MALLORY.private_key,
                          ca_certificate=MALLORY.ca_certificate)
    ledger = MemoryLedger(contracts=[ReceivablesContract()])
    result = await ledger.evaluate(forged, "RegisterParty", json.dumps({"x": 1}))
    assert result.status == 500
    assert "holds 2 PEM blocks" in result.message
    assert "argument-invalid" not in result.message   # never reached the admin-only transaction's arguments
