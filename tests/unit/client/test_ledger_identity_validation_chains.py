"""The chains Fabric's MSP verifies an identity through are the ones Go's x509 Verify builds with the options Fabric
gives it (msp/mspimpl.go getUniqueValidationChain, msp/mspimplsetup.go setupCAs): every chain to a root counts, and
an identity with more than one is refused ("this MSP only supports a single validation chain"); the options set no
KeyUsages, which Go reads as serverAuth, so a chain where a certificate lists extended key usages without serverAuth
(or anyExtendedKeyUsage) is none; a CA's path length limit and its key usage (keyCertSign) bound what it issues.
client.ledger.msp.certificate_problem and fabric_identity."""
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from client.ledger.msp import ChannelMsp, certificate_problem, fabric_identity
from client.ledger.msp import _der_tlv as _der      # one DER element, as the certificate holds it

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _certificate(cn: str, key, issuer: str, issuer_key, *, since: datetime = NOW - 50 * DAY,
                 until: datetime = NOW + 300 * DAY, ca: bool = False, serial: int = 1, path_length: int | None = None,
                 usages: list | None = None, cert_sign: bool = True, extensions=()) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(serial).not_valid_before(since).not_valid_after(until)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True))
    if ca:
        builder = (builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False, key_agreement=False,
                                                key_cert_sign=cert_sign, crl_sign=True, encipher_only=False,
                                                decipher_only=False), critical=True))
    if usages is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def _root(key, **kwargs):
    return _certificate("root", key, "root", key, since=NOW - 900 * DAY, until=NOW + 900 * DAY, ca=True, **kwargs)


def test_an_identity_under_two_ca_certificates_valid_at_once_is_refused_naming_them():
    root_key, ca_key, user_key = _key(), _key(), _key()
    root = _root(root_key)
    # the org's intermediate CA renewed under the same key before the old certificate expired
    old = _certificate("ica", ca_key, "root", root_key, since=NOW - 800 * DAY, until=NOW + 10 * DAY, ca=True,
                       serial=0x2A)
    renewed = _certificate("ica", ca_key, "root", root_key, since=NOW - 110 * DAY, until=NOW + 600 * DAY, ca=True,
                           serial=0x3B)
    user = _certificate("user1", user_key, "ica", ca_key)
    msp = ChannelMsp("BankMSP", (root,), (old, renewed), ())
    problem = certificate_problem(user, msp, NOW)
    assert problem is not None and problem.startswith("the certificate of CN=user1 has 2 validation chains")
    assert "CN=ica (serial 2a)" in problem and "CN=ica (serial 3b)" in problem
    assert "a single validation chain" in problem
    assert fabric_identity(user, msp) is None       # sanitizeCert asks for the one chain too: no identity
    # one of them alone, or the same one listed twice, is one chain
    assert certificate_problem(user, ChannelMsp("BankMSP", (root,), (renewed,), ()), NOW) is None
    assert certificate_problem(user, ChannelMsp("BankMSP", (root,), (renewed, renewed), ()), NOW) is None
    assert certificate_problem(user, ChannelMsp("BankMSP", (root, root), (renewed,), ()), NOW) is None
    # issued after the old certificate expired, the identity has one chain again
    later = _certificate("user2", user_key, "ica", ca_key, since=NOW + 20 * DAY, until=NOW + 300 * DAY)
    assert certificate_problem(later, msp, None) is None


def test_a_chain_listing_extended_key_usages_without_server_auth_is_none_as_in_fabric():
    root_key, ca_key, user_key = _key(), _key(), _key()
    root = _root(root_key)
    msp = ChannelMsp("BankMSP", (root,), (), ())
    client_only = _certificate("user1", user_key, "root", root_key, usages=[ExtendedKeyUsageOID.CLIENT_AUTH])
    problem = certificate_problem(client_only, msp, NOW)
    assert problem is not None and "serverAuth" in problem and "CN=user1" in problem
    assert fabric_identity(client_only, msp) is None
    for usages in ([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH],
                   [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], None):
        assert certificate_problem(_certificate("user2", user_key, "root", root_key, usages=usages), msp, NOW) is None
    # a CA that lists its usages bounds the identities under it
    narrow = _certificate("ica", ca_key, "root", root_key, ca=True, serial=2, usages=[ExtendedKeyUsageOID.CLIENT_AUTH])
    under_narrow = _certificate("user3", user_key, "ica", ca_key)
    problem = certificate_problem(under_narrow, ChannelMsp("BankMSP", (root,), (narrow,), ()), NOW)
    assert problem is not None and "CN=ica" in problem and "serverAuth" in problem


def test_a_ca_issues_nothing_beyond_its_path_length_or_without_key_cert_sign():
    root_key, ca_key, user_key = _key(), _key(), _key()
    intermediate = _certificate("ica", ca_key, "root", root_key, ca=True, serial=2)
    user = _certificate("user1", user_key, "ica", ca_key)
    assert certificate_problem(user, ChannelMsp("BankMSP", (_root(root_key),), (intermediate,), ()), NOW) is None
    no_deeper = ChannelMsp("BankMSP", (_root(root_key, path_length=0),), (intermediate,), ())
    assert certificate_problem(user, no_deeper, NOW).startswith(
        "the certificate of CN=user1 does not chain to a CA certificate of BankMSP")
    assert fabric_identity(user, no_deeper) is None
    not_signing = _certificate("ica", ca_key, "root", root_key, ca=True, serial=2, cert_sign=False)
    assert certificate_problem(user, ChannelMsp("BankMSP", (_root(root_key),), (not_signing,), ()), NOW) is not None


ECDSA_WITH_SHA256 = _der(0x30, _der(0x06, bytes.fromhex("2a8648ce3d040302")))
ECDSA_WITH_SHA1 = _der(0x30, _der(0x06, bytes.fromhex("2a8648ce3d0401")))


def _signed_with_sha1(cert: x509.Certificate, issuer_key) -> x509.Certificate:
    """``cert`` signed again by ``issuer_key`` with ECDSA and SHA-1 (which OpenSSL here refuses to write itself)."""
    tbs = cert.tbs_certificate_bytes
    body = tbs[2 + (tbs[1] & 0x7F if tbs[1] & 0x80 else 0):].replace(ECDSA_WITH_SHA256, ECDSA_WITH_SHA1, 1)
    tbs = _der(0x30, body)
    signature = issuer_key.sign(tbs, ec.ECDSA(hashes.SHA1()))
    return x509.load_der_x509_certificate(_der(0x30, tbs + ECDSA_WITH_SHA1 + _der(0x03, b"\x00" + signature)))


def test_a_certificate_signed_with_sha1_is_in_no_chain_as_go_builds_none_through_it():
    # Go's x509 Verify uses no SHA-1 signature to build a chain ("x509: cannot verify signature: insecure algorithm")
    root_key, user_key = _key(), _key()
    root = _root(root_key)
    msp = ChannelMsp("BankMSP", (root,), (), ())
    user = _certificate("user1", user_key, "root", root_key)
    assert certificate_problem(user, msp, NOW) is None
    sha1 = _signed_with_sha1(user, root_key)
    assert isinstance(sha1.signature_hash_algorithm, hashes.SHA1)
    problem = certificate_problem(sha1, msp, NOW)
    assert problem is not None and "is signed with SHA-1" in problem
    assert fabric_identity(sha1, msp) is None


def test_a_critical_extension_go_does_not_handle_makes_a_certificate_no_link_of_a_chain():
    # Go's x509 records a critical extension it does not process (UnhandledCriticalExtensions) and Verify refuses a
    # chain holding such a certificate: the identity's own, or a CA's
    root_key, ca_key, user_key = _key(), _key(), _key()
    root = _root(root_key)
    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")
    msp = ChannelMsp("BankMSP", (root,), (), ())
    assert certificate_problem(_certificate("user1", user_key, "root", root_key, extensions=[(unknown, False)]),
                               msp, NOW) is None
    critical = _certificate("user1", user_key, "root", root_key, extensions=[(unknown, True)])
    problem = certificate_problem(critical, msp, NOW)
    assert problem is not None and "1.3.6.1.4.1.99999.1" in problem and "critical" in problem
    assert fabric_identity(critical, msp) is None
    intermediate = _certificate("ica", ca_key, "root", root_key, ca=True, serial=2, extensions=[(unknown, True)])
    under = _certificate("user2", user_key, "ica", ca_key)
    assert certificate_problem(under, ChannelMsp("BankMSP", (root,), (intermediate,), ()), NOW) is not None


def test_a_host_like_name_without_alternative_names_under_name_constraints_is_refused_as_go_1_14_refused_it():
    # Fabric's verifyLegacyNameConstraints: a leaf with no subject alternative name whose common name looks like a
    # host name is refused where a CA of its chain carries name constraints
    root_key, user_key = _key(), _key()
    constraints = x509.NameConstraints(permitted_subtrees=[x509.DNSName("bank.example.com")], excluded_subtrees=None)
    msp = ChannelMsp("BankMSP", (_root(root_key, extensions=[(constraints, True)]),), (), ())
    host_like = _certificate("user1", user_key, "root", root_key)
    problem = certificate_problem(host_like, msp, NOW)
    assert problem is not None and "name constraints" in problem and "CN=root" in problem
    assert fabric_identity(host_like, msp) is None
    assert certificate_problem(_certificate("user 1", user_key, "root", root_key), msp, NOW) is None  # no host name
    assert certificate_problem(host_like, ChannelMsp("BankMSP", (_root(root_key),), (), ()), NOW) is None
