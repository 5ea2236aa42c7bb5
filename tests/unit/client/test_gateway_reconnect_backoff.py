"""A peer that went away is redialled within a bounded wait once it is back.

gRPC waits after each failed connection attempt, 1.6 times longer each time up to 120 s by default, and fails
every call at once until its next attempt: after a peer restart or a network outage, writes would stay refused
for up to two minutes after the repair. The channel the client opens caps that wait.
"""

import asyncio
import functools
import time
from unittest import mock
from concurrent import futures

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2_grpc
from fabric_protos.peer import events_pb2_grpc

from client.gateway import EvaluateError, connect, connect_async, private_key_signer
from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"
BACKOFF_OPTIONS = ("grpc.initial_reconnect_backoff_ms", "grpc.max_reconnect_backoff_ms",
                   "grpc.min_reconnect_backoff_ms")
GRPC_DEFAULT_MAX_BACKOFF_MS = 120_000
FAILSAFE = 60   # seconds before a wait gives up, so that a failure does not hang the run; no timing is asserted


@pytest.fixture
def opened(monkeypatch):
    """The options of each channel connect() and connect_async() open, plain and TLS (none is really opened)."""
    seen = []
    for module in (grpc, grpc.aio):
        for name in ("insecure_channel", "secure_channel"):
            monkeypatch.setattr(module, name, functools.partial(record, seen))
    return seen


def record(seen, *arguments, options, **others):
    seen.append(dict(options))
    return mock.MagicMock(name="channel")


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_the_channel_the_client_opens_caps_its_reconnect_backoff(credentials, opened, family, tls):
    key, identity = credentials
    security = {} if tls else {"insecure": True}   # TLS with gRPC's default roots
    if family == "sync":
        connect("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), **security)
    else:
        async def open_async():
            connect_async("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), **security)
        asyncio.run(open_async())
    (options,) = opened
    assert set(BACKOFF_OPTIONS) <= set(options)
    assert options["grpc.initial_reconnect_backoff_ms"] <= options["grpc.max_reconnect_backoff_ms"]
    # bounded well below gRPC's own two minutes: a peer back is redialled within seconds
    assert options["grpc.max_reconnect_backoff_ms"] <= 10_000 < GRPC_DEFAULT_MAX_BACKOFF_MS
    assert options["grpc.min_reconnect_backoff_ms"] <= 10_000


def test_the_callers_backoff_options_replace_the_clients(credentials, opened):
    key, identity = credentials
    connect("127.0.0.1:7051", identity=identity, signer=private_key_signer(key), insecure=True,
            grpc_options=[("grpc.max_reconnect_backoff_ms", 30_000)])
    (options,) = opened
    assert options["grpc.max_reconnect_backoff_ms"] == 30_000 and "grpc.min_reconnect_backoff_ms" in options


def evaluate(gateway):
    return gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")


def test_calls_go_through_again_once_a_stopped_peer_is_back(credentials):
    """A real gRPC server stopped for several failed connection attempts, then started again on its port: the
    gateway's calls fail as UNAVAILABLE meanwhile and succeed again after the restart, over the same gateway."""
    key, identity = credentials
    server, port = start_server(Servicer())
    gateway = connect(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key), insecure=True)
    try:
        assert evaluate(gateway) == b"42"
        server.stop(None)
        refused = 0
        # several failed attempts, so that gRPC's wait between them has grown past its first steps
        stopped_until = time.monotonic() + 8
        while time.monotonic() < stopped_until:
            with pytest.raises(EvaluateError) as caught:
                evaluate(gateway)
            assert caught.value.code == grpc.StatusCode.UNAVAILABLE
            refused += 1
            time.sleep(0.5)
        server, restarted_port = start_server_on(port)
        assert restarted_port == port
        answered = None
        give_up = time.monotonic() + FAILSAFE
        while answered is None and time.monotonic() < give_up:
            try:
                answered = evaluate(gateway)
            except EvaluateError as error:
                assert error.code == grpc.StatusCode.UNAVAILABLE
                time.sleep(0.2)
        assert refused > 1 and answered == b"42"
    finally:
        gateway.close()
        server.stop(None)


def start_server_on(port):
    """A server as gateway_fakes.start_server makes, on the port a stopped one had."""
    servicer = Servicer()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    gateway_pb2_grpc.add_GatewayServicer_to_server(servicer, server)
    events_pb2_grpc.add_DeliverServicer_to_server(servicer, server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, bound
