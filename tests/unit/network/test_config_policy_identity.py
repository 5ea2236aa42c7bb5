"""A config update's signer counts for a principal only as an identity Fabric's MSP validates
(client.ledger.config_policies.satisfies, on client.ledger.msp.certificate_problem): its CA chain, each issuer's Subject Key
Identifier, its organizational units and NodeOUs, the CAs' dates taken at the certificate's notBefore."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2

from client.ledger.config_policies import SignedBy, satisfies
from network.org_definition import OrgMsp, decode_msp

NOW = datetime.now(timezone.utc)
ROLES = {"client": "client", "peer": "peer", "admin": "admin", "orderer": "orderer"}


def _name(cn: str, ous=()) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]
                     + [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou) for ou in ous])


def _cert(cn, issuer=None, *, ous=(), ca=False, ski=True, until=NOW + timedelta(days=365), serial=7):
    """(key, certificate) of ``cn``, issued by ``issuer`` (key, certificate), self-signed without one."""
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key, issuer_name = (None, None) if issuer is None else (issuer[0], issuer[1].subject)
    builder = (x509.CertificateBuilder().subject_name(_name(cn, ous)).issuer_name(issuer_name or _name(cn))
               .public_key(key.public_key()).serial_number(serial).not_valid_before(NOW - timedelta(days=2))
               .not_valid_after(until).add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca and ski:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    return key, builder.sign(issuer_key or key, hashes.SHA256())


def _org(root, *, intermediates=(), node_ous=ROLES, admins=(), before_admins=b"") -> OrgMsp:
    conf = msp_config_pb2.FabricMSPConfig(name="BankMSP", root_certs=[root[1].public_bytes(Encoding.PEM)],
                                          intermediate_certs=[c.public_bytes(Encoding.PEM) for _, c in intermediates],
                                          admins=[before_admins + c.public_bytes(Encoding.PEM) for c in admins])
    if node_ous:
        conf.fabric_node_ous.enable = True
        for role, ou in node_ous.items():
            getattr(conf.fabric_node_ous, f"{role}_ou_identifier").organizational_unit_identifier = ou
    group = configtx_pb2.ConfigGroup()
    group.values["MSP"].value = msp_config_pb2.MSPConfig(type=0, config=conf.SerializeToString()).SerializeToString()
    return decode_msp(group)


def _counts(cert: x509.Certificate, role: str, org: OrgMsp) -> bool:
    return satisfies(SignedBy("BankMSP", cert, True), "BankMSP", role, {"BankMSP": org})


def test_a_certificate_with_the_admin_and_the_client_ou_is_no_admin_nor_member():
    # Fabric: validateIdentityOUsV142 counts two NodeOU OUs, so the identity is not valid at all
    root = _cert("ca", ca=True)
    _, both = _cert("admin1", root, ous=["client", "admin"])
    _, admin = _cert("admin2", root, ous=["admin"])
    assert _counts(admin, "admin", _org(root)) and _counts(admin, "member", _org(root))
    assert not _counts(both, "admin", _org(root)) and not _counts(both, "member", _org(root))


def test_a_certificate_with_no_node_ou_is_no_member_of_an_msp_with_node_ous():
    root = _cert("ca", ca=True)
    _, none = _cert("user1", root)
    assert not _counts(none, "member", _org(root))
    _, admin = _cert("admin1", root)
    # NodeOUs off (the definition then lists an admin, as Fabric's setup asks): any certificate of its CA
    assert _counts(none, "member", _org(root, node_ous=None, admins=[admin]))


def test_an_admin_issued_under_an_intermediate_ca_counts_even_after_that_ca_expired():
    # the MSP chains through its intermediate CAs, and takes their dates at the certificate's notBefore
    root = _cert("ca", ca=True)
    intermediate = _cert("ica", root, ca=True, until=NOW - timedelta(days=1), serial=42)
    _, admin = _cert("admin1", intermediate, ous=["admin"], until=NOW - timedelta(days=1))
    assert _counts(admin, "admin", _org(root, intermediates=[intermediate]))
    assert not _counts(admin, "admin", _org(root))                 # the intermediate not in the MSP


def test_an_admin_whose_ca_has_no_subject_key_identifier_counts_for_nothing():
    root = _cert("ca", ca=True, ski=False)
    _, admin = _cert("admin1", root, ous=["admin"])
    assert not _counts(admin, "admin", _org(root)) and not _counts(admin, "member", _org(root))


def test_a_listed_admincert_is_the_admin_without_validation_when_node_ous_are_on():
    # Fabric (satisfiesPrincipalInternalV142) returns on a byte-exact admincerts match before msp.Validate; setup only
    # asked the admincert to carry the client or admin OU
    root = _cert("ca", ca=True)
    _, both = _cert("admin1", root, ous=["client", "admin"])
    assert _counts(both, "admin", _org(root, admins=[both]))
    assert not _counts(both, "member", _org(root, admins=[both]))  # a member must still be valid
    _, other = _cert("admin2", root, ous=["client", "admin"])
    assert not _counts(other, "admin", _org(root, admins=[both]))   # only the very certificate listed


def test_a_listed_admincert_after_a_stray_begin_line_is_the_admin_as_fabric_reads_it():
    # an admincerts/ file as configtxgen keeps it whole: Fabric's MSP reads the certificate Go's pem.Decode takes
    # first, passing over the BEGIN line no END line of its own closes
    root = _cert("ca", ca=True)
    _, admin = _cert("admin1", root, ous=["client", "admin"])
    assert _counts(admin, "admin", _org(root, admins=[admin], before_admins=b"-----BEGIN CERTIFICATE-----\n"))


def test_a_listed_admincert_under_a_root_without_ski_counts_for_nothing_as_fabric_refuses_the_msp():
    # Fabric's MSP setup asks every CA certificate it lists for a Subject Key Identifier (finalizeSetupCAs) and
    # refuses the whole definition without one, before any admincert is matched, NodeOUs on or off
    root = _cert("ca", ca=True, ski=False)
    _, admin = _cert("admin1", root, ous=["admin"])
    assert not _counts(admin, "admin", _org(root, admins=[admin]))
    assert not _counts(admin, "admin", _org(root, node_ous=None, admins=[admin]))
