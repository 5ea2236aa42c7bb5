"""One transaction from start to finish, shared by the stream handler and MemoryLedger."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from ._stub import ChaincodeStub
from ._types import INTERNAL_ERROR, Response

logger = logging.getLogger(__name__)

Invoke = Callable[[ChaincodeStub], Awaitable[Response]]


async def execute_transaction(invoke: Invoke, stub: ChaincodeStub) -> Response:
    """Run ``invoke`` and send any batched writes; never raises, so the peer always gets an answer.

    A failed transaction's batched writes are not sent: the peer discards its
    simulation anyway, and skipping them saves round trips.
    """
    try:
        response = await invoke(stub)
    except Exception as exc:
        logger.exception("transaction %s raised outside the contract layer", stub.tx_id)
        return Response(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
    if not response.ok:
        return response
    try:
        await stub.flush_writes()
    except Exception as exc:
        logger.warning("transaction %s: sending the write batch failed: %s", stub.tx_id, exc)
        return Response(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
    return response
