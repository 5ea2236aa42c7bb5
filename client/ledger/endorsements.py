"""A committed transaction as the ledger stores it: its header, what it wrote, and who endorsed it.

An endorsement is the endorsing peer's signature over the proposal response payload followed by the
endorser's serialized identity (``ChaincodeEndorsedAction``: Fabric's validation checks exactly these bytes,
core/common/validation/statebased and protoutil.SignedData). A peer verifies it as its MSP verifies any
signature: the SHA-256 digest of the message (hashing.sha256, the Gateway's own default), an ECDSA signature
with S in the lower half of the curve order (or Ed25519 over that digest). The endorser's MSP ID is only
what the endorser wrote; which org it really is comes from its certificate (``client.ledger.msp``).

What a transaction wrote is kept as its read-write set lists it, every write in order: a peer's state applies
them in that order, so the last write of a key is what the transaction left, while the key's history
(``GetHistoryForKey``) shows the first. A transaction that writes a key twice can thus show one value in the
history and leave another in the state; :meth:`CommittedTransaction.writes_of` gives them all.
"""
from __future__ import annotations

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

from ..gateway import hashing
from ..gateway._signer import VERIFIED_CURVE_ORDERS, leading_der_signature
from .msp import CERTIFICATE_ERRORS
from .qscc import LedgerReadError, decoded, enum_name


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
    """One write of a read-write set: the namespace it is listed under, the key, the value (None: a delete)."""

    namespace: str
    key: str
    value: bytes | None


@dataclass(frozen=True)
class EndorsedAction:
    """One chaincode action of a transaction: the chaincode that ran, the namespaces its read-write set lists
    (in order, one listed twice appears twice), every write in order, and its endorsements."""

    chaincode: str
    namespaces: tuple[str, ...]
    writes: tuple[KeyWrite, ...]
    endorsements: tuple[Endorsement, ...]


@dataclass(frozen=True)
class CommittedTransaction:
    tx_id: str
    validation_code: int
    timestamp: datetime
    actions: tuple[EndorsedAction, ...]

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


# Not merged with network.config_signing.signature_problem: it refuses Ed25519 and verifies before the curve.
def signature_problem(public_key, signature: bytes, message: bytes) -> str | None:
    """Why ``signature`` is not the key's over ``message`` as a peer verifies it, or None when it is."""
    digest = hashing.sha256(message)
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
            public_key.verify(utils.encode_dss_signature(*numbers), digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            if numbers[1] > order // 2:
                return "the signature's S is in the upper half of the curve order, which Fabric refuses"
            return None
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, digest)
            return None
    except (InvalidSignature, ValueError):
        return "the signature does not verify under the endorser certificate's key"
    return f"the endorser's key is a {type(public_key).__name__}, which no Fabric MSP verifies"


def _endorsement(endorsement: proposal_response_pb2.Endorsement, response_payload: bytes) -> Endorsement:
    try:
        endorser = identities_pb2.SerializedIdentity.FromString(endorsement.endorser)
    except (DecodeError, RuntimeError):
        return Endorsement("", None, "the endorser is not a serialized identity")
    try:
        certificate = x509.load_pem_x509_certificate(endorser.id_bytes)
    except ValueError:
        return Endorsement(endorser.mspid, None, "the endorser's identity holds no PEM certificate")
    try:
        public_key = certificate.public_key()
    except CERTIFICATE_ERRORS as error:   # a key of an unknown algorithm, or bytes that are no key
        return Endorsement(endorser.mspid, None, f"the endorser certificate's key cannot be read ({error})")
    problem = signature_problem(public_key, endorsement.signature, response_payload + endorsement.endorser)
    return Endorsement(endorser.mspid, certificate, problem)


def _writes(chaincode_action: proposal_pb2.ChaincodeAction) -> tuple[tuple[str, ...], tuple[KeyWrite, ...]]:
    """The namespaces the read-write set lists, and every write in order (None for a delete's value)."""
    results = decoded(rwset_pb2.TxReadWriteSet, chaincode_action.results, "the read-write set")
    writes: list[KeyWrite] = []
    for ns in results.ns_rwset:
        kv = decoded(kv_rwset_pb2.KVRWSet, ns.rwset, f"the read-write set of namespace {ns.namespace}")
        writes.extend(KeyWrite(ns.namespace, w.key, None if w.is_delete else w.value) for w in kv.writes)
    return tuple(ns.namespace for ns in results.ns_rwset), tuple(writes)


def _action(action: transaction_pb2.TransactionAction) -> EndorsedAction:
    endorsed = decoded(transaction_pb2.ChaincodeActionPayload, action.payload, "the chaincode action payload").action
    response = decoded(proposal_response_pb2.ProposalResponsePayload, endorsed.proposal_response_payload,
                        "the proposal response payload")
    chaincode_action = decoded(proposal_pb2.ChaincodeAction, response.extension, "the chaincode action")
    return EndorsedAction(chaincode_action.chaincode_id.name, *_writes(chaincode_action),
                          tuple(_endorsement(e, endorsed.proposal_response_payload) for e in endorsed.endorsements))


def committed_transaction(processed: transaction_pb2.ProcessedTransaction) -> CommittedTransaction:
    """A ProcessedTransaction (qscc ``GetTransactionByID``) read down to its endorsements and writes.

    Raises LedgerReadError for bytes that are not an endorser transaction."""
    payload = decoded(common_pb2.Payload, processed.transactionEnvelope.payload, "the transaction's payload")
    header = decoded(common_pb2.ChannelHeader, payload.header.channel_header, "the transaction's channel header")
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
                                tuple(_action(a) for a in transaction.actions))
