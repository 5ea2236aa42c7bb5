"""A closed HSM signer refuses every use the same way, under the module's lock: its session is gone, and a
search in it would fail in the PKCS#11 module's own words (or find what another session now holds)."""
from __future__ import annotations

import pytest

from client.gateway import HSMError, HSMSignerFactory, HSMSignerOptions, key_id_for

from .softhsm import softhsm


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def test_the_public_key_of_a_closed_signer_is_refused_saying_to_make_a_new_one(token, capfd):
    options = HSMSignerOptions(token.token, token.pin, key_id=key_id_for(token.user_key.public_key()))
    with HSMSignerFactory(token.library) as factory:
        signer = factory.new_signer(options)
        assert signer.public_key().public_numbers() == token.user_key.public_key().public_numbers()
        signer.close()
        for use in (signer.public_key, signer.key_origin):
            with pytest.raises(HSMError, match=rf"this HSM signer \(token '{token.token}'\) is closed; make a new one"):
                use()
    assert capfd.readouterr().err == ""   # no traceback of the module's iterator on stderr either
