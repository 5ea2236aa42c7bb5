"""A hash giving a digest of another length than the 32 bytes Fabric peers verify signatures over (SHA-384, a hash
of your own) is refused before anything is signed or sent, whatever the signer. private_key_signer and HSMSigner
refused it themselves; a signer of your own (a signing service) signed it, its signature verified here over that
digest, and the request went out for every peer to refuse with a bare "access denied"."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

from client.gateway import Identity, connect, hashing
from .gateway_fakes import FakeTransport, make_key_and_cert

KEY, CERT = make_key_and_cert("signing-service")
IDENTITY = Identity("Org1MSP", CERT)
ED_KEY, ED_CERT = make_key_and_cert("ed-signing-service", key=ed25519.Ed25519PrivateKey.generate())


def signing_service(digest: bytes) -> bytes:
    """A service that signs whatever digest it is given, as its length says it was hashed."""
    hashed_by = {32: hashes.SHA256(), 48: hashes.SHA384(), 64: hashes.SHA512(), 20: hashes.SHA1()}[len(digest)]
    return KEY.sign(digest, ec.ECDSA(utils.Prehashed(hashed_by)))


def ed25519_service(digest: bytes) -> bytes:
    return ED_KEY.sign(digest)


def truncated_sha256(message: bytes) -> bytes:
    return hashing.sha256(message)[:20]


@pytest.mark.parametrize("identity, signer, hash, length", [
    (IDENTITY, signing_service, hashing.sha384, 48),
    (IDENTITY, signing_service, hashing.sha3_384, 48),
    (IDENTITY, signing_service, truncated_sha256, 20),
    (Identity("Org1MSP", ED_CERT), ed25519_service, hashing.sha384, 48),
], ids=["sha384", "sha3_384", "a hash of your own", "ed25519 sha384"])
def test_a_digest_no_peer_verifies_is_refused_naming_the_hash_and_the_signer(identity, signer, hash, length):
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=signer, hash=hash, transport=transport)
    with pytest.raises(ValueError, match=(
            rf"^hash {hash.__name__} gave a {length}-byte digest, for signer {signer.__name__} to sign, but Fabric "
            r"peers verify signatures over the 32-byte SHA-256 digest .* nothing was signed or sent\. Connect with "
            r"the default hash \(hashing\.sha256\)")):
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert transport.calls == []


def test_the_digest_of_an_offline_proposal_is_refused_alike():
    gateway = connect(identity=IDENTITY, hash=hashing.sha384, transport=FakeTransport())   # signed elsewhere
    proposal = gateway.get_network("ch").get_contract("cc").new_proposal("Get")
    with pytest.raises(ValueError, match=r"^hash sha384 gave a 48-byte digest but Fabric peers verify"):
        proposal.digest


@pytest.mark.parametrize("hash", [hashing.sha256, hashing.sha3_256, hashing.none], ids=["sha256", "sha3_256", "none"])
def test_the_hashes_peers_verify_over_and_none_are_taken(hash):
    def service(digest):   # hashing.none: the service hashes the whole message itself
        return KEY.sign(digest, ec.ECDSA(hashes.SHA256()) if hash is hashing.none else ec.ECDSA(
            utils.Prehashed(hashes.SHA256())))

    transport = FakeTransport()
    gateway = connect(identity=IDENTITY, signer=service, hash=hash, transport=transport)
    gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert len(transport.requests("evaluate")) == 1
