"""The real transports: Gateway and Deliver stubs over one gRPC channel, sync or ``grpc.aio``."""

from __future__ import annotations

import asyncio
import functools
import re
import threading
import warnings
import weakref
from contextlib import contextmanager

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2, gateway_pb2_grpc
from fabric_protos.peer import events_pb2_grpc

from ._reraise import Reraise
from ._status import details_from_metadata
from ._transport import DELIVER_KINDS, EventStream, Metadata, TransportError, task_being_cancelled


def as_transport_error(error: grpc.RpcError) -> TransportError:
    """A TransportError from a failed gRPC call (sync or aio), with the Gateway's error details decoded."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    if code == grpc.StatusCode.UNAVAILABLE and message:
        not_resolved = _NOT_RESOLVED.match(message)
        if not_resolved:
            return TransportError(code, _not_resolved(not_resolved["address"], message), sent=False)
        if message.startswith(_NOT_CONNECTED):
            refused = _tls_refused(message)
            said = f"{refused} gRPC: {message}" if refused else message
            return TransportError(code, said, details_from_metadata(trailers), sent=False)
    return TransportError(code or grpc.StatusCode.UNKNOWN, message or "", details_from_metadata(trailers))


_NOT_CONNECTED = "failed to connect to all addresses"
"""gRPC's words for a call failed because no connection to the target could be made (nothing listening, a TLS
handshake refused): its channel fails the call so before it goes to any connection, so nothing was sent, and a
submit cannot have been ordered. (The Gateway peer's own failures to reach an orderer are in words of its own.)"""


_NOT_RESOLVED = re.compile(r"(?:errors resolving|DNS resolution failed for(?: service:)?) (?P<address>\S+?)(?:: |\Z)")
"""gRPC's words for a call failed because the target's host name could not be resolved: "errors resolving
HOST:PORT: [...]" (grpcio 1.60 on), "DNS resolution failed for HOST:PORT: ..." (its c-ares resolver before).
gRPC fails the call so before it goes to any connection: nothing was sent."""


def _not_resolved(address: str, said: str) -> str:
    """The message of a call whose target's host name could not be resolved: which host, that nothing was sent,
    and what to check, then gRPC's words (with the resolver's reason: no such name, no DNS server answering).
    gRPC's alone read as a peer that is down."""
    host, colon, port = address.rpartition(":")
    host, port = (host, port) if colon and port.isdigit() else (address, "7051")
    return (f"the host name {host!r} of the gateway address {address!r} could not be resolved to an address, so "
            f"nothing was sent: check the address given (a connection profile's gateway address). A peer known "
            f"by a name that resolves only inside its own network (a container's name) is reached at an address "
            f"that resolves here, such as 127.0.0.1:{port}, with server_name_override={host!r} (a profile's "
            f"host_name_override) for its TLS name; or add its name to /etc/hosts. gRPC: {said}")


_HOST_NOT_IN_CERTIFICATE = re.compile(
    r"Hostname Verification Check failed|Peer name \S+ is not in peer certificate|No match found for server name")
"""gRPC's words for a TLS handshake failed as the peer's certificate does not name the host checked (grpcio 1.60 on:
"Hostname Verification Check failed"; before: "Peer name HOST is not in peer certificate")."""

_CERTIFICATE_NOT_VERIFIED = re.compile(r"CERTIFICATE_VERIFY_FAILED: (?P<reason>[^:]+)")
"""BoringSSL's words for a peer certificate that did not verify, with its reason ("unable to get local issuer
certificate", "certificate has expired"...)."""

_NOT_TLS = "WRONG_VERSION_NUMBER"
"""BoringSSL's words for an answer to the TLS handshake that is no TLS: a plain-text port, or another service."""


def _tls_refused(message: str) -> str | None:
    """What went wrong, and what to do, when a call failed because the TLS handshake with the peer did (gRPC's
    words alone read as a peer that is down: "failed to connect to all addresses"); None for another failure."""
    if _HOST_NOT_IN_CERTIFICATE.search(message):
        return ("the TLS handshake with the peer failed, so nothing was sent: the peer's TLS certificate does not "
                "name the host checked, the target's host or server_name_override. A peer reached at an IP address "
                "or by a name other than its own (a tunnel, a forwarded port, a container's name) needs "
                "server_name_override set to a host name its TLS certificate holds, such as "
                "'peer0.org1.example.com' (a connection profile's ssl-target-name-override or host_name_override).")
    not_verified = _CERTIFICATE_NOT_VERIFIED.search(message)
    if not_verified:
        reason = not_verified["reason"].strip()
        if "expired" in reason or "not yet valid" in reason:
            return (f"the TLS handshake with the peer failed, so nothing was sent: the peer's TLS certificate "
                    f"({reason}) is outside its validity dates, by this machine's clock. Check the clock here, and "
                    "have the peer's operator renew its TLS certificate.")
        return (f"the TLS handshake with the peer failed, so nothing was sent: the peer's TLS certificate is not "
                f"signed by a CA in the TLS roots ({reason}): give tls_root_certificates the TLS CA certificate of "
                "the peer's org (its tlsca/tlsca.pem, a connection profile's tlsCACerts), or the CA of the "
                "address dialled, if that is another peer than meant.")
    if _NOT_TLS in message:
        return ("the TLS handshake with the peer failed, so nothing was sent: what answers at the target does not "
                "speak TLS (a plain-text port, or another service). Check the target's port; for a peer run "
                "without TLS (development only), connect with insecure=True.")
    return None


_rpc_errors = Reraise(grpc.RpcError, as_transport_error)
"""Around every call and every read of a stream: gRPC failures leave the transport as TransportError."""

_GATEWAY_CLOSED = "the gateway was closed; connect again to make calls"
_CHANNEL_CLOSED = "the gateway's gRPC channel was closed; connect again with an open channel to make calls"
_GRPC_CHANNEL_CLOSED = "Channel closed!"
"""What a sync gRPC channel says as it ends the calls in flight when it closes, code CANCELLED ("Stream removed
(Channel closed!)" to a stream's read)."""


def _cut_by_channel_close(error: TransportError) -> bool:
    """Whether a sync gRPC call or stream read failed because its channel closed while it was in flight."""
    return error.code == grpc.StatusCode.CANCELLED and _GRPC_CHANNEL_CLOSED in error.message


def _refused_by_closed_channel(error: BaseException) -> bool:
    """Whether gRPC refused a call because its channel was closed: ValueError from a sync channel ("Cannot
    invoke RPC on closed channel!", "Cannot invoke RPC: Channel closed!"), UsageError ("Channel is closed.")
    from a grpc.aio one. Told apart by the message, as gRPC gives these errors no code."""
    text = str(error).lower()
    return isinstance(error, (ValueError, grpc.aio.UsageError)) and "channel" in text and "closed" in text


@contextmanager
def _call_errors():
    """Around making a call: gRPC failures as TransportError, and a call on a channel its owner closed as the
    TransportError a call after ``close()`` gets (code CANCELLED, not sent: gRPC refuses it before sending
    anything), so it reaches the caller as a GatewayError with the call's transaction ID, not as an error
    from outside that tree."""
    try:
        with _rpc_errors:
            yield
    except (ValueError, grpc.aio.UsageError) as error:
        if not _refused_by_closed_channel(error):
            raise
        raise TransportError(grpc.StatusCode.CANCELLED, _CHANNEL_CLOSED, sent=False) from error


def current_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop, else the one set for this thread, else None; never a new one. It is the loop a
    ``grpc.aio`` channel opened now belongs to."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.14 deprecates the policy API
        policy = asyncio.get_event_loop_policy()
    per_thread = getattr(policy, "_local", None)
    if per_thread is not None:
        # The default policy's (and uvloop's) loop of this thread, read as it is: up to Python 3.11,
        # get_event_loop() would make and set one without a warning.
        return getattr(per_thread, "_loop", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # warned before a loop is made, from Python 3.12
        try:
            return asyncio.get_event_loop()
        except (DeprecationWarning, RuntimeError):
            return None


class _GrpcTransportBase:
    """What both families share: the stubs, the metadata, and which stub method each call uses.

    A family says how a unary call is made (``_unary``), how a stream is read
    (``_stream``) and how the channel is closed. After ``close()`` every call fails
    with the same TransportError in both families (so the same GatewayError reaches
    the caller), where gRPC would raise ValueError (sync) or UsageError (aio), or,
    on a channel the caller owns and keeps open, still make the call. ``close()`` also
    cancels the streams still open, whose readers would otherwise go on reading from a
    channel the caller keeps open. A call on a channel the caller closed fails with
    code CANCELLED too, its message naming the channel. Such refused calls are marked
    not sent. A call or stream read in flight when the channel closes fails with CANCELLED in both
    families, its message naming which closed (grpc.aio would raise a bare CancelledError, a sync
    channel say "Channel closed!").

    The calls are annotated as :class:`GatewayTransport` declares them: the async family's unary
    calls give the same responses once awaited, and its streams are async iterators.
    """

    def __init__(self, channel, *, metadata: Metadata = (), owns_channel: bool = False) -> None:
        self._channel = channel
        self._metadata = tuple(metadata)
        self._owns_channel = owns_channel
        self._closed = False
        # The streams opened and not yet garbage, for close() to cancel. Weak: a stream its reader
        # dropped goes as it always did. The lock keeps close() from missing a stream opened meanwhile.
        self._streams: weakref.WeakSet = weakref.WeakSet()
        self._streams_lock = threading.Lock()
        self._gateway = gateway_pb2_grpc.GatewayStub(channel)
        self._deliver = events_pb2_grpc.DeliverStub(channel)

    def evaluate(self, request: gateway_pb2.EvaluateRequest, timeout: float | None) -> gateway_pb2.EvaluateResponse:
        return self._unary(self._gateway.Evaluate, request, timeout)

    def endorse(self, request: gateway_pb2.EndorseRequest, timeout: float | None) -> gateway_pb2.EndorseResponse:
        return self._unary(self._gateway.Endorse, request, timeout)

    def submit(self, request: gateway_pb2.SubmitRequest, timeout: float | None) -> gateway_pb2.SubmitResponse:
        return self._unary(self._gateway.Submit, request, timeout)

    def commit_status(
        self, request: gateway_pb2.SignedCommitStatusRequest, timeout: float | None
    ) -> gateway_pb2.CommitStatusResponse:
        return self._unary(self._gateway.CommitStatus, request, timeout)

    def chaincode_events(self, request: gateway_pb2.SignedChaincodeEventsRequest) -> EventStream:
        return self._open_stream(lambda: self._gateway.ChaincodeEvents(request, metadata=self._call_metadata))

    def deliver(self, envelope: common_pb2.Envelope, kind: str) -> EventStream:
        method = getattr(self._deliver, DELIVER_KINDS[kind].method)
        # Deliver is bidirectional: send the one seek envelope, then read blocks.
        return self._open_stream(lambda: method(iter([envelope]), metadata=self._call_metadata))

    def _open_stream(self, start_call):
        self._check_open()
        with _call_errors():
            stream = self._stream(start_call())
        with self._streams_lock:
            self._streams.add(stream)
            closed_meanwhile = self._closed
        if closed_meanwhile:
            stream.cancel()  # close() came while the call was made: the stream must not outlive the gateway
        return stream

    def _close_streams(self) -> None:
        """Refuse calls from now on, and cancel the streams still open: their readers get CANCELLED."""
        with self._streams_lock:
            self._closed = True
            streams = list(self._streams)
        for stream in streams:
            stream.cancel()

    @property
    def _call_metadata(self):
        return self._metadata or None

    def _cut_by_close(self) -> TransportError:
        """The failure of a call or read in flight that the close of the gateway or the caller's channel cut, its
        message naming which closed."""
        return TransportError(grpc.StatusCode.CANCELLED, _GATEWAY_CLOSED if self._closed else _CHANNEL_CLOSED)

    def _check_open(self, *, sent: bool = False) -> None:
        """Refuse a call once the gateway is closed. ``sent`` says whether the call's request went out
        before the close (a stream being read); a call refused before it started was not sent."""
        if self._closed:
            raise TransportError(grpc.StatusCode.CANCELLED, _GATEWAY_CLOSED, sent=sent)


class GrpcTransport(_GrpcTransportBase):
    """The real transport: Gateway and Deliver stubs over one gRPC channel.

    ``metadata`` is sent with every call (for proxies or auth layers in front
    of the peer). The channel is closed by :meth:`close` only if
    ``owns_channel`` is true.
    """

    def close(self) -> None:
        self._close_streams()
        if self._owns_channel:
            self._channel.close()

    def _unary(self, method, request, timeout):
        self._check_open()
        try:
            with _call_errors():
                return method(request, timeout=timeout, metadata=self._call_metadata)
        except TransportError as error:
            if _cut_by_channel_close(error):
                # gRPC's "Channel closed!" names neither which closed nor what to do: said as the async family
                # and a call after the close say it
                raise self._cut_by_close() from error
            raise

    def _stream(self, call) -> "_GrpcStream":
        return _GrpcStream(call, functools.partial(self._check_open, sent=True), self._cut_by_close)


class AsyncGrpcTransport(_GrpcTransportBase):
    """The real async transport, over a ``grpc.aio`` channel; unary calls return awaitables.

    The channel is taken to belong to the event loop current when the transport is made (running, or set for
    the thread), as one opened then does: make both in the loop that will make the calls. Calls from another
    running loop are refused before anything is sent (``_check_loop``).
    """

    def __init__(self, channel, *, metadata: Metadata = (), owns_channel: bool = False) -> None:
        super().__init__(channel, metadata=metadata, owns_channel=owns_channel)
        # Recorded here, not read from the channel: grpc.aio keeps its loop in a private attribute that
        # a grpcio release may rename, which would turn the check off without a word.
        self._loop = current_loop()

    async def close(self) -> None:
        self._close_streams()
        if self._owns_channel:
            await self._channel.close()

    async def _unary(self, method, request, timeout):
        self._check_open()
        self._check_loop()
        with _call_errors():
            try:
                return await method(request, timeout=timeout, metadata=self._call_metadata)
            except asyncio.CancelledError:
                if task_being_cancelled():
                    raise  # the caller cancelled its own task: that is no failed call
                # grpc.aio cancels the calls in flight when the gateway or the caller closes the channel: the
                # same failed call the sync family reports, so that a submit keeps its transaction ID.
                raise self._cut_by_close() from None

    def _open_stream(self, start_call):
        self._check_open()
        self._check_loop()
        return super()._open_stream(start_call)

    def _check_loop(self) -> None:
        """A RuntimeError before anything is sent when the call runs in another event loop than the channel's
        (the loop current when the transport was made; None when there was none, and nothing to compare). gRPC
        would send it on the channel, where a submit reaches the orderer, and then fail awaiting its answer
        with a bare RuntimeError ("attached to a different loop")."""
        owner = self._loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return   # no loop running: nothing to compare the channel's with
        if owner is not None and owner is not running:
            raise RuntimeError(
                "this AsyncGateway's gRPC channel belongs to the event loop current when it was opened, and this "
                "call runs in another event loop (another thread's asyncio.run, a framework's async_to_sync): nothing "
                "was sent. Call connect_async() in the loop that makes the calls (one gateway per loop), or run "
                "the call in the gateway's loop (asyncio.run_coroutine_threadsafe(call, loop)), or use connect() "
                "for a gateway shared by threads"
            )

    def _stream(self, call) -> "_AsyncGrpcStream":
        return _AsyncGrpcStream(call, self._cut_by_close, self._check_loop)


class _GrpcStream:
    def __init__(self, call, check_open, cut_by_close) -> None:
        self._call = call
        self._check_open = check_open
        self._cut_by_close = cut_by_close

    def __iter__(self):
        return self

    def __next__(self):
        try:
            with _rpc_errors:
                return next(self._call)
        except TransportError as error:
            # Cancelled by the gateway's close(): say that, as a call after the close does, rather
            # than gRPC's "Locally cancelled by application!"; cut by the caller's channel closing, say that.
            self._check_open()
            if _cut_by_channel_close(error):
                raise self._cut_by_close() from error
            raise

    def cancel(self) -> None:
        self._call.cancel()


class _AsyncGrpcStream:
    """The responses of one grpc.aio stream call.

    Cancelling a read here ends the call's responses for good (grpc.aio cancels the call), so a
    reader that may give up waiting must leave the read running: AsyncEventIterator shields it.
    """

    def __init__(self, call, cut_by_close, check_loop) -> None:
        self._call = call
        self._responses = call.__aiter__()
        self._cut_by_close = cut_by_close
        self._check_loop = check_loop

    def __aiter__(self):
        return self

    async def __anext__(self):
        # Before the call is touched: gRPC's read from another loop fails only after it took the next response,
        # and leaves the stream ended, so the gateway's own loop would then read a clean end and lose that event.
        self._check_loop()
        with _rpc_errors:
            try:
                return await self._responses.__anext__()
            except asyncio.CancelledError:
                if task_being_cancelled():
                    raise  # the read itself cancelled (an iterator's aclose()), or its task's own
                # the stream cancelled by the gateway's close() or the caller's channel closing: said as a
                # unary call's and the sync family's are, naming which of the two closed
                raise self._cut_by_close() from None

    def cancel(self) -> None:
        self._call.cancel()
