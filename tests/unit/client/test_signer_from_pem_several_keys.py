"""signer_from_pem refuses a PEM holding several private keys, naming how many and what to give, showing none: it
signed with the first and dropped the rest unsaid, so where the certificate's key came second connect() refused the
first as another certificate's key, and the key read as lost."""
import pytest
from cryptography.hazmat.primitives import serialization

from client.gateway import Identity, connect, signer_from_pem
from .gateway_fakes import FakeTransport, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
OTHER, _ = make_key_and_cert("user2")


def pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@pytest.mark.parametrize("given", [pem(OTHER) + pem(KEY), pem(KEY) + pem(KEY), (pem(OTHER) + pem(KEY)).decode()],
                         ids=["another key first", "the same key twice", "as text"])
def test_several_private_keys_are_refused_naming_how_many_and_showing_none(given):
    with pytest.raises(ValueError, match=r"^the PEM given holds 2 private keys, and a signer signs with one: give "
                                         r"the text of the one key file \(keystore/\*_sk\)") as refused:
        signer_from_pem(given)
    assert "MII" not in str(refused.value)


def test_one_key_after_a_certificate_still_signs_as_the_identity():
    signer = signer_from_pem(CERT + pem(KEY))
    with connect(identity=Identity("Org1MSP", CERT), signer=signer, transport=FakeTransport()) as gateway:
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
