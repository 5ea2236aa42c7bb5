"""The moment Fabric's MSP verifies an identity's CA chain at: a second past the identity's notBefore, whatever the
clock says (msp/mspimplvalidate.go getValidityOptsForCert), so only CAs valid then issue it, and expiry alone
refuses nobody there; the audit's own rule (every link within its dates at the moment audited) comes on top:
client.ledger.msp.certificate_problem."""
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from client.ledger.msp import ChannelMsp, certificate_problem, fabric_identity

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _certificate(cn: str, key, issuer: str, issuer_key, *, since: datetime, until: datetime, ca: bool = False,
                 serial: int = 1) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(serial).not_valid_before(since).not_valid_after(until)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def test_an_identity_issued_before_its_ca_was_valid_is_refused_though_both_are_valid_when_audited():
    ca_key, user_key = _key(), _key()
    ca = _certificate("ca", ca_key, "ca", ca_key, since=NOW - 10 * DAY, until=NOW + 365 * DAY, ca=True)
    backdated = _certificate("user1", user_key, "ca", ca_key, since=NOW - 20 * DAY, until=NOW + 365 * DAY)
    msp = ChannelMsp("BankMSP", (ca,), (), ())
    problem = certificate_problem(backdated, msp, NOW)
    assert problem is not None and problem.startswith("the certificate of CN=ca was not valid at 2026-11-10T00:00:01")
    assert "a second past the notBefore of CN=user1, when Fabric's MSP verifies its chain" in problem
    assert fabric_identity(backdated, msp) is None          # no chain: Fabric's MSP does not deserialize it
    on_time = _certificate("user2", user_key, "ca", ca_key, since=NOW - 5 * DAY, until=NOW + 365 * DAY)
    assert certificate_problem(on_time, msp, NOW) is None


def test_an_identity_is_chained_through_the_renewed_ca_valid_when_it_was_issued():
    root_key, ca_key, user_key = _key(), _key(), _key()
    root = _certificate("root", root_key, "root", root_key, since=NOW - 900 * DAY, until=NOW + 900 * DAY, ca=True)
    # the org's intermediate CA renewed under the same key: the old certificate listed first, expired since
    old = _certificate("ica", ca_key, "root", root_key, since=NOW - 800 * DAY, until=NOW - 100 * DAY, ca=True,
                       serial=2)
    renewed = _certificate("ica", ca_key, "root", root_key, since=NOW - 110 * DAY, until=NOW + 600 * DAY, ca=True,
                           serial=3)
    user = _certificate("user1", user_key, "ica", ca_key, since=NOW - 50 * DAY, until=NOW + 300 * DAY)
    msp = ChannelMsp("BankMSP", (root,), (old, renewed), ())
    assert certificate_problem(user, msp, NOW) is None
    assert fabric_identity(user, msp) is not None


def test_fabrics_rule_alone_ignores_expiry_and_the_audit_adds_the_moment_audited():
    ca_key, user_key = _key(), _key()
    ca = _certificate("ca", ca_key, "ca", ca_key, since=NOW - 400 * DAY, until=NOW - 10 * DAY, ca=True)
    user = _certificate("user1", user_key, "ca", ca_key, since=NOW - 300 * DAY, until=NOW - 20 * DAY)
    msp = ChannelMsp("BankMSP", (ca,), (), ())
    assert certificate_problem(user, msp, None) is None
    assert certificate_problem(user, msp, NOW).startswith("the certificate of CN=user1 was not valid at 2026-11-30")


def test_an_identity_issued_by_a_ca_that_issued_an_intermediate_of_the_msp_is_refused():
    # Fabric's MSP takes identities only from the leaves of its certification tree (getValidationChain): a root
    # that issued one of the MSP's intermediate CAs issues no identity itself
    root_key, ca_key, user_key = _key(), _key(), _key()
    root = _certificate("root", root_key, "root", root_key, since=NOW - 90 * DAY, until=NOW + 900 * DAY, ca=True)
    intermediate = _certificate("ica", ca_key, "root", root_key, since=NOW - 80 * DAY, until=NOW + 600 * DAY,
                                ca=True, serial=2)
    under_the_root = _certificate("user1", user_key, "root", root_key, since=NOW - 50 * DAY, until=NOW + 300 * DAY)
    under_the_intermediate = _certificate("user2", user_key, "ica", ca_key, since=NOW - 50 * DAY,
                                          until=NOW + 300 * DAY)
    with_intermediate = ChannelMsp("BankMSP", (root,), (intermediate,), ())
    assert certificate_problem(under_the_intermediate, with_intermediate, NOW) is None
    assert certificate_problem(under_the_root, with_intermediate, NOW) == (
        "the certificate of CN=user1 is issued by CN=root, which issued an intermediate CA of BankMSP too: "
        "Fabric's MSP takes identities only from the CAs that issued none of its intermediate CAs")
    # the MSP deserializes it all the same (sanitizeCert builds no tree): it is refused when validated
    assert fabric_identity(under_the_root, with_intermediate) is not None
    assert certificate_problem(under_the_root, ChannelMsp("BankMSP", (root,), (), ()), NOW) is None
