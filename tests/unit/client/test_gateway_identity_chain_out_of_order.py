"""An identity whose PEM holds a chain with the identity's own certificate after another (a CA's put first) is
refused at connect naming the certificate peers take (the first), the one the signer's key belongs to and what to
do, where it was called the wrong key: "signer signs with a key other than the identity's", which sent the user
looking for another key. Peers read only the first certificate."""
import pytest
from cryptography import x509

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert

CA_KEY, CA_CERT = make_key_and_cert("ca.org1")   # self-signed: a CA's (BasicConstraints CA true)
KEY, CERT = make_key_and_cert("user1", issuer_key=CA_KEY, issuer_cert=x509.load_pem_x509_certificate(CA_CERT))
_, STRANGER = make_key_and_cert("user9", issuer_key=CA_KEY, issuer_cert=x509.load_pem_x509_certificate(CA_CERT))


def test_the_signers_certificate_after_another_is_named_with_what_to_do():
    with pytest.raises(ValueError, match=r"^the identity's PEM holds 2 certificates, and peers take the first "
                                         r"\(CN=ca\.org1, MSP Org1MSP\) as the identity; the signer's key is that of "
                                         r"certificate 2 \(CN=user1\): put the identity's own certificate first"):
        connect(identity=Identity("Org1MSP", CA_CERT + CERT), signer=private_key_signer(KEY), transport=FakeTransport())


def test_a_key_of_none_of_the_certificates_is_still_called_another_key():
    with pytest.raises(ValueError, match=r"^signer signs with a key other than the identity's"):
        connect(identity=Identity("Org1MSP", CA_CERT + STRANGER), signer=private_key_signer(KEY),
                transport=FakeTransport())


def test_a_signer_over_the_key_of_the_cas_certificate_after_the_identitys_is_called_another_key():
    # the chain is in order: a CA's certificate is no identity, and putting it first would make the CA one
    with pytest.raises(ValueError, match=r"^signer signs with a key other than the identity's"):
        connect(identity=Identity("Org1MSP", CERT + CA_CERT), signer=private_key_signer(CA_KEY),
                transport=FakeTransport())


def test_the_identitys_certificate_first_with_its_chain_after_it_connects():
    transport = FakeTransport()
    with connect(identity=Identity("Org1MSP", CERT + CA_CERT), signer=private_key_signer(KEY),
                 transport=transport) as gateway:
        gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
    assert transport.calls[0][0] == "evaluate"


def _msp_folder(tmp_path, signcert: bytes, key=KEY):
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(signcert)
    (tmp_path / "keystore" / "priv_sk").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return tmp_path


def test_an_msp_folder_holding_the_key_of_the_cas_certificate_after_the_identitys_is_not_called_out_of_order(
        tmp_path):
    from client.gateway import load_msp_folder

    with pytest.raises(ValueError) as refused:
        load_msp_folder(_msp_folder(tmp_path, CERT + CA_CERT, key=CA_KEY), "Org1MSP")
    assert "put the identity's own certificate first" not in str(refused.value)
    assert str(refused.value).startswith(f"no private key in {tmp_path / 'keystore'} matches the certificate")


def test_an_msp_folder_whose_signcert_puts_the_identitys_certificate_second_says_so_not_that_the_key_is_lost(
        tmp_path):
    # its key is in keystore/: revoking the identity and issuing a new one, as a lost key asks, mends nothing
    from client.gateway import load_msp_folder

    folder = _msp_folder(tmp_path, CA_CERT + CERT)
    with pytest.raises(ValueError) as refused:
        load_msp_folder(folder, "Org1MSP")
    assert str(refused.value) == (
        f"{folder / 'signcerts' / 'cert.pem'} holds 2 certificates, and peers take the first (CN=ca.org1) as the "
        f"identity; priv_sk in {folder / 'keystore'} is the key of certificate 2 (CN=user1): put the identity's own "
        "certificate first in cert.pem (a chain's CA certificates after it), or keep it alone there")


def test_an_msp_folder_with_the_identitys_certificate_first_loads(tmp_path):
    from client.gateway import load_msp_folder

    identity, _ = load_msp_folder(_msp_folder(tmp_path, CERT + CA_CERT), "Org1MSP")
    assert identity.credentials == CERT + CA_CERT
