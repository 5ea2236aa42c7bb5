"""The exceptions whose text the runtime sends to a transaction's caller: a refusal by the peer, or by the shim."""

from __future__ import annotations


class PeerError(Exception):
    """The peer answered a chaincode request (GET_STATE, PUT_STATE, ...) with ERROR.

    Raised with the peer's own message, e.g. a private data collection the caller
    may not read, or a key-level endorsement call on a channel without the
    capability. Letting it escape a transaction fails the transaction with that
    message.
    """


class InvalidValue(ValueError):
    """A value the shim refuses (an empty key, a request over the message limit, a proposal's bad timestamp...),
    with a one-line text written for the transaction's caller. Escaping a transaction, it is answered as
    ``ValueError: <text>``, where any other exception's text stays in the server's log."""
