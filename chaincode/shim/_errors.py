"""The exceptions whose text the runtime sends to a transaction's caller: a refusal by the peer, or by the shim."""

from __future__ import annotations

from chaincode.caller_values import InvalidValue

__all__ = ["InvalidValue", "PeerError"]   # InvalidValue lives with the checks the contracts share, which load no shim


class PeerError(Exception):
    """The peer answered a chaincode request (GET_STATE, PUT_STATE, ...) with ERROR.

    Raised with the peer's own message, e.g. a private data collection the caller
    may not read, or a key-level endorsement call on a channel without the
    capability. Letting it escape a transaction fails the transaction with that
    message.
    """
