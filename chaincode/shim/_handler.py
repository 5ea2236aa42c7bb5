"""The chaincode side of one peer's Connect stream: register, then serve transactions concurrently.

Each peer opens its own stream and several peers endorse the same
transaction at once, so transaction state is keyed by (stream, channel, tx id):
one handler per stream, and (channel, tx id) within it. All writes to the
stream go through one lock, since interleaved writes from several tasks lose
messages. Every transaction ends with a COMPLETED message, whatever happened,
so the peer never waits out its execute timeout.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable

from fabric_protos.peer import chaincode_event_pb2, chaincode_pb2, chaincode_shim_pb2 as shim_pb2
from fabric_protos.peer import proposal_response_pb2
from google.protobuf.message import DecodeError

from ._errors import PeerError
from ._execution import Invoke, execute_transaction
from ._peer_options import PeerOptions
from ._proposal import decode_proposal
from ._stub import ChaincodeStub
from ._types import INTERNAL_ERROR, OK, Response
from .operations import ChaincodeMetrics

logger = logging.getLogger(__name__)

Msg = shim_pb2.ChaincodeMessage
TxKey = tuple[str, str]  # (channel id, tx id); the handler itself stands for the stream


def _type_name(kind: int) -> str:
    """The message type's name; a number no enum value names (a newer or a hostile peer) must not raise."""
    try:
        return Msg.Type.Name(kind)
    except ValueError:
        return f"message type {kind}"


class _State(enum.Enum):
    CREATED = "created"
    ESTABLISHED = "established"
    READY = "ready"


class _TransactionRequests:
    """The PeerTransport of one transaction on one stream: one request in flight at a time.

    The peer refuses a second request for a transaction while one is pending,
    so requests from concurrent tasks of the same transaction queue here.
    """

    def __init__(self, handler: StreamHandler, channel_id: str, tx_id: str) -> None:
        self._handler = handler
        self._key: TxKey = (channel_id, tx_id)
        self._lock = asyncio.Lock()

    async def request(self, message_type: int, payload: bytes) -> bytes:
        channel_id, tx_id = self._key
        async with self._lock:
            reply_future = asyncio.get_running_loop().create_future()
            self._handler._pending_replies[self._key] = reply_future
            self._handler.metrics.request_sent(message_type)
            try:
                await self._handler._send(Msg(type=message_type, payload=payload, txid=tx_id, channel_id=channel_id))
                reply: shim_pb2.ChaincodeMessage = await reply_future
            finally:
                self._handler._pending_replies.pop(self._key, None)
        if reply.type == Msg.RESPONSE:
            return reply.payload
        if reply.type == Msg.ERROR:
            raise PeerError(reply.payload.decode("utf-8", "replace"))
        raise PeerError(f"unexpected {_type_name(reply.type)} reply to {_type_name(message_type)}")


class StreamHandler:
    """Speaks the chaincode protocol over one stream, given functions that read and write its messages.

    ``read`` returns the next message, or None (or grpc's EOF) when the peer
    closed the stream; ``write`` sends one message. ``metrics`` (the server's, shared by its
    streams) counts the stream, its transactions and their requests to the peer.
    """

    def __init__(
        self,
        invoke: Invoke,
        package_id: str,
        read: Callable[[], Awaitable[object]],
        write: Callable[[shim_pb2.ChaincodeMessage], Awaitable[None]],
        metrics: ChaincodeMetrics | None = None,
    ) -> None:
        self.metrics = metrics if metrics is not None else ChaincodeMetrics()
        self._invoke = invoke
        self._package_id = package_id
        self._read = read
        self._write = write
        self._write_lock = asyncio.Lock()
        self._state = _State.CREATED
        self.options = PeerOptions()
        self._pending_replies: dict[TxKey, asyncio.Future] = {}
        self._running: dict[TxKey, asyncio.Task] = {}
        self._background: set[asyncio.Task] = set()  # keeps fire-and-forget sends alive

    async def _send(self, message: shim_pb2.ChaincodeMessage) -> None:
        async with self._write_lock:
            await self._write(message)

    async def run(self) -> None:
        """Register, then handle messages until the peer closes the stream."""
        register = Msg(type=Msg.REGISTER, payload=chaincode_pb2.ChaincodeID(name=self._package_id).SerializeToString())
        self.metrics.peer_streams += 1
        try:
            await self._send(register)
            while True:
                message = await self._read()
                if not isinstance(message, shim_pb2.ChaincodeMessage):
                    logger.info("peer closed the chaincode stream")
                    return
                await self._dispatch(message)
        finally:
            self.metrics.peer_streams -= 1
            await self._shut_down()

    async def _shut_down(self) -> None:
        for future in self._pending_replies.values():
            if not future.done():
                future.set_exception(PeerError("the peer closed the stream"))
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _dispatch(self, message: shim_pb2.ChaincodeMessage) -> None:
        kind = message.type
        if logger.isEnabledFor(logging.DEBUG):  # the arguments alone cost more than a disabled call
            logger.debug("received %s for tx %s", _type_name(kind), message.txid[:8])
        # Replies first: they are most of the traffic, one per request a transaction sends.
        if kind == Msg.RESPONSE or kind == Msg.ERROR:
            future = self._pending_replies.get((message.channel_id, message.txid))
            if future is None or future.done():
                logger.warning("dropping an unexpected %s for tx %s", _type_name(kind), message.txid)
            else:
                future.set_result(message)
        elif kind == Msg.KEEPALIVE:
            await self._send(Msg(type=Msg.KEEPALIVE))
        elif kind == Msg.REGISTERED:
            self._state = _State.ESTABLISHED
        elif kind == Msg.READY:
            try:
                self.options = PeerOptions.from_ready_payload(message.payload)
            except DecodeError:
                logger.warning("READY payload does not parse: no write batching, no multi-key reads")
                self.options = PeerOptions()
            self._state = _State.READY
            logger.info("chaincode %s ready (peer options: %s)", self._package_id, self.options)
        elif kind == Msg.TRANSACTION or kind == Msg.INIT:
            self._start_transaction(message)
        else:
            logger.warning("ignoring %s in state %s", _type_name(kind), self._state.value)

    def _start_transaction(self, message: shim_pb2.ChaincodeMessage) -> None:
        key = (message.channel_id, message.txid)
        if self._state is not _State.READY:
            self._reply_error(message, f"chaincode is not ready (state {self._state.value})")
            return
        if key in self._running:
            self._reply_error(message, f"transaction {message.txid} is already running on this stream")
            return
        task = asyncio.create_task(self._run_transaction(message), name=f"tx-{message.txid[:8]}")
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))

    def _reply_error(self, message: shim_pb2.ChaincodeMessage, text: str) -> None:
        logger.error("refusing tx %s: %s", message.txid, text)
        reply = Msg(type=Msg.ERROR, payload=text.encode(), txid=message.txid, channel_id=message.channel_id)
        task = asyncio.create_task(self._send(reply))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _run_transaction(self, message: shim_pb2.ChaincodeMessage) -> None:
        started = self.metrics.transaction_started()
        function: bytes | None = None
        # Set once COMPLETED is sent: stays None (counted as cancelled) when the stream closes
        # first, the task being cancelled, or when sending the answer fails.
        status: int | None = None
        try:
            event = None
            try:
                chaincode_input = chaincode_pb2.ChaincodeInput.FromString(message.payload)
                function = chaincode_input.args[0] if chaincode_input.args else None
                proposal = decode_proposal(message.proposal if message.HasField("proposal") else None)
                stub = ChaincodeStub(
                    _TransactionRequests(self, message.channel_id, message.txid),
                    channel_id=message.channel_id,
                    tx_id=message.txid,
                    args=list(chaincode_input.args),
                    proposal=proposal,
                    options=self.options,
                    decorations=dict(chaincode_input.decorations),
                )
                if message.type == Msg.INIT and not chaincode_input.args:
                    # An init call that names no function has nothing to run (as in Fabric's contract API).
                    response = Response(OK)
                else:
                    response = await execute_transaction(self._invoke, stub)
                event = stub.event if response.ok else None
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a malformed message must still be answered
                logger.exception("could not start tx %s", message.txid)
                response = Response(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
            completed = Msg(
                type=Msg.COMPLETED,
                payload=proposal_response_pb2.Response(
                    status=response.status, message=response.message, payload=response.payload
                ).SerializeToString(),
                txid=message.txid,
                channel_id=message.channel_id,
            )
            if event is not None:
                completed.chaincode_event.CopyFrom(
                    chaincode_event_pb2.ChaincodeEvent(event_name=event[0], payload=event[1]))
            try:
                await self._send(completed)
                status = response.status
            except Exception:
                logger.exception("could not send COMPLETED for tx %s", message.txid)
        finally:
            self.metrics.transaction_finished(function, status, started)
