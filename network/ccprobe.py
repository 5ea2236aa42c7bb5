"""`python -m network.ccprobe CONNECTION_JSON`: dial a chaincode server as the peer that installed
that connection.json would, and print the package ID the server registers with (exit 0), or
the gRPC status of the refusal (exit 1).

Run it inside an org's namespace (`recfin network netns exec ORG -- python -m network.ccprobe ...`)
to check a chaincode server from where that org's peer stands.
"""
from __future__ import annotations

import argparse
import json

import grpc

from network import probes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m network.ccprobe",
                                     description="Dial a chaincode server as its peer would.")
    parser.add_argument("connection", help="a connection.json (address, and TLS material when tls_required)")
    parser.add_argument("--server-name", default=None, help="the name to check the server's certificate for")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    with open(args.connection) as handle:
        conn = json.load(handle)
    pems = {k: conn[k].encode() for k in ("root_cert", "client_cert", "client_key") if conn.get(k)} \
        if conn.get("tls_required") else {}
    try:
        registered = probes.chaincode_registers(conn["address"], server_name=args.server_name, timeout=args.timeout, **pems)
    except grpc.RpcError as exc:
        print(f"{conn['address']}: {exc.code().name}: {exc.details()}")
        return 1
    print(registered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

