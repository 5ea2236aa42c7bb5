"""What every request object needs from its Gateway: transport, signing identity, timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._identity import Identity
from ._signer import Signer
from ._transport import TransportError
from .errors import GatewayError
from .hashing import Hash


@dataclass(frozen=True)
class Timeouts:
    """Deadlines in seconds for each kind of call; ``None`` means no deadline.

    Endorsement runs the chaincode on several peers, so it gets the longest
    default; commit status waits for a block to be cut and validated.
    """

    evaluate: float | None = 5.0
    endorse: float | None = 15.0
    submit: float | None = 5.0
    commit_status: float | None = 60.0


class SigningIdentity:
    """An identity, the hash it signs with, and (maybe) the signer."""

    def __init__(self, identity: Identity, signer: Signer | None, hash: Hash) -> None:
        self.identity = identity
        self.signer = signer
        self.hash = hash
        self.creator = identity.serialize()

    def digest(self, message: bytes) -> bytes:
        return self.hash(message)

    def sign(self, message: bytes) -> bytes:
        if self.signer is None:
            raise GatewayError(
                "this Gateway has no signer: sign the object's digest elsewhere and "
                "rebuild it with the Gateway's new_signed_* method"
            )
        return self.signer(self.hash(message))


@dataclass
class Context:
    """Shared by every object of one Gateway.

    ``models`` names the classes to build (the sync ones, or their async
    twins): request building and response parsing live in shared base
    classes, and only the call to the transport differs.
    """

    transport: Any
    signing: SigningIdentity
    timeouts: Timeouts
    tls_certificate_hash: bytes = b""
    models: Any = None

    def timeout(self, kind: str, override: float | None) -> float | None:
        return override if override is not None else getattr(self.timeouts, kind)

    def call(self, method: str, request, timeout: float | None, error_type, transaction_id: str):
        """A unary call through the transport, failures raised as ``error_type``."""
        try:
            return getattr(self.transport, method)(request, self.timeout(method, timeout))
        except TransportError as error:
            raise wrap(error, error_type, transaction_id) from error

    async def call_async(self, method: str, request, timeout: float | None, error_type, transaction_id: str):
        try:
            return await getattr(self.transport, method)(request, self.timeout(method, timeout))
        except TransportError as error:
            raise wrap(error, error_type, transaction_id) from error


def wrap(error: TransportError, error_type, transaction_id: str):
    """The typed error for a failed transport call."""
    return error_type(error.message, transaction_id=transaction_id, code=error.code, details=error.details)
