"""Chaincode servers speak mutual TLS: the real `python -m chaincode` server, started as the network
starts it (ccservers.server_spec under the supervisor) with the certificates crypto.generate issued,
dialled the way the org's peer dials it (the material in the org's connection.json)."""
import gzip
import io
import json
import shutil
import socket
import tarfile

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from network import ccservers, crypto, packaging, probes
from network.supervisor import Supervisor

CONTRACT = "chaincode.feature_contract:FeatureContract"
PACKAGE_ID = "receivables_1.0:" + "ab" * 32
ORG = "bank"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def root(tmp_path_factory, crypto_root):
    folder = tmp_path_factory.mktemp("tls") / "network"
    shutil.copytree(crypto_root, folder)
    return folder


@pytest.fixture(scope="module")
def server(topology, root):
    """The bank's chaincode server on a free port; (connection.json for its peers, the process spec)."""
    org = topology.org(ORG)
    offset = free_port() - org.chaincode_server_port
    spec = ccservers.server_spec(topology, root, "receivables", org, CONTRACT, PACKAGE_ID, offset)
    supervisor = Supervisor()
    supervisor.start(spec)
    try:
        address = spec.env["CHAINCODE_SERVER_ADDRESS"]
        supervisor.wait_until(lambda: probes.accepting(address), what="the chaincode server listening",
                              name=spec.name, log=spec.log, timeout=30, pid_file=spec.pid_file)
        yield ccservers.connection(topology, root, org, offset), spec
    finally:
        supervisor.stop(spec.pid_file)


def pem(text: str) -> bytes:
    return text.encode()


def test_the_orgs_peer_completes_the_handshake_and_the_server_registers(server):
    conn, _ = server
    registered = probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]),
                                            client_cert=pem(conn["client_cert"]), client_key=pem(conn["client_key"]))
    assert registered == PACKAGE_ID


def test_the_server_certificate_also_answers_to_the_chaincode_host_name(server, topology):
    conn, _ = server
    host = topology.chaincode_server_host(topology.org(ORG))
    registered = probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]),
                                            client_cert=pem(conn["client_cert"]), client_key=pem(conn["client_key"]),
                                            server_name=host)
    assert registered == PACKAGE_ID


def test_a_plaintext_client_is_refused(server):
    conn, _ = server
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"])
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_tls_client_without_a_certificate_is_refused(server):
    conn, _ = server
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_client_certificate_from_a_ca_outside_the_channel_is_refused(server):
    conn, _ = server
    ca_key, ca_cert = crypto.make_ca("tlsca.intruder.example", "intruder.example")
    key = crypto.new_key()
    cert = crypto.issue(ca_key, ca_cert, key, cn="peer0.intruder.example", org="intruder.example", tls=True)
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]),
                                   client_cert=cert.public_bytes(serialization.Encoding.PEM),
                                   client_key=crypto._pem_key(key))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_another_orgs_peer_client_is_refused(server, topology, root):
    conn, _ = server
    other = ccservers.connection(topology, root, topology.org("supplier"))
    assert other["client_cert"] != conn["client_cert"]
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]),
                                   client_cert=pem(other["client_cert"]), client_key=pem(other["client_key"]))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_a_peer_trusting_another_ca_refuses_the_server(server, topology, root):
    conn, _ = server
    other = ccservers.connection(topology, root, topology.org("supplier"))
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"], root_cert=pem(other["root_cert"]),
                                   client_cert=pem(conn["client_cert"]), client_key=pem(conn["client_key"]))
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def _connection_in_package(path) -> dict:
    with tarfile.open(path) as outer:
        code = outer.extractfile("code.tar.gz").read()
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(code))) as inner:
        return json.loads(inner.extractfile("connection.json").read())


def test_connection_json_carries_the_files_the_server_and_peer_use(server, topology, root, tmp_path):
    conn, spec = server
    org = topology.org(ORG)
    host = topology.chaincode_server_host(org)
    pkg = packaging.write_package(tmp_path, "receivables_1.0", ccservers.connection(topology, root, org))
    packaged = _connection_in_package(pkg.path)
    assert set(packaged) == {"address", "dial_timeout", "tls_required", "client_auth_required",
                             "root_cert", "client_cert", "client_key"}
    assert packaged["tls_required"] is True and packaged["client_auth_required"] is True
    assert packaged["address"] == topology.chaincode_server_address(org)

    own = crypto.org_crypto(root, org.name, org.domain)
    client_dir = own.chaincode_client_tls(host)
    assert packaged["root_cert"] == own.tlsca_cert.read_text() == (client_dir / "ca.crt").read_text()
    assert packaged["client_cert"] == (client_dir / "client.crt").read_text()
    assert packaged["client_key"] == (client_dir / "client.key").read_text()

    # the server runs with the pair for its host, trusting exactly the CA in root_cert for its clients
    server_cert = x509.load_pem_x509_certificate(open(spec.env["CHAINCODE_TLS_CERT"], "rb").read())
    server_key = serialization.load_pem_private_key(open(spec.env["CHAINCODE_TLS_KEY"], "rb").read(), None)
    assert open(spec.env["CHAINCODE_TLS_CLIENT_CA"]).read() == packaged["root_cert"]
    tlsca = x509.load_pem_x509_certificate(own.tlsca_cert.read_bytes())
    client_cert = x509.load_pem_x509_certificate(packaged["client_cert"].encode())
    for cert in (server_cert, client_cert):
        assert cert.issuer == tlsca.subject
        cert.verify_directly_issued_by(tlsca)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert server_key.public_key().public_bytes(serialization.Encoding.DER, public) == \
        server_cert.public_key().public_bytes(serialization.Encoding.DER, public)
    sans = server_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert host in sans.get_values_for_type(x509.DNSName)
    assert topology.listen_host in [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]
    usages = client_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH in usages


def test_plaintext_connection_json_still_has_no_tls_fields_and_half_a_pair_is_refused():
    assert packaging.connection_json("127.0.0.1:1") == {"address": "127.0.0.1:1", "dial_timeout": "10s",
                                                        "tls_required": False}
    from network.errors import ChaincodeError
    with pytest.raises(ChaincodeError, match="both client_cert and client_key"):
        packaging.connection_json("127.0.0.1:1", root_cert="ca", client_cert="cert")
    with pytest.raises(ChaincodeError, match="needs TLS"):
        packaging.connection_json("127.0.0.1:1", client_cert="cert", client_key="key")


def test_connection_without_crypto_says_to_prepare(topology, tmp_path):
    from network.errors import ChaincodeError
    with pytest.raises(ChaincodeError, match="recfin network prepare"):
        ccservers.connection(topology, tmp_path, topology.org(ORG))


def test_the_server_answers_healthz_and_metrics_where_network_status_asks(server):
    _, spec = server
    operations = spec.env["CHAINCODE_OPERATIONS_ADDRESS"]
    assert probes.healthy(operations)
    metrics = probes.fetch_metrics(operations)
    assert probes.metric(metrics, "recfin_chaincode_transactions_in_flight") == 0


def test_the_server_accepts_only_its_peers_client_name(server, topology):
    _, spec = server
    host = topology.chaincode_server_host(topology.org(ORG))
    assert spec.env["CHAINCODE_TLS_CLIENT_NAMES"] == ccservers.peer_client_name(host) == f"peer-client.{host}"


@pytest.mark.parametrize("who", ["a user's TLS client pair", "the peer's TLS server pair"])
def test_other_certificates_of_the_orgs_tls_ca_are_refused_naming_their_cn(server, topology, root, who):
    """Issued by the same TLS CA as the peer's chaincode client pair, so the handshake succeeds: the server
    refuses the stream itself, as the certificate names someone other than its peer's chaincode client."""
    conn, _ = server
    org = topology.org(ORG)
    own = crypto.org_crypto(root, org.name, org.domain)
    folder, stem = ((own.user_tls(org.admin), "client") if who.startswith("a user") else
                    (own.node_dir(topology.peers(ORG)[0].hostname) / "tls", "server"))
    cert, key = ((folder / f"{stem}.{ext}").read_bytes() for ext in ("crt", "key"))
    assert x509.load_pem_x509_certificate(cert).issuer == x509.load_pem_x509_certificate(pem(conn["root_cert"])).subject
    with pytest.raises(grpc.RpcError) as refused:
        probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]), client_cert=cert, client_key=key)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    cn = x509.load_pem_x509_certificate(cert).subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert f"client certificate CN {cn!r} is not a client this chaincode server accepts" in refused.value.details()
    # and the peer's own pair is still served
    assert probes.chaincode_registers(conn["address"], root_cert=pem(conn["root_cert"]),
                                      client_cert=pem(conn["client_cert"]), client_key=pem(conn["client_key"])) \
        == PACKAGE_ID
