"""A node that answers with a TLS certificate the connection profile's TLS CA did not issue fails the call as gRPC's
UNAVAILABLE, as a node that is down does; the CLI's line says which it was, where it asked whether the network was
up: a --data-root naming another network's profiles is the usual cause."""

from __future__ import annotations

import grpc
import pytest

from cli.connection import describe
from client.gateway import GatewayError

HANDSHAKE = ("failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:7051: Tls handshake failed "
             "(TSI_PROTOCOL_FAILURE): SSL_ERROR_SSL: error:1000007d:SSL routines:OPENSSL_internal:")


@pytest.mark.parametrize("cause", ["CERTIFICATE_VERIFY_FAILED: unable to get local issuer certificate",
                                   "Hostname Verification Check failed"])
def test_an_untrusted_node_certificate_is_named_as_such_not_as_a_network_that_is_down(cause):
    line = describe(GatewayError(HANDSHAKE + cause, code=grpc.StatusCode.UNAVAILABLE))
    assert "its TLS certificate was not trusted" in line and "profiles/" in line, line
    assert "is the network up" not in line


def test_a_node_that_does_not_answer_still_asks_whether_the_network_is_up():
    line = describe(GatewayError("failed to connect to all addresses; last error: UNAVAILABLE: ipv4:127.0.0.1:7051: "
                                 "Connection refused", code=grpc.StatusCode.UNAVAILABLE))
    assert "is the network up? `recfin network status`" in line and "TLS" not in line, line
