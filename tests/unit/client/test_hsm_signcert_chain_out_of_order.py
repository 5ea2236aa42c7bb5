"""An MSP folder whose HSM key is that of a certificate after the first in its signcert (a chain with a CA's certificate
put first) is refused naming the certificate peers take, the one the key belongs to and what to do, in the words
load_msp_folder says it of a keystore key: it was called "not the key of the certificate", with the advice to name
another key or import the user's, which sent the user looking for a key that was there all along."""
from __future__ import annotations

import pytest
from cryptography import x509

from client.gateway import HSMError, HSMSignerFile, key_id_for, open_msp_folder
from client.gateway.hsm_msp import open_hsm_key

from .gateway_fakes import make_key_and_cert
from .softhsm import softhsm

CA_KEY, CA_CERT = make_key_and_cert("ca.supplier")   # self-signed: a CA's (BasicConstraints CA true)
_, STRANGER = make_key_and_cert("user9@supplier", issuer_key=CA_KEY, issuer_cert=x509.load_pem_x509_certificate(CA_CERT))


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def _issued_for_the_tokens_key(token) -> bytes:
    """A certificate the CA issued for the token's user key: an identity's, not a CA's."""
    return make_key_and_cert("hsmuser@supplier", key=token.user_key, issuer_key=CA_KEY,
                             issuer_cert=x509.load_pem_x509_certificate(CA_CERT))[1]


def _folder(tmp_path, signcert: bytes):
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(signcert)
    return tmp_path


def test_the_hsm_keys_certificate_after_a_cas_is_named_with_what_to_do(token, tmp_path):
    folder = _folder(tmp_path, CA_CERT + _issued_for_the_tokens_key(token))
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
    signcert = _issued_for_the_tokens_key(token) + CA_CERT
    folder = _folder(tmp_path, signcert)
    described = HSMSignerFile(token.library, token.token, key_id_for(token.user_key.public_key()))
    with open_hsm_key(folder, "SupplierMSP", described, user_pin=token.pin) as (identity, signer):
        assert identity.credentials == signcert
        assert signer(b"\x01" * 32)
