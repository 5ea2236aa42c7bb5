"""Endorsers counted as Fabric's MSP names them (msp/identities.go newIdentity, msp/mspimpl.go sanitizeCert;
common/policies SignatureSetToValidIdentities): a certificate and its twin whose CA signature differs only in S
(n-S for S) are one identity, counted once; a certificate that does not chain to its MSP's CAs does not
deserialize, so its endorsement is dropped before the policy is evaluated."""
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from client.ledger.config_policies import OrgMsp, SignedBy, satisfies
from tests.unit.bench.test_ledger_check_endorsements import (BANK, CLAIM, R1, STRANGER, SUPPLIER, committed, endorsed,
                                                             judged, peers, signed_policy, the_chain)
from tests.unit.receivables_client.audit_ledger import Signer, pem

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
TWO_SUPPLIER_PEERS = "OutOf(2, 'SupplierMSP.peer', 'SupplierMSP.peer')"


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def high_s_twin(cert: x509.Certificate) -> x509.Certificate:
    """``cert`` with its CA's signature (r, s) re-encoded as (r, n-s): the same signature to OpenSSL and Go, other
    certificate bytes."""
    der = cert.public_bytes(serialization.Encoding.DER)
    r, s = decode_dss_signature(cert.signature)
    old = _tlv(0x03, b"\x00" + cert.signature)
    new = _tlv(0x03, b"\x00" + encode_dss_signature(r, P256_ORDER - s))
    header = 2 + (der[1] & 0x7F if der[1] & 0x80 else 0)
    return x509.load_der_x509_certificate(_tlv(0x30, der[header:len(der) - len(old)] + new))


def _twin_of_supplier_peer() -> Signer:
    peer = peers(SUPPLIER)[0]
    twin = high_s_twin(peer.cert)
    # a certificate whose signature S is low would give a low-S twin Fabric would also call one: either way round
    assert twin.public_bytes(serialization.Encoding.DER) != peer.cert.public_bytes(serialization.Encoding.DER)
    twin.verify_directly_issued_by(SUPPLIER.ca_cert)      # a real certificate of the CA, as valid as the first
    return Signer(SUPPLIER.msp_id, twin, peer.key)


def test_a_certificate_and_its_other_s_twin_endorse_as_one_identity():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, [peers(SUPPLIER)[0], _twin_of_supplier_peer()])),
                      policy=signed_policy(TWO_SUPPLIER_PEERS))
    failures, untold = judged(chain)
    assert untold == [] and len(failures) == 1, failures
    assert "needs 2 of 2 principals, has 1" in failures[0], failures
    assert "its identity signed already" in failures[0], failures


def test_two_peers_of_the_org_meet_the_same_policy():
    key, cert = SUPPLIER.issue("peer1.supplier")
    second_peer = Signer(SUPPLIER.msp_id, cert, key)
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, [peers(SUPPLIER)[0], second_peer])),
                      policy=signed_policy(TWO_SUPPLIER_PEERS))
    assert judged(chain) == ([], [])


def test_the_twin_alone_is_an_identity_of_its_org():
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, [_twin_of_supplier_peer(), *peers(BANK)])),
                      policy=signed_policy("AND('SupplierMSP.peer', 'BankMSP.peer')"))
    assert judged(chain) == ([], [])


def test_a_certificate_of_another_ca_naming_the_org_is_dropped_before_the_policy():
    foreign = peers(STRANGER)[0]
    chain = the_chain(committed(endorsed("tx-2", {R1: CLAIM}, [Signer(SUPPLIER.msp_id, foreign.cert, foreign.key),
                                                              *peers(BANK)])),
                      policy=signed_policy("AND('SupplierMSP.peer', 'BankMSP.peer')"))
    failures, _ = judged(chain)
    assert len(failures) == 1, failures
    assert "counted for nothing: SupplierMSP" in failures[0], failures
    assert "its certificate is no identity SupplierMSP's MSP can read" in failures[0], failures
    assert "endorsed by BankMSP" in failures[0], failures


def test_the_twin_of_a_listed_admin_certificate_is_that_admin():
    # Fabric compares an identity with the MSP's admin certificates as both are sanitized (isInAdmins)
    _, admin = SUPPLIER.issue("admin.supplier", ou="admin")
    msps = {SUPPLIER.msp_id: OrgMsp(SUPPLIER.msp_id, (pem(SUPPLIER.ca_cert),), (), {}, admins=(pem(admin),))}
    twin = SignedBy(SUPPLIER.msp_id, high_s_twin(admin), True)
    assert satisfies(twin, SUPPLIER.msp_id, "admin", msps)
    _, other = SUPPLIER.issue("admin2.supplier", ou="admin")
    assert not satisfies(SignedBy(SUPPLIER.msp_id, other, True), SUPPLIER.msp_id, "admin", msps)
