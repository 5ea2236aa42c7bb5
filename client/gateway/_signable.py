"""What every request that can be signed elsewhere shares: its bytes, its digest, its signature.

Proposals, transactions, commits and event requests are all a protobuf
message with a part that is signed: some bytes and a ``signature`` beside
them. Offline signing is the same for each: hand ``digest`` to a signer,
rebuild the object from ``bytes`` and the signature with the Gateway's
``new_signed_*`` method. Sent without a signature, the object is signed by
the Gateway's own signer.
"""

from __future__ import annotations

from typing import ClassVar

import grpc
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from google.protobuf.message import DecodeError, Message

from ._context import CallDeadline, Context, verifies
from ._identity import public_key_bytes
from ._signer import VERIFIED_CURVE_ORDERS, leading_der_signature, low_s_der
from ._twins import Offload
from .errors import GatewayError, TransactionError


class Signable:
    """A request signed on demand. Subclasses say where its signed part is.

    ``_message_type`` is the protobuf type of ``bytes``; ``_signed_part()`` is
    the sub-message holding ``signature`` and the signed bytes, in the field
    named ``_signed_field``.
    """

    _message_type: ClassVar[type[Message]]
    _signed_field: ClassVar[str]
    _kind: ClassVar[str]
    """What the object is called in errors: "proposal", "transaction"..."""
    _signed_request: ClassVar[str | None] = None
    """What a signer's time-out calls the request it did not sign, when not the object's ``_kind``."""
    _rebuilt_from: ClassVar[str] = "bytes, signature"
    """The arguments of the ``new_signed_*`` method that rebuilds the object, as an error names them."""
    _after_it_was_not_sent: ClassVar[str] = ""
    """What that error adds to saying the request was not sent, where that is not the end of the matter."""

    def __init__(self, context: Context, message: Message) -> None:
        self._context = context
        self._message = message

    @classmethod
    def _rebuild(cls, context: Context, data: bytes, signature: bytes | None = None, **options) -> "Signable":
        """The object behind ``data`` (its ``bytes``), with the signature of its ``digest`` if given.

        Raises ValueError when ``data`` is not the bytes of this kind of object: protobuf decodes
        the bytes of one request as another without complaint when their fields line up (a
        proposal's as a transaction's), so what the bytes hold is checked before they are used.
        An ECDSA signature is kept in its low-S form (``SigningIdentity.low_s``), which Fabric
        requires and a remote signer need not give.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            # bytes stored or passed on between processes travel as text (JSON, a queue): protobuf's own
            # refusal, "expected bytes, str found", names neither the argument nor the way back
            raise TypeError(
                f"the bytes of a {cls._kind} must be bytes (its `bytes`), not {type(data).__name__}: decode bytes "
                "passed on as text first (bytes.fromhex(...) for hex, base64.b64decode(...) for base64)"
            )
        if signature is not None and not isinstance(signature, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"signature must be the signature's bytes, not {type(signature).__name__}: decode a signature "
                "passed on as text first (bytes.fromhex(...) for hex, base64.b64decode(...) for base64)"
            )
        try:
            message = cls._message_type.FromString(bytes(data))
            problem = cls._problem(message)
            rebuilt = None if problem else cls(context, message, **options)
        except DecodeError as error:
            problem = f"they do not decode ({error})"
        if problem:
            raise ValueError(
                f"the bytes given are not a {cls._kind}: {problem}; pass the `bytes` of the {cls._kind} whose "
                "digest was signed"
            )
        if signature is not None:
            rebuilt._signed_part().signature = rebuilt._checked_signature(bytes(signature))
        return rebuilt

    def _checked_signature(self, signature: bytes) -> bytes:
        """A signature given for this object, in the low-S form on the curve of the key of the identity it
        carries (which may be another than this Gateway's); a ValueError, nothing sent, when that key does not
        verify it over ``digest``, or when the key is ECDSA and it is no ECDSA signature on the key's curve (not
        DER, or an ``s`` beyond that curve's order): every peer would answer a bare "access denied". Sent as
        given where that certificate cannot be read (then brought to the low-S form on this Gateway's identity's
        curve); empty, it leaves the object unsigned."""
        if not signature:
            return signature   # the object left unsigned, as in the Go client: this Gateway's signer signs it
        creator = self._creator()
        public_key = _certificate_public_key(creator)
        if public_key is None:
            return self._context.signing.low_s(signature)
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            order = VERIFIED_CURVE_ORDERS.get(public_key.curve.name)
            if order is None:
                return signature   # a curve no peer verifies: the peer says so
            numbers = leading_der_signature(signature)
            if numbers is None or numbers[1] >= order:
                # a peer reads an ECDSA signature as DER, and verifies no s beyond the curve's order: sent, it
                # was refused with a bare "access denied", where a signer giving r and s side by side (PKCS#11)
                # or another key's signature is the thing to put right
                raise ValueError(_no_signature_of(public_key, signature, numbers is None, self._kind, creator))
            signature = low_s_der(*numbers, order)
        if verifies(public_key, signature, self.digest) is False:
            rebuild = "new_signed_" + self._kind.replace(" ", "_")
            raise ValueError(
                f"the signature given does not verify with the key of the identity this {self._kind} "
                f"carries ({describe_identity(creator)}) over its digest, so every peer would refuse it "
                "with a bare \"access denied\". Nothing was sent. Sign the `digest` of the unsigned object "
                f"whose bytes are given to gateway.{rebuild}, as it is, with that identity's private key"
            )
        return signature

    @classmethod
    def _problem(cls, message: Message) -> str | None:
        """Why ``message``, decoded from bytes given to ``_rebuild``, is not this kind of object; None if it is."""
        raise NotImplementedError

    def _signed_part(self) -> Message:
        return self._message

    @property
    def bytes(self) -> bytes:
        """The serialized message: store it or pass it on, and rebuild it with the Gateway's ``new_*`` methods."""
        return self._message.SerializeToString()

    @property
    def digest(self) -> bytes:
        """What a signer must sign: the hash of the signed part's bytes."""
        return self._context.signing.digest(getattr(self._signed_part(), self._signed_field))

    @property
    def signature(self) -> bytes:
        """The signature given or made so far; empty until the object is signed."""
        return self._signed_part().signature

    def _creator(self) -> bytes:
        """The serialized identity the message says signs it: a peer checks the signature against this one."""
        raise NotImplementedError

    def _signed(self):
        """The message, signed by the Gateway's signer unless it carries a signature already.

        One rebuilt from the bytes of an identity with another key is refused rather than signed: every peer
        checks the signature with the key of the identity the message carries, and answers a bare "access
        denied" (the orderer refuses such a transaction too)."""
        part = self._signed_part()
        if not part.signature:
            part.signature = self._new_signature()
        return self._message

    def _new_signature(self) -> bytes:
        """The signature of the Gateway's signer over the signed part, the message left as it is."""
        self._refuse_another_identity()
        return self._context.signing.sign(getattr(self._signed_part(), self._signed_field))

    def _with_signature(self, signature: bytes):
        """The message, with ``signature`` unless it carries one already."""
        part = self._signed_part()
        if not part.signature:
            part.signature = signature
        return self._message

    def _refuse_another_identity(self) -> None:
        """A ValueError, nothing sent, when the message carries an identity whose key is not this
        Gateway's."""
        creator = self._creator()
        if same_key(creator, self._context.signing.creator):
            return
        rebuild = "new_signed_" + self._kind.replace(" ", "_")
        raise ValueError(
            f"this {self._kind} carries the identity {describe_identity(creator)}, whose key is not this "
            f"Gateway's ({describe_identity(self._context.signing.creator)}): signed by this Gateway's "
            f"signer, every peer would refuse it (its signature checked with the key of the identity it "
            f"carries). Nothing was sent. Sign its digest with that identity's key and use "
            f"gateway.{rebuild}({self._rebuilt_from}), or connect as that identity"
        )

    def _signing(self, call_kind: str, deadline: CallDeadline, error_type: type[TransactionError]) -> Offload:
        """The step of a shared body that gives :meth:`_signed` for the call of ``call_kind`` (a ``Timeouts``
        field) whose deadline is ``deadline``, and whose failures raise ``error_type``.

        A signer that waits (an HSM, a signing service) signs in a thread of its own, so that the async
        family's event loop runs its other tasks, and is bounded by what is left of that call's deadline,
        which its gRPC call then shares: a signer that never answers fails the call as that deadline passing
        would (``gave_up``), with nothing sent, where it held the caller for ever; its signature, if it comes
        later, is dropped. In place when nothing waits (a signature given, an in-process key's)."""
        if self._signed_part().signature or not self._context.signing.may_wait:
            return Offload(self._signed, waits=False)
        deadline.start()
        return Offload(self._new_signature, deadline=deadline.remaining(), finish=self._with_signature,
                       gave_up=lambda: self._signer_gave_no_answer(call_kind, deadline.seconds, error_type))

    def _timeout_named(self, call_kind: str) -> str:
        """The timeout of a call of ``call_kind`` as a signer's time-out names it: where to set it."""
        return f"the {call_kind} call's timeout (Timeouts.{call_kind}, or its timeout=)"

    def _signer_gave_no_answer(self, call_kind: str, deadline: float,
                               error_type: type[GatewayError]) -> GatewayError:
        """The error of a call whose signer did not sign in ``deadline`` seconds: the call's own, as its
        deadline passing in the peer would raise, ``sent`` False."""
        of_a_transaction = ({"transaction_id": self.transaction_id} if issubclass(error_type, TransactionError)
                            else {})
        signer, request = self._context.signing.signer, self._signed_request or self._kind
        return error_type(
            f"the signer ({getattr(signer, '__qualname__', None) or repr(signer)}) gave no signature of this "
            f"{request} within {deadline:g}s, {self._timeout_named(call_kind)}. The {request} was not "
            f"sent{self._after_it_was_not_sent}, and a signature the signer gives later is dropped. Check the "
            "signer: a "
            "signing service that is down or overloaded (give its client a deadline of its own, to raise its "
            "own error); an HSM that stopped answering (pkcs11-tool --list-slots): a hung PKCS#11 call holds "
            "its module, so later signatures wait behind it until the process is restarted. A signer that is "
            f"slow but works needs a longer Timeouts.{call_kind}",
            code=grpc.StatusCode.DEADLINE_EXCEEDED, sent=False, **of_a_transaction,
        )


class ChannelTransaction(Signable):
    """A proposal or its endorsed transaction: a message carrying its transaction ID, on the channel its header
    names (each kind reads that header where its own message holds it, into ``_channel``, when built)."""

    _channel: str

    @property
    def transaction_id(self) -> str:
        return self._message.transaction_id

    @property
    def channel(self) -> str:
        return self._channel


def channel_header_problem(channel_header: common_pb2.ChannelHeader, expected_type: int,
                           transaction_id: str | None = None) -> str | None:
    """Why a rebuilt object's channel header is not the one its kind carries; None if it is."""
    if channel_header.type != expected_type:
        known = channel_header.type in common_pb2.HeaderType.values()
        found = common_pb2.HeaderType.Name(channel_header.type) if known else str(channel_header.type)
        return f"their channel header is of type {found}, not {common_pb2.HeaderType.Name(expected_type)}"
    if transaction_id is not None and channel_header.tx_id != transaction_id:
        return f"their transaction ID {transaction_id!r} is not the one in their header ({channel_header.tx_id!r})"
    return None


def describe_identity(serialized_identity: bytes) -> str:
    """An identity as errors name it: its MSP ID and its certificate's subject (when that parses)."""
    try:
        identity = identities_pb2.SerializedIdentity.FromString(serialized_identity)
    except DecodeError:
        return "that does not decode"
    try:
        subject = x509.load_pem_x509_certificate(identity.id_bytes).subject.rfc4514_string()
    except ValueError:
        return f"of MSP {identity.mspid!r}"
    return f"{subject} of MSP {identity.mspid!r}"


def same_key(one: bytes, other: bytes) -> bool:
    """Whether the certificates of two serialized identities hold the same public key, so that a signature
    made for one verifies as the other's: a peer checks it with the key of the certificate the request
    carries (the same identity in other PEM text, or the certificate it was renewed with, holds the same)."""
    if one == other:
        return True
    try:
        certificates = [x509.load_pem_x509_certificate(
            identities_pb2.SerializedIdentity.FromString(each).id_bytes) for each in (one, other)]
        keys = [public_key_bytes(certificate.public_key()) for certificate in certificates]
    except (DecodeError, ValueError, UnsupportedAlgorithm):
        return False
    return keys[0] == keys[1]


def _no_signature_of(public_key: ec.EllipticCurvePublicKey, signature: bytes, not_der: bool, kind: str,
                     creator: bytes) -> str:
    """Why ``signature`` (not DER, or DER whose s is beyond the curve's order) cannot be the signature of the ECDSA
    key ``public_key`` of the identity ``creator`` a ``kind`` carries, and what to give instead."""
    carried = (f"the identity this {kind} carries ({describe_identity(creator)}) has an ECDSA key on "
               f"{public_key.curve.name}")
    if not not_der:
        return (f"the signature given is no signature of that key: its s is beyond the order of the curve, and "
                f"{carried}, so every peer would refuse it with a bare \"access denied\". Nothing was sent. It was "
                f"made with a key on another curve: sign the `digest` of the unsigned {kind} with that identity's "
                "private key")
    coordinate = (public_key.curve.key_size + 7) // 8
    side_by_side = (f"; {len(signature)} bytes are r and s side by side, as PKCS#11's CKM_ECDSA and some signing "
                    "services give them: DER-encode them with "
                    "cryptography.hazmat.primitives.asymmetric.utils.encode_dss_signature("
                    f"int.from_bytes(signature[:{coordinate}]), int.from_bytes(signature[{coordinate}:]))"
                    if len(signature) == 2 * coordinate else "")
    return (f"the signature given is {len(signature)} bytes that are not a DER-encoded ECDSA signature (they begin "
            f"{signature[:8].hex()}), and {carried}, so every peer would refuse it with a bare \"access denied\". "
            f"Nothing was sent. Give the DER SEQUENCE of r and s{side_by_side}")


def _certificate_public_key(serialized_identity: bytes):
    """The public key of a serialized identity's certificate; None when it does not decode or parse."""
    try:
        identity = identities_pb2.SerializedIdentity.FromString(serialized_identity)
        return x509.load_pem_x509_certificate(identity.id_bytes).public_key()
    except (DecodeError, ValueError, UnsupportedAlgorithm):
        return None


def signature_header_creator(header: common_pb2.Header) -> bytes:
    """The creator a message's header names, the identity its signature is checked against."""
    return common_pb2.SignatureHeader.FromString(header.signature_header).creator


def identity_problem(serialized_identity: bytes) -> str | None:
    """Why the ``identity`` of a rebuilt request is not a serialized identity; None if it is."""
    if not identities_pb2.SerializedIdentity.FromString(serialized_identity).mspid:
        return "they carry no client identity"
    return None
