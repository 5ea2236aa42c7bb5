"""A signer whose key connect() cannot know (an HSM's, a signing service's) signing with another key than the
certificate's: refused before anything is sent, as a peer would answer each request a bare "access denied"."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

from client.gateway import HSMSignerFactory, HSMSignerOptions, Identity, connect, hashing, private_key_signer

from .gateway_fakes import P256_ORDER, FakeTransport, make_key_and_cert
from .softhsm import softhsm
from .test_gateway_signing import verify_like_a_peer


def service_signer(key):
    """A signing service's signer: a plain function, whose key connect() does not know."""
    sign = private_key_signer(key)
    return lambda digest: sign(digest)


def test_a_signing_services_signature_by_another_key_is_refused_and_nothing_is_sent():
    _, cert = make_key_and_cert("alice")
    transport = FakeTransport()
    another_key = ec.generate_private_key(ec.SECP256R1())
    signer = service_signer(another_key)
    with connect(identity=Identity("Org1MSP", cert), signer=signer, transport=transport) as gw:
        with pytest.raises(ValueError, match=r"\(CN=alice, MSP Org1MSP\) does not verify.*Nothing was sent"):
            gw.get_network("ch").get_contract("cc").evaluate_transaction("Get", "R-1")
    assert transport.requests("evaluate") == []


def test_a_signature_over_another_digest_is_refused():
    """A service that hashes the digest it is given again signs with the right key, over the wrong bytes."""
    key, cert = make_key_and_cert("alice")
    transport = FakeTransport()

    def hashes_again(digest):
        return key.sign(digest, ec.ECDSA(hashes.SHA256()))

    with connect(identity=Identity("Org1MSP", cert), signer=hashes_again, transport=transport) as gw:
        with pytest.raises(ValueError, match="signs something other than the digest it is given"):
            gw.get_network("ch").get_contract("cc").submit_transaction("Confirm", "R-1")
    assert transport.requests("endorse") == []


def test_an_ed25519_signature_by_another_key_is_refused():
    _, cert = make_key_and_cert("ed", key=ed25519.Ed25519PrivateKey.generate())
    transport = FakeTransport()
    signer = service_signer(ed25519.Ed25519PrivateKey.generate())
    with connect(identity=Identity("Org1MSP", cert), signer=signer, transport=transport) as gw:
        with pytest.raises(ValueError, match="does not verify"):
            gw.get_network("ch").get_contract("cc").evaluate_transaction("Get", "R-1")
    assert transport.requests("evaluate") == []


def test_signatures_by_the_certificates_key_are_sent_low_s_whatever_the_hash():
    key, cert = make_key_and_cert("alice")
    identity = Identity("Org1MSP", cert)

    def high_s(digest):   # the form a KMS gives about half the time: still the certificate's key's signature
        while True:
            der = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            if utils.decode_dss_signature(der)[1] > P256_ORDER // 2:
                return der

    transport = FakeTransport()
    with connect(identity=identity, signer=high_s, transport=transport) as gw:
        gw.get_network("ch").get_contract("cc").evaluate_transaction("Get", "R-1")
    (request,) = transport.requests("evaluate")
    proposed = request.proposed_transaction
    verify_like_a_peer(identity.certificate.public_key(), proposed.signature, proposed.proposal_bytes)

    # hashing.none hands the whole message to a service that hashes it itself: not verifiable here, so sent
    def hashes_itself(message):
        return key.sign(message, ec.ECDSA(hashes.SHA256()))

    transport = FakeTransport()
    with connect(identity=identity, signer=hashes_itself, hash=hashing.none, transport=transport) as gw:
        gw.get_network("ch").get_contract("cc").evaluate_transaction("Get", "R-1")
    assert len(transport.requests("evaluate")) == 1


def test_an_hsm_signer_over_another_key_than_the_certificates_sends_nothing(tmp_path_factory):
    token = softhsm(tmp_path_factory)
    _, cert = make_key_and_cert("alice")   # the token's key "user" is not this certificate's
    transport = FakeTransport()
    with HSMSignerFactory(token.library) as factory, \
            factory.new_signer(HSMSignerOptions(token.token, token.pin, key_label="user")) as signer, \
            connect(identity=Identity("SupplierMSP", cert), signer=signer, transport=transport) as gw:
        with pytest.raises(ValueError, match=r"key_id=key_id_for\(identity.certificate\)"):
            gw.get_network("ch").get_contract("cc").submit_transaction("Confirm", "R-1")
    assert transport.requests("endorse") == []
