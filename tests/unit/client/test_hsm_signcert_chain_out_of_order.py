"""An MSP folder whose HSM key is that of a certificate after the first in its signcert (a chain with a CA's certificate
put first) is refused naming the certificate peers take, the one the key belongs to and what to do, in the words
load_msp_folder says it of a keystore key: it was called "not the key of the certificate", with the advice to name
another key or import the user's, which sent the user looking for a key that was there all along."""
from __future__ import annotations

import pytest

from client.gateway import HSMError, HSMSignerFile, key_id_for, open_msp_folder
from client.gateway.hsm_msp import open_hsm_key

from .gateway_fakes import make_key_and_cert
from .softhsm import softhsm

_, CA_CERT = make_key_and_cert("ca.supplier")
_, STRANGER = make_key_and_cert("user9@supplier")


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def _folder(tmp_path, signcert: bytes):
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(signcert)
    return tmp_path


def test_the_hsm_keys_certificate_after_a_cas_is_named_with_what_to_do(token, tmp_path):
    folder = _folder(tmp_path, CA_CERT + token.user_cert)
    key_id = key_id_for(token.user_key.public_key())
    HSMSignerFile(token.library, token.token, key_id).write(folder)
    with pytest.raises(HSMError) as refused:
        with open_msp_folder(folder, "SupplierMSP", user_pin=token.pin):
            pass
    assert str(refused.value) == (
        f"{folder / 'signcerts' / 'cert.pem'} holds 2 certificates, and peers take the first (CN=ca.supplier) as the "
        f"identity; the key with CKA_ID {key_id.hex()} in token '{token.token}' is the key of certificate 2 "
        "(CN=hsmuser@supplier): put the identity's own certificate first in cert.pem (a chain's CA certificates "
        "after it), or keep it alone there")


def test_a_key_of_none_of_the_certificates_is_still_called_not_the_certificates(token, tmp_path):
    folder = _folder(tmp_path, CA_CERT + STRANGER)
    described = HSMSignerFile(token.library, token.token, key_id_for(token.user_key.public_key()))
    with pytest.raises(HSMError, match=r"^the key with CKA_ID [0-9a-f]+ in token '.*' is not the key of the "
                                       r"certificate in .*signcerts: name the certificate's own key"):
        with open_hsm_key(folder, "SupplierMSP", described, user_pin=token.pin):
            pass


def test_the_identitys_certificate_first_with_its_chain_after_it_opens(token, tmp_path):
    folder = _folder(tmp_path, token.user_cert + CA_CERT)
    described = HSMSignerFile(token.library, token.token, key_id_for(token.user_key.public_key()))
    with open_hsm_key(folder, "SupplierMSP", described, user_pin=token.pin) as (identity, signer):
        assert identity.credentials == token.user_cert + CA_CERT
        assert signer(b"\x01" * 32)
