"""Async iterators over the peer's batched query responses (range, rich query, history)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from ._errors import PeerError, parse_peer_reply
from ._transport import PeerTransport

logger = logging.getLogger(__name__)
T = TypeVar("T")
Msg = shim_pb2.ChaincodeMessage


class QueryIterator(Generic[T]):
    """Yields decoded rows, asking the peer for the next batch (QUERY_STATE_NEXT) while it says has_more.

    The first request is sent on the first ``__anext__`` so that creating an
    iterator costs nothing. Each request, the query and every QUERY_STATE_NEXT
    after it, is sent once: readers at the same time, or one after a reader gave
    up waiting (cancelled), share its reply, whose batch is taken once. A second
    query would open a second iterator on the peer that nothing would close, and
    a second QUERY_STATE_NEXT would replace a batch still being read, losing its
    rows. Only a request the peer refused (``PeerError``) is sent again by the
    next ``__anext__``: a refused query opened nothing, and must not end as if it
    had found no rows.
    ``close()`` releases the peer's iterator early;
    after the last batch the peer has already released it. Leaving ``async with``
    by an exception keeps that exception: a release that fails then is logged,
    not raised in its place. A closed iterator
    yields nothing more and sends no further query or QUERY_STATE_NEXT: closed
    before its first read, it never asks the peer for the query at all, which
    would open an iterator on the peer; closed while the query is out, it waits
    for the reply and releases the iterator that reply opened.
    A batch without rows that says more follow, which a Fabric peer never sends
    (it holds back a row for the next batch before saying so), fails every read
    from then on with a PeerError: asked again, such a peer could answer the same
    for ever, and the transaction would never end. The iterator that batch names
    is released first, whether it answered the query or a QUERY_STATE_NEXT: the
    contract, whose read failed, has no reason to close it.
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
        self._started = False   # the first batch is in
        self._in_flight: asyncio.Future[bytes] | None = None   # the reply to the request sent, shared
        self._has_more = False   # the peer holds the iterator (_iterator_id) until it is released
        self._iterator_id = ""
        self._closed = False
        self._failure: str | None = None   # why no more rows can be read: the peer broke the protocol
        self.response_metadata: bytes = b""  # QueryResponseMetadata of paginated queries

    def __aiter__(self) -> QueryIterator[T]:
        return self

    async def __anext__(self) -> T:
        # checked on each round: a reader waiting for a batch while another closed the iterator stops there
        while not self._closed:
            if self._position < len(self._rows):
                row = self._rows[self._position]
                self._position += 1
                return self._decode(row)
            if self._failure is not None:
                raise PeerError(self._failure)
            if self._started and not self._has_more:
                break
            await self._fetch_batch()
        raise StopAsyncIteration

    async def _fetch_batch(self) -> None:
        """Send the query, or QUERY_STATE_NEXT once it has answered, unless a request is in flight
        already; wait for the reply, and take its batch unless another reader sharing it has."""
        if self._in_flight is None:
            if self._started:
                request = self._transport.request(
                    Msg.QUERY_STATE_NEXT, shim_pb2.QueryStateNext(id=self._iterator_id).SerializeToString())
            else:
                request = self._transport.request(self._message_type, self._request)
            self._in_flight = asyncio.ensure_future(request)
            # retrieved here too: a failure no reader is left to await (the readers gave up, or were cancelled
            # as the stream closed) would otherwise be logged as an exception never retrieved
            self._in_flight.add_done_callback(_retrieve_outcome)
        in_flight = self._in_flight
        try:
            # shielded: a reader cancelled while waiting leaves the request to finish for the next one
            payload = await asyncio.shield(in_flight)
        except PeerError:
            if self._in_flight is in_flight:
                self._in_flight = None
            raise
        if self._in_flight is in_flight:   # the first of the readers sharing the reply takes the batch
            self._in_flight = None
            self._accept(payload)
            if self._failure is not None:
                await self._release(given_up=True)

    def _accept(self, payload: bytes) -> None:
        response = parse_peer_reply(shim_pb2.QueryResponse, payload, Msg.Type.Name(self._requested()))
        if response.has_more and not response.results:
            self._failure = (f"the peer answered {Msg.Type.Name(self._requested())} with no rows yet said more "
                             f"follow (iterator {response.id!r}), which a Fabric peer never does: the query is "
                             f"given up rather than asked on for ever; check the peer's version and log")
            # the peer says it holds this iterator, as after any batch that says more follow: it is released
            self._has_more, self._iterator_id = True, response.id
            return
        self._started = True
        self._rows = [result.resultBytes for result in response.results]
        self._position = 0
        self._has_more = response.has_more
        self._iterator_id = response.id
        if response.metadata:
            self.response_metadata = response.metadata

    def _requested(self) -> int:
        """The request the batch in hand answers: the query, or QUERY_STATE_NEXT once it has answered."""
        return Msg.QUERY_STATE_NEXT if self._started else self._message_type

    async def close(self) -> None:
        """Tell the peer to drop the iterator if it still holds unread batches."""
        if self._closed:
            return
        self._closed = True
        in_flight = self._in_flight
        if not self._started and in_flight is not None:
            # The query is out: a reply with more rows opens an iterator on the peer, which would hold it until
            # the transaction ends. Shielded: a reader still waiting shares the reply.
            try:
                payload = await asyncio.shield(in_flight)
            except Exception:   # refused or never sent: there is no iterator to release, the readers see why
                return
            if self._in_flight is in_flight:   # no reader took the batch: it is the reply that says what opened
                self._in_flight = None
                self._accept(payload)
        await self._release()

    async def _release(self, given_up: bool = False) -> None:
        """QUERY_STATE_CLOSE for the iterator the peer holds, if it holds one, once. given_up: the peer broke the
        protocol and the read fails saying so; its refusal of the release is not what the contract should see
        instead, and the peer drops the iterator as the transaction ends anyway."""
        if not self._has_more:
            return
        self._has_more = False   # before the request: a reader or close() meanwhile sends no second one
        close_request = shim_pb2.QueryStateClose(id=self._iterator_id).SerializeToString()
        try:
            await self._transport.request(Msg.QUERY_STATE_CLOSE, close_request)
        except PeerError:
            if not given_up:
                raise

    async def collect(self) -> list[T]:
        return [row async for row in self]

    async def __aenter__(self) -> QueryIterator[T]:
        return self

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        if exc is None:
            await self.close()
            return
        # The block failed (a contract's ContractError naming the rule it broke, say): that is what the transaction
        # answers. A release the peer refuses, or that the closing stream cuts, would replace it, the caller
        # learning of an iterator instead of the rule; the peer drops the iterator as the transaction ends anyway.
        try:
            await self.close()
        except PeerError as release_failure:
            if isinstance(exc, asyncio.CancelledError):   # the stream is closing: its handler says so, once
                return
            logger.warning("could not release the peer's query iterator %r after the block reading it raised "
                           "%s: %s", self._iterator_id, exc_type.__name__, release_failure)


def _retrieve_outcome(request: asyncio.Future) -> None:
    if not request.cancelled():
        request.exception()
