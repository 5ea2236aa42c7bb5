"""signer_from_pem refuses what it cannot read as load_msp_folder does, saying what was given and what to give:
an encrypted key without its password or with a wrong one (an EncryptedKeyError), a plain key read whatever
password comes with it, and a path, a certificate or empty text in the key's place, none of the key shown. It
raised cryptography's "Password was not given but private key is encrypted" (a TypeError) and "Unable to load PEM
file" for a path."""

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from client.gateway import EncryptedKeyError, hashing, signer_from_pem
from .gateway_fakes import key_pem, make_key_and_cert, verify

KEY, CERTIFICATE = make_key_and_cert("user1")
ENCRYPTED = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.BestAvailableEncryption(b"secret"))


@pytest.mark.parametrize("password, why", [(None, "no password was given"), ("wrong", "the password given is wrong")])
def test_an_encrypted_key_without_its_password_says_to_pass_it(password, why):
    with pytest.raises(EncryptedKeyError, match=(
            rf"^the private key given is encrypted and {why}: pass the key's password as "
            r"signer_from_pem\(private_key_pem, password=b\"...\"\)$")):
        signer_from_pem(ENCRYPTED, password)


def test_a_plain_key_is_read_whatever_password_comes_with_it():
    digest = hashing.sha256(b"a proposal")
    verify(KEY.public_key(), signer_from_pem(key_pem(KEY), password="unused")(digest), b"a proposal")


@pytest.mark.parametrize("given", ["/home/user1/msp/keystore/priv_sk", b"", CERTIFICATE],
                         ids=["path", "empty", "certificate"])
def test_what_is_no_pem_private_key_is_refused_saying_what_to_give(given):
    with pytest.raises(ValueError, match=(
            r"^signer_from_pem got no PEM private key \(-----BEGIN [A-Z ]*PRIVATE KEY----- block\): give the text "
            r"of the key file \(keystore/\*_sk\), e.g. signer_from_pem\(Path\(key_file\).read_bytes\(\)\), not its "
            r"path nor the certificate$")) as refused:
        signer_from_pem(given)
    assert not isinstance(refused.value, EncryptedKeyError)


@pytest.mark.parametrize("given, kind", [(None, "NoneType"), (Path("/home/user1/msp/keystore/priv_sk"), "\\w*Path")])
def test_a_key_of_no_text_kind_is_a_type_error_naming_it(given, kind):
    # a Path is the likeliest: it is told to read the file, not taken for the text of its name
    with pytest.raises(TypeError, match=rf"^signer_from_pem takes the key file's PEM as bytes or text, not {kind}: "
                                        r"e.g. signer_from_pem\(Path\(key_file\).read_bytes\(\)\)$"):
        signer_from_pem(given)


def test_a_key_on_a_curve_this_client_cannot_read_is_named_as_such():
    # the P-256 key's curve OID swapped for SM2's (as long): a key cryptography does not read
    sec1 = KEY.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())
    sm2 = sec1.replace(bytes.fromhex("06082a8648ce3d030107"), bytes.fromhex("06082a811ccf5501822d"))
    pem = b"-----BEGIN EC PRIVATE KEY-----\n" + base64.encodebytes(sm2) + b"-----END EC PRIVATE KEY-----\n"
    with pytest.raises(ValueError, match=r"^the private key given is of a kind this client cannot read \(.*\): "
                                         r"this client signs with ECDSA keys on P-256 or P-384, or with Ed25519 keys$"):
        signer_from_pem(pem)
