"""A peer whose host vanishes without closing its connection (a crash, a cut network): no FIN ever arrives."""

import asyncio
import contextlib

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2_grpc

from chaincode.feature_contract import FeatureContract
from chaincode.shim import server as chaincode_server

from .peer_double import PACKAGE_ID, Msg

# The pings are made seconds apart here (a minute and 20 s in production) so the test runs in seconds.
PING_INTERVAL_MS = 500
PING_TIMEOUT_MS = 1000
DEADLINE_SECONDS = 20.0   # far beyond a ping and its timeout: only a server that never pings reaches it


class CuttableRelay:
    """Relays TCP between the peer and the server until ``cut``, then swallows every byte both ways without
    closing either socket, as a network partition does."""

    def __init__(self, server_port: int) -> None:
        self._server_port = server_port
        self.cut = False
        self._connections: set[asyncio.Task] = set()

    async def start(self) -> int:
        self._listener = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self._listener.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._listener.close()
        for task in self._connections:
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _relay(self, peer_reader, peer_writer) -> None:
        self._connections.add(asyncio.current_task())
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self._server_port)

        async def pipe(reader, writer):
            while data := await reader.read(65536):
                if not self.cut:
                    writer.write(data)
                    await writer.drain()

        with contextlib.suppress(asyncio.CancelledError, OSError):
            await asyncio.gather(pipe(peer_reader, server_writer), pipe(server_reader, peer_writer))
        for writer in (peer_writer, server_writer):
            writer.close()


async def test_a_peer_cut_off_mid_transaction_has_its_stream_and_transaction_ended(monkeypatch):
    """The server pings the peer and ends a stream whose pings go unanswered, as Fabric's Go and Java
    chaincode servers do; without pings the stream and the transaction waiting for its GET_STATE reply
    stayed open for good, counted in flight."""
    # as Fabric's Go server pings (a minute, 20 s); the peer's gRPC client takes pings at any rate
    production = (chaincode_server.SERVER_PING_INTERVAL_MS, chaincode_server.SERVER_PING_TIMEOUT_MS)
    assert production == (60_000, 20_000)
    monkeypatch.setattr(chaincode_server, "SERVER_PING_INTERVAL_MS", PING_INTERVAL_MS)
    monkeypatch.setattr(chaincode_server, "SERVER_PING_TIMEOUT_MS", PING_TIMEOUT_MS)
    server = chaincode_server.ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID)
    relay = CuttableRelay(await server.start())
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{await relay.start()}")
    try:
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        assert (await call.read()).type == Msg.REGISTER
        await call.write(Msg(type=Msg.REGISTERED))
        await call.write(Msg(type=Msg.READY))
        get_state = chaincode_pb2.ChaincodeInput(args=[b"features:GetState", b"k"]).SerializeToString()
        await call.write(Msg(type=Msg.TRANSACTION, txid="t", channel_id="c", payload=get_state))
        assert (await call.read()).type == Msg.GET_STATE   # the transaction waits for the peer's answer...
        assert server.metrics.in_flight == 1
        relay.cut = True                                   # ...and the peer is gone, without a word

        async def stream_ended():
            while server.metrics.peer_streams:
                await asyncio.sleep(0.1)

        await asyncio.wait_for(stream_ended(), DEADLINE_SECONDS)
        assert server.metrics.in_flight == 0
        assert server.metrics.transactions == {("features:GetState", "cancelled"): 1}
        call.cancel()
    finally:
        await channel.close()
        await relay.close()
        await server.stop(0)
