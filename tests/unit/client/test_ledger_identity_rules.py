"""Identity and signature rules the ledger audit applies as Fabric's peers do (client/ledger)."""
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from client.gateway._signer import VERIFIED_CURVE_ORDERS, to_low_s
from client.ledger.endorsements import signature_problem
from client.ledger.msp import ChannelMsp, certificate_problem

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _certificate(cn: str, issuer_cn: str, key, issuer_key, serial: int, *, until: datetime, ca: bool = False):
    """A certificate of ``cn`` for ``key``, issued by ``issuer_cn`` (signed with ``issuer_key``), valid from a day
    before NOW to ``until``; a CA's carries its Subject Key Identifier."""
    builder = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(issuer_cn))
               .public_key(key.public_key()).serial_number(serial).not_valid_before(NOW - timedelta(days=1))
               .not_valid_after(until).add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _ca_and_user():
    ca_key, user_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("ca", "ca", ca_key, ca_key, 1, until=NOW + timedelta(days=365), ca=True)
    user = _certificate("user1", "ca", user_key, ca_key, 7, until=NOW + timedelta(days=365))
    return ca_key, ca, user


def _crl(ca_key, serials=(), *, aki_of=None) -> bytes:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(_name("ca")).last_update(NOW - timedelta(hours=1))
               .next_update(NOW + timedelta(days=7)))
    for serial in serials:
        builder = builder.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                                  .revocation_date(NOW - timedelta(hours=1)).build())
    if aki_of is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_of), critical=False)
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(Encoding.PEM)


def test_a_crl_without_an_authority_key_identifier_fails_every_identity_of_its_msp():
    ca_key, ca, user = _ca_and_user()
    assert certificate_problem(user, ChannelMsp("BankMSP", (ca,), (), ()), NOW) is None
    listing_other = _crl(ca_key, [99], aki_of=ca_key.public_key())
    assert certificate_problem(user, ChannelMsp("BankMSP", (ca,), (), (listing_other,)), NOW) is None
    # without an AKI it revokes nobody by serial, yet Fabric's MSP refuses every identity when it meets it
    problem = certificate_problem(user, ChannelMsp("BankMSP", (ca,), (), (listing_other, _crl(ca_key, [99]))), NOW)
    assert problem.startswith("CRL 2 of BankMSP's revocation list in the channel config has no readable Authority")


def test_an_endorsement_on_any_curve_fabric_verifies_counts_in_its_low_s_form_only():
    message = b"proposal response payload and endorser"
    for curve in (ec.SECP224R1(), ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()):
        key = ec.generate_private_key(curve)
        digest = hashes.Hash(hashes.SHA256())
        digest.update(message)
        signed = key.sign(digest.finalize(), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        order = VERIFIED_CURVE_ORDERS[curve.name]
        low = to_low_s(signed, order)
        r, s = utils.decode_dss_signature(low)
        high = utils.encode_dss_signature(r, order - s)
        assert signature_problem(key.public_key(), low, message) is None, curve.name
        assert "upper half of the curve order" in signature_problem(key.public_key(), high, message), curve.name
    other = ec.generate_private_key(ec.SECP256K1())
    assert "which no Fabric MSP verifies" in signature_problem(other.public_key(), b"0", message)


def test_a_crl_whose_authority_key_identifier_is_not_valid_der_counts_as_having_none():
    # Fabric cannot read an AKI from it either ("failed to unmarshal AKI") and refuses every identity of the MSP;
    # reading it must not raise
    from cryptography.x509.oid import ExtensionOID

    ca_key, ca, user = _ca_and_user()
    builder = (x509.CertificateRevocationListBuilder().issuer_name(_name("ca")).last_update(NOW - timedelta(hours=1))
               .next_update(NOW + timedelta(days=7))
               .add_extension(x509.UnrecognizedExtension(ExtensionOID.AUTHORITY_KEY_IDENTIFIER, b"\x30"),
                              critical=False))
    broken = builder.sign(ca_key, hashes.SHA256()).public_bytes(Encoding.PEM)
    problem = certificate_problem(user, ChannelMsp("BankMSP", (ca,), (), (broken,)), NOW)
    assert problem.startswith("CRL 1 of BankMSP's revocation list in the channel config has no readable Authority")


def _intermediate_and_leaf(ca_key, *, intermediate_until: datetime):
    """An intermediate CA "ica" the root "ca" (``ca_key``) issued, valid until ``intermediate_until``, and a peer
    identity "peer0" it issued."""
    inter_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    inter = _certificate("ica", "ca", inter_key, ca_key, 42, until=intermediate_until, ca=True)
    leaf = _certificate("peer0", "ica", leaf_key, inter_key, 8, until=NOW + timedelta(days=365))
    return inter, leaf


def test_an_identity_under_an_intermediate_ca_the_root_revoked_is_refused_with_the_msps_definition():
    # the root's CRL lists the intermediate, not the identity: Fabric's MSP setup checks its intermediate CAs against
    # its CRLs (finalizeSetupCAs, validateCAIdentity) and refuses the whole definition
    ca_key, ca, _ = _ca_and_user()
    inter, leaf = _intermediate_and_leaf(ca_key, intermediate_until=NOW + timedelta(days=365))
    assert certificate_problem(leaf, ChannelMsp("BankMSP", (ca,), (inter,), ()), NOW) is None
    revoking = _crl(ca_key, [inter.serial_number], aki_of=ca_key.public_key())
    problem = certificate_problem(leaf, ChannelMsp("BankMSP", (ca,), (inter,), (revoking,)), NOW)
    assert problem.startswith("Fabric refuses BankMSP's MSP definition in the channel config, so it takes no identity "
                              "of BankMSP: the intermediate CA certificate of CN=ica (serial 2a) is revoked: CRL 1 of "
                              "1 in BankMSP's MSP in the channel config (issuer CN=ca"), problem


def test_an_identity_whose_intermediate_ca_had_expired_at_the_moment_is_refused():
    ca_key, ca, _ = _ca_and_user()
    inter, leaf = _intermediate_and_leaf(ca_key, intermediate_until=NOW + timedelta(days=1))
    problem = certificate_problem(leaf, ChannelMsp("BankMSP", (ca,), (inter,), ()), NOW + timedelta(days=2))
    assert problem.startswith("the certificate of CN=ica was not valid at"), problem
