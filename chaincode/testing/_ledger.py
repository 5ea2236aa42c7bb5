"""MemoryLedger: run contracts through the production router and stub against an in-memory ledger."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2 as shim_pb2, proposal_pb2
from google.protobuf.message import DecodeError

from chaincode.contract import Contract, ContractRouter
from chaincode.shim._execution import execute_transaction
from chaincode.shim._handler import completed_within_limit
from chaincode.shim._peer_options import PeerOptions
from chaincode.shim._proposal import decode_proposal
from chaincode.shim._stub import ChaincodeStub
from chaincode.shim._types import ERROR_THRESHOLD, INTERNAL_ERROR, KeyModification

from ._identities import ca_certificate
from ._memory_peer import CollectionAccess, MemoryPeerSession, RangeRead, Write
from ._policies import compile_policy, signers_satisfy
from ._proposals import is_low_s, make_signed_proposal

WriteRecord = shim_pb2.WriteRecord


@dataclass(frozen=True)
class TransactionResult:
    """What the client would learn: status, message, payload, and the event (``(name, payload)`` or None)."""

    tx_id: str
    status: int
    message: str
    payload: bytes
    event: tuple[str, bytes] | None


@dataclass(frozen=True)
class Endorsement:
    """A transaction simulated and answered, not yet committed (``MemoryLedger.endorse``): its result, and the
    read set and writes ``MemoryLedger.commit`` validates and applies."""

    result: TransactionResult
    timestamp: datetime
    writes: tuple[Write, ...]
    reads: dict[tuple[str, str], int | None]   # (collection, key): the version read, None where absent
    range_reads: tuple[RangeRead, ...]


# validation codes ``MemoryLedger.commit`` answers, by Fabric's TxValidationCode names
VALID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT, DUPLICATE_TXID, ENDORSEMENT_POLICY_FAILURE = (
    "VALID", "MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "DUPLICATE_TXID", "ENDORSEMENT_POLICY_FAILURE")


class MemoryLedger:
    """An in-memory channel with one chaincode, for unit tests of contract logic.

    ``submit`` commits a transaction's writes when its status is 200 and
    records history; ``evaluate`` never commits. ``endorse`` simulates one
    without committing it and ``commit`` validates and commits it later, as
    a peer does when its block comes: a key it read that a transaction
    committed since has changed (MVCC_READ_CONFLICT), or a range it read that
    gained, lost or changed a key (PHANTOM_READ_CONFLICT), and it commits
    nothing, so transactions endorsed at the same time can be tested; ``endorse_proposal`` endorses a
    proposal a client signed, as a Gateway's Endorse carries it. ``commit(..., endorsers=...)``, told
    whose peers endorsed, also checks the endorsement policies as the validator does, before the reads
    (ENDORSEMENT_POLICY_FAILURE): a written key's key-level policy, else for a private key its
    collection's ``endorsementPolicy``, else ``chaincode_policy`` (the chaincode definition's, in
    Fabric's policy language; not checked while None). Without ``endorsers`` no policy is checked.
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
        chaincode_policy: str | bytes | None = None,
    ) -> None:
        for option, rows in (("query_batch_size", query_batch_size), ("total_query_limit", total_query_limit)):
            # none would answer a query: 0 rows a batch, each saying more follow, would loop for good
            if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
                raise ValueError(f"{option} {rows!r} is not a whole number of rows from 1 up")
        self.router = ContractRouter(contracts)
        self.channel_id = channel_id
        self.chaincode_name = chaincode_name
        self.peer_options = peer_options or PeerOptions()
        self.query_batch_size = query_batch_size
        self.total_query_limit = total_query_limit
        self.collections: dict[str, CollectionAccess] | None = None
        # each collection's own endorsement policy, where its definition gives one
        self._collection_policies: dict[str, Mapping] = {}
        if collections is not None:
            collections = list(collections)
            self.collections = {c["name"]: CollectionAccess.from_config(c) for c in collections}
            self._collection_policies = {c["name"]: c["endorsementPolicy"] for c in collections
                                         if c.get("endorsementPolicy")}
        self.chaincode_policy = chaincode_policy
        self.state: dict[str, bytes] = {}
        self.validation_parameters: dict[str, bytes] = {}
        self.private_state: dict[str, dict[str, bytes]] = {}
        self.private_validation_parameters: dict[tuple[str, str], bytes] = {}
        self.history: dict[str, list[KeyModification]] = {}
        self.events: list[tuple[str, str, bytes]] = []  # (tx_id, name, payload) of committed transactions
        # each present key's version: the number of the commit that last wrote it (a peer's block height)
        self._versions: dict[tuple[str, str], int] = {}
        self._height = 0
        # the ids of the transactions in the ledger's blocks, valid or not: a block keeps an invalidated
        # transaction too, and its id is taken (committer/txvalidator/v20/validator.go checkTxIdDupsLedger)
        self._committed: set[str] = set()

    @property
    def chaincode_policy(self) -> bytes | None:
        """The chaincode definition's endorsement policy, a marshalled SignaturePolicyEnvelope; set it in
        Fabric's policy language ("AND('AMSP.peer', 'BMSP.peer')") or as such bytes, None to check none."""
        return self._chaincode_policy

    @chaincode_policy.setter
    def chaincode_policy(self, policy: str | bytes | None) -> None:
        self._chaincode_policy = compile_policy(policy) if isinstance(policy, str) else policy

    def version(self, collection: str, key: str) -> int | None:
        """The version of ``key`` (of ``collection``, "" the world state) a read records; None where
        absent."""
        values = self.private_state.get(collection, {}) if collection else self.state
        return self._versions.get((collection, key), 0) if key in values else None

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
        endorsement = await self._run(identity, function, args, transient, timestamp)
        if endorsement.result.status < ERROR_THRESHOLD:
            self.commit(endorsement)
        return endorsement.result

    async def endorse(
        self,
        identity: bytes,
        function: str,
        *args: str | bytes,
        transient: dict[str, bytes] | None = None,
        timestamp: datetime | None = None,
    ) -> Endorsement:
        """Simulate a transaction against the committed state, as an endorsing peer does, and commit nothing:
        ``commit`` it once others have committed, to see how validation treats transactions endorsed at
        once."""
        return await self._run(identity, function, args, transient, timestamp)

    async def endorse_proposal(self, signed: proposal_pb2.SignedProposal) -> Endorsement:
        """``endorse`` a proposal a client built and signed (what a Gateway's Endorse or Evaluate
        carries): the transaction id, arguments, creator and time are the proposal's. One an endorser
        refuses before it runs the chaincode (``_proposal_refusal``) fails with status 500 and the
        endorser's words."""
        proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
        header = common_pb2.Header.FromString(proposal.header)
        channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
        tx_id = channel_header.tx_id
        # the time a failed transaction would be recorded at, which it never is: commit refuses it
        now = datetime.now(timezone.utc)
        refusal = self._proposal_refusal(signed, channel_header,
                                         common_pb2.SignatureHeader.FromString(header.signature_header))
        if refusal:
            return Endorsement(TransactionResult(tx_id, INTERNAL_ERROR, refusal, b"", None), now, (), {}, ())
        invocation = chaincode_pb2.ChaincodeInvocationSpec.FromString(
            proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload).input)
        return await self._simulate(signed, tx_id, list(invocation.chaincode_spec.input.args), now)

    def _proposal_refusal(self, signed: proposal_pb2.SignedProposal, channel_header: common_pb2.ChannelHeader,
                          signature_header: common_pb2.SignatureHeader) -> str:
        """Why an endorser refuses the proposal before it runs the chaincode, in its words; "" where it
        does not (core/endorser/endorser.go ProcessProposal and preProcess, msgvalidation.go Validate): a
        channel it has not joined, a transaction id that is not SHA-256 of nonce and creator, a creator no
        test CA (``make_identity``) issued, a signature that is not the creator's or not in low-S form, and a
        transaction id the ledger holds already."""
        channel, tx_id, creator = channel_header.channel_id, channel_header.tx_id, signature_header.creator
        if channel != self.channel_id:
            return f"channel '{channel}' not found"
        expected = hashlib.sha256(signature_header.nonce + creator).hexdigest()
        if tx_id != expected:
            return f"incorrectly computed txid '{tx_id}' -- expected '{expected}'"
        if not signed.signature:
            return "empty signature bytes"
        certificate = _certificate_of(creator)
        if certificate is None:
            return f"access denied: channel [{channel}] creator org unknown, creator is malformed"
        msp_id = _msp_of(creator)
        public_key = certificate.public_key()
        if not (_issued_by_test_ca(certificate, msp_id) and isinstance(public_key, ec.EllipticCurvePublicKey)
                and is_low_s(signed.signature, public_key.curve)
                and _verifies(public_key, signed.signature, signed.proposal_bytes)):
            return f"access denied: channel [{channel}] creator org [{msp_id}]"
        if tx_id in self._committed:
            return f"duplicate transaction found [{tx_id}]. Creator [{creator.hex()}]"
        return ""

    def commit(self, endorsement: Endorsement, *, endorsers: Iterable[str] | None = None) -> str:
        """Validate ``endorsement`` as a peer validates it in a block, against the state committed since it
        was endorsed, and commit its writes and event where it is VALID; its validation code (Fabric's
        name). Given ``endorsers``, the MSP IDs of the orgs one of whose peers endorsed it, the endorsement
        policies its writes need must hold first (``endorsement_policies_met``)."""
        result = endorsement.result
        if result.status >= ERROR_THRESHOLD:
            raise ValueError(f"transaction {result.tx_id} failed endorsement (status {result.status}): a "
                             f"client does not submit it, so there is nothing to commit")
        if result.tx_id in self._committed:
            return DUPLICATE_TXID
        self._committed.add(result.tx_id)
        # the validator checks endorsements (VSCC) before it reads the versions (MVCC)
        if endorsers is not None and not self.endorsement_policies_met(endorsement.writes, endorsers):
            code = ENDORSEMENT_POLICY_FAILURE
        else:
            code = self._validation_code(endorsement)
        if code == VALID:
            self._commit(result.tx_id, endorsement.timestamp, list(endorsement.writes), result.event)
        return code

    def endorsement_policies_met(self, writes: Iterable[Write], endorsers: Iterable[str]) -> bool:
        """Whether one peer of each org of ``endorsers`` endorsing a transaction that made ``writes`` meets
        the policies Fabric's validator asks of it, by the state committed now
        (core/common/validation/statebased/validator_keylevel.go): a written key (a value, a deletion, a
        purge or a key-level policy) whose key-level policy is in force needs that policy; a private one
        without, its collection's endorsement policy where the collection has one; any other write, and a
        transaction that writes nothing, the chaincode-level policy, where one is set. A policy the same
        transaction sets binds from the next transaction only."""
        endorsers = tuple(endorsers)
        places = dict.fromkeys((write.collection, write.key) for write in writes)
        needs_chaincode_policy = not places
        for collection, key in places:
            policy = self.validation_parameter(collection, key)
            if policy is None and collection in self._collection_policies:
                policy = _signature_policy(collection, self._collection_policies[collection])
            if policy is None:
                needs_chaincode_policy = True
            elif not signers_satisfy(policy, endorsers):
                return False
        return not (needs_chaincode_policy and self.chaincode_policy is not None
                    and not signers_satisfy(self.chaincode_policy, endorsers))

    def _validation_code(self, endorsement: Endorsement) -> str:
        """VALID, or why the reads of ``endorsement`` no longer hold, in the validator's order
        (validation/validator.go validateTx): public reads, ranges, private reads."""
        changed = {place for place, read in endorsement.reads.items() if self.version(*place) != read}
        if any(not collection for collection, _ in changed):
            return MVCC_READ_CONFLICT
        if any(self._range_changed(range_read) for range_read in endorsement.range_reads):
            return PHANTOM_READ_CONFLICT
        if changed:
            return MVCC_READ_CONFLICT
        return VALID

    def _range_changed(self, range_read: RangeRead) -> bool:
        """Whether the range, read again now, differs from what the transaction read in keys or versions
        (validation/rangequery_validator.go): to the end of the range where the transaction read it to its
        end, else up to the last key it read, inclusive."""
        last = range_read.rows[-1][0] if range_read.rows else None
        start, end = range_read.start, range_read.end
        keys = sorted(k for k in self.state if k >= start and (not end or k < end)
                      and (range_read.exhausted or last is None or k <= last))
        return [(k, self.version("", k)) for k in keys] != range_read.rows

    async def evaluate(
        self,
        identity: bytes,
        function: str,
        *args: str | bytes,
        transient: dict[str, bytes] | None = None,
        timestamp: datetime | None = None,
    ) -> TransactionResult:
        """Run a query: whatever the transaction writes is discarded."""
        return (await self._run(identity, function, args, transient, timestamp)).result

    async def _run(self, identity, function, args, transient, timestamp) -> Endorsement:
        raw_args = [function.encode("utf-8")] + [_argument_bytes(function, index, arg)
                                                  for index, arg in enumerate(args, start=1)]
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
        return await self._simulate(signed, tx_id, raw_args, when)

    async def _simulate(self, signed: proposal_pb2.SignedProposal, tx_id: str, raw_args: list[bytes],
                        when: datetime) -> Endorsement:
        """Run the signed proposal's transaction through the production stub against the committed state;
        ``when`` is the time a failed one is recorded at (its proposal's may be what failed it)."""
        proposal = decode_proposal(signed)
        session = MemoryPeerSession(self, tx_id=tx_id, creator_msp=_msp_of(proposal.creator),
                                    batch_size=self.query_batch_size)
        stub = ChaincodeStub(
            session,
            channel_id=self.channel_id,
            tx_id=tx_id,
            args=raw_args,
            proposal=proposal,
            options=self.peer_options,
        )
        response = await execute_transaction(self.router.invoke, stub)
        event = stub.event if response.ok else None
        # an answer over the message limit is replaced by status 500, without the event, as the runtime's
        # stream replaces it
        transaction = shim_pb2.ChaincodeMessage(type=shim_pb2.ChaincodeMessage.TRANSACTION, txid=tx_id,
                                                channel_id=self.channel_id)
        response, completed = completed_within_limit(transaction, response, event)
        if not completed.HasField("chaincode_event"):
            event = None
        result = TransactionResult(tx_id, response.status, response.message, response.payload, event)
        # the time history records: the proposal's, as the stub reads it (UTC, to the microsecond)
        recorded_at = stub.get_tx_timestamp() if response.ok else when
        return Endorsement(result, recorded_at, tuple(session.writes), dict(session.read_versions),
                           tuple(session.range_reads))

    def _commit(self, tx_id: str, timestamp: datetime, writes: list[Write], event) -> None:
        self._height += 1
        for write in _as_committed(writes):
            if write.collection:
                self._apply_private(write)
            else:
                self._apply_public(tx_id, timestamp, write)
            place = (write.collection, write.key)
            if self.version(*place) is None:
                self._versions.pop(place, None)
            else:
                self._versions[place] = self._height
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


def _argument_bytes(function: str, index: int, value: object) -> bytes:
    """Argument ``index`` of ``function`` as the proposal carries it: a str as UTF-8, bytes as they are. Anything
    else is refused: ``bytes()`` would make an int that many zero bytes and a list of ints their bytes, an
    argument the test never meant."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"argument {index} of {function} is of type {type(value).__name__}, not str or bytes: pass "
                    f"str(value) for a number, json.dumps(value) for a list or dict")


def _signature_policy(collection: str, endorsement_policy: Mapping) -> bytes:
    """A collection's own endorsement policy (its definition's ``endorsementPolicy``) compiled; one that
    names a channel policy (``channelConfigPolicy``) cannot be checked, the ledger holding no channel
    config."""
    if "signaturePolicy" not in endorsement_policy:
        raise ValueError(f"collection {collection!r}: MemoryLedger checks an endorsementPolicy given as a "
                         f"signaturePolicy only, not {dict(endorsement_policy)!r}: commit without endorsers")
    return compile_policy(endorsement_policy["signaturePolicy"])


def _msp_of(identity: bytes) -> str:
    """The MSP ID of a serialized identity; "" for bytes that are none (a test's stand-in creator)."""
    try:
        return identities_pb2.SerializedIdentity.FromString(bytes(identity)).mspid
    except DecodeError:
        return ""


def _certificate_of(creator: bytes) -> x509.Certificate | None:
    """The certificate of a serialized identity; None where the creator holds none."""
    try:
        return x509.load_pem_x509_certificate(identities_pb2.SerializedIdentity.FromString(creator).id_bytes)
    except (DecodeError, ValueError):
        return None


def _issued_by_test_ca(certificate: x509.Certificate, msp_id: str) -> bool:
    """Whether the test CA of ``msp_id`` (the one ``make_identity`` issues its certificates with) signed
    ``certificate``: the MSP's validation of the creator."""
    ca = ca_certificate(msp_id)
    return certificate.issuer == ca.subject and _verifies(
        ca.public_key(), certificate.signature, certificate.tbs_certificate_bytes,
        certificate.signature_hash_algorithm)


def _verifies(public_key, signature: bytes, message: bytes, algorithm=None) -> bool:
    try:
        public_key.verify(signature, message, ec.ECDSA(algorithm or hashes.SHA256()))
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


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
