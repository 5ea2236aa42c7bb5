"""The peer's side of the Connect stream, played by a real grpc aio client with real protobufs.

``PeerSide`` dials the runtime's server, does the REGISTER/REGISTERED/READY
handshake, and sorts what the chaincode sends by (channel, tx id) so a test
can answer each transaction's requests in any order it likes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, chaincode_shim_pb2_grpc
from fabric_protos.peer import proposal_response_pb2

from chaincode.shim import ChaincodeServer, PeerOptions
from chaincode.testing import make_identity
from chaincode.testing._proposals import make_signed_proposal

Msg = shim_pb2.ChaincodeMessage
PACKAGE_ID = "recfin_1.0:0123456789abcdef"
CHANNEL = "recfin"
TIMEOUT = 5.0
CALLER = make_identity("SupplierMSP", "alice", attrs={"recfin.party": "913100"})


@contextlib.asynccontextmanager
async def running_server(contracts):
    server = ChaincodeServer(contracts, "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        yield port
    finally:
        await server.stop(0)


class PeerSide:
    def __init__(self, channel: grpc.aio.Channel, call) -> None:
        self._channel = channel
        self._call = call
        self._queues: dict[tuple[str, str], asyncio.Queue] = defaultdict(asyncio.Queue)
        self.keepalives: asyncio.Queue = asyncio.Queue()
        self._reader: asyncio.Task | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, port: int, options: PeerOptions | None = None, ready_payload: bytes | None = None):
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
        peer = cls(channel, call)
        register = await asyncio.wait_for(call.read(), TIMEOUT)
        peer.register = register
        await call.write(Msg(type=Msg.REGISTERED))
        payload = ready_payload if ready_payload is not None else (options or PeerOptions()).to_ready_payload()
        await call.write(Msg(type=Msg.READY, payload=payload))
        peer._reader = asyncio.create_task(peer._read_all())
        try:
            yield peer
        finally:
            # Close our half first: the chaincode sees the end of the stream and ends the call,
            # which lets the reader finish on EOF.
            await call.done_writing()
            await asyncio.wait_for(peer._reader, TIMEOUT)
            await channel.close()

    async def _read_all(self) -> None:
        while True:
            message = await self._call.read()
            if message is grpc.aio.EOF:
                return
            if message.type == Msg.KEEPALIVE:
                await self.keepalives.put(message)
            else:
                await self._queues[(message.channel_id, message.txid)].put(message)

    async def send(self, message) -> None:
        await self._call.write(message)

    async def start(self, tx_id: str, *args: str | bytes, transient: dict[str, bytes] | None = None) -> None:
        """Send a TRANSACTION as the peer does: ChaincodeInput payload plus the client's SignedProposal."""
        raw = [a.encode() if isinstance(a, str) else a for a in args]
        proposal, _ = make_signed_proposal(
            channel_id=CHANNEL, chaincode_name="recfin", args=raw, creator=bytes(CALLER), transient=transient
        )
        await self.send(
            Msg(
                type=Msg.TRANSACTION,
                payload=chaincode_pb2.ChaincodeInput(args=raw).SerializeToString(),
                txid=tx_id,
                channel_id=CHANNEL,
                proposal=proposal,
            )
        )

    async def next_message(self, tx_id: str, channel_id: str = CHANNEL):
        """The next message the chaincode sent for the transaction, whatever its type."""
        return await asyncio.wait_for(self._queues[(channel_id, tx_id)].get(), TIMEOUT)

    def unread(self, tx_id: str, channel_id: str = CHANNEL) -> int:
        """How many messages the chaincode sent for the transaction that no test has taken yet."""
        return self._queues[(channel_id, tx_id)].qsize()

    async def expect(self, tx_id: str, message_type: int, channel_id: str = CHANNEL):
        message = await self.next_message(tx_id, channel_id)
        assert Msg.Type.Name(message.type) == Msg.Type.Name(message_type), message
        return message

    async def still_serves_a_read(self, function: str, tx_id: str = "after") -> None:
        """Runs ``function``, a transaction that returns the value of the key it is given, to its end: after
        something that could have broken the stream, it still serves."""
        await self.start(tx_id, function, "k")
        await self.expect(tx_id, Msg.GET_STATE)
        await self.reply(tx_id, b"still here")
        response = proposal_response_pb2.Response.FromString((await self.expect(tx_id, Msg.COMPLETED)).payload)
        assert (response.status, response.payload) == (200, b"still here")

    async def reply(self, tx_id: str, payload: bytes = b"", *, error: bool = False, channel_id: str = CHANNEL) -> None:
        kind = Msg.ERROR if error else Msg.RESPONSE
        await self.send(Msg(type=kind, payload=payload, txid=tx_id, channel_id=channel_id))
