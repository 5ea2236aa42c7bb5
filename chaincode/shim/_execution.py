"""One transaction from start to finish, shared by the stream handler and MemoryLedger."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from ._stub import ChaincodeStub
from ._text import cap_response_message
from ._types import INTERNAL_ERROR, Response

logger = logging.getLogger(__name__)

Invoke = Callable[[ChaincodeStub], Awaitable[Response]]


def is_transaction_failure(exc: BaseException) -> bool:
    """Whether ``exc``, raised while a transaction ran, is its failure, to be answered with status 500.

    Every Exception is. A CancelledError is too unless the running task itself is being
    cancelled (the stream is closing): contract code that awaits a task it cancelled, or a
    future someone else cancelled, gets one too, and letting that end the transaction's task
    would leave the peer without an answer until its execute timeout.
    """
    if isinstance(exc, asyncio.CancelledError):
        task = asyncio.current_task()
        return task is not None and task.cancelling() == 0
    return isinstance(exc, Exception)


def failure_response(exc: BaseException) -> Response:
    """The status-500 Response for a transaction that raised ``exc``, naming the exception."""
    text = str(exc)
    if not text and isinstance(exc, asyncio.CancelledError):
        text = "the transaction awaited a task or future that was cancelled"
    return Response(INTERNAL_ERROR, f"{type(exc).__name__}: {text}")


async def execute_transaction(invoke: Invoke, stub: ChaincodeStub) -> Response:
    """Run ``invoke`` and send any batched writes; never raises, so the peer always gets an answer
    (unless the task itself is cancelled). A message over MAX_RESPONSE_MESSAGE_BYTES comes back cut,
    as the peer would get it.

    A failed transaction's batched writes are not sent: the peer discards its
    simulation anyway, and skipping them saves round trips.
    """
    response = await _execute(invoke, stub)
    message = cap_response_message(response.message)
    return response if message is response.message else Response(response.status, message, response.payload)


async def _execute(invoke: Invoke, stub: ChaincodeStub) -> Response:
    try:
        response = await invoke(stub)
    except BaseException as exc:
        if not is_transaction_failure(exc):
            raise
        logger.exception("transaction %s raised outside the contract layer", stub.tx_id)
        return failure_response(exc)
    if not response.ok:
        return response
    try:
        await stub.flush_writes()
    except BaseException as exc:
        if not is_transaction_failure(exc):
            raise
        logger.warning("transaction %s: sending the write batch failed: %s", stub.tx_id, exc)
        return failure_response(exc)
    return response
