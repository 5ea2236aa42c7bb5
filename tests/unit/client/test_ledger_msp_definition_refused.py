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
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from fabric_protos.common import configtx_pb2
from fabric_protos.msp import msp_config_pb2

from client.ledger.config_policies import OrgMsp, SignedBy, refusal, satisfies
from client.ledger.msp import ChannelMsp, NodeOU, certificate_problem, definition_problem
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


# ---- the admin rules and the CRLs of setup (Fabric 2 and 3 channels: MSP version 1.4.3, setupV142) ----------
NODE_OUS = {role: NodeOU(role) for role in ("client", "peer", "admin", "orderer")}


def _member(cn: str, root_key, ous=(), serial: int = 9, *, issuer: str = "root", ca: bool = False) -> x509.Certificate:
    """A certificate the root (or the CA named ``issuer``, of key ``root_key``) issued, with these OUs."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]
                     + [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou) for ou in ous])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(x509.Name.from_rfc4514_string(f"CN={issuer}"))
            .public_key(_key().public_key()).serial_number(serial).not_valid_before(NOW - DAY)
            .not_valid_after(NOW + 300 * DAY).add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
            .sign(root_key, hashes.SHA256()))


def test_a_definition_naming_no_admin_is_refused_unless_an_admin_ou_names_them():
    root_key, root, user = _sound()
    expected = ("BankMSP's MSP lists no admin certificate and has no admin OU (NodeOUs off), and Fabric's MSP refuses "
                "such a definition (\"administrators must be declared when no admin ou classification is set\"): "
                "list the org's admin certificate, or enable NodeOUs with an admin OU")
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (), admins=())) == expected
    assert certificate_problem(user, ChannelMsp("BankMSP", (root,), (), (), admins=()), NOW) == REFUSED + expected
    no_admin_ou = {role: NodeOU(role) for role in ("client", "peer")}
    assert "has no admin OU (NodeOUs on without an admin OU identifier)" in definition_problem(
        ChannelMsp("BankMSP", (root,), (), (), node_ous=no_admin_ou, admins=()))
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (), node_ous=NODE_OUS, admins=())) is None
    listed = _member("admin", root_key)
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (), admins=(listed,))) is None
    # an MSP known by its CAs alone (a connection profile's) is not asked its admins
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), ())) is None


def test_with_node_ous_off_a_listed_admin_that_is_no_valid_identity_refuses_the_definition():
    root_key, root, _ = _sound()
    revoked = _member("admin", root_key, serial=0x41)
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (), (_crl(root_key, [0x41]),),
                                            admins=(_member("admin0", root_key), revoked)))
    assert problem.startswith("the admin certificate of CN=admin (serial 41) listed in BankMSP's MSP is no valid "
                              "identity of it (the certificate of CN=admin (serial 41) is on BankMSP's revocation "
                              "list"), problem
    assert problem.endswith("and with NodeOUs off Fabric's MSP validates every listed admin at setup (\"admin 1 is "
                            "invalid\"): list only admins the MSP takes"), problem
    # with NodeOUs on, setup does not validate a listed admin: its CRLs do not refuse the definition
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (_crl(root_key, [0x41]),), node_ous=NODE_OUS,
                                         admins=(_member("admin", root_key, ["admin"], serial=0x41),))) is None


def test_with_node_ous_on_a_listed_admin_needs_the_client_or_the_admin_ou():
    root_key, root, _ = _sound()
    for ous in (["client"], ["admin"]):
        assert definition_problem(ChannelMsp("BankMSP", (root,), (), (), node_ous=NODE_OUS,
                                             admins=(_member("admin", root_key, ous),))) is None
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (), node_ous=NODE_OUS,
                                         admins=(_member("admin", root_key, ["peer"], serial=0x33),))) == (
        "the admin certificate of OU=peer,CN=admin (serial 33) listed in BankMSP's MSP carries neither its client nor "
        "its admin OU (client OU client, admin OU admin; it carries peer), and with NodeOUs on Fabric's MSP asks that "
        "of every listed admin (\"admin 0 is invalid\"): list only admins issued with one of those OUs")


def test_with_node_ous_on_a_listed_admin_whose_ous_fabric_cannot_read_refuses_the_definition():
    # Fabric reads an identity's OUs through its certification chain (GetOrganizationalUnits): it reads none of a CA
    # certificate, nor of one issued by a CA that issued an intermediate CA of the MSP, so such an admin carries
    # neither the client nor the admin OU for postSetupV142, whatever its subject says
    root_key, root, _ = _sound()
    upper_key, lower_key = _key(), _key()
    upper = _certificate("ica-upper", upper_key, "root", root_key, ca=True, serial=0x21)
    lower = _certificate("ica-lower", lower_key, "ica-upper", upper_key, ca=True, serial=0x22)

    def listing(admin):
        return ChannelMsp("BankMSP", (root,), (upper, lower), (), node_ous=NODE_OUS, admins=(admin,))
    assert definition_problem(listing(_member("admin", lower_key, ["admin"], issuer="ica-lower"))) is None
    problem = definition_problem(listing(_member("admin", upper_key, ["admin"], 0x31, issuer="ica-upper")))
    assert problem == (
        "the admin certificate of OU=admin,CN=admin (serial 31) listed in BankMSP's MSP carries no organizational unit "
        "Fabric's MSP reads (the certificate of OU=admin,CN=admin is issued by CN=ica-upper, which issued an "
        "intermediate CA of BankMSP too: Fabric's MSP takes identities only from the CAs that issued none of its "
        "intermediate CAs; it reads an identity's OUs through its certification chain), and with NodeOUs on Fabric's "
        "MSP asks every listed admin for its client or its admin OU (\"admin 0 is invalid\"): list only admins the "
        "MSP takes")
    problem = definition_problem(listing(_member("admin", root_key, ["admin"], 0x32, ca=True)))
    assert problem.startswith("the admin certificate of OU=admin,CN=admin (serial 32) listed in BankMSP's MSP carries "
                              "no organizational unit Fabric's MSP reads (the certificate of OU=admin,CN=admin is a "
                              "CA certificate, which no MSP takes as an identity;"), problem


def test_a_listed_admin_of_another_ca_refuses_the_definition_even_with_node_ous_on():
    # Fabric reads each listed admin as an identity at setup, and one signed with ECDSA needs a chain to sanitize it
    _, root, _ = _sound()
    stranger = _member("admin", _key(), ["admin"], serial=0x77)
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (), (), node_ous=NODE_OUS, admins=(stranger,)))
    assert problem.startswith("the admin certificate of OU=admin,CN=admin (serial 77) listed in BankMSP's MSP is no "
                              "identity Fabric's MSP reads, as it reads each listed admin at setup: the certificate "
                              "of OU=admin,CN=admin does not chain to a CA certificate of BankMSP"), problem


def test_a_crl_that_does_not_parse_refuses_the_definition():
    root_key, root, user = _sound()
    msp = ChannelMsp("BankMSP", (root,), (), (_crl(root_key, [99]), b"not a CRL"))
    expected = ("CRL 2 of 2 in BankMSP's MSP in the channel config is no CRL Fabric parses (DER, or PEM from its "
                "first byte), and Fabric's MSP refuses a definition holding one (\"could not parse RevocationList\"): "
                "replace it with the CRL its CA wrote, or leave it out")
    assert definition_problem(msp) == expected
    assert certificate_problem(user, msp, NOW) == REFUSED + expected
    der = x509.load_pem_x509_crl(_crl(root_key, [99])).public_bytes(Encoding.DER)
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (der,))) is None       # DER parses too


def test_a_config_definition_without_admins_drops_its_orgs_signatures():
    root_key, root, _ = _sound()
    admin = _member("admin", root_key, serial=9)
    conf = msp_config_pb2.FabricMSPConfig(name="BankMSP", root_certs=[root.public_bytes(Encoding.PEM)])
    msps = {"BankMSP": OrgMsp("BankMSP", (root.public_bytes(Encoding.PEM),), (), {}, config=conf)}
    said = refusal(SignedBy("BankMSP", admin, True), msps, configtx_pb2.Config())
    assert said.startswith("Fabric refuses BankMSP's MSP definition in the channel config, so it reads no identity of "
                           "BankMSP and drops the signature: BankMSP's MSP lists no admin certificate"), said


def test_a_listed_admin_without_a_chain_has_its_chains_built_once(monkeypatch):
    # the refusal's reason comes from the same chains that found none, not from building them again
    from client.ledger import msp as msp_module
    _, root, _ = _sound()
    stranger = _member("admin", _key(), ["admin"], serial=0x77)
    built = []
    real = msp_module.validation_chains

    def counted(cert, msp, at=None):
        if cert == stranger and at is not None:
            built.append(at)
        return real(cert, msp, at)
    monkeypatch.setattr(msp_module, "validation_chains", counted)
    problem = definition_problem(ChannelMsp("BankMSP", (root,), (), (), node_ous=NODE_OUS, admins=(stranger,)))
    assert "does not chain to a CA certificate of BankMSP" in problem, problem
    assert built == [msp_module.fabric_moment(stranger)]


def test_a_pem_crl_with_text_before_it_refuses_the_definition_as_go_reads_no_crl_there():
    # Go's x509.ParseCRL reads PEM only from bytes that start with its BEGIN line, and the rest as DER: a CRL file
    # `openssl crl -text` wrote, its dump first, goes into the channel config as it is and fails Fabric's setup
    root_key, root, user = _sound()
    pem = _crl(root_key, [99])
    for written in (b"Certificate Revocation List (CRL):\n        Version 2 (0x1)\n" + pem, b"\n" + pem):
        msp = ChannelMsp("BankMSP", (root,), (), (written,))
        assert definition_problem(msp) == (
            "CRL 1 of 1 in BankMSP's MSP in the channel config is no CRL Fabric parses (DER, or PEM from its first "
            "byte), and Fabric's MSP refuses a definition holding one (\"could not parse RevocationList\"): replace "
            "it with the CRL its CA wrote, or leave it out")
        assert certificate_problem(user, msp, NOW).startswith(REFUSED)
    assert definition_problem(ChannelMsp("BankMSP", (root,), (), (pem + b"\ntrailing text\n",))) is None


def test_a_config_signature_revoked_by_its_intermediate_cas_crl_is_dropped_saying_so():
    # the revocation reason looked for the signer's issuer among the roots alone: one under an intermediate CA was
    # dropped later as no principal's, without the reason
    root_key, root, _ = _sound()
    ca_key = _key()
    intermediate = _certificate("ica", ca_key, "root", root_key, ca=True, serial=2)
    admin, user = (_member(cn, ca_key, serial=serial, issuer="ica") for cn, serial in (("admin", 8), ("user1", 0x41)))
    crl = (x509.CertificateRevocationListBuilder().issuer_name(x509.Name.from_rfc4514_string("CN=ica"))
           .last_update(NOW - DAY).next_update(NOW + DAY)
           .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(0x41).revocation_date(NOW - DAY)
                                    .build())
           .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
           .add_extension(x509.CRLNumber(4), critical=False).sign(ca_key, hashes.SHA256()).public_bytes(Encoding.PEM))
    conf = msp_config_pb2.FabricMSPConfig(name="BankMSP", root_certs=[root.public_bytes(Encoding.PEM)],
                                          intermediate_certs=[intermediate.public_bytes(Encoding.PEM)],
                                          revocation_list=[crl], admins=[admin.public_bytes(Encoding.PEM)])
    msps = {"BankMSP": OrgMsp.of(conf)}
    said = refusal(SignedBy("BankMSP", user, True), msps, configtx_pb2.Config())
    assert said == ("its certificate (serial 41) is revoked: CRL number 4 of its CA in BankMSP's MSP in the channel "
                    "config lists it, so Fabric refuses its signature"), said
    assert refusal(SignedBy("BankMSP", admin, True), msps, configtx_pb2.Config()) is None
    # a CRL without a number is named as a CRL, not as "no CRL number ... lists it"
    unnumbered = _crl(ca_key, [0x41])
    conf.ClearField("revocation_list")
    conf.revocation_list.append(unnumbered)
    said = refusal(SignedBy("BankMSP", user, True), {"BankMSP": OrgMsp.of(conf)}, configtx_pb2.Config())
    assert said == ("its certificate (serial 41) is revoked: a CRL (no CRL number) of its CA in BankMSP's MSP in the "
                    "channel config lists it, so Fabric refuses its signature"), said


def test_a_tls_ca_certificate_fabric_cannot_set_up_refuses_the_definition():
    # setupTLSCAs asks of every TLS root and intermediate CA certificate what setup asks of the other CAs, the chain
    # built of the TLS CAs
    root_key, root, user = _sound()
    tls_key = _key()
    tls_root = _certificate("tls-root", tls_key, "tls-root", tls_key, ca=True, serial=0x71)
    tls_intermediate = _certificate("tls-ica", _key(), "tls-root", tls_key, ca=True, serial=0x72)
    admin = _member("admin", root_key)

    def defining(tls_roots, tls_intermediates=()):
        conf = msp_config_pb2.FabricMSPConfig(
            name="BankMSP", root_certs=[root.public_bytes(Encoding.PEM)], admins=[admin.public_bytes(Encoding.PEM)],
            tls_root_certs=[c.public_bytes(Encoding.PEM) for c in tls_roots],
            tls_intermediate_certs=[c.public_bytes(Encoding.PEM) for c in tls_intermediates])
        return ChannelMsp.of(conf)
    assert definition_problem(defining([tls_root], [tls_intermediate])) is None
    not_a_ca = _certificate("tls-leaf", _key(), "tls-root", tls_key, serial=0x73)
    msp = defining([tls_root], [not_a_ca])
    expected = ("the TLS intermediate CA certificate of CN=tls-leaf (serial 73) is not a CA certificate (its basic "
                "constraints do not say CA:TRUE), which Fabric's MSP asks of every TLS root and TLS intermediate CA "
                "certificate it lists (\"CA Certificate did not have the CA attribute\"): list only CA certificates "
                "there")
    assert definition_problem(msp) == expected
    assert certificate_problem(user, msp, NOW) == REFUSED + expected
    stray = _certificate("tls-ica", _key(), "other-root", _key(), ca=True, serial=0x74)
    problem = definition_problem(defining([tls_root], [stray]))
    assert problem.startswith("the TLS intermediate CA certificate of CN=tls-ica (serial 74) does not verify as "
                              "Fabric's MSP verifies its TLS CA certificates (validateTLSCAIdentity): the certificate "
                              "of CN=tls-ica does not chain to"), problem
    client_only = _certificate("tls-root", tls_key, "tls-root", tls_key, ca=True, serial=0x75,
                               usages=[ExtendedKeyUsageOID.CLIENT_AUTH])
    assert "without serverAuth" in definition_problem(defining([client_only]))


def test_a_tls_intermediate_ca_the_msps_crls_refuse_refuses_the_definition():
    # validateTLSCAIdentity checks a TLS intermediate CA against the MSP's CRLs as an intermediate CA's identity
    root_key, root, _ = _sound()
    tls_key, ica_key = _key(), _key()
    tls_root = _certificate("tls-root", tls_key, "tls-root", tls_key, ca=True, serial=0x71)
    tls_intermediate = _certificate("tls-ica", ica_key, "tls-root", tls_key, ca=True, serial=0x72)

    def defining(crls, tls_intermediates=(tls_intermediate,)):
        conf = msp_config_pb2.FabricMSPConfig(
            name="BankMSP", root_certs=[root.public_bytes(Encoding.PEM)], revocation_list=crls,
            admins=[_member("admin", root_key).public_bytes(Encoding.PEM)],
            tls_root_certs=[tls_root.public_bytes(Encoding.PEM)],
            tls_intermediate_certs=[c.public_bytes(Encoding.PEM) for c in tls_intermediates])
        return ChannelMsp.of(conf)
    assert definition_problem(defining([_crl(root_key, [0x72])])) is None     # another CA's CRL
    problem = definition_problem(defining([_crl(tls_key, [0x72])]))
    assert problem is not None and problem.startswith(
        "the TLS intermediate CA certificate of CN=tls-ica (serial 72) is revoked: CRL 1 of 1 in BankMSP's MSP in the "
        "channel config (issuer CN=root, no CRL number) of its issuer CN=tls-root lists it"), problem
    problem = definition_problem(defining([_crl(root_key, aki=False)]))
    assert problem is not None and problem.endswith(
        "has no Authority Key Identifier Fabric reads, which fails the check of the TLS intermediate CA certificate of "
        "CN=tls-ica (serial 72) against the MSP's CRLs (\"could not obtain Authority Key Identifier for crl\"): give "
        "that CRL its CA's key identifier"), problem
    # without a TLS intermediate CA, the refusal is the listed admin's, which setup validates through that CRL
    assert definition_problem(defining([_crl(root_key, aki=False)], tls_intermediates=())).startswith(
        "the admin certificate of CN=admin (serial 9) listed in BankMSP's MSP is no valid identity of it")


def test_a_tls_ca_certificate_is_verified_a_second_past_its_own_not_before():
    # setupTLSCAs verifies each TLS CA certificate's chain at its notBefore plus a second, as the other CAs': one
    # issued before its TLS root's notBefore, or under two TLS roots valid then, has no single chain Fabric takes
    root_key, root, _ = _sound()
    tls_key = _key()
    tls_root = _certificate("tls-root", tls_key, "tls-root", tls_key, ca=True, serial=0x71, since=NOW - 10 * DAY)
    early = _certificate("tls-ica", _key(), "tls-root", tls_key, ca=True, serial=0x72, since=NOW - 50 * DAY)
    timely = _certificate("tls-ica", _key(), "tls-root", tls_key, ca=True, serial=0x73, since=NOW - 5 * DAY)

    def defining(tls_roots, tls_intermediate):
        conf = msp_config_pb2.FabricMSPConfig(
            name="BankMSP", root_certs=[root.public_bytes(Encoding.PEM)],
            admins=[_member("admin", root_key).public_bytes(Encoding.PEM)],
            tls_root_certs=[c.public_bytes(Encoding.PEM) for c in tls_roots],
            tls_intermediate_certs=[tls_intermediate.public_bytes(Encoding.PEM)])
        return ChannelMsp.of(conf)
    assert definition_problem(defining([tls_root], timely)) is None
    problem = definition_problem(defining([tls_root], early))
    assert problem is not None and problem.startswith(
        "the TLS intermediate CA certificate of CN=tls-ica (serial 72) does not verify as Fabric's MSP verifies its "
        "TLS CA certificates (validateTLSCAIdentity): "), problem
    renewed = _certificate("tls-root", tls_key, "tls-root", tls_key, ca=True, serial=0x74, since=NOW - 8 * DAY)
    problem = definition_problem(defining([tls_root, renewed], timely))
    assert problem is not None and "Fabric's MSP supports a single validation chain" in problem, problem
