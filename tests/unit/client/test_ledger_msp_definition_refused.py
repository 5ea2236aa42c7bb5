"""An MSP definition whose CA certificates break a rule of Fabric's MSP setup is one Fabric refuses whole
(msp/mspimplsetup.go setupCAs and finalizeSetupCAs, msp/mspimplvalidate.go validateCAIdentity): a root or
intermediate CA certificate that is no CA, lacks a Subject Key Identifier, or does not verify to exactly one chain
of the MSP's CAs as Go's x509 builds it (an intermediate under no listed root, one signed with SHA-1, a root listing
extended key usages without serverAuth), an intermediate a CRL of its issuer lists, or a CRL without an Authority
Key Identifier beside an intermediate. Such a CA was taken as issuing nothing while the MSP's other CAs went on
issuing identities; now no identity of the MSP is valid, and the refusal names the certificate and the rule."""
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2

from client.ledger.config_policies import OrgMsp, SignedBy, refusal, satisfies
from client.ledger.msp import ChannelMsp, certificate_problem, definition_problem
from .test_ledger_identity_validation_chains import DAY, NOW, _certificate, _key, _root, _signed_with_sha1

REFUSED = "Fabric refuses BankMSP's MSP definition in the channel config, so it takes no identity of BankMSP: "


def _sound():
    """A root, an identity it issued, and the root's key."""
    root_key = _key()
    root = _root(root_key)
    return root_key, root, _certificate("user1", _key(), "root", root_key, serial=7)


def _crl(issuer_key, serials=(), *, aki: bool = True) -> bytes:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(x509.Name.from_rfc4514_string("CN=root"))
               .last_update(NOW - DAY).next_update(NOW + DAY))
    for serial in serials:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                                  .revocation_date(NOW - DAY).build())
    if aki:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(Encoding.PEM)


def test_a_sound_definition_is_not_refused():
    root_key, root, _ = _sound()
    intermediate_key = _key()
    intermediate = _certificate("ica", intermediate_key, "root", root_key, ca=True, serial=2)
    user = _certificate("user1", _key(), "ica", intermediate_key, serial=7)
    msp = ChannelMsp("BankMSP", (root,), (intermediate,), (_crl(root_key, [99]),))
    assert definition_problem(msp) is None
    assert certificate_problem(user, msp, NOW) is None


def test_a_root_that_is_no_ca_refuses_the_definition_and_every_identity_of_the_msp():
    root_key, root, user = _sound()
    not_a_ca = _certificate("leaf-as-root", _key(), "leaf-as-root", _key(), serial=0x51)
    msp = ChannelMsp("BankMSP", (root, not_a_ca), (), ())
    expected = ("the root CA certificate of CN=leaf-as-root (serial 51) is not a CA certificate (its basic constraints "
                "do not say CA:TRUE), which Fabric's MSP asks of every root and intermediate CA certificate it lists "
                "(\"CA Certificate did not have the CA attribute\"): list only CA certificates there")
    assert definition_problem(msp) == expected
    assert certificate_problem(user, msp, NOW) == REFUSED + expected


def test_an_intermediate_under_no_listed_root_refuses_the_definition():
    _, root, user = _sound()
    stray_root_key = _key()
    stray = _certificate("ica", _key(), "other-root", stray_root_key, ca=True, serial=0x2A)
    problem = certificate_problem(user, ChannelMsp("BankMSP", (root,), (stray,), ()), NOW)
    assert problem.startswith(REFUSED + "the intermediate CA certificate of CN=ica (serial 2a) does not verify as "
                                        "Fabric's MSP verifies its CA certificates (validateCAIdentity): the "
                                        "certificate of CN=ica does not chain to a CA certificate of BankMSP"), problem


def test_an_intermediate_signed_with_sha1_refuses_the_definition():
    root_key, root, user = _sound()
    intermediate = _signed_with_sha1(_certificate("ica", _key(), "root", root_key, ca=True, serial=2), root_key)
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (intermediate,), ()))
    assert problem.startswith("the intermediate CA certificate of CN=ica (serial 2) does not verify"), problem
    assert ("is signed with SHA-1, which Go's x509 Verify (Fabric's MSP's) takes no chain through: Fabric refuses "
            "the CA certificate, and BankMSP's MSP definition with it") in problem


def test_a_root_listing_extended_key_usages_without_server_auth_refuses_the_definition():
    root_key = _key()
    root = _root(root_key, usages=[ExtendedKeyUsageOID.CLIENT_AUTH])
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (), ()))
    assert problem is not None and problem.startswith("the root CA certificate of CN=root (serial 1) does not verify")
    assert "clientAuth (1.3.6.1.5.5.7.3.2), without serverAuth or anyExtendedKeyUsage" in problem


def test_a_crl_without_authority_key_identifier_refuses_a_definition_with_an_intermediate_only():
    root_key, root, user = _sound()
    no_aki = _crl(root_key, aki=False)
    # without an intermediate, setup checks no CRL: the identities fail one by one, the definition stands
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (no_aki,))) is None
    intermediate = _certificate("ica", _key(), "root", root_key, ca=True, serial=2)
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (intermediate,), (no_aki,)))
    assert problem.startswith("CRL 1 of 1 in BankMSP's MSP in the channel config (issuer CN=root"), problem
    assert problem.endswith("has no Authority Key Identifier Fabric reads, which fails the check of the intermediate "
                            "CA certificate of CN=ica (serial 2) against the MSP's CRLs (\"could not obtain Authority "
                            "Key Identifier for crl\"): give that CRL its CA's key identifier"), problem


def test_a_definition_without_a_root_is_refused():
    assert definition_problem(ChannelMsp("BankMSP", (), (), ())) == (
        "BankMSP's MSP lists no root CA certificate, and Fabric's MSP expects one at least (\"expected at least one "
        "CA certificate\")")


def test_a_config_signature_of_such_an_msp_is_dropped_naming_the_definitions_refusal():
    root_key, root, _ = _sound()
    admin = _certificate("admin", _key(), "root", root_key, serial=9)
    stray = _certificate("ica", _key(), "other-root", _key(), ca=True, serial=0x2A)
    pem = root.public_bytes(Encoding.PEM)
    msps = {"BankMSP": OrgMsp("BankMSP", (pem,), (), {}, admins=(admin.public_bytes(Encoding.PEM),))}
    signer = SignedBy("BankMSP", admin, True)
    assert refusal(signer, msps, configtx_pb2.Config()) is None
    assert satisfies(signer, "BankMSP", "admin", msps)
    conf = msps["BankMSP"].identities
    refused = {"BankMSP": OrgMsp("BankMSP", (pem,), (), {}, admins=(admin.public_bytes(Encoding.PEM),),
                                 config=_with_intermediate(conf, stray))}
    said = refusal(signer, refused, configtx_pb2.Config())
    assert said.startswith("Fabric refuses BankMSP's MSP definition in the channel config, so it reads no identity of "
                           "BankMSP and drops the signature: the intermediate CA certificate of CN=ica (serial "
                           "2a)"), said
    assert not satisfies(signer, "BankMSP", "admin", refused)


def _with_intermediate(msp: ChannelMsp, intermediate: x509.Certificate) -> msp_config_pb2.FabricMSPConfig:
    return msp_config_pb2.FabricMSPConfig(name=msp.msp_id,
                                          root_certs=[root.public_bytes(Encoding.PEM) for root in msp.roots],
                                          intermediate_certs=[intermediate.public_bytes(Encoding.PEM)])
