"""connect() refuses an identity every peer would refuse with a bare "access denied": a certificate that has
expired, or a private_key_signer over another key than the certificate's. Nothing is sent."""

import asyncio
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from client.gateway import Identity, connect, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport, make_key_and_cert


def _certificate(key, *, valid_for: datetime.timedelta) -> bytes:
    """A self-signed certificate of ``key`` whose validity ends ``valid_for`` from now (negative: past)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "user1@org1")])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=30)).not_valid_after(now + valid_for)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


def test_an_expired_certificate_is_refused_at_connect_naming_its_end_and_what_to_do():
    key = ec.generate_private_key(ec.SECP256R1())
    identity = Identity("Org1MSP", _certificate(key, valid_for=-datetime.timedelta(hours=1)))
    transport = FakeTransport()
    with pytest.raises(ValueError, match=r"CN=user1@org1, MSP Org1MSP\) expired on .* renew it with its CA"):
        connect(identity=identity, signer=private_key_signer(key), transport=transport)
    with pytest.raises(ValueError, match="expired on"):
        connect(identity=identity, transport=transport)  # signed elsewhere: the peer refuses it all the same
    assert transport.calls == []


def test_a_certificate_ended_minutes_ago_by_this_clock_is_taken_as_peers_whose_clocks_are_behind_take_it():
    # peers refuse an expired creator by their own clocks: one here a few minutes ahead must not refuse first
    key = ec.generate_private_key(ec.SECP256R1())
    identity = Identity("Org1MSP", _certificate(key, valid_for=-datetime.timedelta(minutes=2)))
    with connect(identity=identity, signer=private_key_signer(key), transport=FakeTransport()) as gateway:
        assert gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get") == b"result"
    ended = Identity("Org1MSP", _certificate(key, valid_for=-datetime.timedelta(minutes=6)))
    with pytest.raises(ValueError, match=r"expired on .* by this machine's clock\), and every peer refuses"):
        connect(identity=ended, signer=private_key_signer(key), transport=FakeTransport())


def test_a_certificate_still_valid_is_taken():
    key = ec.generate_private_key(ec.SECP256R1())
    identity = Identity("Org1MSP", _certificate(key, valid_for=datetime.timedelta(minutes=5)))
    with connect(identity=identity, signer=private_key_signer(key), transport=FakeTransport()) as gateway:
        assert gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get") == b"result"


def test_a_certificate_not_valid_yet_is_taken_as_peers_take_it():
    # Fabric's MSP checks the chain as of the certificate's start plus a second (getValidityOptsForCert) and
    # refuses a creator only once its certificate's end has passed: a clock behind the CA's is no refusal
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "user1@org1")])
    starting_tomorrow = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    ).public_bytes(serialization.Encoding.PEM)
    identity = Identity("Org1MSP", starting_tomorrow)
    with connect(identity=identity, signer=private_key_signer(key), transport=FakeTransport()) as gateway:
        assert gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get") == b"result"


@pytest.mark.parametrize("other_key", [
    ec.generate_private_key(ec.SECP256R1()),
    ed25519.Ed25519PrivateKey.generate(),
    ec.generate_private_key(ec.SECP384R1()),
], ids=["p256", "ed25519", "p384"])
def test_a_signer_over_another_key_than_the_certificates_is_refused_at_connect(other_key):
    _, certificate = make_key_and_cert("user1@org1")
    transport = FakeTransport()
    refused = r"signer signs with a key other than the identity's .*load_msp_folder"
    with pytest.raises(ValueError, match=refused):
        connect(identity=Identity("Org1MSP", certificate), signer=private_key_signer(other_key),
                transport=transport)
    assert transport.calls == []


def test_connect_async_refuses_them_too():
    key, certificate = make_key_and_cert("user1@org1")
    expired = Identity("Org1MSP", _certificate(key, valid_for=-datetime.timedelta(days=1)))
    other_signer = private_key_signer(ec.generate_private_key(ec.SECP256R1()))

    async def main():
        with pytest.raises(ValueError, match="signer signs with a key other than the identity's"):
            connect_async(identity=Identity("Org1MSP", certificate), signer=other_signer,
                          transport=AsyncFakeTransport(FakeTransport()))
        with pytest.raises(ValueError, match="expired on"):
            connect_async(identity=expired, signer=private_key_signer(key),
                          transport=AsyncFakeTransport(FakeTransport()))

    asyncio.run(main())


def test_a_signer_of_unknown_key_is_taken_as_before():
    """A plain function (an HSM's or a remote service's signer) is not made to sign at connect."""
    key, certificate = make_key_and_cert("user1@org1")
    signed = []
    inner = private_key_signer(key)

    def remote(digest):
        signed.append(digest)
        return inner(digest)

    with connect(identity=Identity("Org1MSP", certificate), signer=remote, transport=FakeTransport()):
        assert signed == []


@pytest.mark.parametrize("key, named", [
    (rsa.generate_private_key(65537, 2048), r"an RSA key \(2048 bits\)"),
    (ec.generate_private_key(ec.SECP256K1()), "an ECDSA key on the curve secp256k1"),
    (ec.generate_private_key(ec.BrainpoolP256R1()), "an ECDSA key on the curve brainpoolP256r1"),
], ids=["rsa", "secp256k1", "brainpool"])
def test_a_certificate_key_no_peer_verifies_is_refused_at_connect(key, named):
    """Signed here or elsewhere, no peer could check its signatures: each request would be "access denied"."""
    _, certificate = make_key_and_cert("user1@org1", key=key)
    transport = FakeTransport()
    refused = f"holds {named}, with which no Fabric peer checks a signature .* P-256 key"
    with pytest.raises(ValueError, match=refused):
        connect(identity=Identity("Org1MSP", certificate), signer=lambda digest: b"", transport=transport)
    assert transport.calls == []


@pytest.mark.parametrize("curve", [ec.SECP224R1(), ec.SECP521R1()], ids=["p224", "p521"])
def test_a_certificate_on_a_curve_peers_verify_is_taken_though_signed_elsewhere(curve):
    _, certificate = make_key_and_cert("user1@org1", curve=curve)
    with connect(identity=Identity("Org1MSP", certificate), transport=FakeTransport()) as gateway:
        assert gateway.identity.msp_id == "Org1MSP"


def test_an_msp_id_that_is_no_text_is_refused_when_the_identity_is_made():
    # it failed at the first request, on protobuf's bare "bad argument type for built-in operation"
    _key, certificate = make_key_and_cert("user1@org1")
    with pytest.raises(TypeError, match=r"MSP ID must be a str, e.g. 'Org1MSP', not int 1234: quote it"):
        Identity(1234, certificate)
    with pytest.raises(ValueError, match=r"needs an MSP ID: give its org's, e.g. 'Org1MSP'"):
        Identity("", certificate)
    assert Identity(b"Org1MSP", certificate).serialize() == Identity("Org1MSP", certificate).serialize()
