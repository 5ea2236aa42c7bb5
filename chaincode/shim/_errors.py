"""The exceptions whose text the runtime sends to a transaction's caller: a refusal by the peer, or by the shim."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import DecodeError, Message

from chaincode.caller_values import InvalidValue

# InvalidValue lives with the checks the contracts share, which load no shim
__all__ = ["InvalidValue", "PeerError", "parse_peer_reply"]


class PeerError(Exception):
    """The peer answered a chaincode request (GET_STATE, PUT_STATE, ...) with ERROR.

    Raised with the peer's own message, e.g. a private data collection the caller
    may not read, or a key-level endorsement call on a channel without the
    capability. Letting it escape a transaction fails the transaction with that
    message.
    """


Reply = TypeVar("Reply", bound=Message)


def parse_peer_reply(message_class: type[Reply], payload: bytes, answering: str) -> Reply:
    """``payload``, from the peer's answer to ``answering`` (a request's name), as a ``message_class``. Bytes that
    do not parse fail with a PeerError naming the request: as the DecodeError itself the transaction's caller would
    be told of an internal error of the chaincode, and sent to the chaincode server's log for a fault of the peer."""
    try:
        return message_class.FromString(payload)
    except DecodeError:
        raise PeerError(f"the peer's answer to {answering} does not parse as {message_class.DESCRIPTOR.name}: check "
                        "the peer's version and log") from None
