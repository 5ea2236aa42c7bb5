"""Async iterators over the peer's batched query responses (range, rich query, history)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from ._errors import PeerError
from ._transport import PeerTransport

T = TypeVar("T")
Msg = shim_pb2.ChaincodeMessage


class QueryIterator(Generic[T]):
    """Yields decoded rows, asking the peer for the next batch (QUERY_STATE_NEXT) while it says has_more.

    The first request is sent on the first ``__anext__`` so that creating an
    iterator costs nothing, and once: readers at the same time, or one after a
    reader gave up waiting (cancelled), share its reply rather than opening a
    second iterator on the peer that nothing would close. Only a query the peer
    refused (``PeerError``: it opened nothing) is sent again by the next
    ``__anext__``, rather than ending as if it had found no rows.
    ``close()`` releases the peer's iterator early;
    after the last batch the peer has already released it. A closed iterator
    yields nothing more and sends nothing: closed before its first read, it
    never asks the peer for the query at all, which would open an iterator on
    the peer that nothing would close.
    """

    def __init__(
        self,
        transport: PeerTransport,
        message_type: int,
        request: bytes,
        decode: Callable[[bytes], T],
    ) -> None:
        self._transport = transport
        self._message_type = message_type
        self._request = request
        self._decode = decode
        self._rows: list[bytes] = []
        self._position = 0
        self._started = False
        self._first: asyncio.Future[bytes] | None = None   # the first request's reply, shared
        self._has_more = False
        self._iterator_id = ""
        self._closed = False
        self.response_metadata: bytes = b""  # QueryResponseMetadata of paginated queries

    def __aiter__(self) -> QueryIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._closed:
            raise StopAsyncIteration
        if not self._started:
            await self._start()
        while self._position >= len(self._rows):
            if not self._has_more:
                raise StopAsyncIteration
            next_request = shim_pb2.QueryStateNext(id=self._iterator_id).SerializeToString()
            self._accept(await self._transport.request(Msg.QUERY_STATE_NEXT, next_request))
        row = self._rows[self._position]
        self._position += 1
        return self._decode(row)

    async def _start(self) -> None:
        if self._first is None:
            self._first = asyncio.ensure_future(self._transport.request(self._message_type, self._request))
        first = self._first
        try:
            # shielded: a reader cancelled while waiting leaves the request to finish for the next one
            payload = await asyncio.shield(first)
        except PeerError:
            if self._first is first:
                self._first = None
            raise
        if not self._started:       # the first of the readers sharing the reply takes it
            self._accept(payload)
            self._started = True

    def _accept(self, payload: bytes) -> None:
        response = shim_pb2.QueryResponse.FromString(payload)
        self._rows = [result.resultBytes for result in response.results]
        self._position = 0
        self._has_more = response.has_more
        self._iterator_id = response.id
        if response.metadata:
            self.response_metadata = response.metadata

    async def close(self) -> None:
        """Tell the peer to drop the iterator if it still holds unread batches."""
        if self._closed:
            return
        self._closed = True
        if self._started and self._has_more:
            close_request = shim_pb2.QueryStateClose(id=self._iterator_id).SerializeToString()
            await self._transport.request(Msg.QUERY_STATE_CLOSE, close_request)

    async def collect(self) -> list[T]:
        return [row async for row in self]

    async def __aenter__(self) -> QueryIterator[T]:
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()
