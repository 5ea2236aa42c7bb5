"""A key_id given as the hex text recfin prints (and hsm-signer.yaml holds) is taken as its UTF-8 bytes, as
the official clients' identifier is: the KeyNotFound says so and what to pass, not "give one of those"."""

import re

import pytest

from client.gateway import HSMSignerFactory, HSMSignerOptions, key_id_for
from client.gateway.hsm import KeyNotFound

from .softhsm import softhsm


def test_the_hex_of_a_held_key_id_given_as_text_is_named_with_the_bytes_to_pass(tmp_path_factory):
    token = softhsm(tmp_path_factory)
    hex_text = key_id_for(token.user_key.public_key()).hex()
    with HSMSignerFactory(token.library) as factory:
        with pytest.raises(KeyNotFound, match=re.escape(f"pass bytes.fromhex('{hex_text}')")):
            factory.new_signer(HSMSignerOptions(token.token, token.pin, key_id=hex_text))
        # text that is no held key's hex is still told the keys there are
        with pytest.raises(KeyNotFound, match="its private keys: CKA_ID"):
            factory.new_signer(HSMSignerOptions(token.token, token.pin, key_id="00" * 32))
