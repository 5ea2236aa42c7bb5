"""Identity(msp_id, credentials) takes the certificate's PEM as bytes or as text (a file read in text mode), as
Identity.from_pem does; a path, or anything that is no PEM, is refused naming what to give. It raised re's bare
"cannot use a bytes pattern on a string-like object" for text, and cryptography's for a bytearray, naming neither
the argument nor what to do."""

import pytest

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")


@pytest.mark.parametrize("given", [CERT.decode(), bytearray(CERT), memoryview(CERT)],
                         ids=["text", "bytearray", "memoryview"])
def test_the_pem_as_text_or_bytes_like_is_the_identity_of_its_bytes(given):
    identity = Identity("Org1MSP", given)
    assert identity.credentials == CERT and type(identity.credentials) is bytes
    assert identity == Identity("Org1MSP", CERT) and identity.serialize() == Identity("Org1MSP", CERT).serialize()
    transport = FakeTransport()
    with connect(identity=identity, signer=private_key_signer(KEY), transport=transport) as gateway:
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert transport.calls[0][0] == "evaluate"


def test_text_that_is_no_pem_is_refused_as_a_path_would_be(tmp_path):
    path = tmp_path / "cert.pem"
    path.write_bytes(CERT)
    for given in (str(path), path):
        with pytest.raises(TypeError, match=(
                r"^an identity's credentials are its certificate's PEM \(bytes, or text holding its -----BEGIN "
                rf"CERTIFICATE----- line\), not {type(given).__name__} '.*cert\.pem': for a certificate file, use "
                r"Identity\.from_certificate_file\(msp_id, path\)$")):
            Identity("Org1MSP", given)
    assert Identity.from_certificate_file("Org1MSP", path).credentials == CERT
    body = "".join(CERT.decode().splitlines(keepends=True)[1:-1])   # PEM without its BEGIN and END lines
    with pytest.raises(TypeError, match=r", not str of several lines: for a certificate file") as refused:
        Identity("Org1MSP", body)
    assert body.splitlines()[0] not in str(refused.value)


def test_no_credentials_at_all_are_refused_naming_them():
    with pytest.raises(TypeError, match=r"^an identity's credentials are its certificate's PEM .*, not NoneType None"):
        Identity("Org1MSP", None)
