"""The one exception the stub raises for a refusal by the peer."""

from __future__ import annotations


class PeerError(Exception):
    """The peer answered a chaincode request (GET_STATE, PUT_STATE, ...) with ERROR.

    Raised with the peer's own message, e.g. a private data collection the caller
    may not read, or a key-level endorsement call on a channel without the
    capability. Letting it escape a transaction fails the transaction with that
    message.
    """
