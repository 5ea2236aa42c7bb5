"""The seam between the stub and whatever answers its requests.

In production a stream handler sends each request as a ChaincodeMessage to
the peer and awaits the RESPONSE or ERROR; in unit tests ``MemoryLedger``
answers the same request bytes from memory. The stub cannot tell which.
"""

from __future__ import annotations

from typing import Protocol


class PeerTransport(Protocol):
    async def request(self, message_type: int, payload: bytes) -> bytes:
        """Send one request of ``message_type`` (a ChaincodeMessage.Type) and return the RESPONSE payload.

        Raises :class:`chaincode.shim.PeerError` with the peer's message when the
        peer answers ERROR.
        """
        ...
