"""MemoryLedger: run contracts through the production router and stub against an in-memory ledger."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2
from google.protobuf.message import DecodeError

from chaincode.contract import Contract, ContractRouter
from chaincode.shim._execution import execute_transaction
from chaincode.shim._peer_options import PeerOptions
from chaincode.shim._proposal import decode_proposal
from chaincode.shim._stub import ChaincodeStub
from chaincode.shim._types import KeyModification

from ._memory_peer import CollectionAccess, MemoryPeerSession, Write
from ._proposals import make_signed_proposal

WriteRecord = shim_pb2.WriteRecord


@dataclass(frozen=True)
class TransactionResult:
    """What the client would learn: status, message, payload, and the event (``(name, payload)`` or None)."""

    tx_id: str
    status: int
    message: str
    payload: bytes
    event: tuple[str, bytes] | None


class MemoryLedger:
    """An in-memory channel with one chaincode, for unit tests of contract logic.

    ``submit`` commits a transaction's writes when its status is 200 and
    records history; ``evaluate`` never commits. Endorsement policies are not
    checked (that is the peers' job, proved on the real network).
    ``peer_options`` turns on Fabric 3.1 write batching and multi-key reads,
    and ``query_batch_size`` sets how many rows each query reply carries, so
    both protocol paths can be exercised. ``total_query_limit`` is the peer's
    ``ledger.state.totalQueryLimit``: a range query that is not paginated
    stops after that many rows without a word, and a page holds at most that
    many rows whatever its page size, as on a peer. ``collections``, the
    channel's collection definitions in the JSON form ``--collections-config``
    takes, turns on the peer's checks of private data requests: a collection
    not among them, and a read (write) of a ``memberOnlyRead``
    (``memberOnlyWrite``) collection by a client of an org its ``policy`` does
    not name, fail with the peer's words. Without them no collection is checked.
    """

    def __init__(
        self,
        contracts: Sequence[Contract],
        *,
        channel_id: str = "recfin",
        chaincode_name: str = "recfin",
        peer_options: PeerOptions | None = None,
        query_batch_size: int = 100,
        total_query_limit: int = 100_000,
        collections: Iterable[Mapping] | None = None,
    ) -> None:
        self.router = ContractRouter(contracts)
        self.channel_id = channel_id
        self.chaincode_name = chaincode_name
        self.peer_options = peer_options or PeerOptions()
        self.query_batch_size = query_batch_size
        self.total_query_limit = total_query_limit
        self.collections: dict[str, CollectionAccess] | None = None
        if collections is not None:
            self.collections = {c["name"]: CollectionAccess.from_config(c) for c in collections}
        self.state: dict[str, bytes] = {}
        self.validation_parameters: dict[str, bytes] = {}
        self.private_state: dict[str, dict[str, bytes]] = {}
        self.private_validation_parameters: dict[tuple[str, str], bytes] = {}
        self.history: dict[str, list[KeyModification]] = {}
        self.events: list[tuple[str, str, bytes]] = []  # (tx_id, name, payload) of committed transactions

    def validation_parameter(self, collection: str, key: str) -> bytes | None:
        if collection:
            return self.private_validation_parameters.get((collection, key))
        return self.validation_parameters.get(key)

    async def submit(
        self,
        identity: bytes,
        function: str,
        *args: str | bytes,
        transient: dict[str, bytes] | None = None,
        timestamp: datetime | None = None,
    ) -> TransactionResult:
        """Endorse and, on status 200, commit at once."""
        return await self._run(identity, function, args, transient, timestamp, commit=True)

    async def evaluate(
        self,
        identity: bytes,
        function: str,
        *args: str | bytes,
        transient: dict[str, bytes] | None = None,
        timestamp: datetime | None = None,
    ) -> TransactionResult:
        """Run a query: whatever the transaction writes is discarded."""
        return await self._run(identity, function, args, transient, timestamp, commit=False)

    async def _run(self, identity, function, args, transient, timestamp, *, commit: bool) -> TransactionResult:
        raw_args = [function.encode("utf-8")] + [a.encode("utf-8") if isinstance(a, str) else bytes(a) for a in args]
        when = timestamp or datetime.now(timezone.utc)
        signed, tx_id = make_signed_proposal(
            channel_id=self.channel_id,
            chaincode_name=self.chaincode_name,
            args=raw_args,
            creator=bytes(identity),
            transient=transient,
            timestamp=when,
            signing_key=getattr(identity, "private_key", None),
        )
        session = MemoryPeerSession(self, tx_id=tx_id, creator_msp=_msp_of(identity),
                                    batch_size=self.query_batch_size)
        stub = ChaincodeStub(
            session,
            channel_id=self.channel_id,
            tx_id=tx_id,
            args=raw_args,
            proposal=decode_proposal(signed),
            options=self.peer_options,
        )
        response = await execute_transaction(self.router.invoke, stub)
        event = stub.event if response.ok else None
        if commit and response.ok:
            self._commit(tx_id, stub.get_tx_timestamp(), session.writes, event)
        return TransactionResult(tx_id, response.status, response.message, response.payload, event)

    def _commit(self, tx_id: str, timestamp: datetime, writes: list[Write], event) -> None:
        for write in _as_committed(writes):
            if write.collection:
                self._apply_private(write)
            else:
                self._apply_public(tx_id, timestamp, write)
        if event is not None:
            self.events.append((tx_id, event[0], event[1]))

    def _apply_public(self, tx_id: str, timestamp: datetime, write: Write) -> None:
        if write.kind == WriteRecord.PUT_STATE:
            self.state[write.key] = write.value
            self.history.setdefault(write.key, []).append(KeyModification(tx_id, write.value, timestamp, False))
        elif write.kind == WriteRecord.DEL_STATE:
            self.state.pop(write.key, None)
            self.validation_parameters.pop(write.key, None)  # metadata lives and dies with the value
            self.history.setdefault(write.key, []).append(KeyModification(tx_id, b"", timestamp, True))
        elif write.kind == WriteRecord.PUT_STATE_METADATA and write.key in self.state:
            # a policy write of a key that has no value, at commit, is dropped (validation/tx_ops.go
            # prepareTxOps): a key gets its policy in the transaction that gives it a value, or after
            self._set_policy(self.validation_parameters, write.key, write.value)

    def _apply_private(self, write: Write) -> None:
        values = self.private_state.setdefault(write.collection, {})
        key = (write.collection, write.key)
        if write.kind == WriteRecord.PUT_STATE:
            values[write.key] = write.value
        elif write.kind in (WriteRecord.DEL_STATE, WriteRecord.PURGE_PRIVATE_DATA):
            values.pop(write.key, None)
            self.private_validation_parameters.pop(key, None)
        elif write.kind == WriteRecord.PUT_STATE_METADATA and write.key in values:   # as a public key's
            self._set_policy(self.private_validation_parameters, key, write.value)

    @staticmethod
    def _set_policy(policies: dict, key, value: bytes) -> None:
        if value:
            policies[key] = value
        else:
            policies.pop(key, None)


def _msp_of(identity: bytes) -> str:
    """The MSP ID of a serialized identity; "" for bytes that are none (a test's stand-in creator)."""
    try:
        return identities_pb2.SerializedIdentity.FromString(bytes(identity)).mspid
    except DecodeError:
        return ""


def _as_committed(writes: list[Write]) -> list[Write]:
    """The writes as the peer commits them. Its write set keeps one value write (a put or a delete) and one
    metadata write a key, the last of each the transaction made (rwsetutil RWSetBuilder), and a delete takes
    the key's metadata with it, the metadata the same transaction wrote too (txmgr prepareTxOps)."""
    values: dict[tuple[str, str], Write] = {}
    metadata: dict[tuple[str, str], Write] = {}
    for write in writes:
        last = metadata if write.kind == WriteRecord.PUT_STATE_METADATA else values
        last[(write.collection, write.key)] = write
    deleted = {place for place, write in values.items() if write.kind != WriteRecord.PUT_STATE}
    return [*values.values(), *(write for place, write in metadata.items() if place not in deleted)]
