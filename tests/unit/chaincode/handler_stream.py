"""A StreamHandler driven without gRPC, for the tests of a stream's end: its reads played as grpc.aio's behave,
what it writes kept in order (after the test's own ``write``, which can hold or fail a message, as gRPC can)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fabric_protos.peer import chaincode_pb2

from chaincode.contract import Contract, ContractRouter
from chaincode.shim import StreamHandler

from .peer_double import CHANNEL, PACKAGE_ID, TIMEOUT, Msg


class ReadAsGrpcDoes:
    """A stream's ``read`` as grpc.aio's behaves: a message gRPC has received reaches the reader only when its
    awaiting read resumes, after whatever else the event loop had ready in the same pass."""

    def __init__(self) -> None:
        self._reads: asyncio.Queue[asyncio.Future] = asyncio.Queue()

    async def __call__(self):
        received = asyncio.get_running_loop().create_future()
        await self._reads.put(received)
        return await received

    async def next_read(self) -> asyncio.Future:
        """Once the stream reads: what completes that read, as gRPC does with a message once it is in."""
        return await self._reads.get()

    async def deliver(self, message) -> None:
        (await self.next_read()).set_result(message)


def new_transaction_message(kind: int, tx_id: str, function: str = "lookup:Read"):
    """A TRANSACTION or INIT (``kind``) calling ``function`` with the one argument "k"."""
    return Msg(type=kind, txid=tx_id, channel_id=CHANNEL,
               payload=chaincode_pb2.ChaincodeInput(args=[function.encode(), b"k"]).SerializeToString())


async def until(condition: Callable[[], bool]) -> None:
    """Return once ``condition()`` holds, checked at each pass of the event loop (TIMEOUT at most)."""
    async def polled():
        while not condition():
            await asyncio.sleep(0)
    await asyncio.wait_for(polled(), TIMEOUT)


async def _writes_at_once(message) -> None:
    pass


@dataclass
class HandlerStream:
    """A stream handler, its stream's ``read``, its ``run`` task, and what it has written (``sent``)."""

    handler: StreamHandler
    read: ReadAsGrpcDoes
    running: asyncio.Task
    sent: list = field(default_factory=list)

    async def start_awaiting_read(self, tx_id: str, function: str = "lookup:Read") -> None:
        """Have the peer send transaction ``tx_id`` of ``function``, a read of key "k", and return once its
        GET_STATE is sent: the transaction then waits for the peer's answer."""
        await self.read.deliver(new_transaction_message(Msg.TRANSACTION, tx_id, function))
        await until(lambda: any(message.type == Msg.GET_STATE and message.txid == tx_id for message in self.sent))


@contextlib.asynccontextmanager
async def ready_handler(contract: Contract, write: Callable[[object], Awaitable[None]] = _writes_at_once):
    """A HandlerStream serving ``contract``, registered and READY; ``write`` has each message before it is kept
    in ``sent``. The handler's run task is cancelled on the way out, if the test has not ended it."""
    read = ReadAsGrpcDoes()
    stream: HandlerStream | None = None

    async def write_and_keep(message) -> None:
        await write(message)
        stream.sent.append(message)

    handler = StreamHandler(ContractRouter([contract]).invoke, PACKAGE_ID, read, write_and_keep)
    stream = HandlerStream(handler, read, asyncio.create_task(handler.run()))
    try:
        await read.deliver(Msg(type=Msg.REGISTERED))
        await read.deliver(Msg(type=Msg.READY))
        yield stream
    finally:
        stream.running.cancel()   # nothing left to do when the test awaited it
