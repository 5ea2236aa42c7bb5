"""Events requests: chaincode events through the Gateway, blocks through the peer's Deliver service."""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2
from google.protobuf import timestamp_pb2
from google.protobuf.message import DecodeError
import grpc

from ._checkpointer import MAX_BLOCK_NUMBER, Checkpoint, FileCheckpointer, InMemoryCheckpointer, _is_transaction_id
from ._context import CallDeadline, Context
from ._event_iterators import AsyncEventIterator, EventIterator, OnOpen, StreamHold, open_events
from ._proposal import new_nonce
from ._signable import Signable, channel_header_problem, identity_problem, signature_header_creator
from ._transport import DELIVER_KINDS, wrong_answer
from ._twins import Offload, done_awaiting, done_blocking
from .errors import DeliverStatusError, GatewayError


@dataclass(frozen=True)
class ChaincodeEvent:
    """An event a chaincode emitted in a transaction that committed as valid."""

    block_number: int
    transaction_id: str
    chaincode_name: str
    event_name: str
    payload: bytes


def start_position(
    start_block: int | None, checkpoint: Checkpoint | None, *, channel: str, chaincode: str | None = None
) -> tuple[ab_pb2.SeekPosition, str]:
    """Seek position and after-transaction ID: a checkpoint wins over start_block; default is the next commit.

    ``channel`` and ``chaincode`` (None for block events) are the listener's: a checkpointer (in memory or a file)
    of another one is refused (``InMemoryCheckpointer.check_listener``), and so is one another stream has open
    (``CheckpointerInUse``). One that names none records them
    only once the request's stream has opened (``_EventsRequest._records_listener``): a request refused, by
    the peer (a mistyped channel) or here, leaves it free for the one made right.

    A checkpoint at block 0 with no transaction is empty, as in the official clients: their file
    checkpointer writes that state before the first event, and resuming from it must not replay
    the channel from its genesis block.

    Both are checked here, when a request is built, rather than when its stream is read.
    """
    if start_block is not None:
        check_block_number("start_block", start_block)
    check_checkpoint(checkpoint)
    if isinstance(checkpoint, InMemoryCheckpointer):   # a FileCheckpointer too; another Checkpoint has no listener
        checkpoint.refuse_another_listener(channel, chaincode)
        checkpoint._refuse_if_in_use()   # taken only once the stream opens (an async one at its first read)
    if holds_position(checkpoint):
        position = ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=checkpoint.block_number))
        return position, checkpoint.transaction_id or ""
    if start_block is not None:
        return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=start_block)), ""
    return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit()), ""


def check_block_number(name: str, number) -> None:
    """Raise ValueError unless ``number`` is a block number: a whole number (not a bool) that Fabric's uint64 holds."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_BLOCK_NUMBER:
        raise ValueError(f"{name} {number!r}: give a block number, a whole number from 0 to 2**64 - 1")


def check_checkpoint(checkpoint) -> None:
    """Raise TypeError unless ``checkpoint`` is None or a checkpointer whose position is a block number and a
    transaction ID (a path given in its place would otherwise fail only when the stream opens)."""
    if checkpoint is None:
        return
    if isinstance(checkpoint, type):
        # a class has the properties a checkpointer has, so it would pass for one and fail on a property object
        made = "FileCheckpointer(path)" if issubclass(checkpoint, FileCheckpointer) else f"{checkpoint.__name__}()"
        raise TypeError(f"checkpoint is the class {checkpoint.__name__} itself, not a checkpointer: make one, {made}, "
                        "and give it")
    if not isinstance(checkpoint, Checkpoint):
        raise TypeError(
            f"checkpoint {checkpoint!r} is a {type(checkpoint).__name__}, not a checkpointer: give "
            "FileCheckpointer(path) to resume from a file, or InMemoryCheckpointer()"
        )
    if isinstance(checkpoint, FileCheckpointer) and checkpoint.closed:
        # taken, the stream would open at a position another checkpointer of the file may have moved on from, and
        # the first event's checkpoint would fail only once that event was handled
        raise ValueError(f"the checkpointer of {checkpoint.path} is closed (its file released, perhaps held by "
                         "another checkpointer now): make a new FileCheckpointer of the file, which reads its "
                         "position, and give that")
    if checkpoint.block_number is not None:
        check_block_number("checkpoint.block_number", checkpoint.block_number)
    if not (checkpoint.transaction_id is None or isinstance(checkpoint.transaction_id, str)):
        raise TypeError(f"checkpoint.transaction_id {checkpoint.transaction_id!r}: give a transaction ID (str) or None")
    if checkpoint.transaction_id and not _is_transaction_id(checkpoint.transaction_id):
        # a checkpointer of your own, read from a damaged store: the peer would find no such transaction to resume
        # after, and the listener would skip or replay its block's events without a word
        raise ValueError(f"checkpoint.transaction_id {checkpoint.transaction_id!r:.80} is no Fabric transaction ID "
                         "(64 lowercase hex digits): repair the store it was read from, or resume with start_block "
                         "at the block of the last event handled")
    if checkpoint.transaction_id and checkpoint.block_number is None:
        # taken as no position, the stream would start at start_block or the next commit, past the events after it
        raise ValueError(f"checkpoint.transaction_id {checkpoint.transaction_id!r} comes with no block_number: a "
                         "checkpoint names the block to resume from and, within it, the last transaction handled. "
                         "Store the block number with it (the event's block_number), or resume with start_block at "
                         "the block of the last event handled")


def check_block_event_kind(kind) -> None:
    """Raise ValueError unless ``kind`` names one of the peer's Deliver services."""
    if not isinstance(kind, str) or kind not in DELIVER_KINDS:
        raise ValueError(f"unknown block event kind {kind!r}: give one of {', '.join(map(repr, DELIVER_KINDS))}")


def newest_position() -> ab_pb2.SeekPosition:
    """The peer's newest block: delivered at once, then every block it commits after it."""
    return ab_pb2.SeekPosition(newest=ab_pb2.SeekNewest())


def holds_position(checkpoint: Checkpoint | None) -> bool:
    """Whether a checkpoint says where to resume (and so wins over a start block): block 0 with no transaction
    is the state written before the first event, not a position."""
    if checkpoint is None or checkpoint.block_number is None:
        return False
    return checkpoint.block_number > 0 or bool(checkpoint.transaction_id)


DEFAULT_PEER_TIME_WINDOW_NS = 15 * 60 * 10**9
"""Fabric's default peer.authentication.timewindow, the time a Deliver request's stamp may be off the peer's
clock (common/deliver/deliver.go); a peer may be set to another."""


class _EventsRequest(Signable):
    """An events request, signed on demand. A kind of request says which stream it opens
    (``_open``) and what the stream's responses carry (``_convert``)."""

    _record_listener: OnOpen = None
    """Records the listener in the checkpointer the request was made with, once its stream is open, and
    returns the stream's hold on it: it withdraws that record should the stream fail before its first event,
    and frees the checkpointer for the next stream once this one is over; None for a request made without one,
    or rebuilt from bytes."""

    def _records_listener(self, checkpoint: Checkpoint | None, channel: str, chaincode: str | None) -> None:
        """Have the checkpointer record this request's listener when its stream opens (``check_listener``)."""
        if isinstance(checkpoint, InMemoryCheckpointer):
            # held weakly: the request, which its iterator holds, keeping a FileCheckpointer alive would keep
            # its file locked after the caller dropped it
            held = weakref.ref(checkpoint)
            self._record_listener = functools.partial(_record_listener, held, channel, chaincode)

    def _blocking_events(self) -> EventIterator:
        """Sign the request (unless it carries a signature) within ``Timeouts.open_events``, then open its stream."""
        request = done_blocking(self._sending(self._context.deadline("open_events", None)))
        return open_events(lambda: self._open(request), self._in_order(), self._record_listener)

    def _async_events(self) -> AsyncEventIterator:
        """The async iterator whose first read signs the request and opens its stream (``_opening``)."""
        if not self._signed_part().signature:
            self._refuse_another_identity()   # said by events(), as the blocking twin says it, not at the first read
        return AsyncEventIterator(self._opening, self._in_order(), self._record_listener)

    async def _opening(self):
        """The stream, opened within ``Timeouts.open_events``: a signer waiting on an HSM or a service signs in
        a thread of its own, so that the event loop runs its other tasks, and the signature and a stream call
        written ``async def`` are each bounded by that timeout (``DEADLINE_EXCEEDED``), where a hung signer or
        peer held the first read, and with a signer the whole event loop, for ever."""
        deadline = self._context.deadline("open_events", None)
        request = await done_awaiting(self._sending(deadline))
        opening = self._open(request)
        if not (inspect.isawaitable(opening) and not hasattr(type(opening), "__anext__")):
            return opening   # the stream itself, as a plain stream call gives it
        try:
            # in this task, not one of its own: a read cancelled meanwhile (the iterator closed or dropped)
            # cancels the opening at once, before it can make a stream nobody would read or cancel
            async with asyncio.timeout(deadline.remaining()) as limit:
                return await opening
        except TimeoutError:
            if not limit.expired():
                raise   # the transport's own
            raise GatewayError(
                f"the transport's {self._kind.removesuffix(' request')} stream call gave no stream within "
                f"{deadline.seconds:g}s, Timeouts.open_events: "
                f"the peer ({self._context.peer_address or 'the gateway'}) "
                "may be down, unreachable or overloaded. Check it and open the stream again (from the "
                "checkpointer, which lost nothing); a peer slow to accept streams needs a longer "
                "Timeouts.open_events",
                code=grpc.StatusCode.DEADLINE_EXCEEDED,
            ) from None

    def _sending(self, deadline: CallDeadline) -> Offload:
        """The step that gives the request as it is sent: signed by the Gateway's signer, bounded by
        ``deadline`` (the opening's, ``Timeouts.open_events``) as a transaction's signature is by its call's,
        unless it carries a signature."""
        return self._signing("open_events", deadline, GatewayError)

    def _timeout_named(self, call_kind: str) -> str:
        if call_kind == "open_events":   # no event method takes a timeout= of its own
            return "the timeout of opening an event stream (Timeouts.open_events)"
        return super()._timeout_named(call_kind)

    def _open(self, request):
        raise NotImplementedError

    def _convert(self, response) -> list:
        raise NotImplementedError

    def _block_of(self, response) -> int | None:
        """The number of the block a response (already ``_convert``-ed) carries, None for one that carries none (or,
        on a chaincode events stream, no event)."""
        raise NotImplementedError

    def _start_block(self) -> int | None:
        """The block the request asks its stream to start at, None when it asks for the newest or the next."""
        raise NotImplementedError

    _blocks_follow_on = True
    """Whether each block of the stream is the one after the last (Deliver), or only later (chaincode events,
    which pass over the blocks without one)."""

    def _in_order(self) -> Callable[[object], list]:
        """``_convert`` for one stream, refusing (GatewayError, which cancels the stream) a block out of the order
        Fabric sends them in: from the block asked for, each after the last, and for Deliver the very next. Given
        on, a block after a gap would have a checkpoint of it skip the blocks missed for good, and one going back
        would give events again that were handled."""
        start, last = self._start_block(), None

        def convert(response) -> list:
            nonlocal last
            events = self._convert(response)
            number = self._block_of(response)
            if number is not None:
                problem = self._out_of_order(number, start, last)
                if problem:
                    raise _not_from_fabric(problem, f"Fabric's peer sends the blocks of a {self._stream_name()} "
                                                    "stream in ledger order from the block asked for")
                last = number
            return events

        return convert

    def _stream_name(self) -> str:
        return self._kind.removesuffix(" request")

    def _out_of_order(self, number: int, start: int | None, last: int | None) -> str:
        """What is wrong with a stream's block ``number`` coming after ``last`` (None: it is the first) on a stream
        asked to start at ``start`` (None: the newest or next block), or ""."""
        stream = f"a {self._stream_name()} stream"
        if last is None:
            if start is None or number == start or (number > start and not self._blocks_follow_on):
                return ""
            return f"the peer sent block {number} first on {stream} asked to start at block {start}"
        if number == last + 1 or (number > last and not self._blocks_follow_on):
            return ""
        if number > last:
            return (f"the peer sent block {number} after block {last} on {stream}, without block {last + 1} "
                    f"between them")
        if number == last:
            return f"the peer sent block {number} again on {stream}, after all of it"
        return f"the peer sent block {number} after block {last} on {stream}, going back"

    def _refuse_wrong_answer(self, call: str, response, expected: type) -> None:
        """A GatewayError, which ends the stream, for a response that is not the ``expected`` message (a
        transport of your own giving bytes or another message): no EventStreamError, as the stream opened again
        gives the same."""
        problem = wrong_answer(self._context.transport, f"{call} stream", response, expected, given="gave")
        if problem:
            raise GatewayError(f"{problem}. The stream was cancelled; nothing after the last event given was read")


def _record_listener(checkpointer: weakref.ref, channel: str, chaincode: str | None) -> StreamHold | None:
    """Record the listener (``_record_opened_listener``), giving the stream's hold on the checkpointer."""
    held = checkpointer()
    if held is None:   # one dropped has nothing to record in
        return None
    return held._record_opened_listener(channel, chaincode)


class _ChaincodeEventsRequestBase(_EventsRequest):
    _message_type = gateway_pb2.SignedChaincodeEventsRequest
    _signed_field = "request"
    _kind = "chaincode events request"

    @classmethod
    def _problem(cls, signed: gateway_pb2.SignedChaincodeEventsRequest) -> str | None:
        # A commit's bytes decode as a chaincode events request's, without the start position every one carries.
        request = gateway_pb2.ChaincodeEventsRequest.FromString(signed.request)
        if not (request.channel_id and request.chaincode_id):
            return "they name no channel or no chaincode"
        if not request.HasField("start_position"):
            return "they give no start position"
        return identity_problem(request.identity)

    def _creator(self) -> bytes:
        return gateway_pb2.ChaincodeEventsRequest.FromString(self._message.request).identity

    def _open(self, request: gateway_pb2.SignedChaincodeEventsRequest):
        return self._context.transport.chaincode_events(request)

    _blocks_follow_on = False

    def _block_of(self, response: gateway_pb2.ChaincodeEventsResponse) -> int | None:
        # Fabric's Gateway sends no response without events; one that comes gives the listener nothing to handle or
        # checkpoint, so its block number (0 when unset) can neither skip events nor repeat them
        return response.block_number if response.events else None

    def _start_block(self) -> int | None:
        request = gateway_pb2.ChaincodeEventsRequest.FromString(self._message.request)
        if request.after_transaction_id:
            # the Gateway starts at the block that holds that transaction where its ledger has it, whatever the
            # block asked for (internal/pkg/gateway/api.go): a checkpoint naming another block starts there
            return None
        return _specified_start(request.start_position)

    @functools.cached_property
    def _chaincode(self) -> str:
        """The chaincode whose events the request asks for (its signature, set later, changes none of it)."""
        return gateway_pb2.ChaincodeEventsRequest.FromString(self._message.request).chaincode_id

    def _convert(self, response: gateway_pb2.ChaincodeEventsResponse) -> list[ChaincodeEvent]:
        self._refuse_wrong_answer("chaincode_events", response, gateway_pb2.ChaincodeEventsResponse)
        listened = self._chaincode
        foreign = next((event.chaincode_id for event in response.events if event.chaincode_id != listened), None)
        if foreign is not None:
            # given on, it would be handled as this chaincode's, and its checkpoint refused only after that
            raise _not_from_fabric(
                f"the peer sent an event of chaincode {foreign!r:.80} (block {response.block_number}) on a stream of "
                f"the events of chaincode {listened!r}",
                "Fabric's Gateway sends the events of the chaincode asked for only")
        return [
            ChaincodeEvent(
                block_number=response.block_number,
                transaction_id=event.tx_id,
                chaincode_name=event.chaincode_id,
                event_name=event.event_name,
                payload=event.payload,
            )
            for event in response.events
        ]


class ChaincodeEventsRequest(_ChaincodeEventsRequestBase):
    """A request for one chaincode's events; ``events()`` signs it (if need be) and opens the stream."""

    def events(self) -> EventIterator[ChaincodeEvent]:
        return self._blocking_events()


class AsyncChaincodeEventsRequest(_ChaincodeEventsRequestBase):
    """The async twin of :class:`ChaincodeEventsRequest`; ``events()`` gives an async iterator."""

    def events(self) -> AsyncEventIterator[ChaincodeEvent]:
        return self._async_events()


def build_chaincode_events_request(
    context: Context, channel: str, chaincode: str, start_block: int | None, checkpoint: Checkpoint | None
) -> ChaincodeEventsRequest:
    position, after = start_position(start_block, checkpoint, channel=channel, chaincode=chaincode)
    request = gateway_pb2.ChaincodeEventsRequest(
        channel_id=channel,
        chaincode_id=chaincode,
        identity=context.signing.creator,
        start_position=position,
        after_transaction_id=after,
    )
    signed = gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())
    built = context.models.chaincode_events_request(context, signed)
    built._records_listener(checkpoint, channel, chaincode)
    return built


class _BlockEventsRequestBase(_EventsRequest):
    """``kind`` is ``"block"`` (full blocks), ``"filtered"`` (filtered blocks:
    transaction IDs, validation codes, chaincode event names without payload)
    or ``"private"`` (blocks with the private data this client may see). ``bytes`` do not
    carry it: give it again to ``new_block_events_request`` or ``new_signed_block_events_request``.
    """

    _message_type = common_pb2.Envelope
    _signed_field = "payload"
    _kind = "block events request"
    _rebuilt_from = "bytes, signature, kind=request.kind"

    @classmethod
    def _problem(cls, envelope: common_pb2.Envelope) -> str | None:
        payload = common_pb2.Payload.FromString(envelope.payload)
        channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        return channel_header_problem(channel_header, common_pb2.DELIVER_SEEK_INFO)

    _stamped_when_opened = False
    """True for a request built here, which this client signs: each time its stream opens it is stamped and
    signed anew (``_stamped_now``). False for one rebuilt from bytes, sent as it was signed."""

    def __init__(self, context: Context, envelope: common_pb2.Envelope, kind: str) -> None:
        check_block_event_kind(kind)  # here, where every request is made (built or rebuilt), not when its stream opens
        super().__init__(context, envelope)
        self.kind = kind

    def _sending(self, deadline: CallDeadline) -> Offload:
        if not self._stamped_when_opened:
            return super()._sending(deadline)
        # Deliver refuses (BAD_REQUEST) an envelope stamped more than the peer's time window
        # (peer.authentication.timewindow, 15 minutes by default) from its clock. An async iterator opens
        # its stream at its first read, and events() called again (a reconnect) opens another: each is
        # stamped then, bounded as any signature of an event request is.
        return self._stamped_within("open_events", deadline, self._kept_as_sent)

    def _kept_as_sent(self, envelope: common_pb2.Envelope) -> common_pb2.Envelope:
        """The request just stamped and signed, kept as the request's message (``bytes``, ``signature``); a
        stream opened meanwhile in another thread keeps its own."""
        self._message = envelope
        return envelope

    def _stamping(self, call_kind: str, deadline: CallDeadline) -> Offload:
        """The step of a shared body that stamps and signs the request now, bounded by ``deadline`` as
        :meth:`Signable._signing` bounds a signature (the time a signer that waits takes comes out of it), for
        a stream the body opens at once: ``events()`` then sends it as signed here, where a signer that hangs
        would hold the stream's opening for ever (and an async caller's event loop with it)."""
        return self._stamped_within(call_kind, deadline, self._opened_as_stamped)

    def _stamped_within(self, call_kind: str, deadline: CallDeadline,
                        finish: Callable[[common_pb2.Envelope], Any]) -> Offload:
        """The step that stamps and signs the request now (``_newly_stamped``), giving what ``finish`` makes
        of it, within what is left of ``deadline``, which a signer that waits starts."""
        waits = self._context.signing.may_wait
        if waits:
            deadline.start()
        return Offload(self._newly_stamped, waits=waits, deadline=deadline.remaining(), finish=finish,
                       gave_up=lambda: self._signer_gave_no_answer(call_kind, deadline.seconds, GatewayError))

    def _opened_as_stamped(self, envelope: common_pb2.Envelope) -> None:
        self._message, self._stamped_when_opened = envelope, False

    def _newly_stamped(self) -> common_pb2.Envelope:
        """The request stamped with the time now and a new nonce, signed; the request itself left as it is."""
        payload = common_pb2.Payload.FromString(self._message.payload)
        channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
        payload.header.CopyFrom(_seek_header(channel_header.channel_id, channel_header.tls_cert_hash,
                                             signature_header.creator))
        envelope = common_pb2.Envelope(payload=payload.SerializeToString())
        envelope.signature = self._context.signing.sign(envelope.payload)
        return envelope

    def _creator(self) -> bytes:
        return signature_header_creator(common_pb2.Payload.FromString(self._message.payload).header)

    def _open(self, envelope: common_pb2.Envelope):
        return self._context.transport.deliver(envelope, self.kind)

    def _stream_name(self) -> str:
        return DELIVER_KINDS[self.kind].events

    def _block_of(self, response: events_pb2.DeliverResponse) -> int | None:
        kind = response.WhichOneof("Type")
        if kind == "block":
            return response.block.header.number
        if kind == "filtered_block":
            return response.filtered_block.number
        if kind == "block_and_private_data":
            return response.block_and_private_data.block.header.number
        return None   # a status

    def _start_block(self) -> int | None:
        try:
            seek = ab_pb2.SeekInfo.FromString(common_pb2.Payload.FromString(self._message.payload).data)
        except DecodeError:
            return None   # a request rebuilt from bytes whose seek does not decode: the peer's refusal says so
        return _specified_start(seek.start)

    def _convert(self, response: events_pb2.DeliverResponse) -> list:
        self._refuse_wrong_answer("deliver", response, events_pb2.DeliverResponse)
        service = DELIVER_KINDS[self.kind]
        kind = response.WhichOneof("Type")
        if kind == service.response_field:
            return [getattr(response, kind)]
        if kind == "status":
            if response.status != common_pb2.SUCCESS:
                raise self._refusal(response.status)
            return []   # the end of a bounded seek: the stream ends after it
        # Passed over, it would be a block the listener never saw, and a checkpoint after the next one skips it.
        raise GatewayError(
            f"the peer answered a {service.events} request ({service.method}) with a Deliver response holding "
            f"{_deliver_answer(kind)}, not a {service.response_field}: the stream was cancelled, and nothing after "
            "the last event given was read. Something other than Fabric's Deliver service answered (a proxy, or a "
            f"peer that does not serve {service.method}): check the peer's address, then open the stream again "
            "from the checkpointer"
        )

    def _refusal(self, status: int) -> DeliverStatusError:
        """The status reply as an error; a BAD_REQUEST of a request stamped outside the peers' default time
        window of this machine's clock (one signed elsewhere and opened late) notes that as its likely reason,
        and the way out, as Deliver's reply names no reason."""
        refused = DeliverStatusError(status)
        payload = common_pb2.Payload.FromString(self._message.payload)
        stamp = common_pb2.ChannelHeader.FromString(payload.header.channel_header).timestamp
        late = time.time_ns() - stamp.ToNanoseconds()
        if status == common_pb2.BAD_REQUEST and abs(late) > DEFAULT_PEER_TIME_WINDOW_NS:
            refused.add_note(
                f"the request is stamped {stamp.ToJsonString()}, {abs(late) // 60_000_000_000} minutes "
                f"{'before' if late > 0 else 'after'} this machine's clock: the peer's Deliver service "
                "refuses one stamped more than its time window (peer.authentication.timewindow, 15 minutes "
                "by default) from its clock. Sign a new request (network.new_block_events_request, from the "
                "checkpointer's position) and open it at once"
            )
        return refused


def _not_from_fabric(problem: str, what_fabric_sends: str) -> GatewayError:
    """The error that ends a stream on ``problem``, a response Fabric never sends (it sends ``what_fabric_sends``):
    no EventStreamError, as the stream opened again from the same address gets the same answerer."""
    return GatewayError(
        f"{problem}: the stream was cancelled, and nothing after the last event given was read. {what_fabric_sends}; "
        "something else answered (a proxy, or a service that is not Fabric's): check the peer's address, then open "
        "the stream again from the checkpointer, which resumes after the last event checkpointed")


def _specified_start(position: ab_pb2.SeekPosition) -> int | None:
    """The block a request's start position names, None for the newest or the next commit."""
    return position.specified.number if position.WhichOneof("Type") == "specified" else None


def _deliver_answer(kind: str | None) -> str:
    """What a Deliver response of another kind than the one asked for holds, as an error names it."""
    return f"a {kind}" if kind else "nothing (no block and no status)"


class BlockEventsRequest(_BlockEventsRequestBase):
    """A request for blocks from the peer's Deliver service; ``events()`` signs it and opens the stream."""

    def events(self) -> EventIterator:
        return self._blocking_events()


class AsyncBlockEventsRequest(_BlockEventsRequestBase):
    """The async twin of :class:`BlockEventsRequest`; ``events()`` gives an async iterator."""

    def events(self) -> AsyncEventIterator:
        return self._async_events()


def build_block_events_request(
    context: Context,
    channel: str,
    kind: str,
    position: ab_pb2.SeekPosition,
    checkpoint: Checkpoint | None = None,
) -> BlockEventsRequest:
    """A request for blocks from ``position`` on (see :func:`start_position`, :func:`newest_position`); the
    ``checkpoint`` the position was taken from records the channel as its listener once the stream opens."""
    seek = ab_pb2.SeekInfo(
        start=position,
        stop=ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=MAX_BLOCK_NUMBER)),
        behavior=ab_pb2.SeekInfo.BLOCK_UNTIL_READY,
    )
    header = _seek_header(channel, context.tls_certificate_hash, context.signing.creator)
    payload = common_pb2.Payload(header=header, data=seek.SerializeToString())
    envelope = common_pb2.Envelope(payload=payload.SerializeToString())
    built = context.models.block_events_request(context, envelope, kind)
    built._stamped_when_opened = True
    built._records_listener(checkpoint, channel, None)
    return built


def _seek_header(channel: str, tls_cert_hash: bytes, creator: bytes) -> common_pb2.Header:
    """A Deliver request's header: stamped with the time now, and a new nonce."""
    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(time.time_ns())
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.DELIVER_SEEK_INFO,
        timestamp=stamp,
        channel_id=channel,
        epoch=0,
        tls_cert_hash=tls_cert_hash,
    )
    return common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=common_pb2.SignatureHeader(creator=creator, nonce=new_nonce()).SerializeToString(),
    )
