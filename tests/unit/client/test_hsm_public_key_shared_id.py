"""An HSM signer's public_key() is its own key's public half when other keys share its CKA_ID (keys chosen
by label, as tools giving every key ID 01 leave them): it used to be the first public object found under the
ID, another key's as often as not, whose check of the signer's signature then failed (bench.signing's
traceback)."""
from __future__ import annotations

import os

import pkcs11
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from pkcs11.util.ec import decode_ec_private_key, decode_ec_public_key

from client.gateway import HSMSignerFactory, HSMSignerOptions

from .softhsm import softhsm

SHARED_ID = b"shared-by-two"
LABELS = ("shared-first", "shared-second")


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


@pytest.fixture
def two_keys_under_one_id(token):
    """Two key pairs stored under SHARED_ID with labels of their own, by PKCS#11 code of the test's (recfin's
    import refuses a second key under an ID); deleted afterwards."""
    keys = {label: ec.generate_private_key(ec.SECP256R1()) for label in LABELS}
    lib = pkcs11.lib(os.path.realpath(token.library))
    with lib.get_token(token_label=token.token).open(rw=True, user_pin=token.pin) as session:
        for label, key in keys.items():
            named = {pkcs11.Attribute.ID: SHARED_ID, pkcs11.Attribute.LABEL: label,
                     pkcs11.Attribute.TOKEN: True}
            private_der = key.private_bytes(serialization.Encoding.DER,
                                            serialization.PrivateFormat.TraditionalOpenSSL,
                                            serialization.NoEncryption())
            public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
            session.create_object({**decode_ec_private_key(private_der), **named,
                                   pkcs11.Attribute.SIGN: True})
            session.create_object({**decode_ec_public_key(public_der), **named,
                                   pkcs11.Attribute.VERIFY: True})
    yield keys
    with lib.get_token(token_label=token.token).open(rw=True, user_pin=token.pin) as session:
        for found in list(session.get_objects({pkcs11.Attribute.ID: SHARED_ID})):
            found.destroy()


def test_the_public_key_of_a_signer_is_its_own_keys_when_keys_share_its_id(token, two_keys_under_one_id):
    with HSMSignerFactory(token.library) as factory:
        for label, key in two_keys_under_one_id.items():
            with factory.new_signer(HSMSignerOptions(token.token, token.pin, key_label=label)) as signer:
                assert signer.key_id == SHARED_ID
                public_key = signer.public_key()
                assert public_key == key.public_key(), label
                digest = os.urandom(32)
                public_key.verify(signer(digest), digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
