"""``--request-id ID``: the business request id of a ledger command that the contract applies exactly once.

The contract records each request id of a party with the first result; the same id again returns that result
and changes nothing. Without the option the SDK sends a fresh id each time. The id is checked here with the
contract's own rule (``chaincode.receivables.keys.is_request_id``), so a bad one is a usage error naming the
option before anything is sent. :func:`exactly_once` sends a call with its id and, when the answer was lost after
the call was sent (:func:`may_have_committed`), names the id in the error line. Kept apart from the ledger
commands' module so that `recfin invoice`, whose offline commands load no receivables client, can take the option
too (the client is imported only when a call is made).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from chaincode.receivables.keys import REQUEST_ID_MAX, is_request_id

__all__ = ["REQUEST_ID", "RequestIdType", "request_id_option", "AnswerLost", "may_have_committed", "exactly_once"]

T = TypeVar("T")


class RequestIdType(click.ParamType):
    """A request id as the contract takes it: 1 to 128 letters, digits, ``-``, ``_``, ``.`` or ``:``."""

    name = "ID"

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value)
        if not is_request_id(text):
            self.fail(f"{text!r} is not a request id: write 1 to {REQUEST_ID_MAX} letters, digits, '-', '_', '.' or "
                      "':' (an order number, or the id of the call you retry)", param, ctx)
        return text


REQUEST_ID = RequestIdType()


def request_id_option(what: str, *, retry: str | None = None):
    """``--request-id`` for a command whose call the contract applies once per id (sent with :func:`exactly_once`):
    the same command with the same id returns ``what`` and changes nothing; ``retry`` says more where a retry needs
    more than the same command."""
    retry = retry or (f"The same command with the same id (a retry after a timeout) returns {what} and changes "
                      "nothing.")
    return click.option(
        "--request-id", type=REQUEST_ID, default=None,
        help=f"Your id for this call, e.g. an order number. {retry} `recfin request get ID` tells whether it "
             "committed [default: a fresh id each time, named in the error line when the call may have "
             "committed].")


class AnswerLost(click.ClickException):
    """A ledger call whose answer was lost after it was sent: the one error line names its request id."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def may_have_committed(error: BaseException) -> bool:
    """Whether a failed submit may have committed all the same: when its answer was lost after the orderer may have
    taken it. That is a commit status not received (``CommitStatusError``, a deadline included), and any
    ``SubmitError`` but the few codes with which the Gateway peer answers that no orderer took it
    (:func:`_submit_refused`): a submit that timed out, a connection dropped after the Gateway peer passed the
    transaction on (``UNAVAILABLE``, ``CANCELLED``, ``UNKNOWN``), or the Gateway's own ``UNAVAILABLE`` when a
    broadcast failed after sending. A failed endorsement sent nothing to the orderer, and a ``CommitError`` is a
    commit status received: invalid (``MVCC_READ_CONFLICT``...), it wrote nothing."""
    from client.gateway.errors import CommitStatusError, SubmitError

    if isinstance(error, CommitStatusError):
        return True
    return isinstance(error, SubmitError) and error.code not in _submit_refused()


def _submit_refused() -> frozenset:
    """The codes of a ``SubmitError`` that prove the transaction was not ordered. Fabric's Gateway answers Submit
    with ``INVALID_ARGUMENT`` for a request it will not send (unsigned, no transaction), ``FAILED_PRECONDITION`` for
    a channel it does not know, and ``ABORTED`` when an orderer answered with a 4xx status (``BAD_REQUEST``,
    ``FORBIDDEN``...); ``PERMISSION_DENIED``, ``UNAUTHENTICATED`` and ``UNIMPLEMENTED`` refuse the call itself.
    Every other code (``UNAVAILABLE`` included: the Gateway gives it both when no orderer could be reached and when
    a broadcast failed after sending) may hide a commit."""
    import grpc

    codes = grpc.StatusCode
    return frozenset({codes.INVALID_ARGUMENT, codes.FAILED_PRECONDITION, codes.ABORTED, codes.PERMISSION_DENIED,
                      codes.UNAUTHENTICATED, codes.UNIMPLEMENTED})


RETRY_WITH_THE_ID = ("run the same command with --request-id {request_id} to apply it at most once, or `recfin request "
                     "get {request_id}` to see whether it did")


def exactly_once(request_id: str | None, call: Callable[[str], T], *, exit_code: int = 1,
                 retry: str = RETRY_WITH_THE_ID) -> T:
    """``call`` with its business request id: ``--request-id``, or a fresh one.

    When its answer was lost (:func:`may_have_committed`) it raises :class:`AnswerLost` (exit ``exit_code``)
    naming the id: ``retry`` (formatted with ``request_id``) says how to send it again or learn whether it
    committed. Any other failure is raised as it is: nothing was committed.
    """
    from client.receivables import new_request_id

    from .connection import describe

    request_id = request_id or new_request_id()
    try:
        return call(request_id)
    except KeyboardInterrupt as exc:
        # Ctrl-C while the call waits (for endorsement, ordering or its commit status): whether it was sent
        # cannot be told, and a fresh id sent again would apply it twice. 130: the shell's code for SIGINT.
        raise AnswerLost(f"{describe(exc)} (request id {request_id}: it may have committed; "
                         f"{retry.format(request_id=request_id)})", 130) from exc
    except Exception as exc:
        if not may_have_committed(exc):
            raise
        raise AnswerLost(f"{describe(exc)} (request id {request_id}: it may have committed; "
                         f"{retry.format(request_id=request_id)})", exit_code) from exc
