"""Iterators over event streams, sync and async: stream failures become EventStreamError, refusals GatewayError."""

from __future__ import annotations

import asyncio
import copy
import inspect
import threading
import weakref
from typing import Callable, Generic, Iterable, Iterator, Protocol, TypeVar

import grpc

from ..timeouts import as_seconds, check_seconds
from ._reraise import Reraise
from ._transport import TransportError, task_being_cancelled
from ._twins import refuse_awaitable
from .errors import EventStreamError, GatewayError, event_stream_error

T = TypeVar("T")

Convert = Callable[[object], Iterable[T]]
"""Turns one stream response into the events it carries (none, one or several)."""

Condition = Callable[[T], bool]

class StreamHold(Protocol):
    """What ``OnOpen`` took for a stream (a checkpointer, held by it while it is open), kept by its iterator."""

    def withdraw(self) -> None:
        """Undo what ``OnOpen`` did, for a stream that failed before its first event: gRPC reports a peer's
        refusal of a stream (a mistyped channel's NOT_FOUND, a Deliver status) at the first read, not when the
        call is made, and a refused listener must not keep the checkpointer from the request made right."""

    def release(self) -> None:
        """The stream is over (closed, failed or ended): what it held is free for the next (a reconnect).
        One dropped unreleased (with its iterator) frees it too."""


OnOpen = Callable[[], StreamHold | None] | None
"""Called once the stream is open and taken (a checkpointer recording its listener, held by the stream); what it
raises cancels the stream and reaches the reader."""


_STREAM_FAILURES = Reraise(
    TransportError,
    lambda error: event_stream_error(error.message, code=error.code, details=error.details, sent=error.sent),
)
"""Inside it, a stream's TransportError is raised as what it is to the reader: a stream that broke, or one the
peer refused (:func:`~client.gateway.errors.event_stream_error`)."""


def _any_event(event) -> bool:
    return True


def _check_condition(condition) -> None:
    """A TypeError for a ``first()`` condition that cannot be called (an event name given for it), raised before the
    wait, where the wait failed only once an event came, perhaps hours later, with the stream closed under it."""
    if not callable(condition):
        raise TypeError(f"condition must be a function of an event that is true for the one waited for, e.g. "
                        f"lambda event: event.event_name == 'Confirmed', not {type(condition).__name__} "
                        f"{condition!r:.80}")


def _ended_early() -> GatewayError:
    return GatewayError("the event stream ended before the event waited for came")


def _timed_out(timeout: float) -> TimeoutError:
    return TimeoutError(f"the event waited for did not come within {timeout:g}s")


def _cancelled(error: TransportError) -> bool:
    return error.code == grpc.StatusCode.CANCELLED


def _read_stopped(stopped: BaseException) -> EventStreamError:
    """What every read after ``stopped`` ended one of a sync iterator's reads raises: the stream was cancelled."""
    return EventStreamError(
        f"a read of the event stream was stopped by {type(stopped).__name__}, and the stream was cancelled: this "
        "iterator gives no more events",
        code=grpc.StatusCode.CANCELLED,
    )


def _channel_closed() -> EventStreamError:
    # how to resume is the error's advice
    return EventStreamError(
        "the event stream was cancelled because the gateway or its channel was closed; connect again",
        code=grpc.StatusCode.CANCELLED,
    )


def _raised_again(error: Exception) -> Exception:
    """A stream's failure or refusal for a later reader: a copy (its class, a DeliverStatusError's status
    included, its arguments and attributes, no traceback), as one raised at every read would grow its
    traceback with each and share it between threads or tasks."""
    try:
        return copy.copy(error)
    except Exception:  # noqa: BLE001 - a class whose __init__ takes other than its args: raised as it is
        return error


def _retrieve_outcome(read: asyncio.Future) -> None:
    """Mark a read's failure as seen: a read left behind by a closed or dropped iterator is not an unhandled error."""
    if not read.cancelled():
        read.exception()


class EventIterator(Generic[T]):
    """An endless iterator of events; ``close()`` (or leaving a ``with`` block) stops the stream.

    ``close()`` may come from another thread than the one reading: the read in progress then
    ends the iteration (StopIteration), as every read after the close does. Threads reading the
    same iterator at once take turns, each getting the next event: none is given to two of them.
    Once the stream failed, every later read raises a GatewayError with its code and message,
    so a reader that waited for its turn does not take the failure for a normal end. A read stopped by
    anything else (Ctrl-C) cancels the stream, and every later read raises an EventStreamError naming it.
    """

    def __init__(self, stream, convert: Convert, hold: StreamHold | None = None) -> None:
        self._stream = stream
        self._closed = False
        self._hold = hold
        self._heard = False
        """Whether an event came: a stream failing before its first one was refused by the peer."""
        # The generator holds the iterator weakly: holding it, its frame made a cycle, and an iterator dropped
        # unclosed (a loop left with break) kept the peer's stream open until the cycle collector ran.
        self._items = _events_of(weakref.ref(self), stream, convert)
        # A generator read by a second thread while the first is inside it raises a bare ValueError
        # ("generator already executing"), which no reconnect loop written for GatewayError catches.
        # close() does not take it: it cancels the stream, which ends the holder's read.
        self._turn = threading.Lock()
        self._failure: GatewayError | None = None

    def __iter__(self) -> "EventIterator[T]":
        return self

    def __next__(self) -> T:
        with self._turn:
            if self._closed:
                raise StopIteration
            if self._failure is not None:
                raise _raised_again(self._failure)  # the ended generator would only say StopIteration
            try:
                event = next(self._items)
            except GatewayError as failure:
                if not self._closed:  # a stream failing as close() cancels it ends as closed, for every reader
                    self._failure = failure
                    # one that failed on a response it could not read is still open at the peer
                    self._cancel_stream()
                    _stream_over(self._hold, self._heard)
                raise
            except StopIteration:
                _stream_over(self._hold, heard=True)   # the stream ended (or was closed): nothing more will come
                raise
            except BaseException as stopped:
                # Ctrl-C in the read, or a transport's failure that is no TransportError: the generator is spent,
                # so a later read would end as if the stream had, its gRPC call left open. It is cancelled, and
                # every later read says to open it again.
                if not self._closed:
                    self._failure = _read_stopped(stopped)
                    self._cancel_stream()
                    _stream_over(self._hold, heard=True)   # stopped here, not refused by the peer
                raise
            self._heard = True
            return event

    def first(self, condition: Condition = _any_event, *, timeout: float | None = None) -> T:
        """The next event meeting ``condition``; the stream is closed after it, for a one-off wait.

        Raises TimeoutError when none came within ``timeout`` seconds (None: no limit), and
        GatewayError when the stream failed or ended before. A ``timeout`` that is not a number of
        seconds from 0 to a year is refused (``check_seconds``): above ``threading.TIMEOUT_MAX`` the
        timer's thread would die, leaving the wait without a limit.
        """
        _check_condition(condition)
        check_seconds("timeout", timeout)
        timeout = as_seconds(timeout)
        expired = threading.Event()
        timer = threading.Timer(timeout, self._expire, (expired,)) if timeout is not None else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            found = next((event for event in self if condition(event)), None)
        except GatewayError:
            if not expired.is_set():
                raise
            found = None  # the timer cancelled the stream: a stream's read fails as it is cancelled
        finally:
            if timer is not None:
                timer.cancel()
            self.close()
        if found is not None:
            return found
        raise _timed_out(timeout) if expired.is_set() else _ended_early()

    def _expire(self, expired: threading.Event) -> None:
        """From the timer's thread: cancelling the stream is what unblocks a read in progress."""
        expired.set()
        self._cancel_stream()

    def _cancel_stream(self) -> None:
        cancel = getattr(self._stream, "cancel", None)
        if cancel is not None:
            cancel()

    def close(self) -> None:
        self._closed = True
        self._cancel_stream()
        _stream_over(self._hold, heard=True)
        if not self._items.gi_running:
            try:
                self._items.close()
            except ValueError:
                pass  # another thread entered it meanwhile: the cancelled stream ends its read

    def __enter__(self) -> "EventIterator[T]":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        # Dropped without close() (a loop left with break): the stream is cancelled now, so the peer's ends.
        if not getattr(self, "_closed", True):
            try:
                self._cancel_stream()
            except Exception:  # noqa: BLE001 - at interpreter exit the transport may be gone with it
                pass


def _events_of(owner: weakref.ref, stream, convert: Convert) -> Iterator:
    """The events of ``stream``'s responses, for the EventIterator ``owner`` (held weakly)."""
    with _STREAM_FAILURES:
        try:
            for response in stream:
                yield from convert(response)
        except TransportError as error:
            iterator = owner()
            if (iterator is None or iterator._closed) and _cancelled(error):
                return  # close() cancelled the stream under this read: the end the caller asked for
            raise


def open_events(open_stream: Callable[[], object], convert: Convert, on_open: OnOpen = None) -> EventIterator:
    """Open the stream now (a refused stream raises GatewayError here, and ``on_open`` is not called) and
    iterate it.

    An async transport given to connect() (one whose family connect() could not tell) shows itself
    here: what it opened is closed or cancelled unread, and a ValueError names connect_async().
    """
    with _STREAM_FAILURES:
        stream = open_stream()
    _refuse_async_stream(stream)
    return EventIterator(stream, convert, _opened(stream, on_open))


def _stream_over(hold: StreamHold | None, heard: bool) -> None:
    """Release what a stream's opening took (``hold``, if anything), first withdrawing it unless an event came."""
    if hold is None:
        return
    if not heard:   # failed before its first event: refused by the peer
        hold.withdraw()
    hold.release()


def _opened(stream, on_open: OnOpen) -> StreamHold | None:
    """Call ``on_open`` for a stream just opened and taken, giving what it returns; cancel the stream, unread,
    if it raises."""
    if on_open is None:
        return None
    try:
        return on_open()
    except BaseException:
        _cancel(stream)
        raise


def _refuse_async_stream(stream) -> None:
    """A ValueError naming connect_async() for what a stream call made by the sync client returned, if that is
    an async transport's: a coroutine (an ``async def`` call, closed without being run) or an async stream."""
    refuse_awaitable(stream)
    if _is_async_stream(stream):  # an async stream is not awaitable, so refuse_awaitable let it through
        _cancel(stream)
        raise ValueError(
            f"the transport returned {type(stream).__name__}, an async stream: it is an async transport, which "
            "connect() cannot use. The stream was cancelled unread. Give the transport to connect_async(), or give "
            "connect() a sync transport (one whose streams are iterators, or a class deriving from GatewayTransport)"
        )


def _sync_stream_refusal(stream) -> ValueError | None:
    """For what a stream call made by the async client returned: the ValueError naming connect() if it is a sync
    stream (a sync transport given to connect_async(), which could not tell its family), cancelled unread."""
    if _is_sync_stream(stream):
        _cancel(stream)
        return ValueError(
            f"the transport returned {type(stream).__name__}, a sync stream, not an async iterator: it is a sync "
            "transport, which connect_async() cannot use. That call has already been made (a sync transport opens "
            "its stream in place, blocking the event loop); the stream was cancelled unread. Give the transport to "
            "connect(), or give connect_async() an async transport (one whose streams are async iterators)"
        )
    return None


def _is_async_stream(stream) -> bool:
    """Whether ``stream`` reads only with ``await`` (``__anext__`` and no ``__next__``; looked up on its type,
    as iteration does). An object with both, as a MagicMock, is left to the client of either family."""
    return hasattr(type(stream), "__anext__") and not hasattr(type(stream), "__next__")


def _is_sync_stream(stream) -> bool:
    """Whether ``stream`` reads only without ``await`` (``__next__`` and no ``__anext__``), as _is_async_stream
    the other way round."""
    return hasattr(type(stream), "__next__") and not hasattr(type(stream), "__anext__")


def _cancel(stream) -> None:
    cancel = getattr(stream, "cancel", None)
    if cancel is not None:
        cancel()


class AsyncEventIterator(Generic[T]):
    """The async twin of :class:`EventIterator`: ``async for``, and ``aclose()`` or ``async with``.

    The stream is opened by the first ``__anext__``, inside the event loop (a transport's stream call written
    ``async def`` is awaited for it there). ``aclose()`` from
    another task ends the iteration of a task reading (StopAsyncIteration); a reading task
    that is itself cancelled still gets its CancelledError. A read given up by its caller
    (``asyncio.timeout`` around one ``__anext__``) stays pending: the next ``__anext__``
    gets what it reads, so no event is lost. Closing the gateway or its channel under a read
    raises GatewayError with code CANCELLED. Tasks reading the same iterator at once take turns,
    each getting the next event: none is given to two of them. Once the stream failed, every later
    read raises a GatewayError with its code and message, as in :class:`EventIterator`.
    """

    def __init__(self, open_stream, convert: Convert, on_open: OnOpen = None) -> None:
        self._open_stream = open_stream
        self._convert = convert
        self._on_open = on_open
        self._hold: StreamHold | None = None
        self._heard = False
        self._stream = None
        self._read: asyncio.Future | None = None
        self._pending: list[T] = []
        self._closed = False
        self._failure: GatewayError | None = None
        self._refusal: Exception | None = None
        """Set when the stream opened was refused here (a sync transport's, or one whose listener the
        checkpointer refused): every later read raises it anew (``_raised_again``), none opens another and
        sends the request to the peer again, to be refused the same way."""
        # Without turns, two tasks awaiting the same shielded read would each convert its response.
        self._turn = asyncio.Lock()

    def __aiter__(self) -> "AsyncEventIterator[T]":
        return self

    async def __anext__(self) -> T:
        async with self._turn:
            if self._failure is not None and not self._closed:
                raise _raised_again(self._failure)
            try:
                event = await self._next_event()
            except GatewayError as failure:
                if not self._closed:  # nothing more will come: later reads get the failure, not an end
                    self._failure = failure
                    # one that failed on a response it could not read is still open at the peer
                    self._cancel_read()
                    _stream_over(self._hold, self._heard)
                raise
            except StopAsyncIteration:
                _stream_over(self._hold, heard=True)   # the stream ended (or was closed): nothing more will come
                raise
            self._heard = True
            return event

    async def _next_event(self) -> T:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            with _STREAM_FAILURES:
                try:
                    response = await self._next_response()
                except asyncio.CancelledError:
                    if self._closed_under_read():
                        raise StopAsyncIteration from None
                    if not task_being_cancelled():
                        raise _channel_closed() from None  # the channel went away
                    raise
                except TransportError as error:
                    if self._closed and _cancelled(error):
                        raise StopAsyncIteration from None
                    raise
                except StopAsyncIteration:
                    self._closed = True  # the stream ended: nothing more will come
                    raise
            self._pending.extend(self._convert(response))
        return self._pending.pop(0)

    def _closed_under_read(self) -> bool:
        """Whether a CancelledError from a read is aclose() cancelling the stream, not this task's cancellation.

        grpc.aio raises CancelledError from a read of a call cancelled by aclose() in another task; a
        task that is being cancelled itself (``cancel()``, a timeout) must still see its CancelledError.
        """
        return self._closed and not task_being_cancelled()

    async def _next_response(self):
        """The response of the read in progress, starting one if none is.

        The read runs as its own future and is awaited through ``shield``: cancelling the
        reading task (a per-read timeout) then leaves the read running for the next call,
        where cancelling a grpc.aio read directly would end the call's responses for good.
        """
        if self._read is None:
            if self._stream is None:
                # a plain stream call opens here, as before; an async def one returns its opening
                opened = self._opened()
                if inspect.isawaitable(opened):
                    read = _open_then_read(opened, weakref.ref(self))  # holds the iterator weakly: __del__ still runs
                else:
                    self._stream = opened
            self._read = asyncio.ensure_future(self._stream.__anext__() if self._stream is not None else read)
            self._read.add_done_callback(_retrieve_outcome)
        read = self._read
        try:
            response = await asyncio.shield(read)
        except asyncio.CancelledError:
            if read.cancelled():
                self._read = None  # the read itself was cancelled: there is nothing left to wait for
            raise  # else this task was cancelled: the read, or its result, waits for the next call
        except BaseException:
            self._read = None
            raise
        self._read = None
        return response

    def _opened(self):
        """The stream, opened now, or the awaitable an ``async def`` stream call returned (_open_then_read
        awaits it). A stream refused (``_take``) is refused at this read and every later one, without opening
        another."""
        if self._refusal is not None:
            raise _raised_again(self._refusal)
        stream = self._open_stream()
        if inspect.isawaitable(stream) and not hasattr(type(stream), "__anext__"):
            return stream
        self._take(stream)
        return stream

    def _take(self, stream) -> None:
        """Take a stream just opened: a sync transport's is refused with a ValueError naming connect(); else
        ``on_open`` is called, and what it raises (a checkpointer refusing the listener) cancels the stream.
        Either refusal is kept in ``_refusal`` for the reads after this one."""
        refusal = _sync_stream_refusal(stream)
        if refusal is not None:
            self._refusal = refusal
            raise _raised_again(refusal)
        try:
            self._hold = _opened(stream, self._on_open)
        except Exception as refused:
            self._refusal = _raised_again(refused)  # a copy: the traceback's frames hold this iterator
            raise

    async def first(self, condition: Condition = _any_event, *, timeout: float | None = None) -> T:
        """The async twin of :meth:`EventIterator.first`: the next event meeting ``condition``, then closed."""
        _check_condition(condition)
        check_seconds("timeout", timeout)
        timeout = as_seconds(timeout)

        async def find() -> T:
            async for event in self:
                if condition(event):
                    return event
            raise _ended_early()

        try:
            return await asyncio.wait_for(find(), timeout)
        except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11
            raise _timed_out(timeout) from None
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        self._pending.clear()
        self._cancel_read()
        _stream_over(self._hold, heard=True)

    def _cancel_read(self) -> None:
        """Cancel the stream and the read in progress, if any (the read then ends in the event loop)."""
        read, self._read = self._read, None
        if self._stream is not None:
            self._stream.cancel()
        if read is not None:
            read.cancel()

    def __del__(self) -> None:
        # Dropped without aclose() (an ``async for`` left with break, a read given up and then the iterator): the
        # stream is cancelled now, as a sync iterator's is, whether or not a read is pending; the stream would
        # otherwise stay open at the peer as long as the channel (a grpc.aio call is not cancelled when dropped).
        if getattr(self, "_closed", True):
            return  # closed, or the stream ended: nothing is left open
        try:
            self._cancel_read()
        except Exception:  # noqa: BLE001 - the event loop is closed (its reads went with it), or the transport gone
            pass

    async def __aenter__(self) -> "AsyncEventIterator[T]":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()


async def _open_then_read(opening, owner) -> object:
    """Await an ``async def`` stream call's opening, then read its first response. ``owner`` (a weakref to the
    AsyncEventIterator) is resolved only once the stream is open, so a dropped iterator is collected meanwhile."""
    stream = await opening
    iterator = owner()
    if iterator is None or iterator._closed:
        _cancel(stream)  # closed or dropped while opening: nobody will read or cancel it
        raise asyncio.CancelledError
    iterator._take(stream)
    iterator._stream = stream
    del iterator
    return await stream.__anext__()
