"""Which roots a TLS channel trusts when ``tls_root_certificates`` is left out (docs/sdk-gateway.md, "TLS"):
gRPC's default roots, the PEM file named by ``GRPC_DEFAULT_SSL_ROOTS_FILE_PATH`` when set, else the public CAs
bundled with grpcio; not the operating system's trust store, so a network's CA added there is not trusted.

gRPC reads its default roots once per process, so each client runs in a process of its own, against a peer
served here with a certificate of a CA made for the test."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from .gateway_fakes import Servicer, key_pem, make_key_and_cert, serving

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
    kept = {name: value for name, value in os.environ.items()
            if name not in ("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", "GRPC_SYSTEM_SSL_ROOTS_DIR", "SSL_CERT_FILE",
                            "SSL_CERT_DIR")}
    return {**kept, **variables}


def test_left_out_the_roots_are_grpcs_default_file_when_one_is_named(peer):
    target, folder = peer
    assert _evaluate_in_a_process(target, _environment(GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=str(folder / "tlsca.pem"))) \
        == "42"


def test_left_out_the_roots_are_not_the_operating_systems_trust_store(peer):
    # the CA where the system's store is looked for (OpenSSL's variables, gRPC's own for the system's roots):
    # still not trusted, as grpcio's bundled roots come first
    target, folder = peer
    system = _environment(SSL_CERT_FILE=str(folder / "tlsca.pem"), SSL_CERT_DIR=str(folder),
                          GRPC_SYSTEM_SSL_ROOTS_DIR=str(folder))
    assert _evaluate_in_a_process(target, system) == "UNAVAILABLE"
