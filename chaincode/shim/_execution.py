"""One transaction from start to finish, shared by the stream handler and MemoryLedger."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from ._errors import InvalidValue, PeerError
from ._stub import ChaincodeStub
from ._text import cap_response_message
from ._types import INTERNAL_ERROR, Response

logger = logging.getLogger(__name__)

Invoke = Callable[[ChaincodeStub], Awaitable[Response]]


def is_transaction_failure(exc: BaseException) -> bool:
    """Whether ``exc``, raised while a transaction ran, is its failure, to be answered with status 500.

    Every BaseException is, but three:

    - a CancelledError while the running task itself is being cancelled: the stream is closing
      and the task must end. A CancelledError otherwise (contract code that awaits a task it
      cancelled, or a future someone else cancelled) is a failure, since letting it end the
      transaction's task would leave the peer without an answer until its execute timeout.
    - a GeneratorExit while no task runs: the transaction's coroutine is being closed unfinished, its task
      destroyed pending (one the process's runner gave up on as it exits): there is nobody left to answer, and a
      closing coroutine may not await. A GeneratorExit raised while a task runs (contract code, or a library,
      raising it, or throwing it into a generator that lets it out) is a failure, or the transaction would go
      unanswered until the peer's execute timeout.
    - KeyboardInterrupt: the server turns SIGINT into a graceful stop, so it reaches a
      transaction only where the runtime runs without that handler (a test run, a REPL, a
      second Ctrl-C under ``asyncio.run``), where it is the operator asking the process to
      stop now; answered as one transaction's 500 it would be lost.

    SystemExit is a failure like any other: libraries raise it on bad input (argparse, click),
    and out of a task asyncio re-raises it from the event loop, which would end the server and
    every peer's stream with it.
    """
    if isinstance(exc, asyncio.CancelledError):
        task = asyncio.current_task()
        return task is not None and task.cancelling() == 0
    if isinstance(exc, GeneratorExit):
        return _running_task() is not None
    return not isinstance(exc, KeyboardInterrupt)


def _running_task() -> asyncio.Task | None:
    """The task the running event loop is stepping, or None: none is, or no loop runs (a coroutine closed as the
    process exits, after its loop was closed)."""
    try:
        return asyncio.current_task()
    except RuntimeError:   # no running event loop
        return None


# What a SystemExit answered as a transaction's failure says after its code (failure_response, ExitInTask).
_EXIT_ANSWERED = ("contract code, or a library it calls (argparse or click on bad input, say), asked to exit the "
                  "process; the server kept serving; catch SystemExit there and raise a ContractError that names the "
                  "bad input")


class ExitInTask(Exception):
    """SystemExit raised in a task contract code started (``asyncio.gather``, ``create_task``...), carried as an
    Exception: out of a task, asyncio re-raises SystemExit from the event loop itself, ending the server and
    every peer's stream, where the transaction awaiting the task should fail alone (``exits_as_failure``)."""

    def __init__(self, exit: SystemExit) -> None:
        super().__init__(f"SystemExit({exit.code!r}) in a task the transaction started: {_EXIT_ANSWERED}")


# The exceptions whose text is written for the transaction's caller (failure_response).
SENT_AS_WRITTEN = (PeerError, InvalidValue, SystemExit, ExitInTask, asyncio.CancelledError)


def exits_as_failure(loop: asyncio.AbstractEventLoop, coro, **kwargs) -> asyncio.Task:
    """A task factory (``loop.set_task_factory``) whose tasks raise :class:`ExitInTask` where their coroutine
    raised SystemExit, so that the task awaiting them gets an Exception to answer with."""
    async def guarded():
        try:
            return await coro
        except SystemExit as exc:
            raise ExitInTask(exc) from exc
    return asyncio.Task(guarded(), loop=loop, **kwargs)


def failure_response(exc: BaseException, tx_id: str) -> Response:
    """The status-500 Response for transaction ``tx_id``, which raised ``exc``: one line naming the exception
    and, for the exceptions written for the caller, its text.

    Those are a PeerError (the peer's refusal), the shim's InvalidValue (a key, an event name, a request too
    large...) and the runtime's own accounts of a SystemExit, an ExitInTask or a CancelledError. Any other
    exception is a bug whose text can name internals (a KeyError's key, an OSError's path, an AttributeError's
    class): the caller gets its type and the tx id, under which the server logs it whole (the router and
    ``_execute`` log before they answer). So does a caller-facing text of several lines, since a caller reads
    an error as one line.
    """
    name = "ValueError" if isinstance(exc, InvalidValue) else type(exc).__name__
    if not isinstance(exc, SENT_AS_WRITTEN):
        return Response(INTERNAL_ERROR, f"internal error ({name}) in tx {tx_id}: see the chaincode server's log")
    text = str(exc)
    if not text and isinstance(exc, asyncio.CancelledError):
        text = "the transaction awaited a task or future that was cancelled"
    elif isinstance(exc, SystemExit):
        text = f"{text or 'no exit code'}: {_EXIT_ANSWERED}"
    # a trailing line break is no second line: dropped, as is whitespace around the text; any break left in it
    # is (str.splitlines would also break at \x1c..\x1e and \x85, which a caller's one line may hold)
    text = text.strip()
    if "\n" in text or "\r" in text:
        return Response(INTERNAL_ERROR, f"{name} in tx {tx_id}: its text runs over several lines, so it is not "
                                        "sent; see the chaincode server's log")
    return Response(INTERNAL_ERROR, f"{name}: {text}")


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
        return failure_response(exc, stub.tx_id)
    finally:
        stub.end_writes()   # before the batch is taken: a leftover task's later write fails, not vanishes
    if not response.ok:
        return response
    try:
        await stub.flush_writes()
    except BaseException as exc:
        if not is_transaction_failure(exc):
            raise
        logger.warning("transaction %s: sending the write batch failed: %s", stub.tx_id, exc)
        return failure_response(exc, stub.tx_id)
    return response
