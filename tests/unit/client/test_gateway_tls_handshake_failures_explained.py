"""A call whose TLS handshake with the peer failed says what failed and what to do, before gRPC's own words: a
peer dialled by IP address without server_name_override (or with a name its certificate does not hold), a peer
whose TLS CA is not in the roots given, a peer whose TLS certificate has expired, a target that speaks no TLS.
gRPC said only "failed to connect to all addresses", as for a peer that is down. Real handshakes, against an
in-process gRPC server."""

import datetime

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from client.gateway import EvaluateError, connect, private_key_signer
from client.gateway._grpc_transport import as_transport_error
from .gateway_fakes import Servicer, key_pem, make_key_and_cert, serving

PEER_NAME = "peer0.org1.example.com"
CA_KEY, CA_PEM = make_key_and_cert("tlsca.org1.example.com")
CA = x509.load_pem_x509_certificate(CA_PEM)


def _peer_certificate(valid_until=None):
    """A TLS certificate for the peer, issued by CA, naming PEER_NAME only; its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PEER_NAME)]))
        .issuer_name(CA.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=10))
        .not_valid_after(valid_until or now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(PEER_NAME)]), critical=False)
        .sign(CA_KEY, hashes.SHA256())
    )
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def _evaluated(credentials, target, **tls):
    key, identity = credentials
    with connect(target, identity=identity, signer=private_key_signer(key), **tls) as gateway:
        return gateway.get_network("receivables-channel").get_contract("receivables").evaluate_transaction("Get")


def _tls_server(certificate=None):
    key, pem = certificate or _peer_certificate()
    return serving(Servicer(), grpc.ssl_server_credentials([(key_pem(key), pem)]))


def _advice(error) -> str:
    """What the client said before gRPC's words."""
    assert error.code == grpc.StatusCode.UNAVAILABLE and error.sent is False
    assert "failed to connect to all addresses" in error.message   # gRPC's own words kept after it
    return error.message.split(" gRPC: ")[0]


def test_the_right_name_and_roots_are_taken(credentials):
    with _tls_server() as target:
        assert _evaluated(credentials, target, tls_root_certificates=CA_PEM, server_name_override=PEER_NAME) == b"42"


@pytest.mark.parametrize("override", [None, "peer1.org1.example.com"], ids=["ip without override", "another name"])
def test_a_peer_whose_certificate_does_not_name_the_host_checked_says_to_give_server_name_override(credentials,
                                                                                                  override):
    with _tls_server() as target, pytest.raises(EvaluateError) as failed:
        _evaluated(credentials, target, tls_root_certificates=CA_PEM, server_name_override=override)
    said = _advice(failed.value)
    assert "the peer's TLS certificate does not name the host checked" in said, said
    assert "needs server_name_override set to a host name its TLS certificate holds" in said, said


def test_a_peer_of_a_ca_not_in_the_roots_says_to_give_its_orgs_tls_ca(credentials):
    _, other_ca = make_key_and_cert("tlsca.org2.example.com")
    with _tls_server() as target, pytest.raises(EvaluateError) as failed:
        _evaluated(credentials, target, tls_root_certificates=other_ca, server_name_override=PEER_NAME)
    said = _advice(failed.value)
    assert "the peer's TLS certificate is not signed by a CA in the TLS roots (unable to get local issuer " \
           "certificate): give tls_root_certificates the TLS CA certificate of the peer's org" in said, said


def test_a_peer_whose_tls_certificate_expired_says_so(credentials):
    expired = _peer_certificate(valid_until=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1))
    with _tls_server(expired) as target, pytest.raises(EvaluateError) as failed:
        _evaluated(credentials, target, tls_root_certificates=CA_PEM, server_name_override=PEER_NAME)
    said = _advice(failed.value)
    assert "the peer's TLS certificate (certificate has expired) is outside its validity dates" in said, said
    assert "renew its TLS certificate" in said


def test_a_target_that_speaks_no_tls_says_to_check_the_port(credentials):
    with serving(Servicer()) as target, pytest.raises(EvaluateError) as failed:
        _evaluated(credentials, target, tls_root_certificates=CA_PEM)
    said = _advice(failed.value)
    assert "what answers at the target does not speak TLS" in said and "insecure=True" in said, said


class _RpcError(grpc.RpcError):
    def __init__(self, details):
        self._details = details

    def code(self):
        return grpc.StatusCode.UNAVAILABLE

    def details(self):
        return self._details

    def trailing_metadata(self):
        return ()


def test_the_words_of_grpc_releases_before_1_60_for_a_host_not_in_the_certificate_are_read_too():
    words = ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:7051: Peer name 127.0.0.1 is "
             "not in peer certificate")
    error = as_transport_error(_RpcError(words))
    assert "does not name the host checked" in error.message and error.message.endswith(f"gRPC: {words}")


def test_a_peer_that_is_down_is_said_as_grpc_says_it():
    words = "failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:7051: Connection refused"
    assert as_transport_error(_RpcError(words)).message == words
