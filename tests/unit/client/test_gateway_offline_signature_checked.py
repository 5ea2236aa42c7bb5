"""A signature given to new_signed_*: of the key of the identity the request carries, in the low-S form of
that key's curve, or refused before anything is sent (a peer would answer a bare "access denied")."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from client.gateway import Identity, connect, private_key_signer

from .gateway_fakes import P256_ORDER, FakeTransport, make_key_and_cert
from .test_gateway_signing import verify_like_a_peer


def high_s_signature(key, digest: bytes) -> bytes:
    while True:
        der = key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        if utils.decode_dss_signature(der)[1] > P256_ORDER // 2:
            return der


def test_a_signature_by_another_key_is_refused_and_nothing_is_sent():
    _, cert = make_key_and_cert("alice")
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", cert), transport=transport) as gateway:
        unsigned = gateway.get_network("ch").get_contract("cc").new_proposal("Get", arguments=["R-1"])
        another_key = ec.generate_private_key(ec.SECP256R1())
        signature = another_key.sign(unsigned.digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        refused = r"does not verify .*CN=alice of MSP 'Org1MSP'.*Nothing was sent"
        with pytest.raises(ValueError, match=refused):
            gateway.new_signed_proposal(unsigned.bytes, signature).evaluate()
    assert transport.requests("evaluate") == []


def test_a_signature_over_another_digest_is_refused():
    key, cert = make_key_and_cert("alice")
    with connect(identity=Identity("Org1MSP", cert), transport=FakeTransport()) as gateway:
        unsigned = gateway.get_network("ch").get_contract("cc").new_proposal("Get", arguments=["R-1"])
        hashed_again = key.sign(unsigned.digest, ec.ECDSA(hashes.SHA256()))
        with pytest.raises(ValueError, match="new_signed_proposal"):
            gateway.new_signed_proposal(unsigned.bytes, hashed_again)


def test_a_request_of_a_p256_identity_rebuilt_by_a_p384_gateway_is_sent_low_s_on_p256():
    """The low-S form is that of the curve of the identity the request carries, not of the Gateway's own."""
    key_256, cert_256 = make_key_and_cert("p256-user")
    key_384, cert_384 = make_key_and_cert("p384-user", curve=ec.SECP384R1())
    with connect(identity=Identity("Org1MSP", cert_256), transport=FakeTransport()) as builder:
        unsigned = builder.get_network("ch").get_contract("cc").new_proposal("Get", arguments=["R-1"])
    signature = high_s_signature(key_256, unsigned.digest)
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", cert_384), signer=private_key_signer(key_384),
                 transport=transport) as gateway:
        gateway.new_signed_proposal(unsigned.bytes, signature).evaluate()
    (request,) = transport.requests("evaluate")
    proposed = request.proposed_transaction
    verify_like_a_peer(key_256.public_key(), proposed.signature, proposed.proposal_bytes)
