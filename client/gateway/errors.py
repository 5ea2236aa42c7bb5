"""Errors raised by the Gateway client.

Every error the client raises on purpose is a :class:`GatewayError`::

    GatewayError                 code (grpc.StatusCode or None), details, message, sent
    ├── TransactionError         + transaction_id, timeout (seconds of the call's own timeout, when it
    │   │                        passed: DEADLINE_EXCEEDED from this client's deadline; else None),
    │   │                        earlier_transaction_ids (from submit: its retry policy's earlier attempts)
    │   ├── EvaluateError        the Evaluate call failed (no ledger change)
    │   ├── EndorseError         endorsement failed; nothing was sent to the orderer
    │   ├── SubmitError          sending the endorsed transaction for ordering failed; unless
    │   │                        may_have_been_ordered is False it may still commit
    │   │                        (+ result, the endorsed result, from submit and submit_async)
    │   ├── CommitStatusError    the commit status could not be obtained; the
    │   │                        transaction may or may not have committed
    │   │                        (+ result, the endorsed result, from submit)
    │   └── CommitError          committed to a block but marked invalid
    │                            (validation_code, e.g. MVCC_READ_CONFLICT; attempts, the
    │                            submissions a retry policy made; retried_codes, its retry_on);
    │                            code is None
    ├── BlockWaitTimeoutError    the Gateway peer did not commit a block in time
    │                            (Network.wait_for_block): channel, block_number, address
    ├── DeliverStatusError       a block events stream ended by the peer's Deliver status
    │                            reply (status, status_name: common.Status); code is None
    └── EventStreamError         an event stream broke (the peer went away, the gateway was
                                 closed): open it again from the checkpointer (a stream the
                                 peer refuses raises GatewayError itself)

``details`` is a tuple of :class:`ErrorDetail`, one for each endorsing peer or
orderer that answered the Gateway peer with an error, decoded from the
``gateway.ErrorDetail`` entries of the gRPC status. It is empty when the
failure happened on the Gateway peer itself.

``sent`` is False when the client refused the call before anything was sent
(the gateway, or the gRPC channel given to it, was closed; or the signer gave no
signature within the call's timeout, code ``DEADLINE_EXCEEDED``), or gRPC failed it
before any connection (the peer's host name did not resolve, or no connection to it
could be made, code ``UNAVAILABLE``): the peer never saw it.

Arguments the caller got wrong (a bad PEM, an empty function name, bytes given
to a ``new_*`` rebuild that are not of its kind) raise ordinary
``ValueError``/``TypeError``, not a GatewayError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.peer import transaction_pb2

__all__ = [
    "ErrorDetail",
    "GatewayError",
    "TransactionError",
    "EvaluateError",
    "EndorseError",
    "SubmitError",
    "CommitStatusError",
    "CommitError",
    "BlockWaitTimeoutError",
    "DeliverStatusError",
    "EventStreamError",
]


@dataclass(frozen=True)
class ErrorDetail:
    """What one peer or orderer said: its address, its MSP ID and its message."""

    address: str
    msp_id: str
    message: str

    def __str__(self) -> str:
        # an answer that named no address or MSP ID (the Gateway peer's own, an endorser's without one) says so,
        # rather than "()", which reads as a field lost on the way
        address = self.address or "address not known"
        msp_id = self.msp_id or "MSP ID not known"
        return f"{address} ({msp_id}): {self.message}"


class GatewayError(Exception):
    """A failure talking to the Gateway, or a result it reported.

    ``code`` is the gRPC status code of the failed call (``None`` when the
    failure was not a gRPC status), ``message`` the status message. ``sent`` is
    False when the client refused the call before sending anything (the gateway
    or its channel was closed), True when the request may have reached the peer.
    """

    def __init__(
        self,
        message: str,
        *,
        code: grpc.StatusCode | None = None,
        details: Iterable[ErrorDetail] = (),
        sent: bool = True,
    ) -> None:
        self.message = message
        self.code = code
        self.details: tuple[ErrorDetail, ...] = tuple(details)
        self.sent = sent
        super().__init__(self._render())

    def __reduce__(self):
        # Subclasses take keyword-only fields, which Exception's pickling (the class called with
        # ``args``) cannot pass: rebuild without __init__ and restore every field, so errors cross
        # process boundaries (a ProcessPool worker's CommitError) and copy.copy() keeps them whole.
        return _rebuild_error, (type(self), self.args, self.__dict__)

    @property
    def advice(self) -> str:
        """What to do about this error that its message does not say, on the last line of ``str()``; "" for
        none. A transaction that may still commit says so, with the call that tells whether it did: the
        peer's words alone read as a failure, and an integrator who logs them and submits anew may apply it
        twice."""
        return ""

    def without_advice(self) -> str:
        """``str()`` without :attr:`advice`: the transaction ID, code, message and details, for a caller that
        says what to do in its own words (a command line naming its commands)."""
        return self._stated()

    def _render(self) -> str:
        advice = self.advice
        return self._stated() + (f"\n{advice}" if advice else "")

    def _stated(self) -> str:
        text = self.message + self._deadline_said()
        if self.code is not None:
            text = f"{self.code.name}: {text}"
        for detail in self.details:
            text += f"\n  - {detail}"
        return text

    def _deadline_said(self) -> str:
        return ""


class TransactionError(GatewayError):
    """A GatewayError that belongs to one transaction.

    ``timeout`` is the seconds of the call's own timeout when that timeout passed before the peer answered
    (code ``DEADLINE_EXCEEDED``); None otherwise, and for a peer that answered ``DEADLINE_EXCEEDED`` from a
    timeout of its own. gRPC's words for it are a bare "Deadline Exceeded", so ``str()`` then names the call
    and its timeout, and :attr:`advice` the ``Timeouts`` field that sets it (:attr:`advice_without_timeout`
    leaves that sentence out).
    """

    call_kind = ""
    """The ``Timeouts`` field of the call this error is of ("evaluate", "endorse"...)."""

    earlier_transaction_ids: tuple[str, ...] = ()
    """The transaction IDs of the attempts a ``RetryPolicy`` made before the one this error is of, oldest first:
    each committed as invalid and wrote nothing. Empty where this error is of a first (or only) attempt."""

    def __init__(
        self,
        message: str,
        *,
        transaction_id: str,
        code: grpc.StatusCode | None = None,
        details: Iterable[ErrorDetail] = (),
        sent: bool = True,
        timeout: float | None = None,
    ) -> None:
        self.transaction_id = transaction_id
        self.timeout = timeout
        super().__init__(message, code=code, details=details, sent=sent)

    @property
    def attempted_transaction_ids(self) -> tuple[str, ...]:
        """Every transaction ID ``submit`` sent for this call, oldest first, this error's last: its retry policy's
        earlier attempts (:attr:`earlier_transaction_ids`), then ``transaction_id``."""
        return (*self.earlier_transaction_ids, self.transaction_id)

    def after_attempts(self, earlier_transaction_ids: Iterable[str]) -> None:
        """Record that this error is of a retry policy's later attempt, whose earlier attempts (oldest first) were
        sent as ``earlier_transaction_ids``; ``str()`` then names them, as a search of the ledger or the logs by
        the last ID alone finds nothing of the others."""
        self.earlier_transaction_ids = tuple(earlier_transaction_ids)
        self.args = (self._render(),)

    def _stated(self) -> str:
        return f"[tx {self.transaction_id}] " + super()._stated() + self._earlier_attempts_said()

    def _earlier_attempts_said(self) -> str:
        if not self.earlier_transaction_ids:
            return ""
        return (f"\nThis was attempt {len(self.attempted_transaction_ids)} of a retry policy; its earlier "
                f"attempts, each committed as invalid (they wrote nothing): "
                f"tx {', '.join(self.earlier_transaction_ids)}.")

    def _deadline_said(self) -> str:
        if self.timeout is None:
            return ""
        return f" (no answer within the {self.call_kind} call's timeout, {self.timeout:g}s)"

    @property
    def advice(self) -> str:
        said = self.advice_without_timeout
        return said + self._longer_timeout() if said else ""

    @property
    def advice_without_timeout(self) -> str:
        """:attr:`advice` without its sentence on the call's own timeout (the ``Timeouts`` field and the step's
        ``timeout=`` that lengthen it): what the call changed and what to do about that, for a caller that says
        how to wait longer in its own words (a command line's option); "" for no advice."""
        return ""

    def _longer_timeout(self) -> str:
        """What to do about the call's own timeout having passed, after what the error says otherwise; "" when
        it did not pass."""
        if self.timeout is None:
            return ""
        return (f" A peer slow but working needs a longer timeout: connect with a longer Timeouts.{self.call_kind},"
                f" or give {_STEP_CALLS[self.call_kind]} a longer timeout=; one that does not answer at all needs "
                "looking at.")


_STEP_CALLS = {
    "evaluate": "the step-by-step new_proposal(...).evaluate()",
    "endorse": "the step-by-step new_proposal(...).endorse()",
    "submit": "the step-by-step transaction.submit()",
    "commit_status": "status() (network.new_commit(...).status())",
}
"""Where a call of each kind takes its own ``timeout=``: the convenience calls take none."""


class EvaluateError(TransactionError):
    """Evaluating a transaction failed; no ledger change can have happened."""

    call_kind = "evaluate"

    @property
    def advice_without_timeout(self) -> str:
        # said only where a timeout passed: "Deadline Exceeded" alone leaves open whether the call ran
        if self.timeout is None:
            return ""
        return "It changed nothing: an evaluation writes nothing to the ledger."


class EndorseError(TransactionError):
    """Endorsement failed (chaincode error, policy not satisfiable, peer down).

    Nothing was sent to the orderer, so it is safe to retry with a new proposal; :attr:`advice` says so.
    """

    call_kind = "endorse"

    @property
    def advice_without_timeout(self) -> str:
        # the peer's words read as any failure, the same as those of a submit that may still commit
        return "It changed nothing: it reached no orderer, so sending it anew cannot apply it twice."


class SubmitError(TransactionError):
    """Sending the endorsed transaction for ordering failed, or its answer was lost.

    This is not proof that the transaction was not ordered. The Gateway peer answers
    ``DEADLINE_EXCEEDED``, ``UNAVAILABLE`` (an orderer failing after the send, a BFT
    channel short of a quorum of acknowledgements) and ``CANCELLED`` also after it
    handed the transaction on, and such a transaction may still commit: submitting it
    anew (a new proposal, a new transaction ID) could apply it twice.
    ``may_have_been_ordered`` tells the two apart; when it is True, ask
    ``network.new_commit(error.transaction_id).status()`` before submitting anew.
    From ``submit``, ``submit_transaction`` and ``submit_async``, ``result`` is the function's
    endorsed result (bytes), which the transaction returns if it commits; it is None from
    ``Transaction.submit()``, whose caller holds the result already (``Transaction.result``).
    """

    result: bytes | None = None
    call_kind = "submit"

    @property
    def may_have_been_ordered(self) -> bool:
        """Whether the transaction may have reached an orderer, and so may still commit.

        False for a submit the client refused before sending it (``sent`` False: the gateway
        or its channel was closed, code ``CANCELLED``, or the signer gave no signature within
        the submit's timeout, code ``DEADLINE_EXCEEDED``) or that gRPC failed before any connection
        (the Gateway peer's host name did not resolve, or no connection to it could be made, code
        ``UNAVAILABLE``), for the codes with which the Gateway
        peer says that no orderer took it (:data:`SUBMIT_REFUSED_CODES`), and for its ``UNAVAILABLE``
        answers that say every orderer refused it or was never reached (:func:`orderers_refused`); every
        other code, and a failure without one, may hide a commit.
        """
        return (self.sent and self.code not in SUBMIT_REFUSED_CODES
                and not orderers_refused(self.code, self.message, self.details))

    @property
    def advice_without_timeout(self) -> str:
        if self.sent and orderers_refused(self.code, self.message, self.details):
            # the Gateway's words name no refusal, and read as a lost answer
            return ("No orderer took it, so it cannot commit: each orderer the Gateway peer tried refused it (as "
                    "while the Raft cluster has no leader) or could not be reached. Submit it anew once the "
                    "ordering service is back.")
        if not self.may_have_been_ordered:
            return ""
        return may_still_commit(self.transaction_id)


class CommitStatusError(TransactionError):
    """The commit status could not be obtained (timeout, peer unavailable; from ``submit``, also its
    request failing before it was sent, as when the signer fails to sign it: ``sent`` is then False).

    The transaction may still commit: ask again with ``Commit.status()`` or
    look for it in block events before submitting it anew. From ``submit`` and
    ``submit_transaction``, ``result`` is the function's endorsed result (bytes), which
    the transaction returns if it commits; it is None from ``Commit.status()``, whose
    caller holds the result already (``SubmittedTransaction.result``).
    """

    result: bytes | None = None
    call_kind = "commit_status"

    @property
    def advice_without_timeout(self) -> str:
        if self.code == grpc.StatusCode.PERMISSION_DENIED:
            # asked again by the same identity, the status is refused again
            return (f"It may still commit: the channel refuses this identity commit statuses, so ask "
                    f"network.new_commit({self.transaction_id!r}).status() through a gateway of an identity it "
                    "admits, or find the transaction in block events, before submitting it anew, which makes a "
                    "new transaction and could apply it twice.")
        return may_still_commit(self.transaction_id)


class CommitError(TransactionError):
    """The transaction reached a block but failed validation.

    ``validation_code`` is the ``TxValidationCode`` number and
    ``validation_code_name`` its name (``MVCC_READ_CONFLICT``,
    ``ENDORSEMENT_POLICY_FAILURE``...). ``code`` is ``None``: the gRPC calls
    succeeded. ``attempts`` is how many submissions were made, this one the last: more than 1 where a
    ``RetryPolicy`` sent the transaction anew, each attempt committing as invalid; :attr:`advice` then says so,
    as sending it anew at once has been done already (``message`` stays the last attempt's), and, where this
    attempt's code is not among ``retried_codes`` (the policy's ``retry_on``), that the policy stopped on it.
    """

    def __init__(self, *, transaction_id: str, validation_code: int, block_number: int, attempts: int = 1,
                 retried_codes: frozenset[int] | None = None) -> None:
        self.validation_code = validation_code
        self.validation_code_name = validation_code_name(validation_code)
        self.block_number = block_number
        self.attempts = attempts
        self.retried_codes = retried_codes
        super().__init__(
            f"transaction committed in block {block_number} as invalid: {self.validation_code_name}",
            transaction_id=transaction_id,
        )

    @property
    def advice_without_timeout(self) -> str:
        # a retry policy's attempts: the last one's words alone read as one failure, to be sent anew at once
        retried = ""
        if self.attempts > 1:
            retried = (f"This was the last of {self.attempts} attempts the retry policy made, each a new transaction "
                       "that committed as invalid")
            if self.earlier_transaction_ids:
                retried += f" (tx {', '.join(self.earlier_transaction_ids)}, then this one)"
            if self.retried_codes is not None and self.validation_code not in self.retried_codes:
                # stopped on a code it does not retry, not for want of attempts: more would not have helped
                retried += f": the policy stopped here, as it does not retry {self.validation_code_name}"
            retried += ". "
        if self.validation_code in READ_CONFLICT_CODES:
            return (f"{retried}It wrote nothing: a transaction committed before it changed what it read; sent anew "
                    "(a new proposal), it runs on what is there now.")
        return f"{retried}It wrote nothing: the changes of a transaction that commits as invalid never take effect."

    def _earlier_attempts_said(self) -> str:
        return ""   # its advice names them, with the attempts it counts


class BlockWaitTimeoutError(GatewayError):
    """``Network.wait_for_block`` gave up: the Gateway peer had not committed the block in time.

    ``channel``, ``block_number``, ``address`` (the Gateway peer's, empty if unknown) and
    ``timeout`` (seconds) say which wait; ``code`` is ``DEADLINE_EXCEEDED``. Nothing was
    changed: wait again, or check the peer's block height and its link to the orderers.
    """

    def __init__(self, *, channel: str, block_number: int, address: str, timeout: float) -> None:
        self.channel = channel
        self.block_number = block_number
        self.address = address
        self.timeout = timeout
        peer = f"peer {address}" if address else "the Gateway peer"
        super().__init__(
            f"{peer} did not commit block {block_number} of channel {channel} within {timeout:g}s: "
            "the peer is behind or cannot reach the orderers, or no such block was cut yet; "
            "check the peer's block height, then wait again",
            code=grpc.StatusCode.DEADLINE_EXCEEDED,
        )


class DeliverStatusError(GatewayError):
    """The peer's Deliver service ended a block events stream with a status reply, not a gRPC status.

    ``status`` is the ``common.Status`` number (``common_pb2.FORBIDDEN``, ``NOT_FOUND``,
    ``SERVICE_UNAVAILABLE``...) and ``status_name`` its name (the number, as text, for one this
    client does not know), so a reconnect loop tells a status worth waiting out
    (``SERVICE_UNAVAILABLE``) from one the same request meets again (``FORBIDDEN``, ``NOT_FOUND``,
    ``BAD_REQUEST``) without reading the message. ``code`` is ``None``: the gRPC call succeeded.
    """

    def __init__(self, status: int) -> None:
        self.status = status
        self.status_name = (common_pb2.Status.Name(status) if status in common_pb2.Status.values()
                            else str(status))
        # The message is the one the Node client's agreement test pins (test_wire_agreement_with_node.py).
        super().__init__(f"block delivery ended with status {self.status_name}")

    @property
    def advice(self) -> str:
        return _DELIVER_STATUS_ADVICE.get(self.status, "")


class EventStreamError(GatewayError):
    """An event stream broke: the peer went away or restarted (``UNAVAILABLE``), the connection dropped, the
    gateway or its channel was closed under a read (``CANCELLED``). ``code`` and ``message`` are gRPC's.

    No event is lost: opened again with the same checkpointer, the stream resumes after the last event
    checkpointed, as :attr:`advice` says. A stream the peer refuses (``PERMISSION_DENIED``, ``NOT_FOUND``,
    ``INVALID_ARGUMENT``... : :data:`STREAM_REFUSED_CODES`), which meets the same refusal when opened again,
    raises a plain :class:`GatewayError`; a Deliver status reply, :class:`DeliverStatusError`.
    """

    @property
    def advice(self) -> str:
        return ("No event is lost: open the stream again with its checkpointer (checkpoint=) to resume after the "
                "last event checkpointed, or with start_block= the block of the last event handled, whose events "
                "then come again.")


STREAM_REFUSED_CODES = frozenset({
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.UNIMPLEMENTED,
})
"""The codes with which a peer refuses an event stream's request (its ACL, a channel it does not know, a request
it will not take): the same request meets them again, so they are no :class:`EventStreamError`."""


def event_stream_error(message: str, *, code: grpc.StatusCode | None = None, details: Iterable[ErrorDetail] = (),
                       sent: bool = True) -> GatewayError:
    """The error of an event stream that failed with ``code``: an :class:`EventStreamError`, or a plain
    :class:`GatewayError` for a refusal (:data:`STREAM_REFUSED_CODES`)."""
    kind = GatewayError if code in STREAM_REFUSED_CODES else EventStreamError
    return kind(message, code=code, details=details, sent=sent)


_DELIVER_STATUS_ADVICE = {
    common_pb2.FORBIDDEN: "The channel refuses this identity its blocks (its Readers policy, or the ACL of block "
                          "events): the same request is refused again until an identity the channel admits asks, "
                          "or the channel's ACL is changed.",
    common_pb2.BAD_REQUEST: "The peer refused the request: one stamped further from the peer's clock than its time "
                            "window (peer.authentication.timewindow; check this machine's clock), malformed, or "
                            "without the TLS certificate hash mutual TLS needs. The same request is refused again.",
    common_pb2.NOT_FOUND: "The peer has no such channel (is it joined to it?), or the start block is past the next "
                          "one to be committed: check the channel name and the start block.",
    common_pb2.SERVICE_UNAVAILABLE: "The peer cannot serve the channel's blocks for now: open the stream again in a "
                                    "while, from the last block handled.",
}
"""What to do about a Deliver status reply, which names only the status."""


SUBMIT_REFUSED_CODES = frozenset({
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.UNAUTHENTICATED,
    grpc.StatusCode.UNIMPLEMENTED,
})
"""The codes of a :class:`SubmitError` that prove the transaction was not ordered.

Fabric's Gateway answers Submit with ``INVALID_ARGUMENT`` for a request it will not send
(unsigned, no transaction) and ``FAILED_PRECONDITION`` for a channel it does not know;
``PERMISSION_DENIED``, ``UNAUTHENTICATED`` and ``UNIMPLEMENTED`` refuse the call itself.
``UNAVAILABLE`` is not among them: the Gateway gives it both when every orderer refused the
transaction or could not be reached and when a broadcast failed after sending, told apart by
its message and details (:func:`orderers_refused`). Nor is ``ABORTED`` (an orderer answered
with a 4xx status): the Gateway tries the orderers in turn, so an earlier one whose
connection dropped after the send may have taken the transaction before a later one
refused it.
"""


NO_ORDERER_TOOK_IT = "no orderers could successfully process transaction"
"""The Gateway's message (code ``UNAVAILABLE``) when a Submit on a Raft channel got no orderer to take it: it
tried every orderer of the channel in turn, with one ``ErrorDetail`` for each whose broadcast call failed, and none
for each that answered with a status other than SUCCESS and not 4xx: ``SERVICE_UNAVAILABLE`` when the orderer's
Order step failed, as with "no Raft leader" while the cluster elects one (its words stay in the peer's log). A
follower whose forward to the leader outlasted the cluster's RPC timeout (7 s by default) answers so too, and
that forward may still arrive: with a ``Timeouts.submit`` shorter than that timeout (5 s by default) the call
ends first, as ``DEADLINE_EXCEEDED``, read as possibly ordered; a longer one leaves that case read as refused.
A BFT channel's answer has words of its own ("insufficient number of orderers..."): an orderer may have taken
it there."""

NO_ORDERERS = "no orderer nodes available"
"""The Gateway's message (code ``UNAVAILABLE``) for a Submit it sent to no orderer: it knows none for the channel."""

_ORDERER_NOT_REACHED = "Error while dialing"
"""Go gRPC's words, in an orderer's ``ErrorDetail``, for a broadcast that failed because no connection to the
orderer could be made (nothing listening, the host unknown): the call never went out."""


def orderers_refused(code: grpc.StatusCode | None, message: str, details: Iterable[ErrorDetail]) -> bool:
    """Whether the Gateway's answer to a Submit says that no orderer took the transaction although the call was no
    bad request: ``UNAVAILABLE`` with :data:`NO_ORDERERS`, or with :data:`NO_ORDERER_TOOK_IT` where every
    orderer named in the details was never reached, so that each orderer tried either answered with a refusal
    (they name none) or never got it. A detail of any other failure (a stream broken after the send, an orderer's
    deadline) leaves the transaction possibly ordered."""
    if code != grpc.StatusCode.UNAVAILABLE:
        return False
    if message == NO_ORDERERS:
        return True
    return message == NO_ORDERER_TOOK_IT and all(_ORDERER_NOT_REACHED in detail.message for detail in details)


READ_CONFLICT_CODES = frozenset({transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT})
"""The validation codes of a transaction that read what another one changed first: run again, it may pass."""


def may_still_commit(transaction_id: str) -> str:
    """The advice of a transaction that may have reached an orderer but whose commit was not seen."""
    return (f"It may still commit: ask network.new_commit({transaction_id!r}).status() whether it did before "
            "submitting it anew, which makes a new transaction and could apply it twice.")


def _rebuild_error(error_type: type[GatewayError], args: tuple, fields: dict) -> GatewayError:
    """A pickled GatewayError of any subclass, with its message arguments and fields as they were."""
    error = error_type.__new__(error_type, *args)
    error.args = args
    error.__dict__.update(fields)
    return error


def validation_code_name(code: int) -> str:
    try:
        return transaction_pb2.TxValidationCode.Name(code)
    except ValueError:
        return f"UNKNOWN_VALIDATION_CODE_{code}"
