"""Which roots a TLS channel trusts when ``tls_root_certificates`` is left out (docs/sdk-gateway.md, "TLS"): the
operating system's trust store, where Python's ``ssl`` finds it (``SSL_CERT_FILE``, ``SSL_CERT_DIR``, else
OpenSSL's defaults), as the Go client trusts the system's pool; the file named by
``GRPC_DEFAULT_SSL_ROOTS_FILE_PATH`` when that is set.

The end-to-end tests run each client in a process of its own, as gRPC reads its default roots once per process,
against a peer served here with a certificate of a CA made for the test. The others catch the roots connect()
hands gRPC."""

import asyncio
import os
import ssl
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from client.gateway import _system_roots, connect, connect_async, private_key_signer

from .gateway_fakes import Servicer, key_pem, make_key_and_cert, serving
from .trusted_blocks import EMAIL_PROTECTION, SERVER_AUTH, trust_settings, trusted_block

REPOSITORY = Path(__file__).resolve().parents[3]
PEER = "peer0.org1.example.com"
CLIENT = textwrap.dedent(f"""
    import sys
    from client.gateway import GatewayError, Identity, connect, private_key_signer
    from tests.unit.client.gateway_fakes import make_key_and_cert

    key, certificate = make_key_and_cert("user1")
    try:
        with connect(sys.argv[1], identity=Identity("Org1MSP", certificate), signer=private_key_signer(key),
                     server_name_override={PEER!r}) as gateway:
            print(gateway.get_network("ch").get_contract("receivables").evaluate_transaction("Get").decode())
    except GatewayError as error:
        print(error.code.name)
""")
STORE_VARIABLES = ("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", "GRPC_SYSTEM_SSL_ROOTS_DIR", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    """The peer's target, and the folder holding its TLS CA's certificate as ``tlsca.pem``."""
    ca_key, ca_certificate = make_key_and_cert("tls-ca")
    peer_key, peer_certificate = make_key_and_cert(
        PEER, issuer_key=ca_key, issuer_cert=x509.load_pem_x509_certificate(ca_certificate), san=[PEER])
    folder = tmp_path_factory.mktemp("tlsca")
    (folder / "tlsca.pem").write_bytes(ca_certificate)
    with serving(Servicer(), grpc.ssl_server_credentials([(key_pem(peer_key), peer_certificate)])) as target:
        yield target, folder


def _evaluate_in_a_process(target, environment) -> str:
    """What a client of its own process, its TLS roots left out, says of an evaluate: its result or the code."""
    return subprocess.run([sys.executable, "-c", CLIENT, target], cwd=REPOSITORY, env=environment,
                          capture_output=True, text=True, check=True, timeout=120).stdout.strip()


def _environment(**variables):
    kept = {name: value for name, value in os.environ.items() if name not in STORE_VARIABLES}
    return {**kept, **variables}


def test_left_out_the_roots_are_grpcs_default_file_when_one_is_named(peer):
    target, folder = peer
    assert _evaluate_in_a_process(target, _environment(GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=str(folder / "tlsca.pem"))) \
        == "42"


def test_left_out_the_roots_are_the_operating_systems_trust_store(peer, tmp_path):
    # the network's CA added to the store the system's OpenSSL reads (here a store of its own): trusted
    target, folder = peer
    assert _evaluate_in_a_process(target, _environment(SSL_CERT_FILE=str(folder / "tlsca.pem"),
                                                       SSL_CERT_DIR=str(tmp_path))) == "42"


def test_a_ca_outside_the_store_is_not_trusted(peer, tmp_path):
    target, _ = peer
    _, other_ca = make_key_and_cert("another-ca")
    (tmp_path / "store.pem").write_bytes(other_ca)
    assert _evaluate_in_a_process(target, _environment(SSL_CERT_FILE=str(tmp_path / "store.pem"),
                                                       SSL_CERT_DIR=str(tmp_path / "none"))) == "UNAVAILABLE"


# In process: the roots connect() and connect_async() hand gRPC


@pytest.fixture
def handed(monkeypatch):
    """The root_certificates of each set of TLS credentials connect() makes; no channel is opened."""
    for name in STORE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    seen = []

    def credentials(root_certificates=None, private_key=None, certificate_chain=None):
        seen.append(root_certificates)
        return object()

    monkeypatch.setattr(grpc, "ssl_channel_credentials", credentials)
    for module in (grpc, grpc.aio):
        monkeypatch.setattr(module, "secure_channel", lambda *arguments, **options: mock.MagicMock(name="channel"))
    return seen


def _connect(family, credentials, **options):
    key, identity = credentials
    arguments = dict(identity=identity, signer=private_key_signer(key), **options)
    if family == "sync":
        connect("127.0.0.1:7051", **arguments)
        return

    async def open_async():
        connect_async("127.0.0.1:7051", **arguments)
    asyncio.run(open_async())


def _ders(pem: bytes) -> list[bytes]:
    return [certificate.public_bytes(serialization.Encoding.DER)
            for certificate in x509.load_pem_x509_certificates(pem)]


def _der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


@pytest.mark.parametrize("family", ["sync", "async"])
def test_the_roots_handed_to_grpc_are_the_store_files(credentials, handed, monkeypatch, tmp_path, family):
    _, first = make_key_and_cert("first-ca")
    _, second = make_key_and_cert("second-ca")
    (tmp_path / "bundle.pem").write_bytes(b"# first\n" + first + b"\n# second\n" + second)
    (tmp_path / "folder").mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "folder"))
    _connect(family, credentials)
    (roots,) = handed
    assert _ders(roots) == [_der(first), _der(second)]


def test_the_roots_handed_to_grpc_are_the_store_folders(credentials, handed, monkeypatch, tmp_path):
    # a hashed link and the file it points to, as c_rehash leaves them, a CA copied in unhashed, a CRL and a
    # file of no PEM: each CA once, nothing else
    _, linked = make_key_and_cert("linked-ca")
    _, copied = make_key_and_cert("copied-ca")
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "linked.pem").write_bytes(linked)
    (folder / "1a2b3c4d.0").symlink_to(folder / "linked.pem")
    (folder / "copied.crt").write_bytes(copied)
    (folder / "revoked.crl").write_bytes(b"-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n")
    (folder / "README").write_text("CA certificates, one a file\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(folder))
    _connect("sync", credentials)
    (roots,) = handed
    assert sorted(_ders(roots)) == sorted([_der(linked), _der(copied)])


def test_a_store_certificate_grpc_could_not_load_is_passed_over(credentials, handed, monkeypatch, tmp_path):
    # gRPC fails every call on roots holding one certificate it cannot load: the store's others still stand
    _, good = make_key_and_cert("good-ca")
    broken = b"-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqG\n-----END CERTIFICATE-----\n"
    (tmp_path / "bundle.pem").write_bytes(broken + good)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    _connect("sync", credentials)
    assert _ders(handed[0]) == [_der(good)]


def test_roots_given_win_over_the_store(credentials, handed, monkeypatch, tmp_path):
    _, stored = make_key_and_cert("stored-ca")
    _, given = make_key_and_cert("given-ca")
    (tmp_path / "bundle.pem").write_bytes(stored)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    _connect("sync", credentials, tls_root_certificates=given)
    assert _ders(handed[0]) == [_der(given)]


def test_grpcs_own_roots_file_set_leaves_the_roots_to_grpc(credentials, handed, monkeypatch, tmp_path):
    _, stored = make_key_and_cert("stored-ca")
    (tmp_path / "bundle.pem").write_bytes(stored)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", str(tmp_path / "grpc-roots.pem"))
    _connect("sync", credentials)
    assert handed == [None]


@pytest.mark.parametrize("family", ["sync", "async"])
def test_no_store_found_is_an_error_naming_what_to_give(credentials, handed, monkeypatch, tmp_path, family):
    (tmp_path / "empty.pem").write_text("# no certificate here\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "empty.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-folder"))
    with pytest.raises(ValueError) as refused:
        _connect(family, credentials)
    message = str(refused.value)
    assert "give tls_root_certificates" in message and "set SSL_CERT_FILE" in message
    assert str(tmp_path / "empty.pem") in message and str(tmp_path / "no-such-folder") in message
    assert handed == []   # refused before any channel


def test_the_store_is_read_once_for_each_place_it_is_found_at(credentials, handed, monkeypatch, tmp_path):
    _, first = make_key_and_cert("first-ca")
    _, later = make_key_and_cert("later-ca")
    (tmp_path / "bundle.pem").write_bytes(first)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    _connect("sync", credentials)
    (tmp_path / "bundle.pem").write_bytes(later)
    _connect("sync", credentials)
    (tmp_path / "other.pem").write_bytes(later)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "other.pem"))
    _connect("sync", credentials)
    assert [_ders(roots) for roots in handed] == [[_der(first)], [_der(first)], [_der(later)]]


def test_windows_stores_certificates_trusted_for_servers_are_taken(monkeypatch):
    _, server_ca = make_key_and_cert("server-ca")
    _, any_use_ca = make_key_and_cert("any-use-ca")
    _, mail_ca = make_key_and_cert("mail-ca")
    stores = {
        "ROOT": [(_der(any_use_ca), "x509_asn", True), (_der(mail_ca), "x509_asn", {"1.3.6.1.5.5.7.3.4"})],
        "CA": [(_der(server_ca), "x509_asn", {"1.3.6.1.5.5.7.3.1"}), (b"\x30\x00", "pkcs_7_asn", True)],
    }
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(_system_roots.ssl, "enum_certificates", stores.__getitem__, raising=False)
    assert _system_roots._windows_store() == [_der(any_use_ca), _der(server_ca)]


def test_a_store_folder_that_cannot_be_listed_is_passed_over(credentials, handed, monkeypatch, tmp_path):
    _, stored = make_key_and_cert("stored-ca")
    (tmp_path / "bundle.pem").write_bytes(stored)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "locked"))
    (tmp_path / "locked").mkdir()

    def refused(folder):
        raise PermissionError(13, "Permission denied", str(folder))
    monkeypatch.setattr(_system_roots.Path, "iterdir", refused)
    _connect("sync", credentials)
    assert _ders(handed[0]) == [_der(stored)]


def test_every_folder_ssl_cert_dir_names_is_read(credentials, handed, monkeypatch, tmp_path):
    # several folders, separated as in PATH, as OpenSSL and the Go client read the variable
    _, first = make_key_and_cert("first-folder-ca")
    _, second = make_key_and_cert("second-folder-ca")
    for name, certificate in (("first", first), ("second", second)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "ca.pem").write_bytes(certificate)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", os.pathsep.join([str(tmp_path / "first"), str(tmp_path / "none"),
                                                        str(tmp_path / "second")]))
    _connect("sync", credentials)
    assert _ders(handed[0]) == [_der(first), _der(second)]


def test_a_store_found_empty_is_read_again_once_it_holds_a_ca(credentials, handed, monkeypatch, tmp_path):
    # the error says to put the CAs in the file SSL_CERT_FILE names: done, the next connect trusts them
    (tmp_path / "bundle.pem").write_text("# no certificate here yet\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    with pytest.raises(ValueError, match="no CA certificate was found"):
        _connect("sync", credentials)
    _, added = make_key_and_cert("added-ca")
    (tmp_path / "bundle.pem").write_bytes(added)
    _connect("sync", credentials)
    assert _ders(handed[0]) == [_der(added)]


def test_a_store_of_trusted_certificate_blocks_der_files_and_link_loops(credentials, handed, monkeypatch, tmp_path):
    # as OpenSSL reads the store: a TRUSTED CERTIFICATE block whose settings leave it trusted for servers is taken,
    # one rejecting serverAuth or trusting it for mail only is not; a DER file and a loop of links are passed over
    server, rejected, mail, der_only = (make_key_and_cert(name)[1] for name in ("server-ca", "rejected-ca",
                                                                                 "mail-ca", "der-ca"))
    (tmp_path / "bundle.pem").write_bytes(
        b"# trusted for servers\n" + trusted_block(server, trust_settings([SERVER_AUTH]))
        + b"# distrusted\n" + trusted_block(rejected, trust_settings([SERVER_AUTH], reject=[SERVER_AUTH]))
        + b"# mail only\n" + trusted_block(mail, trust_settings([EMAIL_PROTECTION])))
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "der-ca.crt").write_bytes(_der(der_only))
    (folder / "loop.0").symlink_to(folder / "loop.1")
    (folder / "loop.1").symlink_to(folder / "loop.0")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "bundle.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(folder))
    _connect("sync", credentials)
    assert _ders(handed[0]) == [_der(server)]


def test_a_store_variable_set_empty_is_said_to_name_nothing(credentials, handed, monkeypatch, tmp_path):
    # SSL_CERT_DIR= (an unset shell variable exported) names no folder, and OpenSSL's own is not read then either: the
    # error does not say it looked in that folder, which may well hold CAs
    (tmp_path / "empty.pem").write_text("# no certificate here\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "empty.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", "")
    with pytest.raises(ValueError) as refused:
        _connect("sync", credentials)
    message = str(refused.value)
    assert (f"looked in the file {tmp_path / 'empty.pem'} and no folder (SSL_CERT_DIR is set but names none)"
            in message), message
    assert ssl.get_default_verify_paths().openssl_capath not in message
