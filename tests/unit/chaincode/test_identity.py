"""make_identity and ClientIdentity: real certificates, Fabric CA attributes, the x509 id."""

import datetime
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fabric_protos.msp import identities_pb2

from chaincode.shim import ATTRIBUTES_OID, ClientIdentity
from chaincode.testing import make_identity
from client.receivables import client_id_of


def test_make_identity_returns_a_serialized_identity_with_a_ca_signed_certificate():
    identity = make_identity("BankMSP", "teller", attrs={"role": "approver"}, ou="admin")
    decoded = identities_pb2.SerializedIdentity.FromString(identity)
    assert decoded.mspid == "BankMSP"
    cert = x509.load_pem_x509_certificate(decoded.id_bytes)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "teller"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "admin"
    ca = identity.ca_certificate
    assert cert.issuer == ca.subject
    ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    raw = cert.extensions.get_extension_for_oid(ATTRIBUTES_OID).value.value
    assert json.loads(raw) == {"attrs": {"role": "approver"}}


def test_one_ca_per_msp():
    assert make_identity("BankMSP", "a").ca_certificate == make_identity("BankMSP", "b").ca_certificate
    assert make_identity("BankMSP", "a").ca_certificate != make_identity("SupplierMSP", "a").ca_certificate


def test_client_identity_reads_msp_id_attributes_and_forms_the_fabric_id():
    identity = make_identity("SupplierMSP", "alice", attrs={"recfin.party": "913100", "level": "2"})
    client = ClientIdentity.from_serialized(bytes(identity))
    assert client.msp_id == "SupplierMSP"
    assert client.id == "x509::CN=alice,OU=client,O=SupplierMSP,C=CN::CN=ca.suppliermsp,O=SupplierMSP,C=CN"
    assert client.id == identity.id
    assert client.get_attribute("recfin.party") == "913100"
    assert client.get_attribute("absent") is None
    assert client.assert_attribute_value("level", "2")
    assert not client.assert_attribute_value("level", "3")
    assert not client.assert_attribute_value("absent", "")
    assert client.certificate == identity.certificate


def test_identity_without_attributes_has_none():
    client = ClientIdentity.from_serialized(bytes(make_identity("CoreEnterpriseMSP", "bob")))
    assert client.attributes == {}


def test_malformed_creators_are_rejected():
    with pytest.raises(ValueError, match="no MSP ID"):
        ClientIdentity.from_serialized(identities_pb2.SerializedIdentity(id_bytes=b"x").SerializeToString())
    with pytest.raises(ValueError, match="not a PEM X.509 certificate"):
        ClientIdentity.from_serialized(
            identities_pb2.SerializedIdentity(mspid="M", id_bytes=b"garbage").SerializeToString()
        )


def self_signed(subject: x509.Name, issuer: x509.Name) -> x509.Certificate:
    """A certificate of ``subject`` naming ``issuer``, signed with its own new key."""
    key = ec.generate_private_key(ec.SECP256R1())
    return (
        x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
        .serial_number(1).not_valid_before(datetime.datetime(2020, 1, 1))
        .not_valid_after(datetime.datetime(2030, 1, 1)).sign(key, hashes.SHA256())
    )


def test_id_uses_gos_attribute_order_and_escaping_whatever_the_certificate_order():
    subject = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "Smith, John+Co"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "client"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "department1"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "js@example.com"),  # Go's pkix.Name drops it
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, " Org1"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "North Carolina"),
    ])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca.org1"), x509.NameAttribute(NameOID.COUNTRY_NAME, "US")])
    cert = self_signed(subject, issuer)
    client = ClientIdentity("Org1MSP", cert)
    assert client.id == (
        "x509::CN=Smith\\, John\\+Co,OU=client+OU=department1,O=\\ Org1,ST=North Carolina,C=US"
        "::CN=ca.org1,C=US"
    )
    # a client forming the id to bind gets the very id the contract sees the caller as
    pem = cert.public_bytes(serialization.Encoding.PEM)
    assert client_id_of(cert) == client_id_of(pem) == client_id_of(pem.decode()) == client.id
    assert client_id_of("\ufeff" + pem.decode()) == client.id   # text of a file saved with a byte-order mark


def test_a_repeated_common_name_is_the_last_one_as_go_keeps_it():
    """Go's pkix.Name keeps the last CN (and serial number) it parses; an id from the first would bind a party to
    an identity no Go-formed id names."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "first"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, "41"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "last"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, "42")])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca")])
    cert = self_signed(subject, issuer)
    assert ClientIdentity("Org1MSP", cert).id == client_id_of(cert) == "x509::SERIALNUMBER=42,CN=last::CN=ca"


@pytest.mark.parametrize(("common_name", "written"), [
    ("alice ", "alice\\ "),      # a trailing space is escaped, as Go's pkix.Name.String() writes it
    (" bob", "\\ bob"),          # and a leading one
    ("#1 carol", "\\#1 carol"),  # and a leading #
    ("d a#n", "d a#n"),          # but not a space or # inside the value
])
def test_a_space_at_either_end_or_a_leading_hash_is_escaped_as_go_writes_it(common_name, written):
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ca")])
    cert = self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]), issuer)
    assert ClientIdentity("Org1MSP", cert).id == client_id_of(cert) == f"x509::CN={written}::CN=ca"
