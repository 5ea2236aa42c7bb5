"""A private key of an algorithm this client does not sign with is a ValueError naming what the key is and what
to give, whichever way it comes (a PEM to signer_from_pem, a loaded key to private_key_signer, a key file of an MSP
folder), as a key on a curve not signed with already was. An RSA, DSA, Ed448 or X25519 key was a TypeError
("unsupported private key type RSAPrivateKey"), naming the Python class."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519

from client.gateway import hashing, load_msp_folder, private_key_signer, signer_from_pem
from .gateway_fakes import make_key_and_cert, verify

WHAT_TO_GIVE = (r": this client signs with ECDSA keys on P-256 or P-384, or with Ed25519 keys; give one of those "
                r"\(cryptogen and Fabric CA issue ECDSA P-256 keys\)$")
KEYS = [(rsa.generate_private_key(65537, 2048), "an RSA key of 2048 bits"),
        (dsa.generate_private_key(2048), "a DSA key of 2048 bits"),
        (ed448.Ed448PrivateKey.generate(), "an Ed448 key"),
        (x25519.X25519PrivateKey.generate(), "an X25519 key, which signs nothing"),
        (ec.generate_private_key(ec.SECP521R1()), "an ECDSA key on curve secp521r1")]
IDS = ["RSA", "DSA", "Ed448", "X25519", "P-521"]


def _pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.mark.parametrize("key, kind", KEYS, ids=IDS)
def test_signer_from_pem_refuses_the_key_as_a_value_naming_its_kind_and_what_to_give(key, kind):
    with pytest.raises(ValueError, match=rf"^unsupported private key, {kind}{WHAT_TO_GIVE}"):
        signer_from_pem(_pem(key))


@pytest.mark.parametrize("key, kind", KEYS, ids=IDS)
def test_private_key_signer_refuses_the_loaded_key_alike(key, kind):
    with pytest.raises(ValueError, match=rf"^unsupported private key, {kind}{WHAT_TO_GIVE}"):
        private_key_signer(key)


def test_an_msp_folders_key_of_such_a_kind_names_the_file_its_kind_and_what_to_issue(tmp_path):
    key = rsa.generate_private_key(65537, 2048)
    _, certificate = make_key_and_cert(key=key)
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(certificate)
    (tmp_path / "keystore" / "priv_sk").write_bytes(_pem(key))
    with pytest.raises(ValueError, match=(
            rf"^cannot sign with {tmp_path / 'keystore' / 'priv_sk'}, the key of the certificate cert.pem: "
            r"unsupported private key, an RSA key of 2048 bits: this client signs with ECDSA keys on P-256 or P-384, "
            r"or with Ed25519 keys; issue the user a certificate for an ECDSA P-256 key")):
        load_msp_folder(tmp_path, "Org1MSP")


@pytest.mark.parametrize("key", [ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP384R1()),
                                 ed25519.Ed25519PrivateKey.generate()], ids=["P-256", "P-384", "Ed25519"])
def test_the_keys_signed_with_still_sign(key):
    digest = hashing.sha256(b"a proposal")
    signature = signer_from_pem(_pem(key))(digest)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        key.public_key().verify(signature, digest)   # Ed25519 signs the digest as its message
    else:
        verify(key.public_key(), signature, b"a proposal")
