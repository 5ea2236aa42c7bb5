"""The creator's certificate is read from the first PEM block of id_bytes, whatever its label, as the peer reads it.

Fabric's MSP authenticates the first PEM block of id_bytes whatever its label and ignores the rest; a chaincode
reading any other block would act for an identity the peer never checked the signature of. Where Go's pem.Decode
would pass over a malformed first block to a later one, the chaincode refuses instead."""

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


def der_block(identity: TestIdentity, label: str = "CERTIFICATE", *, body_suffix: str = "") -> bytes:
    der = identity.certificate.public_bytes(serialization.Encoding.DER)
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode() + body_suffix, 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


def read(id_bytes: bytes) -> str:
    return ClientIdentity.from_serialized(creator(id_bytes)).id


def test_a_relabelled_first_block_with_another_certificate_after_it_is_read_as_the_first():
    # the peer authenticates mallory (the first block); the chaincode must not read the admin's after it
    assert read(relabelled(MALLORY) + pem_of(ADMIN)) == MALLORY.id


def test_of_two_certificate_blocks_the_first_is_read():
    assert read(pem_of(MALLORY) + pem_of(ADMIN)) == MALLORY.id


def test_a_lone_block_of_another_label_is_read_as_the_peer_reads_it():
    assert read(relabelled(MALLORY, "X509 CERTIFICATE")) == MALLORY.id


def test_a_begin_line_not_at_the_start_of_a_line_before_the_block_is_refused():
    # Go versions differ on whether the admin's block after "junk" is one: refused rather than read either way
    with pytest.raises(ValueError, match="not a PEM X.509 certificate"):
        read(b"junk" + pem_of(ADMIN) + pem_of(MALLORY))


def test_text_before_the_block_and_padding_after_it_are_passed_over():
    assert read(b"subject=CN=mallory\n" + pem_of(MALLORY) + b"\x00\x1a") == MALLORY.id


def test_one_certificate_block_is_read_with_line_ends_and_crlf_around_it():
    padded = b"\r\n" + pem_of(MALLORY).replace(b"\n", b"\r\n") + b"\n\n"
    assert read(padded) == MALLORY.id


@pytest.mark.parametrize("id_bytes", [
    pytest.param(pem_of(MALLORY).replace(b"-----END CERTIFICATE-----", b"-----END CERTIFICATE-----x") + pem_of(ADMIN),
                 id="text after the END line"),
    pytest.param(der_block(MALLORY, body_suffix="AAAA") + pem_of(ADMIN), id="data after the base64 padding"),
    pytest.param(der_block(MALLORY).replace(b"-----END CERTIFICATE-----", b"-----END OTHER-----") + pem_of(ADMIN),
                 id="END of another label"),
    pytest.param(b"-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n" + pem_of(MALLORY).split(b"\n", 1)[1]
                 + pem_of(ADMIN), id="PEM headers"),
    pytest.param(b"admin\n", id="no block at all"),
    pytest.param(b" " + pem_of(MALLORY), id="BEGIN not at the start of a line (Go finds no block)"),
    pytest.param(b"\n-----END " + pem_of(MALLORY) + pem_of(ADMIN),
                 id="an END before the first block (Go goes on right after it, to mallory's BEGIN)"),
    pytest.param(b"-----\n" + pem_of(ADMIN), id="dashes before the first block"),
])
def test_a_first_block_go_would_pass_over_is_refused_not_read_past(id_bytes):
    with pytest.raises(ValueError, match="not a PEM X.509 certificate"):
        read(id_bytes)


async def test_a_client_appending_the_admins_certificate_is_not_taken_for_the_admin():
    forged = TestIdentity(creator(relabelled(MALLORY) + pem_of(ADMIN)), msp_id="SupplierMSP",
                          certificate=MALLORY.certificate, private_key=MALLORY.private_key,
                          ca_certificate=MALLORY.ca_certificate)
    ledger = MemoryLedger(contracts=[ReceivablesContract()])
    result = await ledger.evaluate(forged, "RegisterParty", json.dumps({"x": 1}))
    assert result.status == 500
    assert "not-an-org-admin" in result.message   # acting as mallory, a client: never as the admin


# A creator the peer authenticates may carry any text after its certificate's block (Go's pem.Decode ignores it),
# and, since Go 1.24.8, BEGIN lines of another label before it (pem.Decode takes the last BEGIN before the first
# END). The block is matched where the first BEGIN line stands, never searched for: a search tries every BEGIN line
# no END line closes to the end of the text, so 4,000 of them took 7 seconds and a hundred thousand over an hour.
def unclosed_begin_lines(label: str) -> bytes:
    return f"-----BEGIN {label}-----\n".encode() * 100_000


def test_begin_lines_no_end_line_closes_after_the_block_are_passed_over_as_the_peer_does():
    assert read(pem_of(MALLORY) + unclosed_begin_lines("CERTIFICATE")) == MALLORY.id


@pytest.mark.parametrize("id_bytes", [
    pytest.param(unclosed_begin_lines("CERTIFICATE REQUEST") + pem_of(MALLORY), id="before the block"),
    pytest.param(unclosed_begin_lines("CERTIFICATE"), id="and no block"),
])
def test_begin_lines_no_end_line_closes_are_refused(id_bytes):
    with pytest.raises(ValueError, match="not a PEM X.509 certificate: send the signer's certificate"):
        read(id_bytes)
