"""An event stream that carries nothing for hours stays alive, and is seen to die when its connection does.

The client's keepalive pings are what keep a quiet stream's connection open through a NAT or a load balancer
(which drop connections idle for minutes) and what tell it, within a ping's timeout, that the connection is
gone. gRPC's client stops pinging after ``grpc.http2.max_pings_without_data`` pings (2 by default) while it has
no data of its own to send, and a chaincode or block event stream sends nothing after its request: so after
two pings it would stop, and a stream whose connection was dropped would look open for ever, no event
arriving. The peer, for its part, closes the connection of a client that pings more often than
``peer.keepalive.minInterval`` (60 s by default: GOAWAY too_many_pings), so the pings must not come faster.
"""

import socket
import threading
from concurrent import futures

import grpc
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import chaincode_event_pb2

from client.gateway import EventStreamError, connect, private_key_signer
from client.gateway._gateway import _channel_options

CHANNEL = "receivables-channel"
FABRIC_PEER_MIN_PING_INTERVAL_MS = 60_000   # peer.keepalive.minInterval's default in Fabric's core.yaml
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HTTP2_PING, HTTP2_ACK = 0x6, 0x1
PINGS_AWAITED = 6   # three times what gRPC sends on a quiet stream before it stops, by default
BOUND = 30   # seconds before a test gives up waiting, so that a failure does not hang the run


class QuietEvents(gateway_pb2_grpc.GatewayServicer):
    """A chaincode events stream that sends its headers, then nothing until ``release`` is set."""

    def __init__(self):
        self.opened = threading.Event()
        self.release = threading.Event()

    def ChaincodeEvents(self, request, context):
        context.send_initial_metadata(())
        self.opened.set()
        while context.is_active() and not self.release.wait(0.05):
            pass
        yield gateway_pb2.ChaincodeEventsResponse(
            block_number=9, events=[chaincode_event_pb2.ChaincodeEvent(tx_id="tx9", chaincode_id="receivables")]
        )


class PingCountingProxy:
    """A TCP relay to ``port`` that counts the HTTP/2 PING frames the client sends (not its acknowledgements)
    and sets ``pinged`` once it has seen ``PINGS_AWAITED``. With ``drop_after``, from that many pings on it
    forwards nothing either way, keeping both connections open: a NAT or load balancer that dropped the
    connection without a word."""

    def __init__(self, port, drop_after=None):
        self._port = port
        self._drop_after = drop_after
        self.dropping = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.pings = 0
        self.pinged = threading.Event()
        self._sockets = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        server = socket.create_connection(("127.0.0.1", self._port))
        self._sockets += [client, server]
        threading.Thread(target=self._relay, args=(server, client, None), daemon=True).start()
        self._relay(client, server, self._count_frames)

    def _relay(self, source, sink, inspect):
        pending = b""
        try:
            while data := source.recv(65536):
                if inspect:
                    pending = inspect(pending + data)
                if not self.dropping:
                    sink.sendall(data)
        except OSError:
            pass

    def _count_frames(self, pending):
        """The bytes of an incomplete frame left over, once each complete frame of ``pending`` is counted."""
        if pending.startswith(HTTP2_PREFACE):
            pending = pending[len(HTTP2_PREFACE):]
        while len(pending) >= 9:
            length = int.from_bytes(pending[:3], "big")
            if len(pending) < 9 + length:
                break
            kind, flags = pending[3], pending[4]
            if kind == HTTP2_PING and not flags & HTTP2_ACK:
                self.pings += 1
                self.dropping = self.dropping or self.pings == self._drop_after
                if self.pings >= PINGS_AWAITED:
                    self.pinged.set()
            pending = pending[9 + length:]
        return pending

    def close(self):
        for each in self._sockets:
            each.close()


def test_the_client_keeps_pinging_on_a_quiet_stream_and_a_peer_enforcing_a_min_interval_keeps_it_open(
    credentials,
):
    key, identity = credentials
    servicer = QuietEvents()
    # As a peer does (Fabric's keepalive enforcement): a client pinging more often than the minimum interval
    # without data is struck, and after two strikes its connection closed with GOAWAY too_many_pings.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), options=[
        ("grpc.http2.min_ping_interval_without_data_ms", 50),
        ("grpc.http2.max_ping_strikes", 2),
    ])
    gateway_pb2_grpc.add_GatewayServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    proxy = PingCountingProxy(port)
    try:
        # Only the interval is shortened, for the test to see several pings: every other option is the client's.
        with connect(f"127.0.0.1:{proxy.port}", identity=identity, signer=private_key_signer(key), insecure=True,
                     grpc_options=[("grpc.keepalive_time_ms", 200)]) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            assert servicer.opened.wait(BOUND)
            assert proxy.pinged.wait(BOUND), (
                f"the client sent {proxy.pings} pings and no more: it stopped pinging, or its connection was closed")
            servicer.release.set()
            event = next(events)   # the stream outlived the pings: the peer did not close it
            events.close()
        assert (event.block_number, event.transaction_id) == (9, "tx9")
    finally:
        servicer.release.set()
        proxy.close()
        server.stop(None)


def test_a_quiet_stream_whose_connection_is_dropped_unsaid_ends_with_an_event_stream_error(credentials):
    key, identity = credentials
    servicer = QuietEvents()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    gateway_pb2_grpc.add_GatewayServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    proxy = PingCountingProxy(port, drop_after=PINGS_AWAITED)   # dropped after the stream was quiet a while
    try:
        # The interval and the wait for a ping's answer shortened, for the test to see the end; every other
        # option is the client's.
        with connect(f"127.0.0.1:{proxy.port}", identity=identity, signer=private_key_signer(key), insecure=True,
                     grpc_options=[("grpc.keepalive_time_ms", 200), ("grpc.keepalive_timeout_ms", 500)]) as gateway:
            events = gateway.get_network(CHANNEL).chaincode_events("receivables")
            assert servicer.opened.wait(BOUND)
            failed = []
            reader = threading.Thread(target=_read_one, args=(events, failed), daemon=True)
            reader.start()
            reader.join(BOUND)
            assert failed, (
                f"the stream still looks open: the client sent {proxy.pings} pings, the connection drops at the "
                f"{PINGS_AWAITED}th")
        assert isinstance(failed[0], EventStreamError) and failed[0].code == grpc.StatusCode.UNAVAILABLE, failed[0]
    finally:
        servicer.release.set()
        proxy.close()
        server.stop(None)


def _read_one(events, failed):
    try:
        next(events)
    except Exception as error:   # noqa: BLE001 - what the reader met is what the test looks at
        failed.append(error)


def test_the_client_pings_no_more_often_than_a_fabric_peer_allows_and_without_a_limit_on_a_quiet_stream():
    options = _channel_options(())
    assert options["grpc.keepalive_time_ms"] >= FABRIC_PEER_MIN_PING_INTERVAL_MS
    assert options["grpc.http2.max_pings_without_data"] == 0   # gRPC's 0: no limit
