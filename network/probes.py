"""What a node's operations endpoint says: /healthz and Prometheus /metrics, over plain HTTP.

Heights: a peer's `ledger_blockchain_height{channel=...}`; an orderer's Raft
`consensus_etcdraft_committed_block_number{channel=...}` + 1. Raft leadership:
`consensus_etcdraft_is_leader{channel=...}` is 1 on exactly one orderer once elected.
(Metrics need the prometheus provider, which nodeconfig sets on every node.)

A chaincode server is probed as its peer dials it: `chaincode_registers` opens the Connect
stream with the TLS material of a connection.json and returns the package ID the server
registers with (its first message), so a refused handshake is an error, not a False.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import urllib.error
import urllib.request

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


# The nodes probed are our own, on this host or the compose network: never through the
# HTTP(S)_PROXY of the environment, which urlopen would honour.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(address: str, path: str, timeout: float) -> tuple[int, bytes] | None:
    try:
        with _DIRECT.open(f"http://{address}{path}", timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError, ValueError):
        return None


def healthy(address: str, timeout: float = 1.0) -> bool:
    """True when GET /healthz answers 200 with {"status": "OK"} (Fabric answers 503 with the failed checks
    otherwise). Any other answer (not JSON, or JSON that is not an object: whatever listens there is not a
    node's operations endpoint) is an unhealthy one."""
    got = _get(address, "/healthz", timeout)
    if got is None or got[0] != 200:
        return False
    try:
        answer = json.loads(got[1])
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("status") == "OK"


def parse_metrics(text: str) -> dict[tuple[str, frozenset], float]:
    """Prometheus text format -> {(name, frozenset(labels)): value}."""
    out: dict[tuple[str, frozenset], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        labels = frozenset(_LABEL.findall(m.group(3) or ""))
        out[(m.group(1), labels)] = value
    return out


def metric(metrics: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float | None:
    """The value of the first sample of name whose labels include the given ones."""
    want = set(labels.items())
    for (n, have), value in metrics.items():
        if n == name and want <= have:
            return value
    return None


def fetch_metrics(address: str, timeout: float = 2.0) -> dict[tuple[str, frozenset], float] | None:
    got = _get(address, "/metrics", timeout)
    if got is None or got[0] != 200:
        return None
    return parse_metrics(got[1].decode(errors="replace"))


def peer_height(metrics: dict, channel: str) -> int | None:
    v = metric(metrics, "ledger_blockchain_height", channel=channel)
    return None if v is None else int(v)


def orderer_height(metrics: dict, channel: str) -> int | None:
    v = metric(metrics, "consensus_etcdraft_committed_block_number", channel=channel)
    return None if v is None else int(v) + 1


def is_raft_leader(metrics: dict, channel: str) -> bool:
    return metric(metrics, "consensus_etcdraft_is_leader", channel=channel) == 1.0


def accepting(address: str, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections at host:port (a chaincode server's readiness)."""
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def not_serving(node) -> str | None:
    """Why a node (network.topology.Node) does not serve yet, or None when it answers /healthz and accepts
    connections on its gRPC port and, for an orderer, its admin port. Fabric starts the operations endpoint before
    the gRPC and admin servers, so /healthz alone can answer while a channel join (osnadmin, `peer channel join`)
    would still be refused. For native nodes only: a port docker publishes accepts connections (its proxy does)
    before the container listens."""
    if not healthy(node.operations_address):
        return f"no OK from /healthz at {node.operations_address}"
    ports = [(node.address, "gRPC")] + ([(node.admin_address, "admin")] if "admin_port" in node.ports else [])
    for address, which in ports:
        if not accepting(address):
            return f"/healthz OK, but nothing accepts connections at {address} (its {which} port)"
    return None


def serving(node) -> bool:
    return not_serving(node) is None


def chaincode_registers(address: str, *, root_cert: bytes | None = None, client_cert: bytes | None = None,
                        client_key: bytes | None = None, server_name: str | None = None,
                        timeout: float = 5.0) -> str:
    """Dial a chaincode server as a peer does and return the package ID it registers with.

    With root_cert the channel is TLS (presenting client_cert/client_key when given); without
    it, plaintext. Raises grpc.RpcError when the server cannot be reached or refuses the
    handshake (UNAVAILABLE), or sends nothing within timeout (DEADLINE_EXCEEDED).
    """
    import grpc
    from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2, chaincode_shim_pb2_grpc

    finished = threading.Event()

    def nothing_to_send():
        finished.wait()        # keep our half of the stream open until the first message is read
        return
        yield

    if root_cert is None:
        channel = grpc.insecure_channel(address)
    else:
        credentials = grpc.ssl_channel_credentials(root_cert, client_key, client_cert)
        options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
        channel = grpc.secure_channel(address, credentials, options)
    with channel:
        responses = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect(nothing_to_send(), timeout=timeout)
        try:
            first = next(responses)
        finally:
            finished.set()
            responses.cancel()
    if first.type != chaincode_shim_pb2.ChaincodeMessage.REGISTER:
        raise ValueError(f"chaincode server at {address} opened with message type {first.type}, not REGISTER")
    return chaincode_pb2.ChaincodeID.FromString(first.payload).name

