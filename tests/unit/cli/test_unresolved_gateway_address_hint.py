"""A gateway address whose host name does not resolve fails the call as gRPC's UNAVAILABLE, as a network that is
down does, and the CLI's line went on to ask whether the network was up: no node was asked, and `recfin network
status` looks at the nodes, not at the address. The line now names the connection profile that gives the
address, to correct, and no longer asks whether the network is up."""

from __future__ import annotations

import json

import grpc
import pytest

from cli.connection import describe
from cli.main import main
from client.gateway import GatewayError
from network import profiles
from network.topology import load

HOST = "peer0.org1.no-such-network.invalid"
# gRPC asks the DNS server of the target's authority: one that cannot be there makes the lookup fail at once and
# the same way on any machine, with or without a network.
UNRESOLVED = f"dns://127.0.0.1:1/{HOST}:9051"


@pytest.fixture
def unresolved_profile(network_copy):
    profiles.write_all(load(), network_copy)
    path = profiles.profiles_dir(network_copy) / "supplier.json"
    written = json.loads(path.read_text())
    written["gateway"]["address"] = UNRESOLVED
    path.write_text(json.dumps(written))
    return path


@pytest.mark.parametrize("command, exit_code", [(["receivable", "get", "R-1"], 1),
                                                (["receivable", "confirm", "R-1"], 1),
                                                (["transaction", "status", "ab" * 32], 3),
                                                (["receivable", "audit", "R-1"], 3)])
def test_a_host_that_does_not_resolve_names_the_profile_not_the_network(runner, unresolved_profile, command,
                                                                        exit_code):
    result = runner.invoke(main, [*command, "--as", "supplier"])
    assert result.exit_code == exit_code, result.output
    line = result.output.strip()
    assert "could not be resolved" in line, line
    assert f"org supplier's connection profile {unresolved_profile} gives that gateway address" in line, line
    assert "is the network up" not in line and "network status" not in line, line


def test_a_host_that_does_not_resolve_outside_a_command_keeps_the_sdk_words():
    said = (f"the host name '{HOST}' of the gateway address '{HOST}:9051' could not be resolved to an address, so "
            "nothing was sent: check the address given (a connection profile's gateway address).")
    line = describe(GatewayError(said, code=grpc.StatusCode.UNAVAILABLE, sent=False))
    assert line == f"UNAVAILABLE: {said}", line


def test_a_node_that_refuses_the_connection_still_asks_whether_the_network_is_up():
    line = describe(GatewayError("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:7051: "
                                 "Connection refused", code=grpc.StatusCode.UNAVAILABLE, sent=False))
    assert "is the network up? `recfin network status`" in line, line
