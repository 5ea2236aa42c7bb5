"""What a node's operations endpoint says: /healthz and Prometheus /metrics, over plain HTTP.

Heights: a peer's `ledger_blockchain_height{channel=...}`; an orderer's Raft
`consensus_etcdraft_committed_block_number{channel=...}` + 1. Raft leadership:
`consensus_etcdraft_is_leader{channel=...}` is 1 on exactly one orderer once elected.
(Metrics need the prometheus provider, which nodeconfig sets on every node.)
"""
from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def _get(address: str, path: str, timeout: float) -> tuple[int, bytes] | None:
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError, ValueError):
        return None


def healthy(address: str, timeout: float = 1.0) -> bool:
    """True when GET /healthz answers 200 (Fabric answers 503 with the failed checks otherwise)."""
    got = _get(address, "/healthz", timeout)
    if got is None or got[0] != 200:
        return False
    try:
        return json.loads(got[1]).get("status") == "OK"
    except ValueError:
        return False


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
