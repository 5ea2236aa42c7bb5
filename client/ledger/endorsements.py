"""A committed transaction as the ledger stores it: its header, what it wrote, and who endorsed it.

An endorsement is the endorsing peer's signature over the proposal response payload followed by the
endorser's serialized identity (``ChaincodeEndorsedAction``: Fabric's validation checks exactly these bytes,
core/common/validation/statebased and protoutil.SignedData). A peer verifies it as the MSP the endorser names
verifies any signature: the digest of the message in that MSP's signature hash family (SHA-256 for SHA2, the
default and the Gateway's; SHA3-256 for SHA3), an ECDSA signature with S in the lower half of the curve order (or
Ed25519 over that digest). An endorsement naming no X.509 MSP of the channel (none of its orgs', or an Idemix one)
verifies under none. The endorser's MSP ID is only what the endorser wrote; which org it really is comes from its
certificate (``client.ledger.msp``).

What a transaction wrote is kept as its read-write set lists it, every write in order: a peer's state applies
them in that order, so the last write of a key is what the transaction left, while the key's history
(``GetHistoryForKey``) shows the first. A transaction that writes a key twice can thus show one value in the
history and leave another in the state; :meth:`CommittedTransaction.writes_of` gives them all.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2
from google.protobuf.message import DecodeError

from ..gateway._signer import VERIFIED_CURVE_ORDERS, leading_der_signature
from .msp import CERTIFICATE_ERRORS, SIGNATURE_HASHES, ChannelMsp
from .qscc import LedgerReadError, decoded, enum_name, transaction_header

VALIDATION_PARAMETER = "VALIDATION_PARAMETER"     # the metadata entry that holds a key's key-level policy

# the hash of an empty value, which Fabric computes with SHA-256 (``util.ComputeHash``)
EMPTY_VALUE_HASH = hashlib.sha256(b"").digest()


def is_delete(write: kv_rwset_pb2.KVWrite) -> bool:
    """Whether a peer commits ``write`` as a delete: Fabric's ``rwsetutil.IsKVWriteDelete`` takes a write with an
    empty value for one, whatever its ``is_delete`` says (proto3 cannot tell an empty value from none)."""
    return write.is_delete or not write.value


def is_hash_delete(write: kv_rwset_pb2.KVWriteHash) -> bool:
    """Whether a peer commits a private write's hash as a delete: Fabric's ``rwsetutil.IsKVWriteHashDelete`` takes
    one with no value hash, or the hash of an empty value, for one, whatever its ``is_delete`` says."""
    return write.is_delete or not write.value_hash or write.value_hash == EMPTY_VALUE_HASH


@dataclass(frozen=True)
class Endorsement:
    """One endorsement: the MSP ID the endorser wrote, its certificate (None when unreadable), and
    ``problem``, why its signature does not stand (None: it verifies under the certificate's key)."""

    msp_id: str
    certificate: x509.Certificate | None
    problem: str | None

    @property
    def signature_verifies(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class KeyWrite:
    """One write of a read-write set: the namespace it is listed under, the key, the value (None: a delete, as the
    peer commits one: a write with an empty value among them, :func:`is_delete`)."""

    namespace: str
    key: str
    value: bytes | None


@dataclass(frozen=True)
class KeyRead:
    """One read of a read-write set: the namespace, the key and the version read, (block number, transaction
    number) of the key's last write, None where the key did not exist when the transaction ran."""

    namespace: str
    key: str
    version: tuple[int, int] | None


@dataclass(frozen=True)
class EndorsedAction:
    """One chaincode action of a transaction: the chaincode that ran, the namespaces its read-write set lists
    (in order, one listed twice appears twice), every write in order, and its endorsements; every read, the
    (namespace, key) of every metadata write, and (namespace, key, policy) of each, the policy its
    ``VALIDATION_PARAMETER`` entry holds (the key-level policy it sets; empty where it clears it)."""

    chaincode: str
    namespaces: tuple[str, ...]
    writes: tuple[KeyWrite, ...]
    endorsements: tuple[Endorsement, ...]
    reads: tuple[KeyRead, ...] = ()
    metadata_writes: tuple[tuple[str, str], ...] = ()
    policies_written: tuple[tuple[str, str, bytes], ...] = ()


@dataclass(frozen=True)
class CommittedTransaction:
    """A committed transaction; ``creator_msp``: the MSP ID its creator, the client that submitted and signed it,
    names in its signature header (a peer commits it VALID only when that signature verifies as that MSP's
    member's), None where the header does not decode."""

    tx_id: str
    validation_code: int
    timestamp: datetime
    actions: tuple[EndorsedAction, ...]
    creator_msp: str | None = None

    def writes_of(self, namespace: str, key: str) -> list[tuple[EndorsedAction, KeyWrite]]:
        """Every write of ``key`` in ``namespace``, in the order a peer applies them (the last one is what the
        state keeps), each with the action that wrote it."""
        return [(action, write) for action in self.actions for write in action.writes
                if write.namespace == namespace and write.key == key]

    def listings_of(self, namespace: str) -> int:
        """How many times the read-write sets list ``namespace`` (more than once: its writes are split between
        entries, the state applying every entry in turn and the key history reading the first)."""
        return sum(action.namespaces.count(namespace) for action in self.actions)

    @property
    def validation(self) -> str:
        """The validation code's name (``VALID``, ``ENDORSEMENT_POLICY_FAILURE``, ...)."""
        return enum_name(transaction_pb2.TxValidationCode, self.validation_code)


# Not merged with config_policies.signature_problem: it refuses Ed25519 and verifies before the curve.
def signature_problem(public_key, signature: bytes, message: bytes,
                      hash_algorithm: hashes.HashAlgorithm | None = None) -> str | None:
    """Why ``signature`` is not the key's over ``message`` as a peer verifies it, or None when it is; the digest
    signed is ``hash_algorithm``'s (an MSP's :meth:`~client.ledger.msp.ChannelMsp.signature_hash`; SHA-256 when
    None, the SHA2 family's)."""
    hash_algorithm = hash_algorithm or hashes.SHA256()
    hasher = hashes.Hash(hash_algorithm)
    hasher.update(message)
    digest = hasher.finalize()
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            order = VERIFIED_CURVE_ORDERS.get(public_key.curve.name)
            if order is None:
                return f"the endorser's key is on curve {public_key.curve.name}, which no Fabric MSP verifies"
            # Fabric's bccsp reads the DER SEQUENCE the signature starts with (bytes after it ignored, r and s
            # positive), as leading_der_signature does
            numbers = leading_der_signature(signature)
            if numbers is None:
                raise InvalidSignature
            public_key.verify(utils.encode_dss_signature(*numbers), digest, ec.ECDSA(utils.Prehashed(hash_algorithm)))
            if numbers[1] > order // 2:
                return "the signature's S is in the upper half of the curve order, which Fabric refuses"
            return None
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, digest)
            return None
    except (InvalidSignature, ValueError):
        return "the signature does not verify under the endorser certificate's key"
    return f"the endorser's key is a {type(public_key).__name__}, which no Fabric MSP verifies"


def _endorsement(endorsement: proposal_response_pb2.Endorsement, response_payload: bytes,
                 msps: Mapping[str, ChannelMsp] | None) -> Endorsement:
    try:
        endorser = identities_pb2.SerializedIdentity.FromString(endorsement.endorser)
    except (DecodeError, RuntimeError):
        return Endorsement("", None, "the endorser is not a serialized identity")
    hash_algorithm = None
    if msps is not None:
        # Fabric picks the MSP by the ID the endorser wrote, and that MSP reads the identity and verifies
        msp = msps.get(endorser.mspid)
        if msp is None:
            return Endorsement(endorser.mspid, None, f"it names MSP {endorser.mspid!r}, which is no X.509 MSP of the "
                               "channel configuration (no org's, or an Idemix one, whose signatures cannot be "
                               "verified here)")
        hash_algorithm = msp.signature_hash()
        if hash_algorithm is None:
            return Endorsement(endorser.mspid, None, f"{endorser.mspid}'s MSP in the channel configuration sets "
                               f"signature hash family {msp.signature_hash_family!r}, which Fabric's MSP does not "
                               f"know ({' or '.join(SIGNATURE_HASHES)}): it verifies no signature")
    try:
        certificate = x509.load_pem_x509_certificate(endorser.id_bytes)
    except ValueError:
        return Endorsement(endorser.mspid, None, "the endorser's identity holds no PEM certificate")
    try:
        public_key = certificate.public_key()
    except CERTIFICATE_ERRORS as error:   # a key of an unknown algorithm, or bytes that are no key
        return Endorsement(endorser.mspid, None, f"the endorser certificate's key cannot be read ({error})")
    problem = signature_problem(public_key, endorsement.signature, response_payload + endorsement.endorser,
                                hash_algorithm)
    return Endorsement(endorser.mspid, certificate, problem)


def endorsements_of(endorsed: transaction_pb2.ChaincodeEndorsedAction,
                    msps: Mapping[str, ChannelMsp] | None = None) -> tuple[Endorsement, ...]:
    """Each endorsement of an endorsed action, its signature over the proposal response payload and the endorser's
    identity verified in the signature hash family of the MSP the endorser names (``msps``, as
    :func:`committed_transaction` takes them)."""
    return tuple(_endorsement(e, endorsed.proposal_response_payload, msps) for e in endorsed.endorsements)


def action_results(action: transaction_pb2.TransactionAction, of: str = "the") -> tuple[
        transaction_pb2.ChaincodeEndorsedAction, proposal_pb2.ChaincodeAction, rwset_pb2.TxReadWriteSet]:
    """A transaction's action decoded down to what its endorsers signed: the endorsed action (the proposal
    response payload and its endorsements), the chaincode action that payload carries, and its read-write set.
    LedgerReadError where a part does not decode, naming it after ``of``, whose it is (``"the"``, or
    ``"block 3's transaction 0, marked VALID: its"``)."""
    endorsed = decoded(transaction_pb2.ChaincodeActionPayload, action.payload, f"{of} chaincode action payload").action
    response = decoded(proposal_response_pb2.ProposalResponsePayload, endorsed.proposal_response_payload,
                       f"{of} proposal response payload")
    chaincode_action = decoded(proposal_pb2.ChaincodeAction, response.extension, f"{of} chaincode action")
    return endorsed, chaincode_action, decoded(rwset_pb2.TxReadWriteSet, chaincode_action.results,
                                               f"{of} read-write set")


def _read_write_set(results: rwset_pb2.TxReadWriteSet) -> dict:
    """The namespaces the read-write set lists, every write in order (None for a delete's value, an empty value's
    among them: :func:`is_delete`), every read and
    every metadata write with the policy it sets: :class:`EndorsedAction`'s fields of the same names."""
    writes: list[KeyWrite] = []
    reads: list[KeyRead] = []
    metadata_writes: list[tuple[str, str]] = []
    policies_written: list[tuple[str, str, bytes]] = []
    for ns in results.ns_rwset:
        kv = decoded(kv_rwset_pb2.KVRWSet, ns.rwset, f"the read-write set of namespace {ns.namespace}")
        writes.extend(KeyWrite(ns.namespace, w.key, None if is_delete(w) else w.value) for w in kv.writes)
        reads.extend(KeyRead(ns.namespace, r.key, (r.version.block_num, r.version.tx_num)
                             if r.HasField("version") else None) for r in kv.reads)
        metadata_writes.extend((ns.namespace, w.key) for w in kv.metadata_writes)
        policies_written.extend((ns.namespace, w.key, next((e.value for e in w.entries
                                                            if e.name == VALIDATION_PARAMETER), b""))
                                for w in kv.metadata_writes)
    return {"namespaces": tuple(ns.namespace for ns in results.ns_rwset), "writes": tuple(writes),
            "reads": tuple(reads), "metadata_writes": tuple(metadata_writes),
            "policies_written": tuple(policies_written)}


def _action(action: transaction_pb2.TransactionAction, msps: Mapping[str, ChannelMsp] | None) -> EndorsedAction:
    endorsed, chaincode_action, results = action_results(action)
    return EndorsedAction(chaincode_action.chaincode_id.name, endorsements=endorsements_of(endorsed, msps),
                          **_read_write_set(results))


def _creator_msp(header: common_pb2.Header) -> str | None:
    """The MSP ID the creator names in the signature header (a ``SerializedIdentity``), None where the header does
    not decode (no VALID transaction's)."""
    try:
        signature_header = decoded(common_pb2.SignatureHeader, header.signature_header, "the signature header")
        return decoded(identities_pb2.SerializedIdentity, signature_header.creator, "the creator").mspid
    except LedgerReadError:
        return None


def committed_transaction(processed: transaction_pb2.ProcessedTransaction,
                          msps: Mapping[str, ChannelMsp] | None = None) -> CommittedTransaction:
    """A ProcessedTransaction (qscc ``GetTransactionByID``) read down to its endorsements and writes.

    ``msps``: the channel's MSPs (:func:`client.ledger.msp.channel_msps`): each endorsement is verified in the
    signature hash family of the MSP it names, and one naming none of them verifies under none. Without them,
    every endorsement is verified as an MSP of the default SHA2 family verifies it, which fails every genuine
    endorsement of an org whose MSP is set to SHA3.

    Raises LedgerReadError for bytes that are not an endorser transaction."""
    payload, header = transaction_header(processed.transactionEnvelope)
    if header.type != common_pb2.ENDORSER_TRANSACTION:
        raise LedgerReadError(f"transaction {header.tx_id} is of type "
                              f"{enum_name(common_pb2.HeaderType, header.type)}, not an endorser transaction")
    try:
        when = datetime.fromtimestamp(header.timestamp.seconds + header.timestamp.nanos / 1e9, timezone.utc)
    except (ValueError, OverflowError, OSError):
        # the submitter chooses the timestamp, and Fabric commits any: one no calendar holds is unreadable here
        raise LedgerReadError(f"transaction {header.tx_id} carries a timestamp outside the calendar "
                              f"({header.timestamp.seconds} seconds)") from None
    transaction = decoded(transaction_pb2.Transaction, payload.data, "the transaction")
    return CommittedTransaction(header.tx_id, processed.validationCode, when,
                                tuple(_action(a, msps) for a in transaction.actions), _creator_msp(payload.header))
