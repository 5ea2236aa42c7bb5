"""The client TLS certificate and key given as files: each refusal at connect names the file that is wrong (and,
for a key that is not the certificate's, both files and the certificate's subject), as the TLS roots' refusals
do. They named the option alone ("client_key is not the key of client_certificate"), leaving an operator with
several orgs' crypto folders to guess which of the files given was the wrong one."""

from unittest.mock import MagicMock

import grpc
import pytest
from cryptography.hazmat.primitives import serialization

from client.gateway import connect, private_key_signer
from .gateway_fakes import key_pem, make_key_and_cert


@pytest.fixture
def opened(monkeypatch):
    """The channels connect() opens (stand-ins: none is really opened)."""
    channels = []

    def open_channel(*args, **kwargs):
        channels.append(args)
        return MagicMock()

    monkeypatch.setattr(grpc, "secure_channel", open_channel)
    return channels


@pytest.fixture
def files(tmp_path):
    """The peer's TLS CA, a client's certificate and key, and another client's key, each in a file."""
    _, ca_cert = make_key_and_cert("tlsca.org1.example.com")
    client_key, client_cert = make_key_and_cert("user1@org1")
    other_key, _ = make_key_and_cert("user1@org2")
    encrypted = client_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(b"pw"))
    written = {}
    for name, pem in {"ca.pem": ca_cert, "client.crt": client_cert, "client.key": key_pem(client_key),
                      "org2.key": key_pem(other_key), "encrypted.key": encrypted}.items():
        written[name] = tmp_path / name
        written[name].write_bytes(pem)
    return written


def _connect(credentials, files, **tls):
    key, identity = credentials
    return connect("127.0.0.1:7051", identity=identity, signer=private_key_signer(key),
                   tls_root_certificates=files["ca.pem"], **tls)


def test_the_right_files_open_the_channel(credentials, files, opened):
    _connect(credentials, files, client_certificate=files["client.crt"], client_key=files["client.key"])
    assert len(opened) == 1


def test_a_key_of_another_certificate_names_both_files_and_the_certificates_subject(credentials, files, opened):
    with pytest.raises(ValueError, match=(
            rf"^client_key file {files['org2.key']} is not the key of client_certificate file {files['client.crt']} "
            r"\(their public keys differ\): give the private key client_certificate was issued for "
            r"\(CN=user1@org1\)$")):
        _connect(credentials, files, client_certificate=files["client.crt"], client_key=files["org2.key"])
    assert opened == []


@pytest.mark.parametrize("certificate, key, option, file, said", [
    ("client.crt", "client.crt", "client_key", "client.crt", "is not a PEM private key"),
    ("client.key", "client.key", "client_certificate", "client.key", "is not a PEM X.509 certificate"),
    ("client.crt", "encrypted.key", "client_key", "encrypted.key", "is an encrypted private key"),
], ids=["certificate given as the key", "key given as the certificate", "encrypted key"])
def test_a_file_that_is_not_what_its_option_takes_is_named(credentials, files, opened, certificate, key, option,
                                                           file, said):
    with pytest.raises(ValueError, match=rf"^{option} file {files[file]} {said}"):
        _connect(credentials, files, client_certificate=files[certificate], client_key=files[key])
    assert opened == []


@pytest.mark.parametrize("given, missing", [("client.crt", "client_key, its private key"),
                                            ("client.key", "client_certificate, the certificate of that key")],
                         ids=["certificate alone", "key alone"])
def test_half_a_pair_names_the_file_given_and_what_is_missing(credentials, files, opened, given, missing):
    option = "client_certificate" if given == "client.crt" else "client_key"
    with pytest.raises(ValueError, match=(
            rf"^mutual TLS needs both client_certificate and client_key: {option} file {files[given]} was given "
            rf"alone; give {missing}, or leave both out for TLS without a client certificate$")):
        _connect(credentials, files, **{option: files[given]})
    assert opened == []
