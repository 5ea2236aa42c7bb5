"""A node's operations endpoint, stood in by a local HTTP listener: /healthz and the Raft leader metric.

Fabric answers GET /healthz with 200 {"status": "OK"}, or 503 naming the failed checks; /metrics in
Prometheus text. One listener per node on 127.0.0.1, on a free port the topology is then given as
that node's operations port (`with_operations_ports`), so tests never touch the real ones.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHANNEL = "receivables"


class OperationsStandIn:
    """One HTTP listener per node on 127.0.0.1, answering /healthz and the Raft leader metric."""

    def __init__(self, names):
        self.unhealthy: set[str] = set()
        self.leader: str | None = None
        self.servers = {name: self._serve(name) for name in names}

    def _serve(self, name):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/healthz":
                    ok = name not in stand_in.unhealthy
                    body = {"status": "OK"} if ok else {"status": "Service Unavailable",
                                                         "failed_checks": [{"component": "docker"}]}
                    self._send(200 if ok else 503, json.dumps(body))
                elif self.path == "/metrics":
                    value = 1 if stand_in.leader == name else 0
                    self._send(200, f'consensus_etcdraft_is_leader{{channel="{CHANNEL}"}} {value}\n')
                else:
                    self._send(404, "")

            def _send(self, code, text):
                data = text.encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return server

    def port(self, name) -> int:
        return self.servers[name].server_address[1]

    def close(self):
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


def with_operations_ports(doc: dict, stand_in: OperationsStandIn) -> dict:
    """A topology document (topology.yaml as a dict) with each node's operations port its stand-in's."""
    oo = doc["orderer_org"]
    for o in oo["orderers"]:
        o["operations_port"] = stand_in.port(f"{o['name']}.{oo['name']}")
    for org in doc["orgs"]:
        for p in org["peers"]:
            p["operations_port"] = stand_in.port(f"{p['name']}.{org['name']}")
    return doc
