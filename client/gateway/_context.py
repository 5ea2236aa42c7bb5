"""What every request object needs from its Gateway: transport, signing identity, timeouts, commit watermarks."""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterator

import grpc
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

from ..timeouts import Timeouts, as_seconds, check_seconds
from ._identity import EXPIRY_CLOCK_ALLOWANCE, Identity, expired_certificate
from ._signer import (_DIGEST_LENGTH, VERIFIED_CURVE_ORDERS, Signer, leading_der_signature, low_s_der,
                      signer_public_key, signs_low_s_der)
from ._transport import UNARY_RESPONSES, TransportError, wrong_answer
from ._twins import Steps
from .errors import GatewayError
from . import hashing
from .hashing import Hash


class SigningIdentity:
    """An identity, the hash it signs with, and (maybe) the signer."""

    def __init__(self, identity: Identity, signer: Signer | None, hash: Hash) -> None:
        self.identity = identity
        self.signer = signer
        # Whether a signature may wait on something outside the process (an HSM, a signing service): not one
        # of an in-process key (private_key_signer), nor the refusal of a Gateway without a signer.
        self.may_wait = signer is not None and signer_public_key(signer) is None
        self.hash = _callable_hash(hash)
        self.creator = identity.serialize()
        public_key = identity.certificate.public_key()
        # The order of the identity's ECDSA curve, for the low-S form of signatures made elsewhere; None for other keys.
        self._curve_order = (
            VERIFIED_CURVE_ORDERS.get(public_key.curve.name) if isinstance(public_key, ec.EllipticCurvePublicKey)
            else None
        )
        # An in-process key's signer returns low-S DER of this very key already: parsed and re-encoded again
        # for each of a submit's three signatures, it cost about a third as much as the signing itself.
        self._signer_gives_low_s_der = (
            self._curve_order is not None and signer is not None and signs_low_s_der(signer, public_key)
        )
        # A signer whose key is not known (an HSM's, a signing service's) may sign with another key than the
        # certificate's: each of its signatures is verified before it is sent, as a peer would only say
        # "access denied". An in-process key's was matched with the certificate at connect().
        self._verifies_signatures = signer is not None and signer_public_key(signer) is None
        self._public_key = public_key
        # past this (by this machine's clock) every peer refuses the identity: checked before each signature
        self._refused_after = identity.certificate.not_valid_after_utc + EXPIRY_CLOCK_ALLOWANCE

    def digest(self, message: bytes) -> bytes:
        with _named_on_failure("hash", self.hash):
            returned = self.hash(message)
        digest = _hash_output(self.hash, returned)
        if len(digest) != _DIGEST_LENGTH and self.hash is not hashing.none:
            # private_key_signer and HSMSigner refuse it themselves; a signer of your own (a signing service) would
            # sign it, its signature verify here over that digest, and every peer refuse it ("access denied")
            signer = f", for signer {_named(self.signer)} to sign," if self.signer is not None else ""
            raise ValueError(
                f"hash {_named(self.hash)} gave a {len(digest)}-byte digest{signer} but Fabric peers verify "
                "signatures over the 32-byte SHA-256 digest of the message whatever the key type, so every peer "
                "would refuse the signature; nothing was signed or sent. Connect with the default hash "
                "(hashing.sha256), hashing.sha3_256 if the channel's MSPs use SHA3, or hashing.none for a signer "
                "that hashes the whole message itself with SHA-256"
            )
        return digest

    def sign(self, message: bytes) -> bytes:
        if self.signer is None:
            raise GatewayError(
                "this Gateway has no signer: sign the object's digest elsewhere and "
                "rebuild it with the Gateway's new_signed_* method"
            )
        now = _now()
        if now > self._refused_after:
            # expired since connect (a listener or service running for months): each peer would refuse the request
            # with "proposal client identity expired", or a bare "access denied", naming no date
            raise ValueError(f"{expired_certificate(self.identity, now)}. Nothing was signed or sent")
        digest = self.digest(message)
        with _named_on_failure("signer", self.signer):
            returned = self.signer(digest)
        signature = _signer_output(self.signer, returned)
        if self._signer_gives_low_s_der:
            return signature
        if self._curve_order is not None and leading_der_signature(signature) is None:
            # this identity's key is ECDSA, so a peer reads its signature as DER (as new_signed_* checks one given)
            raise ValueError(
                f"signer {_named(self.signer)} returned {len(signature)} bytes that are not a DER-encoded ECDSA "
                f"signature (they begin {signature[:8].hex() or 'with nothing'}): the identity's key is ECDSA, "
                "so its signer must return the DER SEQUENCE of r and s"
            )
        # A pluggable signer (a KMS, a remote service) may return the high-S form; Fabric refuses it, and
        # the low-S form of the same signature is as valid, so every signature leaves here in that form.
        signature = self.low_s(signature)
        if self._verifies_signatures and verifies(self._public_key, signature, digest) is False:
            certificate = self.identity.certificate
            raise ValueError(
                f"signer {_named(self.signer)} returned a signature that the key in the identity's "
                f"certificate ({certificate.subject.rfc4514_string()}, MSP {self.identity.msp_id}) does "
                "not verify, so every peer would refuse it with a bare \"access denied\". Nothing was sent. "
                "The signer signs with another key (an HSM signer's key_id or key_label naming another key "
                "in the token: give key_id=key_id_for(identity.certificate)), or signs something other than "
                "the digest it is given (a signing service hashing it again: have it sign the digest as "
                "given); or connect with the certificate issued for the signer's key"
            )
        return signature

    def low_s(self, signature: bytes) -> bytes:
        """A signature made elsewhere with this identity's key, in the low-S form Fabric requires.

        Fabric refuses an ECDSA signature whose ``s`` is in the upper half of the curve order, and
        KMS services or ``cryptography``'s ``sign()`` give that form about half the time; ``(r, n - s)``
        is the same signature, as valid. Fabric reads only the DER SEQUENCE the signature starts with
        (``leading_der_signature``), so bytes after it (a signer padding to a fixed buffer) are dropped and
        the signature re-encoded as plain DER. Left as given when the identity's key is not ECDSA, when the
        signature does not start with DER, or when its ``s`` is not below this curve's order: then it was not
        made on this curve (a request carrying another creator), and changing it would break it.
        """
        if isinstance(signature, (bytearray, memoryview)):
            signature = bytes(signature)
        if self._curve_order is None:
            return signature
        numbers = leading_der_signature(signature)
        if numbers is None or numbers[1] >= self._curve_order:
            return signature  # not an ECDSA signature on this curve: the peer says what is wrong with it
        return low_s_der(*numbers, self._curve_order)


# What an ECDSA digest of each length is to ``Prehashed``, which checks only its length.
_PREHASHED_BY_LENGTH = {32: hashes.SHA256(), 48: hashes.SHA384()}


def verifies(public_key, signature: bytes, digest: bytes) -> bool | None:
    """Whether ``public_key`` verifies ``signature`` over ``digest`` as a peer does (the key's verification
    over the digest); None when that cannot be told here: an ECDSA digest of no hash's length
    (``hashing.none`` gives the signer the whole message, which a signing service hashes itself), or a key
    of a kind no peer verifies."""
    try:
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, digest)
        elif isinstance(public_key, ec.EllipticCurvePublicKey) and len(digest) in _PREHASHED_BY_LENGTH:
            prehashed = utils.Prehashed(_PREHASHED_BY_LENGTH[len(digest)])
            public_key.verify(signature, digest, ec.ECDSA(prehashed))
        else:
            return None
    except InvalidSignature:
        return False
    return True


def _callable_hash(hash: Hash) -> Hash:
    """``hash``, when it can be called; a TypeError naming it otherwise. What it returns is checked where a
    digest is made (``_hash_output``): trying it here would run the caller's function on a message of our own."""
    if not callable(hash):
        raise TypeError(f"hash must be a function from a message's bytes to its digest's bytes, such as "
                        f"hashing.sha256, not {type(hash).__name__} {hash!r:.80}")
    return hash


def _hash_output(hash: Hash, returned) -> bytes:
    """What ``hash`` returned, as bytes; a TypeError naming the hash when it is not bytes-like.

    ``hashlib.sha256`` (a constructor) returns a hash object, which would otherwise become the ``digest``
    handed to a signer and fail there with a TypeError naming no argument.
    """
    if isinstance(returned, (bytes, bytearray, memoryview)):
        return bytes(returned)
    raise TypeError(
        f"hash {_named(hash)} returned {type(returned).__name__}, not the digest's bytes: give a function that "
        "returns them, such as client.gateway.hashing.sha256 (hashlib.sha256 returns a hash object)"
    )


def _signer_output(signer: Signer, returned) -> bytes:
    """What ``signer`` returned, as bytes; a TypeError naming the signer when it is not bytes-like."""
    if isinstance(returned, (bytes, bytearray, memoryview)):
        return bytes(returned)
    if inspect.isawaitable(returned):
        if inspect.iscoroutine(returned):
            returned.close()  # never run: no "never awaited" warning, and nothing was asked of the signing service
        raise TypeError(
            f"signer {_named(signer)} returned {type(returned).__name__}, an awaitable: signers are synchronous, "
            "in connect_async() too (a signature is made while a request is built). Give a plain function that "
            "returns the signature's bytes (a signing service's sync client, or one that waits for its answer)"
        )
    raise TypeError(
        f"signer {_named(signer)} returned {type(returned).__name__} {returned!r:.80}, not the signature's bytes: "
        "a signer takes the digest and returns bytes (bytearray and memoryview are taken too)"
    )


def _now() -> datetime:
    """The time an identity's certificate is checked against, before each signature."""
    return datetime.now(timezone.utc)


@contextlib.contextmanager
def _named_on_failure(role: str, function) -> Iterator[None]:
    """Let an exception of the signer's or hash's own through as it is (a caller may catch its type: an HSMError,
    a signing service's TimeoutError), with a note (PEP 678, shown under its traceback) naming the function that
    raised it and saying that the request it was to sign was not sent: a signer failing on a transaction already
    endorsed left nothing for the orderer, so nothing can commit."""
    try:
        yield
    except Exception as error:
        note = (f"raised by the {role} {_named(function)} while signing a request: the request was not sent "
                "(nothing of it reached a peer or an orderer)")
        if note not in getattr(error, "__notes__", ()):   # one instance raised again (a retry) is noted once
            error.add_note(note)
        raise


def _named(signer: Signer) -> str:
    return getattr(signer, "__qualname__", None) or repr(signer)


class CommittedBlocks:
    """Per channel, the highest block in which a transaction whose commit status this Gateway obtained committed.

    Commit statuses come from several threads at once (pipelined submits), hence the lock.
    """

    def __init__(self) -> None:
        self._highest: dict[str, int] = {}
        self._lock = threading.Lock()

    def record(self, channel: str, block_number: int) -> None:
        with self._lock:
            if block_number > self._highest.get(channel, -1):
                self._highest[channel] = block_number

    def highest(self, channel: str) -> int | None:
        return self._highest.get(channel)


@dataclass
class Context:
    """Shared by every object of one Gateway.

    ``models`` names the classes to build (the sync ones, or their async
    twins): request building, response parsing and the calls themselves are
    written once, in shared base classes (see ``_twins``); only how a call is
    waited for differs. ``peer_address`` names the Gateway peer in errors
    (empty when connect() was given a channel or transport without one).
    """

    transport: Any
    signing: SigningIdentity
    timeouts: Timeouts
    tls_certificate_hash: bytes = b""
    models: Any = None
    peer_address: str = ""
    committed_blocks: CommittedBlocks = field(default_factory=CommittedBlocks)

    def deadline(self, kind: str, override: "float | CallDeadline | None") -> "CallDeadline":
        """The deadline of one call of ``kind`` (see :meth:`timeout`), shared by its steps; ``override`` a
        CallDeadline itself where a step of the SDK hands on the deadline of the call it is part of."""
        if isinstance(override, CallDeadline):
            return override
        return CallDeadline(self.timeout(kind, override))

    def timeout(self, kind: str, override: float | None) -> float | None:
        """The deadline of one call of ``kind``: its own ``timeout=`` if given, else the Gateway's Timeouts.

        A call's ``timeout=None`` therefore means "the Gateway's default", never "no deadline": to call
        without one, connect with ``None`` for that kind in ``Timeouts``.
        """
        check_seconds("timeout", override, call_kind=kind, zero_allowed=False)
        return as_seconds(override if override is not None else getattr(self.timeouts, kind))

    def call(self, method: str, request, deadline: "CallDeadline", error_type, transaction_id: str) -> Steps:
        """A unary call through the transport, as a step of a shared body, given what is left of ``deadline``
        (the call's, whose signature came first); failures raise ``error_type``, with the call's timeout
        (``timeout``) when it was that deadline that passed, and when the transport answered with anything
        other than the call's response message (``wrong_answer``)."""
        remaining = deadline.remaining()
        passes_at = None if remaining is None else time.monotonic() + remaining
        try:
            answer = yield getattr(self.transport, method)(request, remaining)
        except TransportError as error:
            # gRPC says a bare "Deadline Exceeded" for the client's own deadline; a peer answers
            # DEADLINE_EXCEEDED from a timeout of its own too, but before the client's has passed (gRPC reads
            # the deadline on the wall clock, so a little slack for the two clocks' ticks)
            ours = (error.code == grpc.StatusCode.DEADLINE_EXCEEDED and passes_at is not None
                    and time.monotonic() >= passes_at - _CLOCK_SLACK)
            raise error_type(error.message, code=error.code, details=error.details, sent=error.sent,
                             transaction_id=transaction_id, timeout=deadline.seconds if ours else None) from error
        problem = wrong_answer(self.transport, method, answer, UNARY_RESPONSES[method])
        if problem:
            # sent: the transport was called, so for a submit the transaction may have been ordered
            raise error_type(problem, transaction_id=transaction_id)
        return answer


_CLOCK_SLACK = 0.01
"""Seconds by which a call's failure may seem to come before its deadline, as gRPC and this client read it on
different clocks."""


class CallDeadline:
    """One call's deadline, shared by its steps: the signature of its request by a signer that waits (an HSM,
    a signing service) and then the gRPC call, so that the call as a whole ends within its timeout, where each
    step took the whole of it and a call could last twice as long.

    Its clock runs from :meth:`start`, called as the first step that may wait begins; until then every step
    gets the whole timeout. An in-process key's signature, a little CPU, starts no clock: the gRPC call then
    gets the timeout as given."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        """The whole of the call's timeout, as errors name it; None for no deadline."""
        self._ends: float | None = None

    def start(self) -> None:
        """Start the clock (once; a later call leaves it running as it is)."""
        if self._ends is None and self.seconds is not None:
            self._ends = time.monotonic() + self.seconds

    def remaining(self) -> float | None:
        """Seconds left, 0 once past; the whole timeout before :meth:`start`; None for no deadline."""
        if self._ends is None:
            return self.seconds
        return max(0.0, self._ends - time.monotonic())
