"""`receivable audit` that could not be made (exit 3) said "(is the org's peer up? `recfin network status`)" after
every gateway error: after the line's own hint for a peer not reached, a second time; after a peer's refusal
(access denied), though the peer answered; after a gateway address whose host does not resolve, where no node was
asked. Its line now carries the hint the other ledger commands give for that error, once, and none where the peer
answered."""

from __future__ import annotations

import grpc

from cli.main import main
from client.gateway import TransportError
from tests.unit.client.gateway_fakes import FakeTransport

NOT_REACHED = ("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:7051: "
               "Connection refused")


def audit_failing_with(runner, over_a_gateway, failure):
    transport = FakeTransport()
    transport.fail["evaluate"] = failure
    over_a_gateway(transport)
    result = runner.invoke(main, ["receivable", "audit", "R-1", "--as", "bank"])
    assert result.exit_code == 3, result.output
    return result.output.strip()


def test_a_peer_not_reached_is_asked_about_once(runner, over_a_gateway):
    line = audit_failing_with(runner, over_a_gateway,
                              TransportError(grpc.StatusCode.UNAVAILABLE, NOT_REACHED, sent=False))
    assert line.startswith("Error: cannot audit R-1 as bank: ") and "Connection refused" in line, line
    assert line.count("`recfin network status`") == 1 and "is the network up?" in line, line


def test_a_peer_that_refused_the_read_is_not_asked_whether_it_is_up(runner, over_a_gateway):
    line = audit_failing_with(runner, over_a_gateway,
                              TransportError(grpc.StatusCode.PERMISSION_DENIED, "access denied: creator org unknown"))
    assert "PERMISSION_DENIED" in line and "access denied" in line, line
    assert "peer up" not in line and "network status" not in line, line
