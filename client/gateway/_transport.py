"""The transport seam: every gRPC call the client makes goes through :class:`GatewayTransport`.

:class:`~client.gateway.GrpcTransport` is the real one, over a ``grpc.Channel``
to a peer. Tests of code built on the client can pass their own transport to
``connect(transport=...)``; it must raise :class:`TransportError` for failed
calls so the client can turn them into typed errors, and return each call's response
message (``UNARY_RESPONSES``), which the client checks (``wrong_answer``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence, runtime_checkable

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2

from .errors import ErrorDetail

Metadata = Sequence[tuple[str, str | bytes]]


class TransportError(Exception):
    """A failed call as the transport saw it: gRPC status code, message and error details.

    ``sent`` is False when the transport refused the call before its request left the client (the
    gateway or its channel was closed), so the peer never saw it; True when the request may have
    reached the peer. A submit that was not sent cannot have been ordered.
    """

    def __init__(
        self, code: grpc.StatusCode, message: str, details: Sequence[ErrorDetail] = (), *, sent: bool = True
    ) -> None:
        self.code = code
        self.message = message
        self.details = tuple(details)
        self.sent = sent
        super().__init__(f"{code.name}: {message}")


def task_being_cancelled() -> bool:
    """Whether the running asyncio task is itself being cancelled (``cancel()``, a timeout around it).

    grpc.aio also raises CancelledError from a call or stream read that a closed gateway or channel
    cancelled under a task nobody cancelled: that one is a failed call, the task's own cancellation is not.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


@dataclass(frozen=True)
class DeliverKind:
    """One of the peer's Deliver services: its gRPC method, the DeliverResponse field it fills, and its events as
    messages name them."""

    method: str
    response_field: str
    events: str


DELIVER_KINDS = {
    "block": DeliverKind("Deliver", "block", "block events"),
    "filtered": DeliverKind("DeliverFiltered", "filtered_block", "filtered block events"),
    "private": DeliverKind("DeliverWithPrivateData", "block_and_private_data", "block and private data events"),
}
"""The ``kind`` a transport's ``deliver`` takes: full blocks, filtered blocks, blocks with private data."""


UNARY_RESPONSES = {
    "evaluate": gateway_pb2.EvaluateResponse,
    "endorse": gateway_pb2.EndorseResponse,
    "submit": gateway_pb2.SubmitResponse,
    "commit_status": gateway_pb2.CommitStatusResponse,
}
"""The message each unary call of a transport returns."""


def wrong_answer(transport, call: str, answer, expected: type, *, given: str = "returned") -> str | None:
    """Why ``answer``, which ``transport``'s ``call`` returned (or its stream gave), is not the ``expected``
    protobuf message; None when it is.

    A transport of your own that answers with anything else (the serialized bytes, None, a gRPC future, a
    message of another kind) would otherwise fail later with a bare AttributeError inside the client,
    naming neither the call nor the transport.
    """
    if isinstance(answer, expected):
        return None
    advice = ""
    if isinstance(answer, (bytes, bytearray, memoryview)):
        advice = f"; bytes are the message serialized: return {expected.__name__}.FromString(them)"
    return (
        f"the transport's {call} ({type(transport).__qualname__}) {given} {type_named(answer)}, not the "
        f"{expected.DESCRIPTOR.full_name} it must give{advice}. Fix the transport: each call returns the response "
        "message of its gRPC call (a stream gives one per read) and raises TransportError for a failed call"
    )


def type_named(value) -> str:
    """The type of ``value`` as an error names it: a protobuf message by its full name (with its module, which
    tells two generated copies of one .proto apart), anything else by its class."""
    kind = type(value)
    full_name = getattr(getattr(kind, "DESCRIPTOR", None), "full_name", None)
    if isinstance(full_name, str):
        return f"a {full_name} message (class {kind.__module__}.{kind.__qualname__})"
    if kind.__module__ == "builtins":
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


class EventStream(Protocol):
    """An iterator of responses that can be cancelled."""

    def __iter__(self) -> Iterator: ...

    def __next__(self): ...

    def cancel(self) -> None: ...


@runtime_checkable
class GatewayTransport(Protocol):
    """The calls the client makes to a Fabric peer, request and response as protobuf messages.

    ``timeout`` is in seconds, ``None`` for no deadline. Failed calls raise
    :class:`TransportError`, also while iterating a stream. A stream's ``cancel()``
    may come from another thread and must end a read in progress (``wait_for_block``
    cancels at its deadline). An ``address`` attribute, if there is one, names the
    peer in errors.
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


class AsyncEventStream(Protocol):
    def __aiter__(self): ...

    async def __anext__(self): ...

    def cancel(self) -> None: ...


@runtime_checkable
class AsyncGatewayTransport(Protocol):
    """The async twin of :class:`GatewayTransport`: unary calls are awaited, streams are async iterators.

    A stream call may also be written ``async def``, returning its stream once open: the event iterator awaits
    it at its first read. The unary calls and ``close``, declared ``async def`` here, are the ones ``connect``
    looks at to tell the family (``_gateway._AWAITED_CALLS``).

    Define the calls ``async def``, or derive the class from this one: that is how ``connect`` tells an
    async transport, which it refuses before anything is sent. ``connect_async`` refuses only a transport
    plainly sync (a GrpcTransport, a class deriving from GatewayTransport), so a wrapper whose plain methods
    return the awaitables of the transport it forwards to is taken too.
    """

    async def evaluate(self, request, timeout: float | None) -> gateway_pb2.EvaluateResponse: ...

    async def endorse(self, request, timeout: float | None) -> gateway_pb2.EndorseResponse: ...

    async def submit(self, request, timeout: float | None) -> gateway_pb2.SubmitResponse: ...

    async def commit_status(self, request, timeout: float | None) -> gateway_pb2.CommitStatusResponse: ...

    def chaincode_events(self, request: gateway_pb2.SignedChaincodeEventsRequest) -> AsyncEventStream: ...

    def deliver(self, envelope: common_pb2.Envelope, kind: str) -> AsyncEventStream: ...

    async def close(self) -> None: ...
