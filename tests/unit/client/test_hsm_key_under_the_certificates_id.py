"""Another key stored in the token under the certificate's own CKA_ID (Fabric's SKI of its key, the ID
`recfin hsm link` looks for) is refused with what to do about it: delete it, then import the user's key. The
refusal used to say to name the certificate's own key, giving as its ID the one just refused, and to import
the key, which `hsm import` refuses while another key holds the ID."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from client.gateway import HSMError, HSMSignerFile, key_id_for, open_msp_folder
from client.gateway.hsm import destroy_key_pair, import_private_key

from .gateway_fakes import make_key_and_cert
from .softhsm import softhsm


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def test_another_key_under_the_certificates_own_id_is_named_with_the_way_out(token, tmp_path):
    _, certificate = make_key_and_cert("supplier5@supplier")
    own_id = key_id_for(x509.load_pem_x509_certificate(certificate))
    another_key = ec.generate_private_key(ec.SECP256R1())
    import_private_key(token.library, token.token, token.pin, another_key, key_id=own_id)
    try:
        (tmp_path / "signcerts").mkdir()
        (tmp_path / "signcerts" / "cert.pem").write_bytes(certificate)
        HSMSignerFile(token.library, token.token, own_id).write(tmp_path)
        with pytest.raises(HSMError) as refused:
            with open_msp_folder(tmp_path, "SupplierMSP", user_pin=token.pin):
                pass
    finally:
        destroy_key_pair(token.library, token.token, token.pin, own_id)
    said = str(refused.value)
    assert f"the key with CKA_ID {own_id.hex()} in token '{token.token}' is not the key of the certificate" \
        in said
    assert "that is the certificate's own CKA_ID" in said
    assert "Delete that key from the token with the HSM's tool, then import the user's key" in said
    assert "name the certificate's own key" not in said
