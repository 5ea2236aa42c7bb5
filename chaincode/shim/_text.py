"""Text a caller chose, made safe to put in an error message and to send back in a response.

Any channel member can send a function name or argument of many megabytes, and
``repr`` makes it up to four times longer: echoed whole, one such value could
push the answer past the gRPC message limit, which ends the peer's stream and
every transaction on it.
"""

from __future__ import annotations

from chaincode.caller_values import EXCERPT_CHARACTERS, excerpt

# excerpt lives with the checks the contracts share, which load no shim
__all__ = ["CUT_MARK", "EXCERPT_CHARACTERS", "MAX_RESPONSE_MESSAGE_BYTES", "cap_response_message", "excerpt"]

# Longer response messages are cut: enough for any error worth reading, small beside any
# payload, and far below the message limit.
MAX_RESPONSE_MESSAGE_BYTES = 4096
CUT_MARK = "…"


def cap_response_message(message: str) -> str:
    """``message`` unchanged if its UTF-8 form fits in MAX_RESPONSE_MESSAGE_BYTES; otherwise the longest
    start of it that does, cut between characters, followed by "…"."""
    # More characters than the limit encode to more bytes than the limit, so the first
    # limit + 1 characters decide, however long the message is.
    # surrogatepass: an unpaired surrogate survives the cut, for the caller to replace.
    head = message[: MAX_RESPONSE_MESSAGE_BYTES + 1].encode("utf-8", "surrogatepass")
    if len(head) <= MAX_RESPONSE_MESSAGE_BYTES:
        return message
    cut = MAX_RESPONSE_MESSAGE_BYTES
    while head[cut] & 0xC0 == 0x80:   # the first byte left out continues a character: leave it all out
        cut -= 1
    return head[:cut].decode("utf-8", "surrogatepass") + CUT_MARK
