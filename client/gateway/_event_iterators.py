"""Iterators over event streams, sync and async: stream failures become GatewayError."""

from __future__ import annotations

from typing import Callable, Generic, Iterable, Iterator, TypeVar

from ._transport import TransportError, transport_errors_as

T = TypeVar("T")

Convert = Callable[[object], Iterable[T]]
"""Turns one stream response into the events it carries (none, one or several)."""


class EventIterator(Generic[T]):
    """An endless iterator of events; ``close()`` (or leaving a ``with`` block) stops the stream."""

    def __init__(self, stream, convert: Convert) -> None:
        self._stream = stream
        self._items = self._generate(convert)

    def _generate(self, convert: Convert) -> Iterator[T]:
        with transport_errors_as():
            for response in self._stream:
                yield from convert(response)

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


def open_events(open_stream: Callable[[], object], convert: Convert) -> EventIterator:
    """Open the stream now (a refused stream raises GatewayError here) and iterate it."""
    with transport_errors_as():
        stream = open_stream()
    return EventIterator(stream, convert)


class AsyncEventIterator(Generic[T]):
    """The async twin of :class:`EventIterator`: ``async for``, and ``aclose()`` or ``async with``.

    The stream is opened by the first ``__anext__``, inside the event loop.
    """

    def __init__(self, open_stream, convert: Convert) -> None:
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
            with transport_errors_as():
                try:
                    response = await self._next_response()
                except (StopAsyncIteration, TransportError):
                    self._closed = True  # the stream ended or failed: nothing more will come
                    raise
            self._pending.extend(self._convert(response))
        return self._pending.pop(0)

    async def _next_response(self):
        if self._stream is None:
            self._stream = self._open_stream()
        return await self._stream.__anext__()

    async def aclose(self) -> None:
        self._closed = True
        self._pending.clear()
        if self._stream is not None:
            self._stream.cancel()

    async def __aenter__(self) -> "AsyncEventIterator[T]":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()
