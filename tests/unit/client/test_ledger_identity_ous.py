"""What an identity's organizational units allow as Fabric's MSP validates them (msp/mspimplvalidate.go,
validateIdentityOUsV1 and V142), and the Subject Key Identifier its issuer must carry (validateCertAgainstChain):
client.ledger.msp.certificate_problem, whatever role is asked."""
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID
from fabric_protos.msp import msp_config_pb2

from client.ledger.msp import PEER, ChannelMsp, certificate_problem

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
ROLES = {"client": "client", "peer": "peer", "admin": "admin", "orderer": "orderer"}


def _name(cn: str, ous=()) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]
                     + [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou) for ou in ous])


def _ca(cn: str = "ca", *, ski: x509.ExtensionType | None | bool = True):
    """A self-signed CA; ``ski`` True: its Subject Key Identifier, None: none, else that extension."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(key.public_key())
               .serial_number(1).not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=365))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True))
    if ski is True:
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    if ski is not None:
        builder = builder.add_extension(ski, critical=False)
    return key, builder.sign(key, hashes.SHA256())


def _user(ca, ous, cn: str = "user1") -> x509.Certificate:
    ca_key, ca_cert = ca
    return (x509.CertificateBuilder().subject_name(_name(cn, ous)).issuer_name(ca_cert.subject)
            .public_key(ec.generate_private_key(ec.SECP256R1()).public_key()).serial_number(7)
            .not_valid_before(NOW - timedelta(days=1)).not_valid_after(NOW + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))


def _msp(*cas, node_ous=None, ou_identifiers=()) -> ChannelMsp:
    """The MSP of these CAs as the channel config would carry it: ``node_ous`` role -> OU (NodeOUs enabled), each
    of ``ou_identifiers`` an OU or (OU, CA certificate); without an admin OU, it lists an admin of the first CA
    carrying the first OU identifier, as Fabric's MSP setup refuses a definition naming no admin (an OU
    identifier given as an OU alone names no CA certificate, which setup refuses too)."""
    conf = msp_config_pb2.FabricMSPConfig(name="BankMSP", root_certs=[c.public_bytes(Encoding.PEM) for _, c in cas])
    if not (node_ous or {}).get("admin"):
        ous = [identifier if isinstance(identifier, str) else identifier[0] for identifier in ou_identifiers]
        conf.admins.append(_user(cas[0], ous[:1], cn="admin").public_bytes(Encoding.PEM))
    for identifier in ou_identifiers:
        ou, cert = identifier if isinstance(identifier, tuple) else (identifier, None)
        conf.organizational_unit_identifiers.add(organizational_unit_identifier=ou,
                                                 certificate=cert.public_bytes(Encoding.PEM) if cert else b"")
    if node_ous is not None:
        conf.fabric_node_ous.enable = True
        for role, ou in node_ous.items():
            getattr(conf.fabric_node_ous, f"{role}_ou_identifier").organizational_unit_identifier = ou
    return ChannelMsp.of(conf)


@pytest.mark.parametrize("role", [None, PEER])
def test_a_node_ou_carried_twice_is_no_identity(role):
    ca = _ca()
    assert certificate_problem(_user(ca, ["peer"]), _msp(ca, node_ous=ROLES), NOW, role) is None
    problem = certificate_problem(_user(ca, ["peer", "peer"]), _msp(ca, node_ous=ROLES), NOW, role)
    assert problem == ("the certificate of OU=peer,OU=peer,CN=user1 carries BankMSP's peer OU 2 times, which "
                       "BankMSP's MSP refuses (an identity carries exactly one NodeOU OU)")


def test_the_ous_of_two_roles_make_no_identity_whatever_role_is_asked():
    ca = _ca()
    problem = certificate_problem(_user(ca, ["client", "admin"]), _msp(ca, node_ous=ROLES), NOW)
    assert problem.endswith("carries the OUs of several roles (client, admin), which BankMSP's MSP refuses")


def test_with_node_ous_on_an_identity_without_one_is_none_even_where_the_peer_ou_is_not_set():
    ca = _ca()
    msp = _msp(ca, node_ous={"client": "client", "admin": "admin"})
    for role in (None, PEER):
        problem = certificate_problem(_user(ca, ["bank-unit"]), msp, NOW, role)
        assert problem == ("the certificate of OU=bank-unit,CN=user1 carries none of BankMSP's NodeOU roles, which "
                           "BankMSP's MSP refuses")
    assert certificate_problem(_user(ca, ["client"]), msp, NOW) is None


def test_node_ous_enabled_with_no_role_set_enforce_nothing():
    # Fabric's setupNodeOUsV142 turns the enforcement off when no role's identifier is set
    ca = _ca()
    msp = _msp(ca, node_ous={})
    assert msp.node_ous is None
    assert certificate_problem(_user(ca, []), msp, NOW, PEER) is None


def test_with_node_ous_off_an_identity_needs_one_of_the_msps_organizational_units():
    ca, other = _ca(), _ca("other-ca")
    msp = _msp(ca, other, ou_identifiers=[("bank-unit", ca[1]), ("trade-unit", other[1])])
    assert certificate_problem(_user(ca, ["x", "bank-unit"]), msp, NOW) is None
    assert certificate_problem(_user(other, ["trade-unit"]), msp, NOW) is None
    assert certificate_problem(_user(ca, ["other-unit"]), msp, NOW) == (
        "none of the organizational units of the certificate of OU=other-unit,CN=user1 (other-unit) is one of "
        "BankMSP's MSP's organizational unit identifiers (bank-unit, trade-unit; where one names a CA certificate, "
        "issued under it), which Fabric's MSP requires")
    assert "(trade-unit)" in certificate_problem(_user(ca, ["trade-unit"]), msp, NOW)   # under another CA
    assert certificate_problem(_user(ca, []), msp, NOW).startswith(
        "the certificate of CN=user1 carries no organizational unit, while BankMSP's MSP takes only identities")


def test_with_node_ous_on_the_msps_organizational_units_are_asked_too():
    ca = _ca()
    msp = _msp(ca, node_ous=ROLES, ou_identifiers=[("bank-unit", ca[1])])
    assert certificate_problem(_user(ca, ["peer", "bank-unit"]), msp, NOW, PEER) is None
    assert "organizational unit identifiers (bank-unit" in certificate_problem(_user(ca, ["peer"]), msp, NOW, PEER)


def test_an_identity_of_an_msp_whose_ca_has_no_subject_key_identifier_is_refused_naming_the_ca():
    # Fabric's MSP setup asks every CA certificate it lists for one (finalizeSetupCAs), so refuses the definition
    ca = _ca(ski=None)
    problem = certificate_problem(_user(ca, ["peer"]), _msp(ca, node_ous=ROLES), NOW, PEER)
    assert problem == ("Fabric refuses BankMSP's MSP definition in the channel config, so it takes no identity of "
                       "BankMSP: the root CA certificate of CN=ca (serial 1) has no Subject Key Identifier, which "
                       "Fabric's MSP asks of every root and intermediate CA certificate it lists (\"CA Certificate "
                       "problem with Subject Key Identifier extension\"): have it issued again with one")


def test_a_subject_key_identifier_is_read_as_go_reads_it():
    # asn1.Unmarshal into []byte: an OCTET STRING, bytes after it ignored; anything else is no SKI
    from client.ledger.revocation import fabric_ski, ski_problem
    trailing = _ca(ski=x509.UnrecognizedExtension(ExtensionOID.SUBJECT_KEY_IDENTIFIER, b"\x04\x02ab\x00"))
    assert fabric_ski(trailing[1]) == b"ab" and ski_problem(trailing[1]) is None
    assert certificate_problem(_user(trailing, []), _msp(trailing), NOW) is None
    integer = _ca(ski=x509.UnrecognizedExtension(ExtensionOID.SUBJECT_KEY_IDENTIFIER, b"\x02\x01\x01"))
    assert ski_problem(integer[1]) == ("has a Subject Key Identifier that Fabric cannot decode (asn1: tags don't "
                                       "match: the value is not an OCTET STRING)")
    assert "has a Subject Key Identifier that Fabric cannot decode" in certificate_problem(
        _user(integer, []), _msp(integer), NOW)
