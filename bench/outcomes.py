"""What became of one transaction, read from the SDK's typed errors.

The causes the report counts separately::

    committed          committed as valid
    answered           a query (an evaluate, never ordered) answered: no transaction, so not
                       counted as committed, in throughput or in CPU per transaction
    mvcc_conflict      committed as invalid: MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT
    endorsement        endorsement failed (EndorseError), or committed as ENDORSEMENT_POLICY_FAILURE
    timeout            a gRPC DEADLINE_EXCEEDED at any step (the commit status's wait included), or the
                       driver's own deadline for the call
    commit_unknown     the submit was accepted but the commit status could not be read for another reason
                       (a CommitStatusError with UNAVAILABLE: the gateway peer went away; or without a gRPC
                       code: its request's signer failed before it was sent, or the peer answered block 0):
                       it may have committed
    ordering           no orderer took the endorsed transaction: a SubmitError whose ``may_have_been_ordered``
                       is False, the Gateway peer saying so (a bad request, a channel unknown, the call refused,
                       every orderer refusing it or unreachable: the Raft cluster without a leader) or never
                       reached (an UNAVAILABLE gRPC gave before any connection: nothing was sent)
    ordering_unknown   the submit failed after the transaction may have reached an orderer (any other
                       SubmitError but a DEADLINE_EXCEEDED: an orderer's stream broken after the send, the
                       connection to the Gateway peer lost): it may still commit
    refused            the contract refused it on a business rule (RuleViolation)
    invalid            committed as invalid for another validation code (``detail`` names it)
    query_failed       an evaluate call failed (EvaluateError)
    unavailable        any other gateway failure (peer unreachable, stream broken)
    client_error       anything else raised in the client (a bug in the workload); an answer the SDK cannot
                       read (UnreadableAnswer) too, even of a transaction that committed VALID
    not_sent           nothing of the transaction or query was sent (``never_sent``): an argument the SDK
                       refused before sending (the SDK's ArgumentRefused or ArgumentTypeRefused, such as an
                       over-long id, RefusedBeforeSending among them; a bare ValueError or TypeError raised in the
                       SDK, in an operation whose contract calls the benchmark watches and saw none made:
                       :class:`WatchedContract`), or its first request
                       not sent (an EndorseError or EvaluateError whose ``sent`` is False: the gateway closed,
                       the signer gave no signature, no connection to the Gateway peer could be made). Not
                       submitted, so the report counts it apart from ``submitted`` and the failures
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import grpc

from client.gateway.errors import (
    CommitError,
    CommitStatusError,
    EndorseError,
    EvaluateError,
    GatewayError,
    SubmitError,
)
from client.receivables.errors import (
    ArgumentRefused,
    ArgumentTypeRefused,
    RefusedBeforeSending,
    RuleViolation,
    UnreadableAnswer,
)

COMMITTED = "committed"
ANSWERED = "answered"
MVCC_CONFLICT = "mvcc_conflict"
ENDORSEMENT = "endorsement"
TIMEOUT = "timeout"
COMMIT_UNKNOWN = "commit_unknown"
ORDERING = "ordering"
ORDERING_UNKNOWN = "ordering_unknown"
REFUSED = "refused"
INVALID = "invalid"
QUERY_FAILED = "query_failed"
UNAVAILABLE = "unavailable"
CLIENT_ERROR = "client_error"
NOT_SENT = "not_sent"

CAUSES = (COMMITTED, ANSWERED, MVCC_CONFLICT, ENDORSEMENT, TIMEOUT, COMMIT_UNKNOWN, ORDERING, ORDERING_UNKNOWN,
          REFUSED, INVALID, QUERY_FAILED, UNAVAILABLE, CLIENT_ERROR, NOT_SENT)
"""Every outcome, in the order the report lists them."""
SUCCEEDED = (COMMITTED, ANSWERED)
"""The outcomes that are no failure: a transaction committed as valid, or a query answered."""
NOT_SUBMITTED = (NOT_SENT,)
"""The outcomes of operations that sent nothing: neither submitted nor failed (the report counts them apart)."""
SDK_PACKAGE = "client"   # the receivables SDK and its gateway client (client.receivables, client.gateway...)

_CONFLICT_CODES = {"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"}
_ENDORSEMENT_CODES = {"ENDORSEMENT_POLICY_FAILURE"}


@dataclass(frozen=True)
class Outcome:
    """A cause from :data:`CAUSES`, the tx id when one is known, and a short detail (the rule, the code)."""

    cause: str
    tx_id: str | None = None
    detail: str = ""

    @property
    def committed(self) -> bool:
        return self.cause == COMMITTED


def classify(error: BaseException) -> Outcome:
    """The outcome of a call that raised ``error``.

    A RuleViolation is read before the gateway error it wraps: the contract's
    refusal is the cause, not the endorsement failure that carried it.
    """
    tx_id = getattr(error, "transaction_id", None)
    if never_sent(error):
        if isinstance(error, RefusedBeforeSending):
            return Outcome(NOT_SENT, tx_id, f"{error.transaction}: RULE {error.rule}")
        if isinstance(error, GatewayError):
            return Outcome(NOT_SENT, tx_id, error.code.name if error.code else type(error).__name__)
        return Outcome(NOT_SENT, tx_id, f"{type(error).__name__}: {error}"[:200])
    if isinstance(error, RuleViolation):
        return Outcome(REFUSED, tx_id, error.rule)
    if isinstance(error, CommitError):
        name = error.validation_code_name
        if name in _CONFLICT_CODES:
            return Outcome(MVCC_CONFLICT, tx_id, name)
        if name in _ENDORSEMENT_CODES:
            return Outcome(ENDORSEMENT, tx_id, name)
        return Outcome(INVALID, tx_id, name)
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return Outcome(TIMEOUT, tx_id, "no answer within the driver's deadline")
    if isinstance(error, GatewayError) and error.code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return Outcome(TIMEOUT, tx_id, type(error).__name__)
    if isinstance(error, CommitStatusError):
        # DEADLINE_EXCEEDED was read above: any other code says the status could not be read, not that it was
        # slow; so does none (the SDK raises one without a code when the request's signer failed before it was
        # sent, or when the peer answered block 0), which no deadline passing ever gives
        return Outcome(COMMIT_UNKNOWN, tx_id, error.code.name if error.code else "commit status unknown")
    if isinstance(error, EndorseError):
        return Outcome(ENDORSEMENT, tx_id, error.code.name if error.code else "")
    if isinstance(error, SubmitError):
        cause = ORDERING_UNKNOWN if error.may_have_been_ordered else ORDERING
        return Outcome(cause, tx_id, error.code.name if error.code else "")
    if isinstance(error, EvaluateError):
        return Outcome(QUERY_FAILED, tx_id, error.code.name if error.code else "")
    if isinstance(error, GatewayError):
        return Outcome(UNAVAILABLE, tx_id, error.code.name if error.code else "")
    if isinstance(error, UnreadableAnswer):
        # a client_error even where it committed VALID (docs/benchmark.md, "An answer the client cannot read"); the
        # detail leaves the transaction id out, so that failed_detail counts such answers together
        done = "committed" if error.committed else "answered"
        return Outcome(CLIENT_ERROR, tx_id,
                       f"UnreadableAnswer: {error.transaction} {done}, its answer unreadable ({error.problem})"[:200])
    return Outcome(CLIENT_ERROR, tx_id, f"{type(error).__name__}: {error}"[:200])


def never_sent(error: BaseException) -> bool:
    """Whether the call that raised ``error`` sent nothing of its transaction or query to the network.

    The SDK says so: an ArgumentRefused (a ValueError) or ArgumentTypeRefused (a TypeError), its refusal of an
    argument before sending (RefusedBeforeSending, the contract's own check run by the client, is one), whether or
    not the operation is watched; or an EndorseError or EvaluateError, the error of a call's first request, whose
    ``sent`` is False, unless it ended a retry policy's later attempt (``earlier_transaction_ids``), whose earlier
    ones were sent. A SubmitError or a CommitStatusError whose ``sent`` is False came after the proposal was sent to
    the endorsers: submitted.

    A bare ValueError or TypeError (of neither type) says nothing of what was sent: the SDK still raises one before
    sending (a wait for a block by a client made without its Network), but one raised after its contract call
    returned (while reading an answer) looks the same, and counted as not sent it would hide a submitted
    transaction. So it counts as not sent only when raised within the SDK in an operation whose contract calls the
    benchmark watches (:func:`watching_sends` with ``watched``: its clients' contracts are :class:`WatchedContract`)
    and which made none; anywhere else (the workload's own code, a client not watched, a contract called) it stays a
    ``client_error``."""
    if isinstance(error, (ArgumentRefused, ArgumentTypeRefused)):
        return True
    if isinstance(error, (EndorseError, EvaluateError)):
        return not error.sent and not getattr(error, "earlier_transaction_ids", ())
    if type(error) in (ValueError, TypeError):      # the SDK's own errors (UnreadableAnswer...) are subclasses
        watch = _SEND_WATCH.get()
        return watch is not None and watch.watched and not watch.called and _raised_within(error, SDK_PACKAGE)
    return False


@dataclass
class SendWatch:
    """What the benchmark saw of one operation's sending: whether its contract calls pass through a
    :class:`WatchedContract` (``watched``), and whether one was made (``called``)."""

    watched: bool
    called: bool = False


_SEND_WATCH: ContextVar[SendWatch | None] = ContextVar("bench_send_watch", default=None)
"""The watch of the operation running in this context (the driver sets it around each operation; the tasks an
operation starts share it, as they copy the context)."""


@contextmanager
def watching_sends(watched: bool) -> Iterator[SendWatch]:
    """Watch the contract calls of the operation run inside: ``watched`` says its clients' contracts are
    :class:`WatchedContract` (otherwise a call made goes unseen, and no bare ValueError counts as not sent)."""
    watch = SendWatch(watched)
    token = _SEND_WATCH.set(watch)
    try:
        yield watch
    finally:
        _SEND_WATCH.reset(token)


class WatchedContract:
    """A ``client.gateway`` Contract (sync or async) that marks the operation it is called in as having called its
    contract (:class:`SendWatch`) before passing the call on: ``submit`` and ``evaluate``, the calls the receivables
    SDK makes of it, and any other method fetched from it, so that no call goes unseen. Data (``chaincode_name``)
    passes through unmarked."""

    def __init__(self, contract: Any) -> None:
        self._contract = contract

    def submit(self, name: str, **options: Any) -> Any:
        _mark_called()
        return self._contract.submit(name, **options)

    def evaluate(self, name: str, **options: Any) -> Any:
        _mark_called()
        return self._contract.evaluate(name, **options)

    def __getattr__(self, name: str) -> Any:
        # only the contract's own names: a copy or pickle asks for _contract (and __setstate__...) before __init__
        # has run, which looked up through _contract itself recursed without end, and a probe of a special name
        # (getattr(contract, "__aenter__", None)) is no call of the contract
        if name == "_contract" or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        value = getattr(self._contract, name)
        if callable(value):
            _mark_called()
        return value


def _mark_called() -> None:
    watch = _SEND_WATCH.get()
    if watch is not None:
        watch.called = True


def sends_watched(*clients: Any) -> bool:
    """Whether every one of ``clients`` (receivables clients) calls its contract through a :class:`WatchedContract`."""
    return all(isinstance(getattr(client, "contract", None), WatchedContract) for client in clients)


def _raised_within(error: BaseException, package: str) -> bool:
    """Whether a frame of ``error``'s traceback runs code of ``package``: the error was raised inside a call of it."""
    trace = error.__traceback__
    while trace is not None:
        module = trace.tb_frame.f_globals.get("__name__", "")
        if module == package or module.startswith(package + "."):
            return True
        trace = trace.tb_next
    return False
