"""Which CRLs Fabric's MSP obtains an Authority Key Identifier from (client/ledger/revocation.py).

Fabric finds the AKI extension (2.5.29.35) among a CRL's extensions and decodes it alone with Go's
asn1.Unmarshal into its authorityKeyIdentifier struct (msp/mspimplvalidate.go); a CRL it obtains none
from fails every identity of the MSP that holds it. The expected outcomes below are Go's: each byte
string was run through that asn1.Unmarshal (Go 1.26), and each CRL `fabric_crls` builds through
x509.ParseCRL and getAuthorityKeyIdentifierFromCrl.
"""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID

from client.ledger import revocation

NOW = dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc)
KEY_ID = bytes(range(1, 21))


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ca():
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("ca")).issuer_name(_name("ca")).public_key(key.public_key())
            .serial_number(1).not_valid_before(NOW - dt.timedelta(days=1)).not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def signed_crl(key, extensions, revoked=(7,)) -> x509.CertificateRevocationList:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(_name("ca")).last_update(NOW)
               .next_update(NOW + dt.timedelta(days=1)))
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(NOW).build())
    return builder.sign(key, hashes.SHA256())


def fabric_crls(key, ca_cert) -> dict[str, tuple[x509.CertificateRevocationList, bytes | None]]:
    """CRLs of ca_cert's key, by case, with the key identifier Fabric obtains from each (None: none, the MSP fails
    every identity)."""
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    raw_aki = aki.public_bytes()

    def unrecognized(oid, value):
        return x509.UnrecognizedExtension(oid, value)

    return {
        "sound": (signed_crl(key, [aki, x509.CRLNumber(3)]), ski.digest),
        # a CRL number with a BER long-form length: Go never decodes it, cryptography's crl.extensions refuses it
        "ber_crl_number": (signed_crl(key, [aki, unrecognized(ExtensionOID.CRL_NUMBER, b"\x02\x81\x01\x07")]),
                           ski.digest),
        # asn1.Unmarshal returns the bytes after the SEQUENCE, which Fabric drops
        "trailing_byte_after_aki": (signed_crl(key, [unrecognized(ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
                                                                  raw_aki + b"\x00"), x509.CRLNumber(3)]), ski.digest),
        "truncated_aki": (signed_crl(key, [unrecognized(ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
                                                        b"\x30\x05\x80\x03\x01"), x509.CRLNumber(3)]), None),
        # an AKI naming the issuer and serial only: Fabric obtains an empty key identifier, which matches no CA
        "issuer_and_serial_aki": (signed_crl(key, [x509.AuthorityKeyIdentifier(None, [x509.DirectoryName(_name("ca"))],
                                                                               1)]), b""),
        "no_aki": (signed_crl(key, [x509.CRLNumber(3)]), None),
    }


@pytest.mark.parametrize("case", ["sound", "ber_crl_number", "trailing_byte_after_aki", "truncated_aki",
                                  "issuer_and_serial_aki", "no_aki"])
def test_a_crl_has_an_authority_key_identifier_exactly_where_fabric_obtains_one(case):
    key, ca_cert = ca()
    made, fabric_reads = fabric_crls(key, ca_cert)[case]
    assert revocation.has_authority_key_id(made) is (fabric_reads is not None)
    if fabric_reads is None:
        with pytest.raises(ValueError):
            revocation.fabric_key_identifier(made)
    else:
        assert revocation.fabric_key_identifier(made) == fabric_reads


def test_a_crl_whose_other_extension_is_not_der_still_revokes_by_its_authority_key_identifier():
    key, ca_cert = ca()
    made, _ = fabric_crls(key, ca_cert)["ber_crl_number"]
    with pytest.raises(ValueError):
        made.extensions                     # what the AKI was read through before: every extension, strictly
    data = made.public_bytes(serialization.Encoding.PEM)
    assert revocation.of_ca(data, ca_cert) is not None
    place, listing, revokes = revocation.refusing([data], ca_cert, 7)
    assert (place, revokes) == (1, True) and listing.get_revoked_certificate_by_serial_number(7) is not None
    assert revocation.refusing([data], ca_cert, 8) is None


def test_the_problem_says_whether_the_aki_is_missing_or_undecodable():
    key, ca_cert = ca()
    crls = fabric_crls(key, ca_cert)
    assert revocation.aki_problem(crls["no_aki"][0]) == "has no Authority Key Identifier"
    assert revocation.aki_problem(crls["truncated_aki"][0]) == (
        "has an Authority Key Identifier that Fabric cannot decode (asn1: data truncated)")
    assert revocation.aki_problem(crls["sound"][0]) is None


# AKI extension values and what Go's asn1.Unmarshal into Fabric's struct gives: the key identifier, or None for an
# error. Each was run through Go.
GO_DECODES = [
    ("3006800401020304", "01020304"),
    ("300680040102030400", "01020304"),          # a byte after the SEQUENCE: returned as rest, dropped
    ("30088004010203040500", "01020304"),        # an element after the fields: ignored
    ("3000", ""),
    ("3004820201ff", ""),                        # a primitive [2]: not what the big.Int field matches, so skipped
    ("3006a00401020304", ""),                    # a constructed [0]: not what the []byte field matches
    ("3006810100800105", ""),                    # [1] consumed, then [0] out of order: skipped
    ("", None),                                  # sequence truncated
    ("30", None),                                # truncated tag or length
    ("30068004010203", None),                    # data truncated (the SEQUENCE)
    ("30058004010203", None),                    # data truncated (the key identifier)
    ("3005a203020101", None),                    # a constructed [2] into big.Int: struct contains unexported fields
    ("308106800401020304", None),                # non-minimal length
    ("3080800401020304", None),                  # indefinite length
    ("3106800401020304", None),                  # a SET, not a SEQUENCE
    ("0406800401020304", None),                  # an OCTET STRING, not a SEQUENCE
    ("30049f1e0100", None),                      # non-minimal tag
]


@pytest.mark.parametrize("value, key_identifier", GO_DECODES)
def test_an_aki_value_decodes_as_go_decodes_it(value, key_identifier):
    key, _ = ca()
    made = signed_crl(key, [x509.UnrecognizedExtension(ExtensionOID.AUTHORITY_KEY_IDENTIFIER, bytes.fromhex(value))])
    if key_identifier is None:
        assert not revocation.has_authority_key_id(made)
    else:
        assert revocation.fabric_key_identifier(made) == bytes.fromhex(key_identifier)


def with_two_akis(key) -> x509.CertificateRevocationList:
    """A CRL with two AKI extensions, a sound one first and a truncated one after it (cryptography builds no CRL
    with two extensions of one OID: the second is built under an OID of the same length, 2.5.29.99, then renamed in
    the DER, which leaves every length as it was; its signature no longer verifies, which no reading here checks)."""
    first = x509.UnrecognizedExtension(ExtensionOID.AUTHORITY_KEY_IDENTIFIER, bytes.fromhex("3006800401020304"))
    stand_in = x509.UnrecognizedExtension(x509.ObjectIdentifier("2.5.29.99"), b"\x30")
    der = signed_crl(key, [first, stand_in]).public_bytes(serialization.Encoding.DER)
    renamed = der.replace(b"\x06\x03\x55\x1d\x63", b"\x06\x03\x55\x1d\x23")
    assert renamed.count(b"\x06\x03\x55\x1d\x23") == 2
    return x509.load_der_x509_crl(renamed)


def test_the_first_aki_of_a_crl_is_the_one_fabric_reads():
    key, _ = ca()
    made = with_two_akis(key)
    with pytest.raises(x509.DuplicateExtension):
        made.extensions                     # cryptography refuses an extension twice
    assert revocation.fabric_key_identifier(made) == bytes.fromhex("01020304")
