"""``--request-id ID``: the business request id of a ledger command that the contract applies exactly once.

The contract records each request id of a party with the first result; the same id again returns that result
and changes nothing. Without the option the SDK sends a fresh id each time. The id is checked here with the
contract's own rule (``chaincode.receivables.keys.is_request_id``), so a bad one is a usage error naming the
option before anything is sent. :func:`exactly_once` sends a call with its id and, when the answer was lost after
the call was sent (:func:`may_have_committed`), could not be read once it committed, or the command was
stopped while it waited (Ctrl-C, SIGTERM, SIGHUP), names the id in the error line. Kept apart from the ledger
commands' module so that `recfin invoice`, whose offline commands load no receivables client, can take the
option too (the client is imported only when a call is made).
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from client.shown import shown_value
from network.errors import shell_words

__all__ = ["REQUEST_ID", "RequestIdType", "request_id_option", "AnswerLost", "may_have_committed", "committed_unread",
           "request_get_command", "transaction_status_command", "exactly_once", "exactly_once_naming_its_id"]

T = TypeVar("T")


class RequestIdType(click.ParamType):
    """A request id as the contract takes it: 1 to 128 letters, digits, ``-``, ``_``, ``.`` or ``:``."""

    name = "ID"

    def convert(self, value: Any, param, ctx) -> str:
        from chaincode.receivables.keys import REQUEST_ID_MAX, is_request_id

        text = str(value)
        if not is_request_id(text):
            self.fail(f"{shown_value(text)} is not a request id: write 1 to {REQUEST_ID_MAX} letters, digits, '-', "
                      "'_', '.' or ':' (an order number, or the id of the call you retry)", param, ctx)
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
             "committed; --json prints the id sent as request_id].")


EXIT_INTERRUPTED = 130   # the shell's code for SIGINT: a ledger call Ctrl-C cut short


class Terminated(KeyboardInterrupt):
    """SIGTERM (``timeout``, a stopped job or service) or SIGHUP (its terminal closed) while a ledger call
    waits: raised as Ctrl-C's KeyboardInterrupt is, so that the call's request id is printed before the
    command ends, with the shell's exit code for the signal (128 + its number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum

    def __str__(self) -> str:
        return f"terminated by {signal.Signals(self.signum).name}"


@contextmanager
def terminations_raised() -> Iterator[None]:
    """Within it, SIGTERM and SIGHUP raise :class:`Terminated` instead of ending the process at once: ended
    at once, a call without --request-id would leave no trace of the fresh id it sent, and the same command
    run again would apply it twice. Only signals left at their default (a handler set, or SIGHUP ignored under
    nohup, is kept), and only in the main thread, the one Python runs signal handlers in."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    kept: dict[int, Any] = {}

    def terminated(signum: int, _frame: Any) -> None:
        raise Terminated(signum)

    try:
        # each handler noted before it is set, and set within the try: a SIGTERM raised while SIGHUP's is being set
        # must not leave SIGTERM's set after the block
        for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
                kept[signum] = signal.SIG_DFL
                signal.signal(signum, terminated)
        yield
    finally:
        for signum, handler in kept.items():
            signal.signal(signum, handler)


class AnswerLost(click.ClickException):
    """A ledger call whose answer was lost after it was sent, or that committed with an answer this client cannot
    read: the one error line names its request id."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def may_have_committed(error: BaseException) -> bool:
    """Whether a failed submit may have committed all the same: when its answer was lost after the orderer may have
    taken it. That is a commit status not received (``CommitStatusError``, a deadline included), and a
    ``SubmitError`` whose transaction may have been ordered (``SubmitError.may_have_been_ordered``: every code but
    the few with which the Gateway peer answers that no orderer took it, and none when this client sent nothing).
    A failed endorsement sent nothing to the
    orderer, and a ``CommitError`` is a commit status received: invalid (``MVCC_READ_CONFLICT``...), it wrote
    nothing. A committed submit whose answer this client cannot read (:func:`committed_unread`) did commit."""
    from client.gateway.errors import GatewayError
    from client.receivables import may_have_committed as submit_may_have_committed

    return committed_unread(error) or (isinstance(error, GatewayError) and submit_may_have_committed(error))


def committed_unread(error: BaseException) -> bool:
    """Whether ``error`` is a submit that committed but whose answer the SDK could not read
    (``client.receivables.UnreadableAnswer``, e.g. a newer contract's document)."""
    from client.receivables import UnreadableAnswer

    return isinstance(error, UnreadableAnswer) and error.committed


def request_get_command(request_id: str, *more: str) -> str:
    """`recfin request get REQUEST_ID` as the caller of this command must run it, shell-quoted: with its own
    ``--as ORG/USER`` and ``--data-root`` when one was given. A request id is its party's, and without them
    `request get` asks as another party, whose answer (not-found) would say that the call did not commit.

    Who acts is the session's org and user, resolved (:func:`cli.connection.note_caller`), or else ``--as`` (or
    ``--org``/``--user``) as given: a command whose session another function opens, such as `invoice attest`,
    which requires ``--as``. ``more``: further options, e.g. ``--json``."""
    return _as_the_caller(["recfin", "request", "get", request_id], more)


def transaction_status_command(transaction_id: str, *more: str) -> str:
    """`recfin transaction status TXID` as the caller of this command must run it, shell-quoted, with its own
    ``--as ORG/USER`` and ``--data-root`` as :func:`request_get_command` gives them: it asks a peer of the org
    that sent the transaction, on the network the command used. ``more``: further options."""
    return _as_the_caller(["recfin", "transaction", "status", transaction_id], more)


def _as_the_caller(words: list[str], more: tuple[str, ...]) -> str:
    """The command ``words`` with this command's caller's ``--as`` and ``--data-root`` and then ``more``,
    shell-quoted (:func:`request_get_command` says whose)."""
    from .connection import noted_caller

    ctx = click.get_current_context(silent=True)
    given = ctx.params if ctx is not None else {}
    caller = noted_caller()
    if caller is not None:
        org, user, data_root = caller
        who = f"{org}/{user}"
    else:
        who = given.get("as_") or given.get("identity")
        if who is None and given.get("org"):
            who = given["org"] + (f"/{given['user']}" if given.get("user") else "")
        data_root = given.get("data_root")
    if who:
        words += ["--as", who.strip()]
    if data_root is not None:
        words += ["--data-root", str(data_root)]
    return shell_words([*words, *more])


RETRY_WITH_THE_ID = ("run the same command with --request-id {request_id} to apply it at most once, or "
                     "`{request_get}` to see whether it did")


def exactly_once(request_id: str | None, call: Callable[[str], T], *, exit_code: int = 1,
                 retry: str = RETRY_WITH_THE_ID) -> T:
    """``call`` with its business request id: ``--request-id``, or a fresh one.

    When its answer was lost (:func:`may_have_committed`) it raises :class:`AnswerLost` (exit ``exit_code``)
    naming the id: ``retry`` (formatted with ``request_id`` and ``request_get``, the caller's
    :func:`request_get_command`) says how to send it again or learn whether it committed, and where the SDK
    names the transaction that may have committed, the caller's `recfin transaction status` of it
    (:func:`transaction_status_command`) follows. When it committed but its answer could not be read
    (:func:`committed_unread`), the AnswerLost says it committed and where its record is. Stopped (Ctrl-C,
    SIGTERM, SIGHUP), it says "it committed" where the SDK knows so (``committed`` on the interrupt: a split
    claim's payment stopped while its transaction was read back), "it may have committed" otherwise, with
    ``retry`` either way.
    Any other failure is raised as it is: nothing was committed.
    """
    from client.receivables import new_request_id

    from .connection import describe

    request_id = request_id or new_request_id()

    def advice(stopped_call: BaseException) -> str:
        told = retry.format(request_id=request_id, request_get=request_get_command(request_id))
        # the attempt the answer was lost for, where the SDK names it: the ledger tells of it by its id alone
        transaction = getattr(stopped_call, "transaction_id", None)
        if not transaction:
            return told
        return f"{told}; `{transaction_status_command(transaction)}` tells whether its transaction committed"

    try:
        with terminations_raised():
            return call(request_id)
    except KeyboardInterrupt as exc:
        # Ctrl-C, SIGTERM or SIGHUP while the call waits (for endorsement, ordering or its commit status):
        # the Gateway says whether the orderer was handed it (may_have_been_ordered); once it was, or where
        # that is not said, it may have committed, and a fresh id sent again would apply it twice.
        stopped, code = ((str(exc), exc.exit_code) if isinstance(exc, Terminated)
                         else (describe(exc), EXIT_INTERRUPTED))
        if getattr(exc, "committed", None) is True:
            # the SDK knows it committed (a split claim's payment stopped while its transaction was read back)
            raise AnswerLost(f"{stopped} (request id {request_id}: it committed; {advice(exc)})",
                             code) from exc
        if getattr(exc, "may_have_been_ordered", None) is False:
            transaction = getattr(exc, "transaction_id", "?")
            raise AnswerLost(f"{stopped} (request id {request_id}: stopped before a transaction of it "
                             f"that can commit reached the orderer: transaction {transaction} cannot commit; "
                             f"run the same command with --request-id {request_id} to apply it, once)",
                             code) from exc
        raise AnswerLost(f"{stopped} (request id {request_id}: it may have committed; {advice(exc)})", code
                         ) from exc
    except Exception as exc:
        if not may_have_committed(exc):
            raise
        if committed_unread(exc):   # nothing to retry: the record holds the whole answer, as JSON
            raise AnswerLost(f"{describe(exc)} (request id {request_id}: it committed; "
                             f"`{request_get_command(request_id, '--json')}` shows what it recorded)", exit_code
                             ) from exc
        raise AnswerLost(f"{describe(exc)} (request id {request_id}: it may have committed; {advice(exc)})",
                         exit_code) from exc


def exactly_once_naming_its_id(request_id: str | None, call: Callable[[str], T], **options: Any) -> tuple[T, str]:
    """:func:`exactly_once`, with the request id the call was sent with (``--request-id``, or the fresh one), which
    a command prints with --json as ``request_id``: a script that must retry the call after a lost answer, or ask
    `recfin request get` about it, has it without giving every id itself."""
    sent_with: list[str] = []

    def send(rid: str) -> T:
        sent_with.append(rid)
        return call(rid)

    return exactly_once(request_id, send, **options), sent_with[-1]
