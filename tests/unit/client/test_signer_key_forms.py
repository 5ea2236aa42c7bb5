"""The signer constructors take a key in the forms load_msp_folder takes it, or say which one to call: a PEM key
given to private_key_signer (which takes a loaded key) names signer_from_pem, and signer_from_pem takes its
password as text too, as load_msp_folder does. They raised "unsupported private key type bytes" and
cryptography's "Cannot convert <class 'str'> instance to a buffer"."""

import pytest
from cryptography.hazmat.primitives import serialization

from client.gateway import hashing, private_key_signer, signer_from_pem
from .gateway_fakes import key_pem, make_key_and_cert, verify

KEY, _ = make_key_and_cert("user1")


@pytest.mark.parametrize("pem", [key_pem(KEY), key_pem(KEY).decode()], ids=["bytes", "text"])
def test_a_pem_key_given_to_private_key_signer_names_signer_from_pem(pem):
    with pytest.raises(TypeError, match=(
            rf"^private_key_signer takes a private key loaded with cryptography, not {type(pem).__name__}: for a "
            r"PEM key, give it to signer_from_pem\(private_key_pem, password\)$")) as refused:
        private_key_signer(pem)
    assert "PRIVATE KEY" not in str(refused.value)   # the key is not shown


def test_signer_from_pem_takes_a_text_password_as_its_utf8():
    encrypted = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.BestAvailableEncryption("pässword".encode()))
    digest = hashing.sha256(b"a proposal")
    for password in ("pässword", "pässword".encode()):
        verify(KEY.public_key(), signer_from_pem(encrypted, password=password)(digest), b"a proposal")


def test_a_key_of_another_kind_is_still_named_as_unsupported():
    with pytest.raises(TypeError, match=r"^unsupported private key type int: this client signs with ECDSA keys"):
        private_key_signer(5)
