"""The CA certificate an MSP's organizational unit identifier names, as Fabric's MSP sets it up and validates
identities by it (msp/mspimplsetup.go setupOUs, setupNodeOUsV142 and getCertifiersIdentifier; msp/mspimplvalidate.go
validateIdentityOUsV1): every OU identifier names one, a NodeOU identifier may; the one named must be a root of the
MSP or an intermediate CA of it that issued none of its other intermediates, or setup refuses the whole definition;
and an identity carries the OU only as issued by that CA (the chain above it is the CA's). An identifier naming no
certificate, or a CA outside the MSP, was taken as one any CA of the MSP issues under, or as one nobody carries."""
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from fabric_protos.msp import msp_config_pb2

from client.ledger.msp import PEER, ChannelMsp, certificate_problem, definition_problem
from .test_endorsement_policy_signer_identity import high_s_twin

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
DAY = timedelta(days=1)
REFUSED = "Fabric refuses BankMSP's MSP definition in the channel config, so it takes no identity of BankMSP: "


def _name(cn: str, ous=()) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]
                     + [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou) for ou in ous])


def _issue(cn: str, issuer, *, ous=(), ca: bool = False, serial: int = 1):
    """(key, certificate) of ``cn`` issued by ``issuer`` ((key, certificate); None: self-signed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key, issuer_name = (key, _name(cn)) if issuer is None else (issuer[0], issuer[1].subject)
    builder = (x509.CertificateBuilder().subject_name(_name(cn, ous)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(serial).not_valid_before(NOW - 50 * DAY)
               .not_valid_after(NOW + 300 * DAY)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    return key, builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.PEM)


def _msp(roots, intermediates=(), *, ou_identifiers=(), node_ous=None, node_ous_on=True, admin=None) -> ChannelMsp:
    """The MSP as the channel config carries it: ``ou_identifiers`` (OU, CA certificate or None), ``node_ous`` role ->
    (OU, CA certificate or None), enabled or not; ``admin`` its listed admin certificate."""
    conf = msp_config_pb2.FabricMSPConfig(name="BankMSP", root_certs=[_pem(c) for _, c in roots],
                                          intermediate_certs=[_pem(c) for _, c in intermediates],
                                          admins=[_pem(admin)] if admin is not None else [])
    for ou, cert in ou_identifiers:
        conf.organizational_unit_identifiers.add(organizational_unit_identifier=ou,
                                                 certificate=_pem(cert) if cert is not None else b"")
    if node_ous is not None:
        conf.fabric_node_ous.enable = node_ous_on
        for role, (ou, cert) in node_ous.items():
            identifier = getattr(conf.fabric_node_ous, f"{role}_ou_identifier")
            identifier.organizational_unit_identifier = ou
            if cert is not None:
                identifier.certificate = _pem(cert)
    return ChannelMsp.of(conf)


def test_an_ou_identifier_naming_no_certificate_refuses_the_definition():
    root = _issue("root", None, ca=True)
    admin, user = (_issue(cn, root, ous=["bank-unit"])[1] for cn in ("admin", "user1"))
    msp = _msp([root], ou_identifiers=[("bank-unit", None)], admin=admin)
    expected = ("the organizational unit identifier 1 of 1 (bank-unit) in BankMSP's MSP names no CA certificate, and "
                "Fabric's MSP setup reads the one each organizational unit identifier names (\"failed getting "
                "certificate for\"): name the CA certificate that issues the identities carrying bank-unit")
    assert definition_problem(msp) == expected
    assert certificate_problem(user, msp, NOW) == REFUSED + expected
    assert certificate_problem(user, _msp([root], ou_identifiers=[("bank-unit", root[1])], admin=admin), NOW) is None


def test_an_ou_identifier_naming_a_ca_outside_the_msp_refuses_the_definition_whatever_the_other_identifiers():
    root, stray = _issue("root", None, ca=True), _issue("stray-ca", None, ca=True, serial=0x5A)
    admin, user = (_issue(cn, root, ous=["bank-unit"])[1] for cn in ("admin", "user1"))
    msp = _msp([root], ou_identifiers=[("bank-unit", root[1]), ("trade-unit", stray[1])], admin=admin)
    problem = certificate_problem(user, msp, NOW)
    assert problem == REFUSED + (
        "the organizational unit identifier 2 of 2 (trade-unit) in BankMSP's MSP names the certificate of "
        "CN=stray-ca (serial 5a), which is none of BankMSP's root or intermediate CA certificates (\"Failed adding "
        "OU. Certificate [...] not in root or intermediate certs\"), and Fabric's MSP setup refuses such an "
        "identifier: name the root or intermediate CA certificate of BankMSP that issues the identities carrying "
        "trade-unit")


def test_an_ou_identifier_naming_an_intermediate_that_issued_another_refuses_the_definition():
    root = _issue("root", None, ca=True)
    upper = _issue("ica-upper", root, ca=True, serial=0x21)
    lower = _issue("ica-lower", upper, ca=True, serial=0x22)
    admin, user = (_issue(cn, lower, ous=["bank-unit"])[1] for cn in ("admin", "user1"))
    assert certificate_problem(user, _msp([root], [upper, lower], ou_identifiers=[("bank-unit", lower[1])],
                                          admin=admin), NOW) is None
    problem = definition_problem(_msp([root], [upper, lower], ou_identifiers=[("bank-unit", upper[1])], admin=admin))
    assert problem.startswith("the organizational unit identifier 1 of 1 (bank-unit) in BankMSP's MSP names the "
                              "certificate of CN=ica-upper (serial 21), which is an intermediate CA of BankMSP that "
                              "issued another of its intermediate CAs, so issues none of its identities"), problem


def test_an_identity_carries_an_ou_only_as_issued_by_the_ca_its_identifier_names():
    root, other_root = _issue("root", None, ca=True), _issue("other-root", None, ca=True)
    intermediate = _issue("ica", root, ca=True, serial=0x21)
    admin = _issue("admin", intermediate, ous=["bank-unit"])[1]
    msp = _msp([root, other_root], [intermediate], ou_identifiers=[("bank-unit", intermediate[1])], admin=admin)
    assert certificate_problem(_issue("user1", intermediate, ous=["bank-unit"])[1], msp, NOW) is None
    problem = certificate_problem(_issue("user2", other_root, ous=["bank-unit"])[1], msp, NOW)
    assert problem is not None and problem.startswith(
        "none of the organizational units of the certificate of OU=bank-unit,CN=user2 (bank-unit) is one of BankMSP's "
        "MSP's organizational unit identifiers"), problem
    # the CA's twin whose root signature has the other S is that CA, as Fabric's MSP compares them sanitized
    twin = _msp([root], [intermediate], ou_identifiers=[("bank-unit", high_s_twin(intermediate[1]))], admin=admin)
    assert definition_problem(twin) is None
    assert certificate_problem(_issue("user1", intermediate, ous=["bank-unit"])[1], twin, NOW) is None


def test_a_node_ou_identifier_naming_a_ca_outside_the_msp_refuses_the_definition_even_with_node_ous_off():
    root, stray = _issue("root", None, ca=True), _issue("stray-ca", None, ca=True, serial=0x5A)
    admin, peer = _issue("admin", root, ous=["admin"])[1], _issue("peer0", root, ous=["peer"])[1]
    for node_ous_on in (True, False):
        sound = _msp([root], node_ous={"peer": ("peer", root[1]), "admin": ("admin", None)}, node_ous_on=node_ous_on,
                     admin=admin)
        assert certificate_problem(peer, sound, NOW, PEER) is None
        msp = _msp([root], node_ous={"peer": ("peer", stray[1]), "admin": ("admin", None)}, node_ous_on=node_ous_on,
                   admin=admin)
        assert definition_problem(msp) == (
            "the peer NodeOU identifier (peer) in BankMSP's MSP names the certificate of CN=stray-ca (serial 5a), "
            "which is none of BankMSP's root or intermediate CA certificates (\"Failed adding OU. Certificate [...] "
            "not in root or intermediate certs\"), and Fabric's MSP setup refuses such an identifier: name the root "
            "or intermediate CA certificate of BankMSP that issues the identities carrying peer")
