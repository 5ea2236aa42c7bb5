"""A gateway address whose host name does not resolve failed every call with gRPC's raw UNAVAILABLE ("errors
resolving peer0.org1.example.com:7051: [field:hostname lookup error:...]"), which reads as a peer that is down, says
nothing of what to check, and left a submit "may still commit" though nothing left this machine. The error now
names the host, says it could not be resolved and that nothing was sent, and what to check: the address, the
TLS name to give beside an address that resolves (``server_name_override``, a profile's ``host_name_override``),
/etc/hosts. gRPC's own words are read; no lookup is made before a call."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from client.gateway import (
    EvaluateError, EventStreamError, SubmitError, TransportError, connect, connect_async, private_key_signer,
)
from client.gateway._grpc_transport import as_transport_error

from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"
HOST = "peer0.org1.no-such-network.invalid"
# gRPC asks the DNS server of the target's authority: one that cannot be there makes the lookup fail at once and
# the same way on any machine, with or without a network.
UNRESOLVED = f"dns://127.0.0.1:1/{HOST}:9051"


def assert_says_what_to_check(error):
    said, grpc_said = str(error).split("gRPC: ")
    assert f"'{HOST}'" in said and f"'{HOST}:9051'" in said, said
    assert "could not be resolved" in said and "nothing was sent" in said, said
    assert "127.0.0.1:9051" in said, said   # the address's own port, beside an address that resolves
    assert "server_name_override" in said and "host_name_override" in said and "/etc/hosts" in said, said
    assert error.code == grpc.StatusCode.UNAVAILABLE
    assert error.sent is False


@pytest.fixture
def served():
    server, port = start_server(Servicer())
    yield f"127.0.0.1:{port}"
    server.stop(None)


def test_an_evaluate_names_the_host_that_does_not_resolve(credentials):
    key, identity = credentials
    with connect(UNRESOLVED, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(EvaluateError) as raised:
            gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")
    assert_says_what_to_check(raised.value)


def test_a_submit_to_a_host_that_does_not_resolve_was_not_ordered(credentials, served):
    key, identity = credentials
    signer = private_key_signer(key)
    with connect(served, identity=identity, signer=signer, insecure=True) as reachable:
        transaction = reachable.get_network(CHANNEL).get_contract("receivables").new_proposal(
            "Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"]).endorse()
    with connect(UNRESOLVED, identity=identity, signer=signer, insecure=True) as gateway:
        with pytest.raises(SubmitError) as raised:
            gateway.new_transaction(transaction.bytes).submit()
    assert_says_what_to_check(raised.value)
    assert raised.value.may_have_been_ordered is False
    assert "may still commit" not in str(raised.value)


def test_an_event_stream_names_the_host_that_does_not_resolve(credentials):
    key, identity = credentials
    with connect(UNRESOLVED, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        with pytest.raises(EventStreamError) as raised:
            next(iter(gateway.get_network(CHANNEL).chaincode_events("receivables", start_block=0)))
    assert_says_what_to_check(raised.value)


def test_an_async_evaluate_names_the_host_that_does_not_resolve(credentials):
    key, identity = credentials

    async def main():
        async with connect_async(UNRESOLVED, identity=identity, signer=private_key_signer(key),
                                 insecure=True) as gateway:
            await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")

    with pytest.raises(EvaluateError) as raised:
        asyncio.run(main())
    assert_says_what_to_check(raised.value)


class RpcError(grpc.RpcError):
    """A failed call as gRPC reports it."""

    def __init__(self, code, details):
        self._code, self._details = code, details

    def code(self):
        return self._code

    def details(self):
        return self._details

    def trailing_metadata(self):
        return ()


@pytest.mark.parametrize("words", [
    # grpcio's resolver, and its native one (GRPC_DNS_RESOLVER=native)
    f"errors resolving {HOST}:7051: [field:hostname lookup error:address lookup failed for {HOST}:7051: Domain name "
    "not found]",
    f"errors resolving {HOST}:7051: [field:hostname lookup error:Address lookup failed for {HOST}:7051 os_error: "
    "Name or service not known syscall: getaddrinfo]",
    # the c-ares resolver of grpcio releases before 1.60
    f"DNS resolution failed for {HOST}:7051: C-ares status is not ARES_SUCCESS qtype=A name={HOST} is_balancer=0: "
    "Domain name not found",
])
def test_each_resolvers_words_name_the_host(words):
    error = as_transport_error(RpcError(grpc.StatusCode.UNAVAILABLE, words))
    said = error.message.split("gRPC: ")[0]
    assert f"'{HOST}'" in said and f"'{HOST}:7051'" in said and "could not be resolved" in said, error.message
    assert words in error.message   # gRPC's own words kept, for the resolver's reason
    assert error.sent is False


def test_a_peer_that_is_down_keeps_grpcs_words():
    words = "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Connection refused"
    error = as_transport_error(RpcError(grpc.StatusCode.UNAVAILABLE, words))
    assert isinstance(error, TransportError) and error.message == words
