"""The peer's side of the chaincode protocol, answered from memory for one transaction.

It decodes the very request messages the stub sends to a real peer and
answers with the same reply messages, so contracts under unit test run
through the production stub. Like a peer, it serves reads from committed
state (no read-your-writes) and collects writes into a write set.

It refuses what Fabric 3.1's transaction simulator refuses
(core/ledger/kvledger/txmgmt/txmgr/tx_simulator.go), with the peer's words: a
paginated query after a write, a write after a paginated query, a private data
range query after a write and a write after one. A write counts when the peer
receives it, so with write batching a contract's writes count only when
WRITE_BATCH_STATE arrives at the end of the transaction, and a batch that
follows a paginated query fails there, as on a peer.

Given the channel's collections (``MemoryLedger(collections=...)``), it also
refuses what the peer's handler refuses before any private data request reaches
the simulator (core/chaincode/handler.go errorIfCreatorHasNoReadPermission and
errorIfCreatorHasNoWritePermission, core/common/privdata/store.go): a collection
the chaincode does not define, a read of a ``memberOnlyRead`` collection and a
write of a ``memberOnlyWrite`` one by a client of an org that is no member.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from chaincode.shim._errors import PeerError
from chaincode.shim._handler import request_message
from chaincode.shim._stub import VALIDATION_PARAMETER

if TYPE_CHECKING:
    from ._ledger import MemoryLedger

Msg = shim_pb2.ChaincodeMessage
WriteRecord = shim_pb2.WriteRecord


@dataclass(frozen=True)
class Write:
    """One write as the peer received it; at commit ``_ledger._as_committed`` reduces a transaction's writes to the
    write set a peer commits (the last value write and the last policy write of each key)."""

    kind: int  # a WriteRecord.Type
    collection: str
    key: str
    value: bytes = b""


@dataclass(frozen=True)
class CollectionAccess:
    """Who may read and write a private data collection, from its definition as ``peer lifecycle chaincode
    approveformyorg --collections-config`` takes it: the member orgs its ``policy`` names and the
    ``memberOnlyRead``/``memberOnlyWrite`` flags (false where left out, as Fabric reads them)."""

    members: frozenset[str]
    member_only_read: bool
    member_only_write: bool

    @classmethod
    def from_config(cls, definition: Mapping) -> CollectionAccess:
        policy = str(definition.get("policy", ""))
        members = _member_orgs(policy)
        if members is None:
            raise ValueError(f"collection {definition.get('name')!r}: MemoryLedger reads a member policy "
                             f"only as OR('<MSP>.member', ...), which any client of a named org satisfies, "
                             f"not {policy!r}")
        return cls(frozenset(members), bool(definition.get("memberOnlyRead", False)),
                   bool(definition.get("memberOnlyWrite", False)))


def _member_orgs(policy: str) -> list[str] | None:
    """The MSP IDs of a member policy OR('A.member', 'B.member', ...) (or one 'A.member'); None for any
    other."""
    inner = re.fullmatch(r"\s*OR\((.*)\)\s*", policy, re.DOTALL)
    principals = (inner.group(1) if inner else policy).split(",")
    orgs = [re.fullmatch(r"\s*'([^'.]+)\.member'\s*", principal) for principal in principals]
    return [org.group(1) for org in orgs] if all(orgs) else None


@dataclass
class RangeRead:
    """A world-state range a transaction read, as validation checks it for phantoms (Fabric's RangeQueryInfo):
    where it started, each key the peer's iterator returned with the version it had (the rows served, and the
    row a batch was cut on), and whether the iterator reached the range's end (else it ends at the last key
    returned, inclusive)."""

    start: str
    end: str
    rows: list[tuple[str, int | None]] = field(default_factory=list)
    exhausted: bool = False


@dataclass
class _OpenQuery:
    rows: list[bytes]
    keys: list[str] = field(default_factory=list)   # of ``rows``, for a world-state range
    range_read: RangeRead | None = None
    complete: bool = True   # the peer's iterator reaches the end of the range (no totalQueryLimit stop)
    served: int = 0   # rows answered so far


@dataclass
class MemoryPeerSession:
    """Answers one transaction's requests; ``writes`` lists its writes in the order received,
    ``read_versions`` the version of each key it read (None: absent), and ``range_reads`` its world-state
    ranges, which validation checks (``MemoryLedger.commit``)."""

    ledger: MemoryLedger
    tx_id: str = ""
    batch_size: int = 100
    creator_msp: str = ""   # the submitting client's org, checked against a collection's members
    writes: list[Write] = field(default_factory=list)
    read_versions: dict[tuple[str, str], int | None] = field(default_factory=dict)
    range_reads: list[RangeRead] = field(default_factory=list)
    # What the transaction did so far, for the simulator's rules on mixing writes and some queries.
    _write_performed: bool = False
    _paginated_query_performed: bool = False
    _private_query_performed: bool = False
    _queries: dict[str, _OpenQuery] = field(default_factory=dict)
    _query_ids: itertools.count = field(default_factory=itertools.count)

    async def request(self, message_type: int, payload: bytes) -> bytes:
        # refused over the message limit as the runtime's stream refuses it, before the peer sees it
        request_message(message_type, payload, self.tx_id, self.ledger.channel_id)
        handler = self._handlers().get(message_type)
        if handler is None:
            raise PeerError(f"{Msg.Type.Name(message_type)} is not supported by MemoryLedger")
        try:
            return handler(payload)
        except _PeerRefusal as refusal:
            # the peer's wrapping of every refused request (core/chaincode/handler.go HandleTransaction)
            raise PeerError(f"{Msg.Type.Name(message_type)} failed: transaction ID: {self.tx_id}: {refusal}") from None

    def _handlers(self):
        return {
            Msg.GET_STATE: self._get_state,
            Msg.GET_STATE_MULTIPLE: self._get_state_multiple,
            Msg.PUT_STATE: self._put_state,
            Msg.DEL_STATE: self._del_state,
            Msg.PURGE_PRIVATE_DATA: self._purge,
            Msg.GET_PRIVATE_DATA_HASH: self._get_private_data_hash,
            Msg.GET_STATE_METADATA: self._get_state_metadata,
            Msg.PUT_STATE_METADATA: self._put_state_metadata,
            Msg.WRITE_BATCH_STATE: self._write_batch,
            Msg.GET_STATE_BY_RANGE: self._get_state_by_range,
            Msg.GET_HISTORY_FOR_KEY: self._get_history,
            Msg.QUERY_STATE_NEXT: self._query_next,
            Msg.QUERY_STATE_CLOSE: self._query_close,
            Msg.GET_QUERY_RESULT: self._rich_query,
        }

    # -- reads

    def _readable_values(self, collection: str) -> dict[str, bytes]:
        """The values a read of ``collection`` ("" the world state) sees, once the peer lets the client
        read it."""
        if collection:
            self._check_collection_access(collection, "read")
        return self._values(collection)

    def _values(self, collection: str) -> dict[str, bytes]:
        if collection:
            return self.ledger.private_state.get(collection, {})
        return self.ledger.state

    def _get_state(self, payload: bytes) -> bytes:
        request = shim_pb2.GetState.FromString(payload)
        values = self._readable_values(request.collection)
        self._read(request.collection, request.key)
        return values.get(request.key, b"")

    def _get_state_multiple(self, payload: bytes) -> bytes:
        request = shim_pb2.GetStateMultiple.FromString(payload)
        values = self._readable_values(request.collection)
        for key in request.keys:
            self._read(request.collection, key)
        return shim_pb2.GetStateMultipleResult(
            values=[values.get(key, b"") for key in request.keys]).SerializeToString()

    def _get_private_data_hash(self, payload: bytes) -> bytes:
        request = shim_pb2.GetState.FromString(payload)
        # any peer of the channel answers a hash, member or not: only the collection must exist (the
        # simulator's validateCollName), whoever asks
        self._check_collection_defined(request.collection)
        self._read(request.collection, request.key)
        value = self._values(request.collection).get(request.key)
        return hashlib.sha256(value).digest() if value is not None else b""

    def _get_state_metadata(self, payload: bytes) -> bytes:
        request = shim_pb2.GetStateMetadata.FromString(payload)
        if request.collection:
            self._check_collection_access(request.collection, "read")
        self._read(request.collection, request.key)   # the peer reads the key's value and metadata together
        policy = self.ledger.validation_parameter(request.collection, request.key)
        entries = [shim_pb2.StateMetadata(metakey=VALIDATION_PARAMETER, value=policy)] if policy else []
        return shim_pb2.StateMetadataResult(entries=entries).SerializeToString()

    def _get_state_by_range(self, payload: bytes) -> bytes:
        request = shim_pb2.GetStateByRange.FromString(payload)
        start, end = request.startKey, request.endKey
        if request.collection:
            self._check_collection_access(request.collection, "read")
            self._check_before_private_query()
        elif _is_paginated(request.metadata):
            self._check_before_paginated_query()
        page_size = 0
        if request.metadata:
            if request.collection:
                raise PeerError("pagination is not supported for private data queries")
            query_metadata = shim_pb2.QueryMetadata.FromString(request.metadata)
            page_size = query_metadata.pageSize
            if 0 < self.ledger.total_query_limit < page_size:
                # the peer's totalQueryLimit caps a page too (handler.go calculateTotalReturnLimit)
                page_size = self.ledger.total_query_limit
            start = query_metadata.bookmark or start
        keys = sorted(k for k in self._values(request.collection) if k >= start and (not end or k < end))
        values = self._values(request.collection)
        # what validation checks again at commit: the world state's ranges only (the private ones are
        # for read-only transactions)
        range_read = None if request.collection else RangeRead(start, end)
        if range_read is not None:
            self.range_reads.append(range_read)
        if page_size <= 0:
            # the peer ends an unpaginated query at its totalQueryLimit and says nothing: no error, no
            # bookmark. It stops there before asking its iterator for another row, so the iterator never
            # tells it the range ended, even where no key follows: the range read ends at the last key
            # served (query_response_generator.go BuildQueryResponse)
            limit = self.ledger.total_query_limit
            served = keys[:limit]
            return self._open_query([kv_query_result_pb2.KV(key=k, value=values[k]).SerializeToString()
                                     for k in served], served, range_read, complete=len(keys) < limit)
        # A page is never cut into batches: the peer answers with the whole page and its metadata in
        # one reply and releases the iterator (Fabric's QueryResponseGenerator, paginated case).
        bookmark = keys[page_size] if len(keys) > page_size else ""
        if range_read is not None:
            # a full page stops at its last row: the peer never asks its iterator past it
            range_read.rows = [(k, self.ledger.version("", k)) for k in keys[:page_size]]
            range_read.exhausted = len(keys) < page_size
        page = [kv_query_result_pb2.KV(key=k, value=values[k]).SerializeToString() for k in keys[:page_size]]
        metadata = shim_pb2.QueryResponseMetadata(fetched_records_count=len(page), bookmark=bookmark)
        return shim_pb2.QueryResponse(
            results=[shim_pb2.QueryResultBytes(resultBytes=row) for row in page], has_more=False,
            id=f"q{next(self._query_ids)}", metadata=metadata.SerializeToString(),
        ).SerializeToString()

    def _get_history(self, payload: bytes) -> bytes:
        request = shim_pb2.GetHistoryForKey.FromString(payload)
        rows = []
        # newest first, as Fabric; and like a plain range query it ends at the peer's totalQueryLimit
        # without a word (handler.go HandleGetHistoryForKey calculateTotalReturnLimit)
        newest_first = list(reversed(self.ledger.history.get(request.key, [])))
        for modification in newest_first[:self.ledger.total_query_limit]:
            row = kv_query_result_pb2.KeyModification(
                tx_id=modification.tx_id, value=modification.value, is_delete=modification.is_delete
            )
            if modification.timestamp is not None:
                row.timestamp.FromDatetime(modification.timestamp)
            rows.append(row.SerializeToString())
        return self._open_query(rows)

    def _rich_query(self, payload: bytes) -> bytes:
        raise PeerError("rich queries need a CouchDB state database; MemoryLedger has none")

    def _open_query(self, rows: list[bytes], keys: list[str] | None = None,
                    range_read: RangeRead | None = None, *, complete: bool = True) -> bytes:
        query_id = f"q{next(self._query_ids)}"
        self._queries[query_id] = _OpenQuery(rows, keys or [], range_read, complete)
        return self._next_batch(query_id)

    def _next_batch(self, query_id: str) -> bytes:
        query = self._queries.get(query_id)
        if query is None:
            raise PeerError(f"query iterator {query_id} does not exist")
        batch, query.rows = query.rows[: self.batch_size], query.rows[self.batch_size :]
        has_more = bool(query.rows)
        if query.range_read is not None:
            # the keys the peer's iterator returned are the ones the transaction read, and the peer cuts a
            # batch only once its iterator returned the row after it, which it keeps for the next batch
            # (query_response_generator.go BuildQueryResponse, txmgr/query_executor.go resultsItr): a
            # transaction that stops after a batch has read that row too
            query.served += len(batch)
            read = query.served + (1 if has_more else 0)
            rows = query.range_read.rows
            rows += [(key, self.ledger.version("", key)) for key in query.keys[len(rows):read]]
            query.range_read.exhausted = not has_more and query.complete
        response = shim_pb2.QueryResponse(
            results=[shim_pb2.QueryResultBytes(resultBytes=row) for row in batch], has_more=has_more, id=query_id
        )
        if not has_more:  # like the peer, forget the iterator after its last batch
            del self._queries[query_id]
        return response.SerializeToString()

    def _query_next(self, payload: bytes) -> bytes:
        return self._next_batch(shim_pb2.QueryStateNext.FromString(payload).id)

    def _query_close(self, payload: bytes) -> bytes:
        query_id = shim_pb2.QueryStateClose.FromString(payload).id
        self._queries.pop(query_id, None)
        return shim_pb2.QueryResponse(id=query_id).SerializeToString()

    def _read(self, collection: str, key: str) -> None:
        """Put ``key`` in the read set with the version it has (the first read's: state holds still)."""
        self.read_versions.setdefault((collection, key), self.ledger.version(collection, key))

    # -- writes

    def _put_state(self, payload: bytes) -> bytes:
        request = shim_pb2.PutState.FromString(payload)
        self._record(WriteRecord.PUT_STATE, request.collection, request.key, request.value)
        return b""

    def _del_state(self, payload: bytes) -> bytes:
        request = shim_pb2.DelState.FromString(payload)
        self._record(WriteRecord.DEL_STATE, request.collection, request.key)
        return b""

    def _purge(self, payload: bytes) -> bytes:
        request = shim_pb2.DelState.FromString(payload)
        self._record(WriteRecord.PURGE_PRIVATE_DATA, request.collection, request.key)
        return b""

    def _put_state_metadata(self, payload: bytes) -> bytes:
        request = shim_pb2.PutStateMetadata.FromString(payload)
        self._record_metadata(request.collection, request.key, request.metadata)
        return b""

    def _write_batch(self, payload: bytes) -> bytes:
        for record in shim_pb2.WriteBatchState.FromString(payload).rec:
            if record.type == WriteRecord.PUT_STATE_METADATA:
                self._record_metadata(record.collection, record.key, record.metadata)
            elif record.type in (WriteRecord.PUT_STATE, WriteRecord.DEL_STATE, WriteRecord.PURGE_PRIVATE_DATA):
                self._record(record.type, record.collection, record.key, record.value)
            else:
                raise PeerError(f"write batch record of unknown type {record.type} for key {record.key!r}")
        return b""

    def _record_metadata(self, collection: str, key: str, metadata: shim_pb2.StateMetadata) -> None:
        if metadata.metakey != VALIDATION_PARAMETER:
            raise PeerError(f"unsupported state metadata key {metadata.metakey!r}")
        self._record(WriteRecord.PUT_STATE_METADATA, collection, key, metadata.value)

    def _record(self, kind: int, collection: str, key: str, value: bytes = b"") -> None:
        if kind == WriteRecord.PURGE_PRIVATE_DATA and not collection:
            raise PeerError("purge needs a private data collection")
        if collection:
            self._check_collection_access(collection, "write")
        self._check_write_precondition()
        if not key:
            raise PeerError("key must not be an empty string")
        if kind == WriteRecord.PUT_STATE and not value:
            # An empty value never reaches the peer (proto3 leaves the field out), and the peer's simulator
            # writes a nil value as a delete (rwsetutil newKVWrite), public and private data alike.
            kind = WriteRecord.DEL_STATE
        self.writes.append(Write(kind, collection, key, value))

    # -- the peer's checks of a private data request, in its words

    def _check_collection_defined(self, collection: str) -> None:
        collections = self.ledger.collections
        if collections is not None and collection not in collections:
            raise _PeerRefusal(f"collection [{collection}] not defined in the collection config for "
                               f"chaincode [{self.ledger.chaincode_name}]")

    def _check_collection_access(self, collection: str, access: str) -> None:
        """The handler's check before a private read or write (``access``): the collection is defined, and a
        client of an org that is no member of it is refused where the collection is member-only for that."""
        collections = self.ledger.collections
        if collections is None:
            return
        definition = collections.get(collection)
        if definition is None:
            ledger = self.ledger
            raise _PeerRefusal(f"collection {ledger.channel_id}/{ledger.chaincode_name}/{collection} could "
                               f"not be found")
        if self.creator_msp in definition.members:
            return
        if definition.member_only_read if access == "read" else definition.member_only_write:
            raise _PeerRefusal(f"tx creator does not have {access} access permission on privatedata in "
                               f"chaincodeName:{self.ledger.chaincode_name} collectionName: {collection}")

    # -- the transaction simulator's rules, in its order and words (typo included)

    def _check_write_precondition(self) -> None:
        if self._private_query_performed:
            raise _PeerRefusal(f"txid [{self.tx_id}]: unsuppored transaction. Transaction has already "
                                    f"performed queries on pvt data. Writes are not allowed")
        if self._paginated_query_performed:
            raise _PeerRefusal(f"txid [{self.tx_id}]: unsuppored transaction. Transaction has already "
                                    f"performed a paginated query. Writes are not allowed")
        self._write_performed = True

    def _check_before_private_query(self) -> None:
        if self._write_performed:
            raise _PeerRefusal(f"txid [{self.tx_id}]: unsuppored transaction. Queries on pvt data is "
                                    f"supported only in a read-only transaction")
        self._private_query_performed = True

    def _check_before_paginated_query(self) -> None:
        if self._write_performed:
            raise _PeerRefusal(f"txid [{self.tx_id}]: unsuppored transaction. Paginated queries are "
                                    f"supported only in a read-only transaction")
        self._paginated_query_performed = True


class _PeerRefusal(Exception):
    """A request the peer's transaction simulator refuses; ``request`` words it as the peer answers."""


def _is_paginated(metadata: bytes) -> bool:
    """Whether the peer runs a range query with this QueryMetadata as a paginated one
    (core/chaincode/handler.go isMetadataSetForPagination): a page size or a bookmark."""
    if not metadata:
        return False
    query_metadata = shim_pb2.QueryMetadata.FromString(metadata)
    return query_metadata.pageSize != 0 or query_metadata.bookmark != ""
