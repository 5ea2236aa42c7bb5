import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from network import probes

METRICS = """# HELP ledger_blockchain_height Height of the chain in blocks.
# TYPE ledger_blockchain_height gauge
ledger_blockchain_height{channel="receivables"} 7
ledger_blockchain_height{channel="other"} 2
consensus_etcdraft_is_leader{channel="receivables"} 1
consensus_etcdraft_committed_block_number{channel="receivables"} 6
go_goroutines 42
"""


class Handler(BaseHTTPRequestHandler):
    status = 200
    body = {"status": "OK"}

    def do_GET(self):
        if self.path == "/healthz":
            data, code = json.dumps(self.body).encode(), self.status
        elif self.path == "/metrics":
            data, code = METRICS.encode(), 200
        else:
            data, code = b"", 404
        self.send_response(code)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    Handler.status, Handler.body = 200, {"status": "OK"}


def test_healthy_when_healthz_says_ok(server):
    assert probes.healthy(server)


def dead_address() -> str:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"   # closed again: nothing listens there


def test_the_environments_proxy_is_never_used_for_a_node(server, monkeypatch):
    proxy = f"http://{dead_address()}"
    for variable in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(variable, proxy)
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    assert probes.healthy(server)
    assert probes.fetch_metrics(server) is not None


def test_unhealthy_on_503(server):
    Handler.status, Handler.body = 503, {"status": "Service Unavailable", "failed_checks": [{"component": "docker"}]}
    assert not probes.healthy(server)


def test_unhealthy_when_nothing_listens():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert not probes.healthy(f"127.0.0.1:{port}", timeout=0.5)


def test_metrics_over_http(server):
    m = probes.fetch_metrics(server)
    assert probes.peer_height(m, "receivables") == 7
    assert probes.peer_height(m, "other") == 2
    assert probes.orderer_height(m, "receivables") == 7
    assert probes.is_raft_leader(m, "receivables")


def test_parse_metrics_ignores_comments_and_keeps_labels():
    m = probes.parse_metrics(METRICS)
    assert probes.metric(m, "go_goroutines") == 42
    assert probes.metric(m, "ledger_blockchain_height", channel="nope") is None
    assert probes.peer_height({}, "receivables") is None
    assert not probes.is_raft_leader(probes.parse_metrics('consensus_etcdraft_is_leader{channel="receivables"} 0'),
                                     "receivables")


def test_accepting_tells_a_listening_port_from_a_closed_one():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        address = f"127.0.0.1:{s.getsockname()[1]}"
        assert probes.accepting(address)
    assert not probes.accepting(address)


@pytest.fixture
def orderer_sockets(server):
    """(orderer, its gRPC socket, its admin socket): a Node whose operations endpoint is the stand-in, whose
    gRPC and admin ports are bound but not yet listening."""
    import socket

    from network.topology import Node
    with socket.socket() as grpc, socket.socket() as admin:
        grpc.bind(("127.0.0.1", 0))
        admin.bind(("127.0.0.1", 0))
        ports = {"port": grpc.getsockname()[1], "admin_port": admin.getsockname()[1],
                 "operations_port": int(server.rsplit(":", 1)[1])}
        yield Node("orderer1", "orderer", "Orderer", "OrdererMSP", "127.0.0.1", "127.0.0.1", ports), grpc, admin


def test_a_node_serves_only_once_its_grpc_and_admin_ports_listen_as_well_as_healthz(orderer_sockets):
    from network.topology import Node
    orderer, grpc, admin = orderer_sockets
    peer = Node("peer0", "peer", "Bank", "BankMSP", "127.0.0.1", "127.0.0.1",
                {key: port for key, port in orderer.ports.items() if key != "admin_port"})
    assert probes.healthy(orderer.operations_address)
    assert not probes.serving(orderer) and not probes.serving(peer)   # /healthz answers, nothing listens yet
    grpc.listen(16)
    assert probes.serving(peer)
    assert not probes.serving(orderer)                                  # its admin server is not up yet
    admin.listen(16)
    assert probes.serving(orderer)
    Handler.status = 503
    assert not probes.serving(orderer)


def test_not_serving_names_what_is_missing(orderer_sockets):
    orderer, grpc, admin = orderer_sockets
    assert probes.not_serving(orderer) == (f"/healthz OK, but nothing accepts connections at {orderer.address} "
                                           f"(its gRPC port)")
    grpc.listen(16)
    assert probes.not_serving(orderer) == (f"/healthz OK, but nothing accepts connections at "
                                           f"{orderer.admin_address} (its admin port)")
    admin.listen(16)
    assert probes.not_serving(orderer) is None
    Handler.status = 503
    assert probes.not_serving(orderer) == f"no OK from /healthz at {orderer.operations_address}"
