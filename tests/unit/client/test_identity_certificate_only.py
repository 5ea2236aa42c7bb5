"""An identity's credentials are sent whole as the creator of every transaction: certificates only, nothing else."""

import pytest
from cryptography.hazmat.primitives import serialization

from client.gateway import EncryptedKeyError, Identity, load_msp_folder, open_msp_folder
from .gateway_fakes import key_pem, make_key_and_cert

KEY, CERT = make_key_and_cert("user1")
_, CA_CERT = make_key_and_cert("ca")
EC_PARAMETERS = b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"


def _msp(tmp_path, cert_file: bytes):
    (tmp_path / "signcerts").mkdir()
    (tmp_path / "keystore").mkdir()
    (tmp_path / "signcerts" / "cert.pem").write_bytes(cert_file)
    (tmp_path / "keystore" / "priv_sk").write_bytes(key_pem(KEY))
    return tmp_path


@pytest.mark.parametrize("key_format", [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL])
def test_a_certificate_file_holding_the_private_key_too_is_refused_naming_the_file(tmp_path, key_format):
    # as `openssl pkcs12 -nodes` writes it: the key would otherwise go into every block on every peer
    key = KEY.private_bytes(serialization.Encoding.PEM, key_format, serialization.NoEncryption())
    msp = _msp(tmp_path, CERT + key)
    cert_file = msp / "signcerts" / "cert.pem"
    for opening in (lambda: load_msp_folder(msp, "Org1MSP"), lambda: open_msp_folder(msp, "Org1MSP").__enter__(),
                    lambda: Identity.from_certificate_file("Org1MSP", cert_file)):
        with pytest.raises(ValueError, match=rf"^{cert_file} holds a private key besides the certificate, .*: keep "
                                             r"the key in keystore/ and the certificate alone in signcerts/$"):
            opening()
    with pytest.raises(ValueError, match=r"^the PEM given as the identity's credentials holds a private key"):
        Identity.from_pem("Org1MSP", key + CERT)


def test_a_certificate_file_holding_a_private_key_alone_says_there_is_no_certificate(tmp_path):
    """The key copied into signcerts/ in place of the certificate: "besides the certificate" would send its owner
    looking for a certificate that is not there."""
    cert_file = _msp(tmp_path, key_pem(KEY)) / "signcerts" / "cert.pem"
    with pytest.raises(ValueError, match=rf"^{cert_file} holds a private key and no certificate: keep the key in "
                                         r"keystore/ and the certificate issued for it alone in signcerts/$"):
        load_msp_folder(tmp_path, "Org1MSP")


def test_a_block_that_is_not_a_certificate_is_refused_and_its_text_not_shown(tmp_path):
    cert_file = _msp(tmp_path, EC_PARAMETERS + CERT) / "signcerts" / "cert.pem"
    with pytest.raises(ValueError, match=rf"^{cert_file} holds a PEM block that is not a certificate \('EC "
                                         r"PARAMETERS'\), .*keep only its CERTIFICATE block\(s\)$") as refused:
        load_msp_folder(tmp_path, "Org1MSP")
    assert "BggqhkjOPQMBBw" not in str(refused.value)


def test_text_outside_the_pem_blocks_is_refused_without_showing_it():
    bag = b"Bag Attributes\n    localKeyID: 01 02 03\nsubject=CN = user1\n"
    with pytest.raises(ValueError, match=r"^the PEM given as the identity's credentials holds text outside its PEM blocks") as refused:
        Identity.from_pem("Org1MSP", bag + CERT)
    assert "localKeyID" not in str(refused.value)


def test_a_certificate_alone_or_with_its_chain_is_kept_byte_for_byte():
    # never re-encoded: an identity already bound on the ledger is these bytes
    crlf = CERT.replace(b"\n", b"\r\n") + b"\r\n"
    for credentials in (CERT, CERT + CA_CERT, crlf, b"\n" + CERT + b"\n\n"):
        assert Identity("Org1MSP", credentials).credentials == credentials


@pytest.mark.parametrize("saved", [CERT + b"\x00\x00", CERT + b"\x1a",
                                   CERT.replace(b"CERTIFICATE-----", b"X509 CERTIFICATE-----")],
                         ids=["trailing-nuls", "ctrl-z", "x509-certificate-label"])
def test_a_certificate_as_editors_and_older_tools_save_it_is_read(tmp_path, saved):
    # nothing secret in padding or RFC 7468's legacy label, and the peer reads each of them
    assert load_msp_folder(_msp(tmp_path, saved), "Org1MSP")[0].credentials == saved


def test_a_certificate_after_a_byte_order_mark_is_refused_naming_it(tmp_path):
    # accepted, every proposal would fail at the peer, which finds a PEM block only at the start or after a newline
    cert_file = _msp(tmp_path, b"\xef\xbb\xbf" + CERT) / "signcerts" / "cert.pem"
    with pytest.raises(ValueError, match=rf"^{cert_file} begins with a UTF-8 byte order mark, .*: save the file "
                                         r"without it \(as plain UTF-8 or ASCII\)$"):
        load_msp_folder(tmp_path, "Org1MSP")


def test_an_encrypted_keystore_key_is_an_encrypted_key_error_naming_the_folder_and_file(tmp_path):
    msp = _msp(tmp_path, CERT)
    (msp / "keystore" / "priv_sk").write_bytes(KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(EncryptedKeyError, match="is encrypted and no password was given") as refused:
        load_msp_folder(msp, "Org1MSP")
    assert isinstance(refused.value, ValueError)
    assert (refused.value.keystore, refused.value.key_files) == (msp / "keystore", ("priv_sk",))
