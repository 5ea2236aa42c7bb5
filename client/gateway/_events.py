"""Event streams: chaincode events through the Gateway, blocks through the peer's Deliver service."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Generic, Iterator, TypeVar

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2
from google.protobuf import timestamp_pb2

from ._checkpointer import Checkpoint
from ._context import Context
from ._proposal import new_nonce
from ._transport import TransportError
from .errors import GatewayError

T = TypeVar("T")

_MAX_BLOCK = 2**64 - 1


@dataclass(frozen=True)
class ChaincodeEvent:
    """An event a chaincode emitted in a transaction that committed as valid."""

    block_number: int
    transaction_id: str
    chaincode_name: str
    event_name: str
    payload: bytes


def start_position(start_block: int | None, checkpoint: Checkpoint | None) -> tuple[ab_pb2.SeekPosition, str]:
    """Seek position and after-transaction ID: a checkpoint wins over start_block; default is the next commit."""
    if checkpoint is not None and checkpoint.block_number is not None:
        position = ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=checkpoint.block_number))
        return position, checkpoint.transaction_id or ""
    if start_block is not None:
        if start_block < 0:
            raise ValueError("start_block must not be negative")
        return ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=start_block)), ""
    return ab_pb2.SeekPosition(next_commit=ab_pb2.SeekNextCommit()), ""


class EventIterator(Generic[T]):
    """An endless iterator of events; ``close()`` (or leaving a ``with`` block) stops the stream."""

    def __init__(self, stream, convert) -> None:
        self._stream = stream
        self._items = self._generate(convert)

    def _generate(self, convert) -> Iterator[T]:
        try:
            for response in self._stream:
                yield from convert(response)
        except TransportError as error:
            raise GatewayError(error.message, code=error.code, details=error.details) from error

    def __iter__(self) -> "EventIterator[T]":
        return self

    def __next__(self) -> T:
        return next(self._items)

    def close(self) -> None:
        cancel = getattr(self._stream, "cancel", None)
        if cancel is not None:
            cancel()
        self._items.close()

    def __enter__(self) -> "EventIterator[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class AsyncEventIterator(Generic[T]):
    """The async twin of :class:`EventIterator`: ``async for``, and ``aclose()`` or ``async with``."""

    def __init__(self, open_stream, convert) -> None:
        self._open_stream = open_stream
        self._convert = convert
        self._stream = None
        self._pending: list[T] = []
        self._closed = False

    def __aiter__(self) -> "AsyncEventIterator[T]":
        return self

    async def __anext__(self) -> T:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            try:
                if self._stream is None:
                    self._stream = self._open_stream()
                response = await self._stream.__anext__()
            except StopAsyncIteration:
                self._closed = True
                raise
            except TransportError as error:
                self._closed = True
                raise GatewayError(error.message, code=error.code, details=error.details) from error
            self._pending.extend(self._convert(response))
        return self._pending.pop(0)

    async def aclose(self) -> None:
        self._closed = True
        self._pending.clear()
        if self._stream is not None:
            self._stream.cancel()

    async def __aenter__(self) -> "AsyncEventIterator[T]":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


class _ChaincodeEventsRequestBase:
    def __init__(self, context: Context, signed: gateway_pb2.SignedChaincodeEventsRequest) -> None:
        self._context = context
        self._signed = signed

    @property
    def bytes(self) -> bytes:
        """Serialized ``gateway.SignedChaincodeEventsRequest``."""
        return self._signed.SerializeToString()

    @property
    def digest(self) -> bytes:
        return self._context.signing.digest(self._signed.request)

    @property
    def signature(self) -> bytes:
        return self._signed.signature

    def _request(self) -> gateway_pb2.SignedChaincodeEventsRequest:
        if not self._signed.signature:
            self._signed.signature = self._context.signing.sign(self._signed.request)
        return self._signed


class ChaincodeEventsRequest(_ChaincodeEventsRequestBase):
    """A request for one chaincode's events; ``events()`` signs it (if need be) and opens the stream."""

    def events(self) -> EventIterator[ChaincodeEvent]:
        request = self._request()
        try:
            stream = self._context.transport.chaincode_events(request)
        except TransportError as error:
            raise GatewayError(error.message, code=error.code, details=error.details) from error
        return EventIterator(stream, _chaincode_events_of)


class AsyncChaincodeEventsRequest(_ChaincodeEventsRequestBase):
    """The async twin of :class:`ChaincodeEventsRequest`; ``events()`` gives an async iterator."""

    def events(self) -> AsyncEventIterator[ChaincodeEvent]:
        request = self._request()
        return AsyncEventIterator(lambda: self._context.transport.chaincode_events(request), _chaincode_events_of)


def _chaincode_events_of(response: gateway_pb2.ChaincodeEventsResponse) -> list[ChaincodeEvent]:
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


def build_chaincode_events_request(
    context: Context, channel: str, chaincode: str, start_block: int | None, checkpoint: Checkpoint | None
) -> ChaincodeEventsRequest:
    position, after = start_position(start_block, checkpoint)
    request = gateway_pb2.ChaincodeEventsRequest(
        channel_id=channel,
        chaincode_id=chaincode,
        identity=context.signing.creator,
        start_position=position,
        after_transaction_id=after,
    )
    signed = gateway_pb2.SignedChaincodeEventsRequest(request=request.SerializeToString())
    return context.models.chaincode_events_request(context, signed)


class _BlockEventsRequestBase:
    """``kind`` is ``"block"`` (full blocks), ``"filtered"`` (filtered blocks:
    transaction IDs, validation codes, chaincode event names without payload)
    or ``"private"`` (blocks with the private data this client may see).
    """

    def __init__(self, context: Context, envelope: common_pb2.Envelope, kind: str = "block") -> None:
        self._context = context
        self._envelope = envelope
        self.kind = kind

    @property
    def bytes(self) -> bytes:
        """Serialized ``common.Envelope`` carrying the SeekInfo."""
        return self._envelope.SerializeToString()

    @property
    def digest(self) -> bytes:
        return self._context.signing.digest(self._envelope.payload)

    @property
    def signature(self) -> bytes:
        return self._envelope.signature

    def _request(self) -> common_pb2.Envelope:
        if not self._envelope.signature:
            self._envelope.signature = self._context.signing.sign(self._envelope.payload)
        return self._envelope

    def _convert(self, response: events_pb2.DeliverResponse):
        return _blocks_of(response, _DELIVER_FIELDS[self.kind])


class BlockEventsRequest(_BlockEventsRequestBase):
    """A request for blocks from the peer's Deliver service; ``events()`` signs it and opens the stream."""

    def events(self) -> EventIterator:
        envelope = self._request()
        try:
            stream = self._context.transport.deliver(envelope, self.kind)
        except TransportError as error:
            raise GatewayError(error.message, code=error.code, details=error.details) from error
        return EventIterator(stream, self._convert)


class AsyncBlockEventsRequest(_BlockEventsRequestBase):
    """The async twin of :class:`BlockEventsRequest`; ``events()`` gives an async iterator."""

    def events(self) -> AsyncEventIterator:
        envelope = self._request()
        return AsyncEventIterator(lambda: self._context.transport.deliver(envelope, self.kind), self._convert)


_DELIVER_FIELDS = {"block": "block", "filtered": "filtered_block", "private": "block_and_private_data"}


def _blocks_of(response: events_pb2.DeliverResponse, field: str) -> list:
    kind = response.WhichOneof("Type")
    if kind == field:
        return [getattr(response, field)]
    if kind == "status" and response.status != common_pb2.SUCCESS:
        status = common_pb2.Status.Name(response.status) if response.status in common_pb2.Status.values() else str(
            response.status
        )
        raise GatewayError(f"block delivery ended with status {status}")
    return []


def build_block_events_request(
    context: Context, channel: str, kind: str, start_block: int | None, checkpoint: Checkpoint | None
) -> BlockEventsRequest:
    if kind not in ("block", "filtered", "private"):
        raise ValueError(f"unknown block event kind {kind!r}")
    position, _ = start_position(start_block, checkpoint)
    seek = ab_pb2.SeekInfo(
        start=position,
        stop=ab_pb2.SeekPosition(specified=ab_pb2.SeekSpecified(number=_MAX_BLOCK)),
        behavior=ab_pb2.SeekInfo.BLOCK_UNTIL_READY,
    )
    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(time.time_ns())
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.DELIVER_SEEK_INFO,
        timestamp=stamp,
        channel_id=channel,
        epoch=0,
        tls_cert_hash=context.tls_certificate_hash,
    )
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=common_pb2.SignatureHeader(
            creator=context.signing.creator, nonce=new_nonce()
        ).SerializeToString(),
    )
    payload = common_pb2.Payload(header=header, data=seek.SerializeToString())
    envelope = common_pb2.Envelope(payload=payload.SerializeToString())
    return context.models.block_events_request(context, envelope, kind)
