"""`python -m network.ccprobe CONNECTION_JSON`: dial a chaincode server as the peer that installed
that connection.json would, and print the package ID the server registers with (exit 0), or
the gRPC status of the refusal (exit 1). A connection file that cannot be read, is not JSON, or
that the peer's build step would refuse (no host:port address; tls_required without the PEM text
it needs) is reported on stderr before anything is dialled (exit 2).

Run it inside an org's namespace (`recfin network netns exec ORG -- python -m network.ccprobe ...`)
to check a chaincode server from where that org's peer stands.
"""
from __future__ import annotations

import argparse
import json
import sys

import click
import grpc

from network import probes
from network.option_checks import MAX_TIMEOUT_SECONDS, FiniteFloatRange

PEM_FIELDS = ("root_cert", "client_cert", "client_key")


# The CLI's --timeout range (cli.options.timeout_option): gRPC takes a deadline of nan, inf or less than 0 as
# passed already, so the probe would answer DEADLINE_EXCEEDED at once, as if the server did not answer.
TIMEOUT_SECONDS = FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS)


def timeout_seconds(text: str) -> float:
    """--timeout's value as the CLI checks a timeout, its refusal an argparse usage error (exit 2)."""
    try:
        return TIMEOUT_SECONDS.convert(text, None, None)
    except click.BadParameter as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


class ConnectionFileError(ValueError):
    """The connection file cannot be used: its message says what is wrong with it."""


def read_connection(path: str) -> dict:
    """The connection.json at path, checked as the project's external builder (builder/bin/build) checks it:
    the peer would not dial what that refuses, so neither does the probe (a TLS-only server dialled in
    plaintext would only look unreachable)."""
    try:
        with open(path) as handle:
            conn = json.load(handle)
    except OSError as exc:
        raise ConnectionFileError(f"cannot read {path}: {exc.strerror}: give the path of a connection.json "
                                  f"(the one inside the chaincode package's code.tar.gz)") from None
    except ValueError as exc:
        raise ConnectionFileError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(conn, dict) or not isinstance(conn.get("address"), str) or ":" not in conn["address"]:
        raise ConnectionFileError(f"{path} needs an \"address\" of the form host:port")
    if conn.get("tls_required"):
        wanted = PEM_FIELDS if conn.get("client_auth_required") else PEM_FIELDS[:1]
        for field in wanted:
            if "-----BEGIN" not in str(conn.get(field) or ""):
                raise ConnectionFileError(f"{path}: tls_required needs \"{field}\" holding PEM text (the peer's "
                                          f"build step refuses it too): put the certificate in, or set "
                                          f"tls_required to false for a plaintext server")
    return conn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m network.ccprobe",
                                     description="Dial a chaincode server as its peer would.")
    parser.add_argument("connection", help="a connection.json (address, and TLS material when tls_required)")
    parser.add_argument("--server-name", default=None, help="the name to check the server's certificate for")
    parser.add_argument("--timeout", type=timeout_seconds, default=5.0, metavar="SECONDS",
                        help=f"how long to wait for the server: more than 0, at most {MAX_TIMEOUT_SECONDS} "
                             f"(default: 5)")
    args = parser.parse_args(argv)
    try:
        conn = read_connection(args.connection)
    except ConnectionFileError as exc:
        print(f"{parser.prog}: {exc}", file=sys.stderr)
        return 2
    pems = {k: conn[k].encode() for k in PEM_FIELDS if conn.get(k)} if conn.get("tls_required") else {}
    try:
        registered = probes.chaincode_registers(conn["address"], server_name=args.server_name, timeout=args.timeout,
                                                **pems)
    except grpc.RpcError as exc:
        print(f"{conn['address']}: {exc.code().name}: {exc.details()}")
        return 1
    print(registered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
