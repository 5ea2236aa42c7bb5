"""The transport seam: every gRPC call the client makes goes through :class:`GatewayTransport`.

:class:`GrpcTransport` is the real one, over a ``grpc.Channel`` to a peer.
Tests of code built on the client can pass their own transport to
``connect(transport=...)``; it must raise :class:`TransportError` for failed
calls so the client can turn them into typed errors.
"""

from __future__ import annotations

from typing import Iterator, Protocol, Sequence, runtime_checkable

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import events_pb2_grpc

from ._status import details_from_metadata
from .errors import ErrorDetail

Metadata = Sequence[tuple[str, str | bytes]]

DELIVER_KINDS = ("block", "filtered", "private")


class TransportError(Exception):
    """A failed call as the transport saw it: gRPC status code, message and error details."""

    def __init__(self, code: grpc.StatusCode, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        self.code = code
        self.message = message
        self.details = tuple(details)
        super().__init__(f"{code.name}: {message}")


class EventStream(Protocol):
    """An iterator of responses that can be cancelled."""

    def __iter__(self) -> Iterator: ...

    def __next__(self): ...

    def cancel(self) -> None: ...


@runtime_checkable
class GatewayTransport(Protocol):
    """The calls the client makes to a Fabric peer, request and response as protobuf messages.

    ``timeout`` is in seconds, ``None`` for no deadline. Failed calls raise
    :class:`TransportError`, also while iterating a stream.
    """

    def evaluate(self, request: gateway_pb2.EvaluateRequest, timeout: float | None) -> gateway_pb2.EvaluateResponse: ...

    def endorse(self, request: gateway_pb2.EndorseRequest, timeout: float | None) -> gateway_pb2.EndorseResponse: ...

    def submit(self, request: gateway_pb2.SubmitRequest, timeout: float | None) -> gateway_pb2.SubmitResponse: ...

    def commit_status(
        self, request: gateway_pb2.SignedCommitStatusRequest, timeout: float | None
    ) -> gateway_pb2.CommitStatusResponse: ...

    def chaincode_events(self, request: gateway_pb2.SignedChaincodeEventsRequest) -> EventStream: ...

    def deliver(self, envelope: common_pb2.Envelope, kind: str) -> EventStream: ...

    def close(self) -> None: ...


class GrpcTransport:
    """The real transport: Gateway and Deliver stubs over one gRPC channel.

    ``metadata`` is sent with every call (for proxies or auth layers in front
    of the peer). The channel is closed by :meth:`close` only if
    ``owns_channel`` is true.
    """

    def __init__(self, channel: grpc.Channel, *, metadata: Metadata = (), owns_channel: bool = False) -> None:
        self._channel = channel
        self._metadata = tuple(metadata)
        self._owns_channel = owns_channel
        self._gateway = gateway_pb2_grpc.GatewayStub(channel)
        self._deliver = events_pb2_grpc.DeliverStub(channel)

    def evaluate(self, request, timeout):
        return self._unary(self._gateway.Evaluate, request, timeout)

    def endorse(self, request, timeout):
        return self._unary(self._gateway.Endorse, request, timeout)

    def submit(self, request, timeout):
        return self._unary(self._gateway.Submit, request, timeout)

    def commit_status(self, request, timeout):
        return self._unary(self._gateway.CommitStatus, request, timeout)

    def chaincode_events(self, request):
        return _GrpcStream(self._gateway.ChaincodeEvents(request, metadata=self._metadata or None))

    def deliver(self, envelope, kind):
        method = {
            "block": self._deliver.Deliver,
            "filtered": self._deliver.DeliverFiltered,
            "private": self._deliver.DeliverWithPrivateData,
        }[kind]
        # Deliver is bidirectional: send the one seek envelope, then read blocks.
        return _GrpcStream(method(iter([envelope]), metadata=self._metadata or None))

    def close(self) -> None:
        if self._owns_channel:
            self._channel.close()

    def _unary(self, method, request, timeout):
        try:
            return method(request, timeout=timeout, metadata=self._metadata or None)
        except grpc.RpcError as error:
            raise as_transport_error(error) from error


class _GrpcStream:
    def __init__(self, call) -> None:
        self._call = call

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._call)
        except grpc.RpcError as error:
            raise as_transport_error(error) from error

    def cancel(self) -> None:
        self._call.cancel()


def as_transport_error(error: grpc.RpcError) -> TransportError:
    """A TransportError from a failed gRPC call, with the Gateway's error details decoded."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    return TransportError(code or grpc.StatusCode.UNKNOWN, message or "", details_from_metadata(trailers))


class AsyncEventStream(Protocol):
    def __aiter__(self): ...

    async def __anext__(self): ...

    def cancel(self) -> None: ...


@runtime_checkable
class AsyncGatewayTransport(Protocol):
    """The async twin of :class:`GatewayTransport`: unary calls are awaited, streams are async iterators."""

    async def evaluate(self, request, timeout: float | None) -> gateway_pb2.EvaluateResponse: ...

    async def endorse(self, request, timeout: float | None) -> gateway_pb2.EndorseResponse: ...

    async def submit(self, request, timeout: float | None) -> gateway_pb2.SubmitResponse: ...

    async def commit_status(self, request, timeout: float | None) -> gateway_pb2.CommitStatusResponse: ...

    def chaincode_events(self, request: gateway_pb2.SignedChaincodeEventsRequest) -> AsyncEventStream: ...

    def deliver(self, envelope: common_pb2.Envelope, kind: str) -> AsyncEventStream: ...

    async def close(self) -> None: ...


class AsyncGrpcTransport:
    """The real async transport, over a ``grpc.aio`` channel."""

    def __init__(self, channel, *, metadata: Metadata = (), owns_channel: bool = False) -> None:
        self._channel = channel
        self._metadata = tuple(metadata)
        self._owns_channel = owns_channel
        self._gateway = gateway_pb2_grpc.GatewayStub(channel)
        self._deliver = events_pb2_grpc.DeliverStub(channel)

    async def evaluate(self, request, timeout):
        return await self._unary(self._gateway.Evaluate, request, timeout)

    async def endorse(self, request, timeout):
        return await self._unary(self._gateway.Endorse, request, timeout)

    async def submit(self, request, timeout):
        return await self._unary(self._gateway.Submit, request, timeout)

    async def commit_status(self, request, timeout):
        return await self._unary(self._gateway.CommitStatus, request, timeout)

    def chaincode_events(self, request):
        return _AsyncGrpcStream(self._gateway.ChaincodeEvents(request, metadata=self._metadata or None))

    def deliver(self, envelope, kind):
        method = {
            "block": self._deliver.Deliver,
            "filtered": self._deliver.DeliverFiltered,
            "private": self._deliver.DeliverWithPrivateData,
        }[kind]
        return _AsyncGrpcStream(method(iter([envelope]), metadata=self._metadata or None))

    async def close(self) -> None:
        if self._owns_channel:
            await self._channel.close()

    async def _unary(self, method, request, timeout):
        try:
            return await method(request, timeout=timeout, metadata=self._metadata or None)
        except grpc.RpcError as error:
            raise await _as_transport_error_async(error) from error


class _AsyncGrpcStream:
    def __init__(self, call) -> None:
        self._call = call
        self._responses = call.__aiter__()

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self._responses.__anext__()
        except grpc.RpcError as error:
            raise await _as_transport_error_async(error) from error

    def cancel(self) -> None:
        self._call.cancel()


async def _as_transport_error_async(error: grpc.RpcError) -> TransportError:
    # grpc.aio errors (AioRpcError) answer synchronously; the await is for aio calls that do not.
    if isinstance(error, grpc.aio.AioRpcError):
        return TransportError(
            error.code() or grpc.StatusCode.UNKNOWN,
            error.details() or "",
            details_from_metadata(error.trailing_metadata()),
        )
    return as_transport_error(error)
