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
    client_error       anything else raised in the client (a bug in the workload, a bare ValueError or
                       TypeError wherever it was raised); an answer the SDK cannot read (UnreadableAnswer) too,
                       even of a transaction that committed VALID. Submitted, as it may have been sent: it is
                       never acknowledged, so the fault checks never look it up, and a request it applied counts
                       as committed unacknowledged in the exactly-once check
    not_sent           nothing of the transaction or query was sent (``never_sent``): an argument the SDK
                       refused before sending (the SDK's ArgumentRefused or ArgumentTypeRefused, such as an
                       over-long id or a wait for a block by a client without its Network, RefusedBeforeSending
                       among them), or its first request not sent (an EndorseError or EvaluateError whose
                       ``sent`` is False: the gateway closed, the signer gave no signature, no connection to the
                       Gateway peer could be made). Not submitted, so the report counts it apart from
                       ``submitted`` and the failures
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

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
    argument before sending (RefusedBeforeSending, the contract's own check run by the client, is one; so is a wait
    for a block by a client built without its Network); or an EndorseError or EvaluateError, the error of a call's
    first request, whose ``sent`` is False, unless it ended a retry policy's later attempt
    (``earlier_transaction_ids``), whose earlier ones were sent. A SubmitError or a CommitStatusError whose ``sent``
    is False came after the proposal was sent to the endorsers: submitted.

    A bare ValueError or TypeError (of neither type) says nothing of what was sent: one raised after a contract call
    returned (while reading an answer) looks like one raised before it, and counted as not sent it would hide a
    submitted transaction. It is a ``client_error``, wherever it was raised."""
    if isinstance(error, (ArgumentRefused, ArgumentTypeRefused)):
        return True
    if isinstance(error, (EndorseError, EvaluateError)):
        return not error.sent and not getattr(error, "earlier_transaction_ids", ())
    return False

