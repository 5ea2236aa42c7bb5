"""The chaincode side of one peer's Connect stream: register, then serve transactions concurrently.

Each peer opens its own stream and several peers endorse the same
transaction at once, so transaction state is keyed by (stream, channel, tx id):
one handler per stream, and (channel, tx id) within it. All writes to the
stream go through one lock, since interleaved writes from several tasks lose
messages, and a write gRPC has taken finishes even when its transaction is
cancelled: cut short, it would fail every other write on the stream. Every
transaction ends with a COMPLETED message, whatever happened, so the peer never
waits out its execute timeout.

When the server stops, ``drain`` refuses each new transaction with an ERROR
(the peer fails its endorsement with the reason at once), lets the running ones
finish, and then ends the stream: the peer never ends it by itself, and gRPC
would otherwise cancel it, and the transactions on it, at the end of its grace.
Those still running when the grace ends are cancelled by ``cut_running`` and
answered with status 500 saying why, rather than left unanswered.

No message may exceed MAX_MESSAGE_BYTES: gRPC ends the whole Connect call on one
that does, and with it every transaction the peer is running on the stream. A
request that large fails its own transaction before it is sent, and an answer
that large is replaced by a status-500 one saying so. One from the peer that large
(up to the server's receive ceiling, beyond which gRPC ends the call) is refused alone.

A request the peer leaves unanswered for ``reply_timeout`` seconds (CHAINCODE_PEER_REPLY_TIMEOUT, by
default DEFAULT_PEER_REPLY_TIMEOUT) fails its transaction with a PeerError saying so: a live peer answers
every request, even one of a transaction it has given up on, so only a wedged peer leaves one unanswered,
and without a deadline the transaction, and a stopping server with it, would wait for good.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable

from fabric_protos.peer import chaincode_event_pb2, chaincode_pb2, chaincode_shim_pb2 as shim_pb2
from fabric_protos.peer import proposal_response_pb2
from google.protobuf.message import DecodeError

from ._errors import InvalidValue, PeerError
from ._execution import Invoke, execute_transaction, failure_response, is_transaction_failure
from ._peer_options import MAX_MESSAGE_BYTES, PeerOptions
from ._proposal import decode_proposal
from ._stub import ChaincodeStub
from ._text import cap_response_message
from ._types import INTERNAL_ERROR, OK, Response
from .operations import ChaincodeMetrics

logger = logging.getLogger(__name__)

Msg = shim_pb2.ChaincodeMessage
TxKey = tuple[str, str]  # (channel id, tx id); the handler itself stands for the stream
# The ERROR payload refusing a transaction that arrives once the server has begun to stop. The peer
# answers the client "transaction returned with failure: " and this, so the client can try another peer.
STOPPING_REASON = "chaincode server is stopping"
_DRAINED = object()   # what the next message is once a draining stream has no transaction left
# Seconds a request waits for the peer's reply: twice the peer's default execute timeout
# (chaincode.executetimeout, 30 s), by when the peer has failed the transaction itself, so
# that no reply a working peer sends is cut short.
DEFAULT_PEER_REPLY_TIMEOUT = 60.0
# The tx IDs the warning of a stream that ended under running transactions names; it counts the rest.
_LOGGED_CUT_TRANSACTIONS = 10
# Seconds the end of a stream waits for the transactions it cancelled to end before it gives up on them: a
# cancelled transaction ends within a pass or two of the event loop, unless its contract code swallows the
# cancellation.
CANCELLED_TRANSACTION_WAIT_SECONDS = 1.0
# Seconds after REGISTER by when a stream not yet READY is logged as an error. A peer answers REGISTERED, then
# READY, as soon as REGISTER arrives; one that refuses the registration (a package ID it is not launching: a
# stale CHAINCODE_ID after a new package was installed, say) says nothing to the chaincode and leaves the stream
# open, so without this line the server's log would show only the peer's connection.
REGISTRATION_TIMEOUT_SECONDS = 10.0


# Requests that carry what the transaction writes; any other request carries only keys or a query to read with.
_WRITE_REQUESTS = frozenset({Msg.PUT_STATE, Msg.DEL_STATE, Msg.PUT_STATE_METADATA, Msg.PURGE_PRIVATE_DATA,
                             Msg.WRITE_BATCH_STATE})


def _too_large_advice(message_type: int) -> str:
    """What to change when a request is over the message limit: a write's values, a read's keys or query."""
    if message_type in _WRITE_REQUESTS:
        return "use smaller keys and values, or fewer writes in one transaction"
    if message_type == Msg.INVOKE_CHAINCODE:
        return "pass smaller arguments to the chaincode called"
    return "read with shorter keys or a shorter query, or fewer keys in one request"


def _type_name(kind: int) -> str:
    """The message type's name; a number no enum value names (a newer or a hostile peer) must not raise."""
    try:
        return Msg.Type.Name(kind)
    except ValueError:
        return f"message type {kind}"


def request_message(message_type: int, payload: bytes, tx_id: str,
                    channel_id: str) -> shim_pb2.ChaincodeMessage:
    """The message carrying a transaction's request to the peer; one over MAX_MESSAGE_BYTES is refused
    (InvalidValue) before it is sent, failing its transaction rather than the whole stream."""
    outgoing = Msg(type=message_type, payload=payload, txid=tx_id, channel_id=channel_id)
    size = outgoing.ByteSize()
    if size > MAX_MESSAGE_BYTES:
        raise InvalidValue(f"{_type_name(message_type)} request too large: {size} bytes, the limit is "
                           f"{MAX_MESSAGE_BYTES}: {_too_large_advice(message_type)}")
    return outgoing


class OversizedMessage:
    """A message from the peer over MAX_MESSAGE_BYTES, as :func:`read_peer_message` hands it over: the stream's
    handler refuses it, saying ``size``, its length on the wire."""

    __slots__ = ("message", "size")

    def __init__(self, message: shim_pb2.ChaincodeMessage, size: int) -> None:
        self.message = message
        self.size = size


def read_peer_message(raw: bytes) -> shim_pb2.ChaincodeMessage | OversizedMessage:
    """The Connect stream's deserializer: the ChaincodeMessage ``raw`` holds, or, where ``raw`` is over
    MAX_MESSAGE_BYTES, an OversizedMessage for the handler to refuse. The size is the wire's, known here for
    nothing: measured on the parsed message (ByteSize), it is encoded again, a copy of every message the peer
    sends, and tens of milliseconds of the event loop for a reply of 10 MB."""
    message = Msg.FromString(raw)
    return OversizedMessage(message, len(raw)) if len(raw) > MAX_MESSAGE_BYTES else message


class MalformedMessage(Exception):
    """The peer sent bytes that do not parse as a ChaincodeMessage: the stream ends, as the Go shim ends it on a
    failed receive. The text is what the peer is told (gRPC status INVALID_ARGUMENT)."""


class _State(enum.Enum):
    CREATED = "created"
    ESTABLISHED = "established"
    READY = "ready"


class _TransactionRequests:
    """The PeerTransport of one transaction on one stream: one request in flight at a time.

    The peer drops a second request for a transaction while one is pending,
    so requests from concurrent tasks of the same transaction queue here, and
    the next one goes out only once the peer has answered the last: also when
    its caller stopped waiting (``asyncio.wait_for``, a failed TaskGroup
    sibling), since the peer still sends that reply, and the next request
    would otherwise be answered with it.
    """

    def __init__(self, handler: StreamHandler, channel_id: str, tx_id: str) -> None:
        self._handler = handler
        self._key: TxKey = (channel_id, tx_id)
        self._lock = asyncio.Lock()   # held from sending a request until its reply is in
        # Why the transaction sends nothing more: a request the peer left unanswered past the deadline, or
        # answered with a message of the wrong type.
        self.unanswered: str | None = None

    async def request(self, message_type: int, payload: bytes) -> bytes:
        handler = self._handler
        channel_id, tx_id = self._key
        outgoing = request_message(message_type, payload, tx_id, channel_id)
        await self._lock.acquire()   # cancelled while queued here: nothing was sent, nothing is owed
        if handler.closed:
            # Cleanup that runs as the closing stream cancels the transaction (``async with`` closing an
            # iterator, a ``finally``) would otherwise wait for a reply no reader is left to take, and the
            # stream's handler, waiting for the transaction, would never end.
            self._lock.release()
            raise PeerError(f"the peer closed the stream: {_type_name(message_type)} not sent")
        if self.unanswered is not None:
            # The reply the peer still owes could come now, and be taken for this request's.
            self._lock.release()
            raise PeerError(f"{self.unanswered}; {_type_name(message_type)} not sent")
        loop = asyncio.get_running_loop()
        reply_future = loop.create_future()
        deadline = loop.call_later(handler.reply_timeout, self._give_up, reply_future, message_type)
        reply_future.add_done_callback(lambda _: deadline.cancel())
        handler._pending_replies[self._key] = reply_future
        sent = False
        try:
            handler.metrics.request_sent(message_type)
            await handler._write_lock.acquire()   # cancelled while queued here: nothing is sent
            sent = True   # from here on the message goes out, even if this task is cancelled mid-write
            await handler._write_holding_lock(outgoing)
            # shielded: cancelling the caller must not cancel the future the reader fills. A reply already
            # queued would otherwise find it done, be dropped, and leave nothing to free the slot.
            reply: shim_pb2.ChaincodeMessage = await asyncio.shield(reply_future)
        except asyncio.CancelledError:
            if sent and not reply_future.done():
                self._release_when_answered(reply_future, message_type)
            else:
                self._release()
            raise
        except BaseException:
            self._release()
            raise
        self._release()
        if reply.type == Msg.RESPONSE:
            return reply.payload
        if reply.type == Msg.ERROR:
            reason = reply.payload.decode("utf-8", "replace")
            if not reason.strip():   # a Fabric peer always says why; said as nothing, the caller would learn nothing
                reason = (f"the peer refused {_type_name(message_type)} without saying why: check the peer's log "
                          f"for tx {tx_id}")
            raise PeerError(reason)
        # The reply the peer may still send could come next, and be taken for the next request's: the transaction
        # sends nothing more, and fails even if the contract catches this
        self.unanswered = self._answered_with_wrong_type(message_type, reply.type)
        raise PeerError(self.unanswered)

    def _answered_with_wrong_type(self, message_type: int, reply_type: int) -> str:
        """Why the transaction sends nothing more once the peer answered ``message_type`` with ``reply_type``."""
        return (f"the peer answered {_type_name(message_type)} with {_type_name(reply_type)}, not RESPONSE or ERROR, "
                f"which a Fabric peer never does: check the peer's version and log for tx {self._key[1]}")

    def _release(self) -> None:
        self._handler._pending_replies.pop(self._key, None)
        self._lock.release()

    def _give_up(self, reply_future: asyncio.Future, message_type: int) -> None:
        """The peer has not answered within the deadline: fail the request, waited for or abandoned, which
        frees the transaction to end; a reply arriving later finds no request waiting and is dropped."""
        if reply_future.done():
            return
        timeout = self._handler.reply_timeout
        self.unanswered = (f"the peer did not answer {_type_name(message_type)} within {timeout:g} s "
                           f"(CHAINCODE_PEER_REPLY_TIMEOUT): check the peer's log for tx {self._key[1]}")
        logger.error("tx %s: %s", self._key[1], self.unanswered)
        reply_future.set_exception(PeerError(self.unanswered))

    def _release_when_answered(self, reply_future: asyncio.Future, message_type: int) -> None:
        """The caller stopped waiting for a reply the peer still owes: keep the transaction's slot,
        and its lock, until that reply comes (or the stream closes), then drop it."""

        def arrived(future: asyncio.Future) -> None:
            # exception() retrieved: the stream closing fails it, and that is no news
            if not future.cancelled() and future.exception() is None:
                reply: shim_pb2.ChaincodeMessage = future.result()
                if reply.type != Msg.RESPONSE and reply.type != Msg.ERROR:
                    # as for a request still waited for: the peer's own reply may come yet, and answer the next
                    self.unanswered = self._answered_with_wrong_type(message_type, reply.type)
            logger.debug("tx %s: dropped the reply to an abandoned request", self._key[1])
            self._release()

        reply_future.add_done_callback(arrived)

    async def wait_for_replies(self) -> None:
        """Return once no request of the transaction awaits its reply, an abandoned one included,
        so that COMPLETED never overtakes a request the peer is still working on."""
        async with self._lock:
            pass


class StreamHandler:
    """Speaks the chaincode protocol over one stream, given functions that read and write its messages.

    ``read`` returns the next message (an :class:`OversizedMessage` for one over MAX_MESSAGE_BYTES, which it
    refuses: :func:`read_peer_message` deserializes so), or None (or grpc's EOF) when the peer
    closed the stream; ``write`` sends one message. ``metrics`` (the server's, shared by its
    streams) counts the stream, its transactions and their requests to the peer. A message
    that does not parse ends the stream with :class:`MalformedMessage`. A request unanswered
    after ``reply_timeout`` seconds fails its transaction. A stream the peer has not made ready
    ``registration_timeout`` seconds after REGISTER is logged as an error naming ``peer`` (its address).
    """

    def __init__(
        self,
        invoke: Invoke,
        package_id: str,
        read: Callable[[], Awaitable[object]],
        write: Callable[[shim_pb2.ChaincodeMessage], Awaitable[None]],
        metrics: ChaincodeMetrics | None = None,
        reply_timeout: float = DEFAULT_PEER_REPLY_TIMEOUT,
        *,
        registration_timeout: float = REGISTRATION_TIMEOUT_SECONDS,
        peer: str = "",
    ) -> None:
        self.metrics = metrics if metrics is not None else ChaincodeMetrics()
        self.reply_timeout = reply_timeout   # seconds a request waits for the peer's reply
        self._registration_timeout = registration_timeout
        self._peer = peer
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
        self._writes: set[asyncio.Task] = set()   # keeps each write alive until gRPC is done with it
        self._draining = False
        # Why each transaction ``cut_running`` cancelled is answered as failed: the cancellation alone would
        # leave it unanswered, as when the stream closes.
        self._cut_reasons: dict[TxKey, str] = {}
        self._answering: set[TxKey] = set()   # transactions sending COMPLETED: cut short, it could be sent twice
        self.closed = False   # the stream has ended: nothing more is read from it, nor sent on it
        # Resolved once the stream is drained, while the loop waits for the next message: the peer sends
        # nothing more on an idle stream, so a drained stream ends by no longer waiting for one.
        self._drained: asyncio.Future | None = None

    async def _send(self, message: shim_pb2.ChaincodeMessage) -> None:
        """Send ``message`` after the writes before it; cancelled while they go out, it is not sent."""
        await self._write_lock.acquire()
        await self._write_holding_lock(message)

    async def _write_holding_lock(self, message: shim_pb2.ChaincodeMessage) -> None:
        """Write ``message``, the write lock held, and release the lock once gRPC is done with it, not before.

        The write runs as a task of its own that the caller's cancellation does not reach: gRPC cannot take
        a write back once it has it, and a write cancelled while flow control holds it (the peer not reading
        yet) goes on inside gRPC, which fails every other write on the stream meanwhile
        (GRPC_CALL_ERROR_TOO_MANY_OPERATIONS): the other transactions' requests and answers. A transaction
        cancelled mid-write (its own ``asyncio.wait_for``, the end of a stop's grace) stops waiting; the
        write finishes, and the next one starts after it."""
        written = asyncio.get_running_loop().create_future()
        # held until done: the loop keeps only a weak reference to a task, and this one outlives its caller
        task = asyncio.ensure_future(self._write_then_release(message, written))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        await written

    async def _write_then_release(self, message: shim_pb2.ChaincodeMessage, written: asyncio.Future) -> None:
        try:
            await self._write(message)
        except Exception as exc:
            if not written.done():
                written.set_exception(exc)
            else:   # its caller stopped waiting: nobody is left to tell
                logger.debug("a write on the chaincode stream failed: %s: %s", type(exc).__name__, exc)
        else:
            if not written.done():
                written.set_result(None)
        finally:
            self._write_lock.release()
            if not written.done():   # the write itself was cancelled (the event loop closing): so is the send
                written.cancel()

    async def run(self) -> None:
        """Register, then handle messages until the peer closes the stream, or, after ``drain``,
        until no transaction runs on it."""
        register = Msg(type=Msg.REGISTER, payload=chaincode_pb2.ChaincodeID(name=self._package_id).SerializeToString())
        self.metrics.peer_streams += 1
        overdue = asyncio.get_running_loop().call_later(self._registration_timeout, self._registration_overdue)
        try:
            await self._send(register)
            while True:
                try:
                    message = await self._next_message()
                except DecodeError as exc:
                    # gRPC could read on, but such bytes name no transaction: the reply or TRANSACTION they
                    # carried would leave its transaction waiting out the peer's execute timeout. Ended, the
                    # stream has the peer fail its transactions at once ("chaincode stream terminated") and dial
                    # again, as after the Go shim's failed receive; one line says why, not gRPC's traceback of
                    # an unexpected error (and status UNKNOWN for the peer)
                    problem = f"malformed ChaincodeMessage from the peer: {exc}"
                    logger.error("ending the chaincode stream: %s", problem)
                    raise MalformedMessage(f"{problem}; the chaincode server ended the stream") from None
                if message is _DRAINED:
                    # the refusals sent meanwhile go out before the stream ends, or the peer never sees them
                    await asyncio.gather(*self._background, return_exceptions=True)
                    logger.info("ended the chaincode stream: the server is stopping and no transaction runs on it")
                    return
                if isinstance(message, OversizedMessage):
                    self._refuse_oversized(message.message, message.size)
                    # its hundreds of MiB freed now, not once the peer next sends something
                    del message
                    continue
                if not isinstance(message, shim_pb2.ChaincodeMessage):
                    logger.info("peer closed the chaincode stream")
                    return
                if not await self._dispatch(message):
                    return
        finally:
            overdue.cancel()
            self.metrics.peer_streams -= 1
            await self._shut_down()

    def _refuse_oversized(self, message: shim_pb2.ChaincodeMessage, size: int) -> None:
        """Refuse a message from the peer over MAX_MESSAGE_BYTES, saying how large it was and what to change: a
        TRANSACTION or INIT is answered ERROR, a reply fails the request awaiting it, anything else is dropped.
        The stream serves on (the server reads messages up to RECEIVE_CEILING_BYTES so that it can say this:
        at gRPC's limit the whole stream ended, and the log said only that the peer had disconnected)."""
        kind, tx_id = message.type, message.txid
        too_large = (f"{_type_name(kind)} message too large: {size} bytes, the chaincode server's limit is "
                     f"{MAX_MESSAGE_BYTES} bytes (MAX_MESSAGE_BYTES, Fabric's default gRPC limit); the peer sends "
                     f"one this large only with its peer.maxSendMsgSize (core.yaml) raised above that")
        if kind == Msg.TRANSACTION or kind == Msg.INIT:
            self._reply_error(message, f"{too_large}: have the client send smaller arguments and transient data "
                                       f"(the peer forwards the arguments twice: in the input and in the proposal)")
            return
        future = self._pending_replies.get((message.channel_id, tx_id))
        if (kind == Msg.RESPONSE or kind == Msg.ERROR) and future is not None and not future.done():
            logger.error("tx %s on channel %r: the peer's reply is %d bytes, over the %d-byte message limit: "
                         "failing its request", tx_id, message.channel_id, size, MAX_MESSAGE_BYTES)
            future.set_exception(PeerError(f"{too_large}: read fewer or smaller values in one request"))
            return
        logger.error("dropping a %s from the peer for tx %r on channel %r: %s", _type_name(kind), tx_id,
                     message.channel_id, too_large)

    def _registration_overdue(self) -> None:
        """The stream is not ready ``registration_timeout`` seconds after REGISTER: say why that may be, as the
        peer tells the chaincode nothing."""
        if self._state is _State.READY or self.closed:
            return
        peer = f"peer {self._peer}" if self._peer else "the peer"
        timeout = self._registration_timeout
        if self._state is _State.CREATED:
            logger.error("%s has not accepted this chaincode's registration as %r (no REGISTERED within %g s): a "
                         "peer refuses, without a word to the chaincode, a registration under a package ID it is "
                         "not launching, and its log says \"peer will not accept external chaincode connection %s\" "
                         "(or \"duplicate chaincodeID\"); set CHAINCODE_ID to the package ID `peer lifecycle "
                         "chaincode queryinstalled` lists for the definition committed on the channel (a new "
                         "package has a new ID) and restart this server", peer, self._package_id, timeout,
                         self._package_id)
        else:
            logger.error("%s registered this chaincode as %r but sent no READY within %g s: no transaction can run "
                         "on the stream; look for \"failed to start %s\" in the peer's log", peer,
                         self._package_id, timeout, self._package_id)

    async def _next_message(self) -> object:
        """The next message from the peer, or _DRAINED: at once when the stream is drained, or as soon
        as it is while waiting for one."""
        if self._draining and not self._running:
            return _DRAINED
        # The read is a task of its own, never interrupted by the drain: gRPC hands over a message it has
        # received only when its read resumes, so cancelling a read it had already completed would lose the
        # message, a TRANSACTION then getting neither COMPLETED nor the ERROR refusing it.
        reading = asyncio.ensure_future(self._read())
        # one future the read's end or the drain resolves, whichever comes first: the loop waits so once per
        # message from the peer, and asyncio.wait over the two would add half the cost of the read's task again
        woken = self._drained = asyncio.get_running_loop().create_future()
        reading.add_done_callback(lambda _: woken.done() or woken.set_result(None))
        try:
            await woken
        except BaseException:   # cancelled (gRPC ending the call): that stands, and the read goes with it
            _abandon(reading)
            raise
        finally:
            self._drained = None
        if reading.done():   # also when drained meanwhile: a TRANSACTION read then is refused, not lost
            return reading.result()
        _abandon(reading)
        return _DRAINED

    def drain(self) -> None:
        """Stop taking transactions on this stream: refuse each new TRANSACTION and INIT with an ERROR
        naming the reason, let the running ones finish, then end the stream (``run`` returns)."""
        self._draining = True
        self._end_stream_if_drained()

    def cut_running(self, reason: str) -> None:
        """Cancel every transaction still running on the stream and answer each with a status-500 COMPLETED
        saying ``reason``: a stop's grace is over, and cancelled with their stream instead, they would go
        unanswered, the peer failing them only as \"chaincode stream terminated\". One already sending its
        COMPLETED is left to finish. Once they have been answered, a draining stream ends."""
        for key, task in list(self._running.items()):
            if key not in self._answering:
                self._cut_reasons[key] = reason
                task.cancel()

    def _end_stream_if_drained(self) -> None:
        """Stop waiting for the next message once draining and no transaction runs. The loop checks
        the same before each read; this is for a loop already waiting, which the peer's silence would
        otherwise leave there until gRPC cancels the call."""
        if self._draining and not self._running and self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    async def _shut_down(self) -> None:
        self.closed = True
        for future in self._pending_replies.values():
            if not future.done():
                future.set_exception(PeerError("the peer closed the stream"))
        if self._running:
            # The peer fails these itself ("chaincode stream terminated"); said here too, since a stream
            # gRPC cancels (a peer gone, the end of a stop's grace) would otherwise leave no trace of them
            cut = [f"{tx_id} on channel {channel!r}" for channel, tx_id in self._running]
            unnamed = len(cut) - _LOGGED_CUT_TRANSACTIONS
            logger.warning("the chaincode stream ended with %d transaction(s) running, cancelled unanswered: "
                           "tx %s%s", len(cut), ", tx ".join(cut[:_LOGGED_CUT_TRANSACTIONS]),
                           f" and {unnamed} more" if unnamed > 0 else "")
        running = dict(self._running)
        for task in running.values():
            task.cancel()
        if not running:
            return
        # Bounded: contract code that catches CancelledError and carries on would otherwise hold the stream's end,
        # and the process with it until SIGKILL. The wait runs on when gRPC cancels this call again meanwhile (the
        # end of a stop), so that those left are still named.
        ended = asyncio.ensure_future(asyncio.wait(running.values(), timeout=CANCELLED_TRANSACTION_WAIT_SECONDS))
        ended.add_done_callback(lambda waited: _name_transactions_left(running, waited))
        await asyncio.shield(ended)

    async def _dispatch(self, message: shim_pb2.ChaincodeMessage) -> bool:
        """Handle one message from the peer; False when the stream must end."""
        kind = message.type
        if logger.isEnabledFor(logging.DEBUG):  # the arguments alone cost more than a disabled call
            logger.debug("received %s for tx %s", _type_name(kind), message.txid[:8])
        # Replies first: they are most of the traffic, one per request a transaction sends.
        if kind == Msg.RESPONSE or kind == Msg.ERROR:
            future = self._pending_replies.get((message.channel_id, message.txid))
            if future is None or future.done():
                logger.warning("dropping an unexpected %s for tx %s on channel %r: %s", _type_name(kind),
                               message.txid, message.channel_id, self._why_unexpected(message))
            else:
                future.set_result(message)
        elif kind == Msg.KEEPALIVE:
            await self._send(Msg(type=Msg.KEEPALIVE))
        elif kind == Msg.REGISTERED and self._state is _State.CREATED:
            self._state = _State.ESTABLISHED
        elif kind == Msg.READY and self._state is _State.ESTABLISHED:
            try:
                self.options = PeerOptions.from_ready_payload(message.payload)
            except DecodeError:
                logger.warning("READY payload does not parse: no write batching, no multi-key reads")
                self.options = PeerOptions()
            self._state = _State.READY
            logger.info("chaincode %s ready (peer options: %s)", self._package_id, self.options)
        elif kind == Msg.TRANSACTION or kind == Msg.INIT:
            self._start_transaction(message)
        elif (kind == Msg.REGISTERED or kind == Msg.READY) and self._state is not _State.READY:
            # READY before REGISTERED, or REGISTERED twice: the handshake went wrong, and the stream would never
            # become ready, every transaction on it refused as "not ready" for as long as it lived. Ending it, as
            # the Go shim does, lets the peer see the chaincode gone and launch it again.
            logger.error("ending the chaincode stream: %s out of turn in state %s (the peer sends REGISTERED, "
                         "then READY)", _type_name(kind), self._state.value)
            return False
        elif (kind != Msg.REGISTERED and kind != Msg.READY
              and (future := self._pending_replies.get((message.channel_id, message.txid))) is not None
              and not future.done()):
            # A type only the chaincode sends (COMPLETED, GET_STATE...) under a transaction awaiting a reply: the
            # peer's answer, of the wrong type. Ignored, the request would wait out CHAINCODE_PEER_REPLY_TIMEOUT
            # and the peer its execute timeout; taken, the request fails at once saying what came instead.
            logger.warning("tx %s on channel %r: the peer answered with %s, not RESPONSE or ERROR", message.txid,
                           message.channel_id, _type_name(kind))
            future.set_result(message)
        else:
            # a second REGISTERED or READY once ready included: taken, a REGISTERED would take the stream back to
            # ESTABLISHED and refuse every transaction until another READY came; the stream serves on instead
            logger.warning("ignoring %s in state %s", _type_name(kind), self._state.value)
        return True

    def _why_unexpected(self, reply: shim_pb2.ChaincodeMessage) -> str:
        """Why no request takes ``reply``: the same tx ID awaiting one on another channel points at the peer's
        side (a tx ID is unique on its channel only); none awaiting at all, at a reply that came too late."""
        elsewhere = sorted(channel for channel, tx_id in self._pending_replies if tx_id == reply.txid)
        if elsewhere:
            return f"no request of it awaits a reply there; one does on channel {elsewhere[0]!r}"
        return ("no request of it awaits a reply: answered already, given up after "
                "CHAINCODE_PEER_REPLY_TIMEOUT, or the transaction has ended")

    def _start_transaction(self, message: shim_pb2.ChaincodeMessage) -> None:
        key = (message.channel_id, message.txid)
        if self._draining:
            self._reply_error(message, STOPPING_REASON)
            return
        if self._state is not _State.READY:
            self._reply_error(message, f"chaincode is not ready (state {self._state.value})")
            return
        if key in self._running:
            self._reply_error(message, f"transaction {message.txid} is already running on this stream")
            return
        # named in full: the process's runner names the tasks it gives up on as it exits
        task = asyncio.create_task(self._run_transaction(message),
                                   name=f"tx {message.txid} on channel {message.channel_id!r}")
        self._running[key] = task
        task.add_done_callback(lambda _: self._transaction_ended(key))

    def _transaction_ended(self, key: TxKey) -> None:
        self._running.pop(key, None)
        self._end_stream_if_drained()

    def _reply_error(self, message: shim_pb2.ChaincodeMessage, text: str) -> None:
        logger.error("refusing tx %s: %s", message.txid, text)
        self.metrics.transaction_refused(_function_name(message))
        reply = Msg(type=Msg.ERROR, payload=text.encode(), txid=message.txid, channel_id=message.channel_id)
        task = asyncio.create_task(self._send(reply))
        self._background.add(task)
        tx_id = message.txid   # not the message: one refused as too large is not held while its refusal waits
        task.add_done_callback(lambda sent: self._refusal_sent(sent, tx_id))

    def _refusal_sent(self, task: asyncio.Task, tx_id: str) -> None:
        """A refusal's send has ended: one the stream ended before (the peer gone) is said in a line, rather
        than left to asyncio, which reports it as an exception never retrieved, with gRPC's traceback."""
        self._background.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.warning("tx %s: its refusal was not sent, the stream ended first (%s)", tx_id,
                           type(exc).__name__)

    async def _run_transaction(self, message: shim_pb2.ChaincodeMessage) -> None:
        key = (message.channel_id, message.txid)
        started = self.metrics.transaction_started()
        function: bytes | None = None
        # Set once COMPLETED is sent: stays None (counted as cancelled) when the stream closes
        # first, the task being cancelled, or when sending the answer fails.
        status: int | None = None
        try:
            try:
                chaincode_input = chaincode_pb2.ChaincodeInput.FromString(message.payload)
                function = chaincode_input.args[0] if chaincode_input.args else None
                proposal = decode_proposal(message.proposal if message.HasField("proposal") else None)
                requests = _TransactionRequests(self, message.channel_id, message.txid)
                stub = ChaincodeStub(
                    requests,
                    channel_id=message.channel_id,
                    tx_id=message.txid,
                    args=list(chaincode_input.args),
                    proposal=proposal,
                    options=self.options,
                    decorations=dict(chaincode_input.decorations),
                    max_message_bytes=MAX_MESSAGE_BYTES,
                )
                if message.type == Msg.INIT and not chaincode_input.args:
                    # An init call that names no function has nothing to run (as in Fabric's contract API).
                    response = Response(OK)
                else:
                    response = await execute_transaction(self._invoke, stub)
                await requests.wait_for_replies()
                if response.ok and requests.unanswered is not None:
                    # a request the contract stopped waiting for, a write say, the peer may never have
                    # taken: the transaction is not reported as done
                    response = failure_response(PeerError(requests.unanswered), message.txid)
                event = stub.event if response.ok else None
            except BaseException as exc:  # a malformed message must still be answered
                cut_reason = self._cut_reasons.get(key)
                if cut_reason is not None and isinstance(exc, asyncio.CancelledError) and not self.closed:
                    asyncio.current_task().uncancel()   # answered: a later cancel (the stream closing) still counts
                    logger.warning("tx %s on channel %r: %s", message.txid, message.channel_id, cut_reason)
                    response, event = Response(INTERNAL_ERROR, cut_reason), None
                elif not is_transaction_failure(exc):
                    raise   # this task is being cancelled: the stream is closing
                else:
                    logger.exception("could not run tx %s", message.txid)
                    response, event = failure_response(exc, message.txid), None
            response, completed = completed_within_limit(message, response, event)
            if self.closed:   # the transaction ran on as the stream closed (its cleanup): nobody to answer
                logger.info("tx %s: the peer closed the stream before the transaction ended", message.txid)
                return
            self._answering.add(key)
            try:
                await self._send(completed)
                status = response.status
            except Exception as exc:
                # the stream failed under the write: gRPC ended the call (the peer gone, the end of a stop's
                # grace) before the handler saw it end. One line says so; gRPC's traceback would add nothing
                logger.warning("tx %s: its COMPLETED was not sent, the stream failed first (%s: %s)", message.txid,
                               type(exc).__name__, exc)
        finally:
            self._answering.discard(key)
            self._cut_reasons.pop(key, None)
            self.metrics.transaction_finished(function, status, started)


def _name_transactions_left(running: dict[TxKey, asyncio.Task], waited: asyncio.Future) -> None:
    """Log the transactions of ``running`` that had not ended when ``waited``, the bounded wait for them after they
    were cancelled, gave up: their contract code swallows the cancellation, and they run on unanswered."""
    if waited.cancelled():   # the event loop itself is closing; the process's runner names what is left
        return
    _, left = waited.result()
    if not left:
        return
    named = [f"{tx_id} on channel {channel!r}" for (channel, tx_id), task in running.items() if task in left]
    logger.error("gave up on %d transaction(s) that did not end when cancelled %g s ago, left running unanswered: "
                 "tx %s: the contract code catches asyncio.CancelledError and carries on; have it re-raise the "
                 "error after its cleanup", len(named), CANCELLED_TRANSACTION_WAIT_SECONDS, ", tx ".join(named))


def _function_name(message: shim_pb2.ChaincodeMessage) -> bytes | None:
    """The function a TRANSACTION or INIT names, or None when it names none or does not parse."""
    try:
        args = chaincode_pb2.ChaincodeInput.FromString(message.payload).args
    except DecodeError:
        return None
    return args[0] if args else None


def _abandon(reading: asyncio.Future) -> None:
    """Cancel a read no longer waited for; its outcome, whatever it is, has nobody left to tell."""
    reading.cancel()
    reading.add_done_callback(lambda done: done.cancelled() or done.exception())


def completed_within_limit(message: shim_pb2.ChaincodeMessage, response: Response,
                           event: tuple[str, bytes] | None) -> tuple[Response, shim_pb2.ChaincodeMessage]:
    """The COMPLETED answer to ``message`` and the response it carries: one over MAX_MESSAGE_BYTES (a payload
    or an event too large) is replaced by status 500 saying so, without the event, since gRPC would end the
    whole stream for it."""
    completed = _completed_message(message, response, event)
    size = completed.ByteSize()
    if size <= MAX_MESSAGE_BYTES:
        return response, completed
    logger.warning("tx %s: its COMPLETED message is %d bytes, over the %d-byte limit: answering status 500 "
                   "instead", message.txid, size, MAX_MESSAGE_BYTES)
    response = Response(INTERNAL_ERROR, f"response too large: {size} bytes, the limit is "
                        f"{MAX_MESSAGE_BYTES}: return a smaller payload or event, e.g. a page of the "
                        f"results at a time")
    return response, _completed_message(message, response, None)


def _completed_message(message: shim_pb2.ChaincodeMessage, response: Response,
                       event: tuple[str, bytes] | None) -> shim_pb2.ChaincodeMessage:
    """The COMPLETED answer to ``message``, its response message cut to MAX_RESPONSE_MESSAGE_BYTES.
    Protobuf strings must encode as UTF-8: a message or event name that does not (a lone
    surrogate, say, from a client's JSON escape) goes out with the offending characters
    replaced, rather than leaving the transaction unanswered."""
    response = Response(response.status, cap_response_message(response.message), response.payload)
    try:
        return _build_completed(message, response, event)
    except UnicodeEncodeError:
        logger.warning("tx %s: the response message or event name is not valid Unicode; sending it with "
                       "the invalid characters replaced by '?'", message.txid)
        response = Response(response.status, _replace_unencodable(response.message), response.payload)
        event = (_replace_unencodable(event[0]), event[1]) if event is not None else None
        return _build_completed(message, response, event)


def _build_completed(message: shim_pb2.ChaincodeMessage, response: Response,
                     event: tuple[str, bytes] | None) -> shim_pb2.ChaincodeMessage:
    completed = Msg(
        type=Msg.COMPLETED,
        payload=proposal_response_pb2.Response(
            status=response.status, message=response.message, payload=response.payload
        ).SerializeToString(),
        txid=message.txid,
        channel_id=message.channel_id,
    )
    if event is not None:
        completed.chaincode_event.CopyFrom(chaincode_event_pb2.ChaincodeEvent(event_name=event[0], payload=event[1]))
    return completed


def _replace_unencodable(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")
