"""Which CRLs Fabric's MSP takes as signed by the CA they name (client/ledger/revocation.py).

Before a CRL whose Authority Key Identifier is a CA's Subject Key Identifier revokes a certificate that CA issued,
Fabric's MSP checks the CA signed it (msp/mspimplvalidate.go validateCertAgainstChain, with Go's
Certificate.CheckCRLSignature): the signature over the CRL's TBSCertList, under the algorithm the CRL names. Go's
ECDSA verification takes an S in either half of the curve order, and its CheckSignature still takes ECDSA and RSA
signatures over SHA-1, which cryptography's CRL check refuses; a CRL its CA did not sign revokes nothing.
"""
from __future__ import annotations

import datetime as dt

import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID

from client.ledger import revocation
from client.ledger.msp import ChannelMsp, certificate_problem

NOW = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
DAY = dt.timedelta(days=1)
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
REVOKED = 7


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ca(key):
    return (x509.CertificateBuilder().subject_name(_name("ca")).issuer_name(_name("ca")).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW - DAY).not_valid_after(NOW + 365 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def _user(ca_key) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(_name("user1")).issuer_name(_name("ca"))
            .public_key(ec.generate_private_key(ec.SECP256R1()).public_key()).serial_number(REVOKED)
            .not_valid_before(NOW - DAY).not_valid_after(NOW + 300 * DAY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))


def _crl(ca_key, signing_key=None) -> x509.CertificateRevocationList:
    """A CRL naming ``ca_key``'s CA (its AKI) that revokes REVOKED, signed by ``signing_key`` (the CA's by default)."""
    return (x509.CertificateRevocationListBuilder().issuer_name(_name("ca")).last_update(NOW).next_update(NOW + DAY)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(REVOKED).revocation_date(NOW)
                                     .build())
            .sign(signing_key or ca_key, hashes.SHA256()))


def _der(crl: x509.CertificateRevocationList) -> bytes:
    return crl.public_bytes(serialization.Encoding.DER)


def _signed_over_sha1(crl: x509.CertificateRevocationList, key) -> bytes:
    """``crl`` signed again by ``key`` over SHA-1 (ECDSA or RSA PKCS#1 v1.5), both its algorithm fields saying so: what
    cryptography's CRL builder no longer writes."""
    listing = asn1_crl.CertificateList.load(_der(crl))
    algorithm = "sha1_ecdsa" if isinstance(key, ec.EllipticCurvePrivateKey) else "sha1_rsa"
    listing["tbs_cert_list"]["signature"] = {"algorithm": algorithm}
    listing["signature_algorithm"] = {"algorithm": algorithm}
    signed = listing["tbs_cert_list"].dump(force=True)
    listing["signature"] = (key.sign(signed, ec.ECDSA(hashes.SHA1())) if algorithm == "sha1_ecdsa"
                            else key.sign(signed, padding.PKCS1v15(), hashes.SHA1()))
    return listing.dump(force=True)


def _with_s(crl: x509.CertificateRevocationList, high: bool) -> bytes:
    """``crl`` with its CA's ECDSA signature's S in the high (or low) half of the P-256 order: the same signature for
    an ECDSA verification that asks nothing of S."""
    r, s = decode_dss_signature(crl.signature)
    if (s > P256_ORDER // 2) != high:
        s = P256_ORDER - s
    listing = asn1_crl.CertificateList.load(_der(crl))
    listing["signature"] = encode_dss_signature(r, s)
    return listing.dump(force=True)


@pytest.mark.parametrize("high", [True, False])
def test_an_ecdsa_signed_crl_revokes_whichever_half_its_s_is_in(high):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _ca(ca_key)
    data = _with_s(_crl(ca_key), high)
    assert (decode_dss_signature(x509.load_der_x509_crl(data).signature)[1] > P256_ORDER // 2) is high
    assert revocation.of_ca(data, ca) is not None
    place, _, revokes = revocation.refusing([data], ca, REVOKED)
    assert (place, revokes) == (1, True)


def test_a_crl_naming_the_ca_but_signed_by_another_key_revokes_nothing():
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _ca(ca_key)
    forged = _der(_crl(ca_key, signing_key=ec.generate_private_key(ec.SECP256R1())))
    assert revocation.of_ca(forged, ca) is None
    assert revocation.refusing([forged], ca, REVOKED) is None
    assert certificate_problem(_user(ca_key), ChannelMsp("BankMSP", (ca,), (), (forged,)), NOW) is None


@pytest.mark.parametrize("kind", ["ecdsa", "rsa"])
def test_a_crl_its_ca_signed_over_sha1_revokes_as_in_fabric(kind):
    # it revoked nothing here: cryptography's CRL signature check refuses SHA-1, Go's CheckCRLSignature takes it
    ca_key = (ec.generate_private_key(ec.SECP256R1()) if kind == "ecdsa"
              else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ca = _ca(ca_key)
    data = _signed_over_sha1(_crl(ca_key), ca_key)
    assert x509.load_der_x509_crl(data).signature_hash_algorithm.name == "sha1"
    assert revocation.of_ca(data, ca) is not None
    place, _, revokes = revocation.refusing([data], ca, REVOKED)
    assert (place, revokes) == (1, True)
    problem = certificate_problem(_user(ca_key), ChannelMsp("BankMSP", (ca,), (), (data,)), NOW)
    assert problem is not None and problem.startswith("the certificate of CN=user1 (serial 7) is on BankMSP's "
                                                      "revocation list in the channel config"), problem
    # signed over SHA-1 by another key, it still revokes nothing
    stranger = _signed_over_sha1(_crl(ca_key), ec.generate_private_key(ec.SECP256R1()) if kind == "ecdsa"
                                 else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert revocation.refusing([stranger], ca, REVOKED) is None
