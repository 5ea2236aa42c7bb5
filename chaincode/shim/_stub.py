"""ChaincodeStub: what a transaction can ask of the ledger, one peer round trip per coroutine.

Fabric semantics worth remembering when reading or writing contracts:
reads see the state committed before this transaction (a transaction never
reads its own writes), writes become the transaction's write set and reach
the ledger only if the transaction is endorsed, ordered and validated.

Since the peer holds committed state still while it simulates a transaction,
a key of the world state read again in the same transaction has the value it
had the first time: ``get_state`` answers it from that first read, without a
round trip.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from fabric_protos.ledger.queryresult import kv_query_result_pb2
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, proposal_response_pb2

from . import _composite as composite
from ._errors import InvalidValue, PeerError, parse_peer_reply
from ._iterators import QueryIterator
from ._key_policy import KeyEndorsementPolicy
from ._peer_options import MAX_MESSAGE_BYTES, PeerOptions
from ._proposal import ProposalDetails, timestamp_to_datetime
from ._text import excerpt
from ._types import INTERNAL_ERROR, KV, KeyModification, QueryMetadata, Response

if TYPE_CHECKING:
    from fabric_protos.peer import proposal_pb2

    from ._transport import PeerTransport

Msg = shim_pb2.ChaincodeMessage
WriteRecord = shim_pb2.WriteRecord
VALIDATION_PARAMETER = "VALIDATION_PARAMETER"


def _decode_kv(row: bytes) -> KV:
    kv = parse_peer_reply(kv_query_result_pb2.KV, row, "a query (a row of it)")
    return KV(kv.key, kv.value)


def _decode_history(row: bytes) -> KeyModification:
    mod = parse_peer_reply(kv_query_result_pb2.KeyModification, row, "GET_HISTORY_FOR_KEY (a row of it)")
    timestamp = timestamp_to_datetime(mod.timestamp) if mod.HasField("timestamp") else None
    return KeyModification(mod.tx_id, mod.value, timestamp, mod.is_delete)


def _varint_bytes(value: int) -> int:
    """Bytes protobuf needs to encode ``value`` (>= 0) as a varint: 7 bits a byte."""
    return max(1, (value.bit_length() + 6) // 7)


def _length_delimited_bytes(size: int) -> int:
    """Bytes a length-delimited field of ``size`` bytes takes with a field number below 16:
    a one-byte tag, the length as a varint, then the bytes."""
    return 1 + _varint_bytes(size) + size


def _as_bytes(value: object, what: str) -> bytes:
    """``value``, which must be bytes (or a bytearray or memoryview), as bytes. ``bytes()`` alone would take
    an int as a length and a list of ints as byte values: an amount a contract forgot to encode,
    ``put_state(key, 3)``, would be written as three zero bytes without a word."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise InvalidValue(f"{what} must be bytes, not {type(value).__name__}: encode it first (text with "
                       f".encode(), a document with json.dumps(...).encode())")


def _utf8(text: str, what: str) -> bytes:
    """``text`` encoded as UTF-8; one that has no UTF-8 form is refused as a key is (validate_utf8)."""
    composite.validate_utf8(text, what)
    return text.encode("utf-8")


def _require(value: str, what: str) -> None:
    """A key, collection or name: a str, neither empty nor without a UTF-8 form."""
    # a transaction checks some 20-30 keys, nearly all composite keys of ASCII text: a str that is ASCII
    # (``isascii`` reads a flag the str carries) has a UTF-8 form, and needs no encoding to show it
    if type(value) is str and value and value.isascii():
        return
    composite.require_str(value, what)   # first: None is no empty string
    if not value:
        raise InvalidValue(f"{what} must not be an empty string")
    composite.validate_utf8(value, what)


def _as_list(values: object, what: str, one: str) -> list:
    """``values`` (keys, arguments) as a list; a single str or bytes is refused, since ``list()`` would take each of
    its characters (or byte values) for one of them: keys read one per letter, a chaincode called with function
    "F" for "Fn". ``what`` says what ``values`` must be, ``one`` names one of them."""
    if isinstance(values, (str, bytes, bytearray, memoryview)):
        raise InvalidValue(f"{what}, not a {type(values).__name__}: wrap a single {one} in a list, "
                           f"[{excerpt(bytes(values) if isinstance(values, memoryview) else values)}]")
    return list(values)


class ChaincodeStub:
    """One transaction's view of the ledger. Created by the runtime, handed to contracts as ``ctx.stub``."""

    def __init__(
        self,
        transport: PeerTransport,
        *,
        channel_id: str,
        tx_id: str,
        args: list[bytes],
        proposal: ProposalDetails | None = None,
        options: PeerOptions | None = None,
        decorations: dict[str, bytes] | None = None,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
    ) -> None:
        self._transport = transport
        self._max_message_bytes = max_message_bytes
        self._channel_id = channel_id
        self._tx_id = tx_id
        self._args = list(args)
        self._decorations = dict(decorations or {})
        self._proposal = proposal or ProposalDetails()
        self._options = options or PeerOptions()
        self._event: tuple[str, bytes] | None = None
        # Writes waiting for WRITE_BATCH_STATE, keyed so a later write of the same
        # key (and kind) replaces an earlier one, as the peer's write set would.
        self._write_batch: dict[tuple[str, str, str], shim_pb2.WriteRecord] = {}
        self._state_read: dict[str, bytes | None] = {}  # world-state values this transaction has read
        self._returned = False   # the transaction function has returned: its writes and event are taken (end_writes)

    # -- what the transaction was asked (no round trip)

    @property
    def tx_id(self) -> str:
        return self._tx_id

    @property
    def channel_id(self) -> str:
        return self._channel_id

    def get_args(self) -> list[bytes]:
        return list(self._args)

    def get_string_args(self) -> list[str]:
        """The arguments as text; one that is no UTF-8 (the caller chose the bytes) raises ValueError naming it."""
        texts = []
        for index, arg in enumerate(self._args):
            try:
                texts.append(arg.decode("utf-8"))
            except UnicodeDecodeError:
                shown = excerpt(arg.decode("utf-8", "backslashreplace"))
                raise InvalidValue(f"argument {index} ({shown}) is not valid UTF-8: read it as bytes with get_args() "
                                   f"(argument 0 is the function name)") from None
        return texts

    def get_function_and_parameters(self) -> tuple[str, list[str]]:
        args = self.get_string_args()
        return (args[0], args[1:]) if args else ("", [])

    def get_decorations(self) -> dict[str, bytes]:
        """What the peer's decorators added to the ChaincodeInput (none unless the peer is configured with some)."""
        return dict(self._decorations)

    def get_creator(self) -> bytes:
        """The submitter's serialized identity (msp.SerializedIdentity bytes)."""
        return self._proposal.creator

    def get_signed_proposal(self) -> proposal_pb2.SignedProposal | None:
        return self._proposal.signed_proposal

    def get_transient(self) -> dict[str, bytes]:
        """Transient data: sent to the endorsers only, never written to the ledger."""
        return dict(self._proposal.transient)

    def get_tx_timestamp(self) -> datetime:
        """The client's proposal timestamp (UTC, aware): the same on every endorser, unlike the clock.

        Raises ValueError when the proposal has none, or one outside years 1 to 9999.
        """
        if self._proposal.timestamp is None:
            raise InvalidValue("the proposal carries no timestamp")
        try:
            return timestamp_to_datetime(self._proposal.timestamp)
        except ValueError as exc:
            raise InvalidValue(f"the proposal's {exc}: the client that submitted it set it wrongly; submit the "
                               f"transaction again from a client whose clock is right") from None

    def get_binding(self) -> bytes:
        return self._proposal.binding

    def set_event(self, name: str, payload: bytes) -> None:
        """Attach the transaction's event; a later call replaces an earlier one, until the function returns."""
        if self._returned:
            # the answer is being made or sent: the event would replace the function's in some endorsers' answers
            # and not in others', or vanish
            raise InvalidValue(f"set_event {excerpt(name)} after the transaction function returned: the "
                               f"transaction's event is taken when it returns; await every task that sets it "
                               f"before returning")
        composite.require_str(name, "event name")
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidValue(f"event name {name!r} holds an unpaired surrogate, which no event can carry: "
                               f"name the event with valid Unicode text") from None
        _require(name, "event name")
        self._event = (name, _as_bytes(payload, "event payload"))

    @property
    def event(self) -> tuple[str, bytes] | None:
        return self._event

    @staticmethod
    def create_composite_key(object_type: str, attributes: list[str]) -> str:
        return composite.create_composite_key(object_type, attributes)

    @staticmethod
    def split_composite_key(key: str) -> tuple[str, list[str]]:
        return composite.split_composite_key(key)

    # -- world state

    async def get_state(self, key: str) -> bytes | None:
        """The committed value of ``key`` (None when absent); a second read of a key costs no round trip."""
        _require(key, "key")
        if key in self._state_read:
            return self._state_read[key]
        value = await self._get(key, "")
        self._state_read[key] = value
        return value

    async def get_multiple_states(self, keys: list[str]) -> list[bytes | None]:
        """Values of ``keys`` in order; one GET_STATE_MULTIPLE per chunk when the peer offers it.

        Keys this transaction has read already are answered from that read, and the ones read here
        are kept, so reading several keys first and then each with ``get_state`` costs one round trip.
        """
        keys = _as_list(keys, "keys must be a list of str", "key")
        missing = list(dict.fromkeys(key for key in keys if key not in self._state_read))
        if missing:
            self._state_read.update(zip(missing, await self._get_many(missing, "")))
        return [self._state_read[key] for key in keys]

    async def put_state(self, key: str, value: bytes) -> None:
        _require(key, "key")
        await self._write(WriteRecord.PUT_STATE, key, "", value=_as_bytes(value, "value"))

    async def del_state(self, key: str) -> None:
        _require(key, "key")
        await self._write(WriteRecord.DEL_STATE, key, "")

    def get_state_by_range(self, start: str, end: str) -> QueryIterator[KV]:
        """Keys in [start, end), sorted; "" means unbounded. Composite keys are never included."""
        start, end = self._simple_range(start, end)
        return self._range_iterator("", start, end, b"")

    async def get_state_by_range_with_pagination(
        self, start: str, end: str, page_size: int, bookmark: str = ""
    ) -> tuple[list[KV], QueryMetadata]:
        start, end = self._simple_range(start, end)
        return await self._paginated_range(start, end, page_size, bookmark)

    def get_state_by_partial_composite_key(self, object_type: str, attributes: list[str]) -> QueryIterator[KV]:
        start, end = composite.partial_key_range(object_type, attributes)
        return self._range_iterator("", start, end, b"")

    def get_state_by_partial_composite_key_from(
        self, object_type: str, attributes: list[str], start_key: str
    ) -> QueryIterator[KV]:
        """The keys of ``get_state_by_partial_composite_key(object_type, attributes)`` from ``start_key`` (a key
        of that range, included) on: how a transaction that writes resumes a scan where the last one stopped,
        as Fabric's peer refuses every write after a paginated query in the same transaction."""
        start, end = composite.partial_key_range(object_type, attributes)
        composite.validate_utf8(start_key, "start key")
        if not start <= start_key < end:
            raise InvalidValue(f"{excerpt(start_key)} is not a key of the range of {excerpt(object_type)}")
        return self._range_iterator("", start_key, end, b"")

    async def get_state_by_partial_composite_key_with_pagination(
        self, object_type: str, attributes: list[str], page_size: int, bookmark: str = ""
    ) -> tuple[list[KV], QueryMetadata]:
        start, end = composite.partial_key_range(object_type, attributes)
        return await self._paginated_range(start, end, page_size, bookmark)

    def get_query_result(self, query: str) -> QueryIterator[KV]:
        """A rich (JSON selector) query: CouchDB state databases only."""
        composite.validate_utf8(query, "query")
        request = shim_pb2.GetQueryResult(query=query).SerializeToString()
        return QueryIterator(self._transport, Msg.GET_QUERY_RESULT, request, _decode_kv)

    def get_history_for_key(self, key: str) -> QueryIterator[KeyModification]:
        """Every committed write of ``key``, newest first (needs the peer's history database)."""
        _require(key, "key")
        request = shim_pb2.GetHistoryForKey(key=key).SerializeToString()
        return QueryIterator(self._transport, Msg.GET_HISTORY_FOR_KEY, request, _decode_history)

    async def get_state_validation_parameter(self, key: str) -> bytes | None:
        _require(key, "key")
        return await self._get_validation_parameter(key, "")

    async def set_state_validation_parameter(self, key: str, policy: bytes) -> None:
        _require(key, "key")
        await self._write_validation_parameter(key, "", policy)

    # -- private data

    async def get_private_data(self, collection: str, key: str) -> bytes | None:
        _require(collection, "collection")
        _require(key, "key")
        return await self._get(key, collection)

    async def get_multiple_private_data(self, collection: str, keys: list[str]) -> list[bytes | None]:
        _require(collection, "collection")
        return await self._get_many(_as_list(keys, "keys must be a list of str", "key"), collection)

    async def get_private_data_hash(self, collection: str, key: str) -> bytes | None:
        """SHA-256 of the private value; readable by every peer on the channel, members or not."""
        _require(collection, "collection")
        _require(key, "key")
        request = shim_pb2.GetState(key=key, collection=collection).SerializeToString()
        payload = await self._transport.request(Msg.GET_PRIVATE_DATA_HASH, request)
        return payload or None

    async def put_private_data(self, collection: str, key: str, value: bytes) -> None:
        _require(collection, "collection")
        _require(key, "key")
        await self._write(WriteRecord.PUT_STATE, key, collection, value=_as_bytes(value, "value"))

    async def del_private_data(self, collection: str, key: str) -> None:
        _require(collection, "collection")
        _require(key, "key")
        await self._write(WriteRecord.DEL_STATE, key, collection)

    async def purge_private_data(self, collection: str, key: str) -> None:
        """Delete the value and its history from every peer's private store (the hash stays on chain)."""
        _require(collection, "collection")
        _require(key, "key")
        await self._write(WriteRecord.PURGE_PRIVATE_DATA, key, collection)

    def get_private_data_by_range(self, collection: str, start: str, end: str) -> QueryIterator[KV]:
        _require(collection, "collection")
        start, end = self._simple_range(start, end)
        return self._range_iterator(collection, start, end, b"")

    def get_private_data_by_partial_composite_key(
        self, collection: str, object_type: str, attributes: list[str]
    ) -> QueryIterator[KV]:
        _require(collection, "collection")
        start, end = composite.partial_key_range(object_type, attributes)
        return self._range_iterator(collection, start, end, b"")

    async def get_private_data_validation_parameter(self, collection: str, key: str) -> bytes | None:
        _require(collection, "collection")
        _require(key, "key")
        return await self._get_validation_parameter(key, collection)

    async def set_private_data_validation_parameter(self, collection: str, key: str, policy: bytes) -> None:
        _require(collection, "collection")
        _require(key, "key")
        await self._write_validation_parameter(key, collection, policy)

    # -- other chaincodes

    async def invoke_chaincode(self, name: str, args: list[bytes | str], channel: str = "") -> Response:
        """Call another chaincode in this transaction (same channel: its writes join this transaction)."""
        _require(name, "chaincode name")
        composite.validate_utf8(channel, "channel")
        target = f"{name}/{channel}" if channel else name
        encoded = [_utf8(arg, "chaincode argument") if isinstance(arg, str) else _as_bytes(arg, "chaincode argument")
                   for arg in _as_list(args, "chaincode arguments must be a list", "argument")]
        spec = chaincode_pb2.ChaincodeSpec(
            chaincode_id=chaincode_pb2.ChaincodeID(name=target),
            input=chaincode_pb2.ChaincodeInput(args=encoded),
        )
        payload = await self._transport.request(Msg.INVOKE_CHAINCODE, spec.SerializeToString())
        reply = parse_peer_reply(Msg, payload, "INVOKE_CHAINCODE")
        if reply.type == Msg.COMPLETED:
            response = parse_peer_reply(proposal_response_pb2.Response, reply.payload, "INVOKE_CHAINCODE")
            return Response(response.status, response.message, response.payload)
        # The called chaincode failed before producing a response.
        reason = reply.payload.decode("utf-8", "replace")
        if not reason.strip():   # said as nothing, the calling contract could tell its caller nothing
            reason = f"chaincode {target} failed without saying why: check the peer's log for tx {self._tx_id}"
        return Response(INTERNAL_ERROR, reason, b"")

    # -- end of transaction (called by the runtime, not by contracts)

    def end_writes(self) -> None:
        """The transaction function has returned: refuse every write, and every event, from here on. A write
        made later (by a task the transaction started and did not await) would miss the write batch already
        taken, or reach the peer after COMPLETED, and be lost while the transaction was reported a success;
        an event would replace the function's only where it came before the answer was made."""
        self._returned = True

    async def flush_writes(self) -> None:
        """Send the batched writes as WRITE_BATCH_STATE messages of at most the peer's number of records
        each, and each within the message limit."""
        records = list(self._write_batch.values())
        self._write_batch.clear()
        for segment in self._write_segments(records):
            batch = shim_pb2.WriteBatchState(rec=segment)
            await self._transport.request(Msg.WRITE_BATCH_STATE, batch.SerializeToString())

    def _write_segments(self, records: list[shim_pb2.WriteRecord]) -> list[list[shim_pb2.WriteRecord]]:
        """``records`` cut into segments of at most the peer's segment size whose WRITE_BATCH_STATE
        message stays within the message limit. Writes that each fit the limit unbatched may add
        up to more than it, and are split rather than fail; only a record too large for any message
        (a write within the few bytes a record adds of the limit included) stays alone in its
        segment, for the request to refuse."""
        return self._segments(records, [_length_delimited_bytes(record.ByteSize()) for record in records],
                              self._options.write_batch_segment, Msg.WRITE_BATCH_STATE)

    def _key_segments(self, keys: list[str], collection: str) -> list[list[str]]:
        """``keys`` cut into segments of at most the peer's segment size whose GET_STATE_MULTIPLE message,
        ``collection`` included, stays within the message limit, as writes are (``_write_segments``): keys
        that each fit a GET_STATE of their own may add up to more than it. A key too long for any message
        stays alone in its segment, for the request to refuse."""
        collection_bytes = _length_delimited_bytes(len(collection.encode("utf-8"))) if collection else 0
        return self._segments(keys, [_length_delimited_bytes(len(key.encode("utf-8"))) for key in keys],
                              self._options.get_multiple_keys_segment, Msg.GET_STATE_MULTIPLE,
                              fixed_bytes=collection_bytes)

    def _segments(self, items: list, item_bytes: list[int], count_limit: int, message_type: int,
                  fixed_bytes: int = 0) -> list[list]:
        """``items`` of a repeated field, each taking ``item_bytes`` in the payload, cut in order into
        segments of at most ``count_limit`` items whose ``message_type`` message, with ``fixed_bytes`` of
        other payload fields, stays within the message limit. An item too large for any message stays alone
        in its segment."""
        envelope = Msg(type=message_type, txid=self._tx_id, channel_id=self._channel_id).ByteSize()
        # The payload field's tag and length (a varint of at most 5 bytes below 4 GiB) are envelope too.
        payload_budget = self._max_message_bytes - envelope - 1 - 5 - fixed_bytes
        segments: list[list] = []
        segment: list = []
        segment_bytes = 0
        for item, size in zip(items, item_bytes):
            if segment and (len(segment) == count_limit or segment_bytes + size > payload_budget):
                segments.append(segment)
                segment, segment_bytes = [], 0
            segment.append(item)
            segment_bytes += size
        if segment:
            segments.append(segment)
        return segments

    # -- helpers

    async def _get(self, key: str, collection: str) -> bytes | None:
        request = shim_pb2.GetState(key=key, collection=collection).SerializeToString()
        payload = await self._transport.request(Msg.GET_STATE, request)
        # The peer cannot tell an empty value from an absent one: both arrive empty.
        return payload or None

    async def _get_many(self, keys: list[str], collection: str) -> list[bytes | None]:
        for key in keys:
            _require(key, "key")
        if not self._options.use_get_multiple_keys:
            return [await self._get(key, collection) for key in keys]
        values: list[bytes | None] = []
        for chunk in self._key_segments(keys, collection):
            request = shim_pb2.GetStateMultiple(keys=chunk, collection=collection).SerializeToString()
            reply = await self._transport.request(Msg.GET_STATE_MULTIPLE, request)
            result = parse_peer_reply(shim_pb2.GetStateMultipleResult, reply, "GET_STATE_MULTIPLE")
            if len(result.values) != len(chunk):
                raise PeerError(f"GET_STATE_MULTIPLE returned {len(result.values)} values for {len(chunk)} keys")
            values.extend(value or None for value in result.values)
        return values

    async def _write(
        self,
        record_type: int,
        key: str,
        collection: str,
        *,
        value: bytes = b"",
        metadata: shim_pb2.StateMetadata | None = None,
    ) -> None:
        if self._returned:
            raise InvalidValue(f"{WriteRecord.Type.Name(record_type)} of key {excerpt(key)} after the "
                               f"transaction function returned: it would be lost, since the transaction's "
                               f"writes are taken when it returns; await every write, and every task making "
                               f"one, before returning")
        if self._options.use_write_batch:
            record = WriteRecord(key=key, value=value, collection=collection, type=record_type)
            if metadata is not None:
                record.metadata.CopyFrom(metadata)
            # PUT and DEL of one key overwrite each other; metadata and purge are separate entries.
            kind = "state" if record_type in (WriteRecord.PUT_STATE, WriteRecord.DEL_STATE) else str(record_type)
            self._write_batch.pop((kind, collection, key), None)
            self._write_batch[(kind, collection, key)] = record
            return
        if record_type == WriteRecord.PUT_STATE:
            message_type = Msg.PUT_STATE
            request = shim_pb2.PutState(key=key, value=value, collection=collection)
        elif record_type == WriteRecord.DEL_STATE:
            message_type = Msg.DEL_STATE
            request = shim_pb2.DelState(key=key, collection=collection)
        elif record_type == WriteRecord.PURGE_PRIVATE_DATA:
            message_type = Msg.PURGE_PRIVATE_DATA
            request = shim_pb2.DelState(key=key, collection=collection)
        else:
            message_type = Msg.PUT_STATE_METADATA
            request = shim_pb2.PutStateMetadata(key=key, collection=collection, metadata=metadata)
        await self._transport.request(message_type, request.SerializeToString())

    async def _get_validation_parameter(self, key: str, collection: str) -> bytes | None:
        request = shim_pb2.GetStateMetadata(key=key, collection=collection).SerializeToString()
        result = parse_peer_reply(shim_pb2.StateMetadataResult,
                                  await self._transport.request(Msg.GET_STATE_METADATA, request), "GET_STATE_METADATA")
        for entry in result.entries:
            if entry.metakey == VALIDATION_PARAMETER:
                return entry.value or None
        return None

    async def _write_validation_parameter(self, key: str, collection: str, policy: bytes) -> None:
        if isinstance(policy, KeyEndorsementPolicy):
            # the object rather than its bytes: _as_bytes's advice to encode it would not help
            raise InvalidValue("policy must be bytes, not KeyEndorsementPolicy: pass its policy() (the "
                               "SignaturePolicyEnvelope bytes), or b\"\" to drop the key's policy")
        metadata = shim_pb2.StateMetadata(metakey=VALIDATION_PARAMETER, value=_as_bytes(policy, "policy"))
        await self._write(WriteRecord.PUT_STATE_METADATA, key, collection, metadata=metadata)

    @staticmethod
    def _simple_range(start: str, end: str) -> tuple[str, str]:
        composite.validate_simple_key(start)
        composite.validate_simple_key(end)
        return (start or composite.EMPTY_KEY_SUBSTITUTE), end

    def _range_iterator(self, collection: str, start: str, end: str, metadata: bytes) -> QueryIterator[KV]:
        request = shim_pb2.GetStateByRange(startKey=start, endKey=end, collection=collection, metadata=metadata)
        return QueryIterator(self._transport, Msg.GET_STATE_BY_RANGE, request.SerializeToString(), _decode_kv)

    async def _paginated_range(
        self, start: str, end: str, page_size: int, bookmark: str
    ) -> tuple[list[KV], QueryMetadata]:
        # QueryMetadata.pageSize is an int32 on the wire
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 0 < page_size <= 2**31 - 1:
            raise InvalidValue(f"page_size {page_size!r} is not a whole number from 1 to 2147483647 (QueryMetadata's "
                               "int32): ask for fewer rows and page on with the bookmark")
        composite.validate_bookmark(bookmark, start, end)
        query_metadata = shim_pb2.QueryMetadata(pageSize=page_size, bookmark=bookmark).SerializeToString()
        iterator = self._range_iterator("", start, end, query_metadata)
        rows = await iterator.collect()
        response_metadata = parse_peer_reply(shim_pb2.QueryResponseMetadata, iterator.response_metadata,
                                             "GET_STATE_BY_RANGE (its page's metadata)")
        next_bookmark = response_metadata.bookmark
        if next_bookmark and end and next_bookmark >= end:
            # a CouchDB state database answers the last page with the range's end as its bookmark (LevelDB with
            # ""): both mean no page follows, and the end, sent back, is a bookmark validate_bookmark refuses
            next_bookmark = ""
        return rows, QueryMetadata(response_metadata.fetched_records_count, next_bookmark)

