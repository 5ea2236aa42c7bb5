"""Commits: waiting for a submitted transaction to reach a block, and its validation code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from ._context import Context
from ._signable import Signable, identity_problem
from ._twins import Steps, awaiting, blocking
from .errors import CommitStatusError, validation_code_name

_TRANSACTION_ID = re.compile(r"[0-9a-f]{64}")
"""Fabric's transaction IDs: hex SHA-256 (``transaction_id_for``), which peers check."""


@dataclass(frozen=True)
class Status:
    """Where and how a transaction committed."""

    transaction_id: str
    block_number: int
    code: int
    """The ``TxValidationCode``; 0 (VALID) when the transaction took effect."""

    @property
    def successful(self) -> bool:
        return self.code == transaction_pb2.VALID

    @property
    def code_name(self) -> str:
        return validation_code_name(self.code)


class _CommitBase(Signable):
    _message_type = gateway_pb2.SignedCommitStatusRequest
    _signed_field = "request"
    _kind = "commit"
    _signed_request = "commit status request"
    _after_it_was_not_sent = (" (the transaction it asks about may still commit: ask its status() again before "
                              "submitting it anew)")

    def __init__(self, context: Context, signed: gateway_pb2.SignedCommitStatusRequest) -> None:
        super().__init__(context, signed)
        self._request = gateway_pb2.CommitStatusRequest.FromString(signed.request)

    @classmethod
    def _problem(cls, signed: gateway_pb2.SignedCommitStatusRequest) -> str | None:
        # A chaincode events request's bytes decode as a commit's: its channel in the place of the transaction ID.
        request = gateway_pb2.CommitStatusRequest.FromString(signed.request)
        if not _TRANSACTION_ID.fullmatch(request.transaction_id):
            return f"{request.transaction_id!r} is not a transaction ID (64 hex digits)"
        if not request.channel_id:
            return "they name no channel"
        return identity_problem(request.identity)

    @property
    def transaction_id(self) -> str:
        return self._request.transaction_id

    def _creator(self) -> bytes:
        return self._request.identity

    def _status(self, *, timeout: float | None = None) -> Steps[Status]:
        """Wait for the transaction's block; raise CommitStatusError if the peer cannot tell (or answers
        block 0, the genesis block, where no transaction commits: an empty answer).

        ``timeout`` (seconds) bounds the wait; None, the default, means ``Timeouts.commit_status``,
        not no deadline.

        The block is recorded as the channel's ``Network.last_committed_block`` when it is the
        highest yet, whether the transaction was valid or not: the peer committed that block
        either way, and an invalid transaction's conflicting write is in it or before it.
        """
        deadline = self._context.deadline("commit_status", timeout)   # the signature's and the call's
        request = yield self._signing("commit_status", deadline, CommitStatusError)
        response = yield from self._context.call(
            "commit_status", request, deadline, CommitStatusError, self.transaction_id
        )
        if response.block_number == 0:
            # Block 0 is the channel's genesis block, its configuration alone: no transaction commits there.
            # An empty answer (a proxy's, a peer's) decodes as exactly that, VALID: it would read as success.
            raise CommitStatusError(
                "the Gateway peer answered CommitStatus with block 0, which holds only the channel's "
                "configuration (an empty answer?), so it did not say where this transaction committed; ask a "
                "working peer",
                transaction_id=self.transaction_id,
            )
        self._context.committed_blocks.record(self._request.channel_id, response.block_number)
        return Status(self.transaction_id, response.block_number, response.result)


class Commit(_CommitBase):
    """A submitted transaction whose commit status can be asked for.

    ``status()`` blocks until the transaction is in a block (or the timeout
    passes) and returns where and how it committed; it does not raise for an
    invalid transaction, check ``.successful``. To sign elsewhere, sign
    ``digest`` and use ``gateway.new_signed_commit(bytes, signature)``.
    """

    status = blocking(_CommitBase._status)


class AsyncCommit(_CommitBase):
    """The async twin of :class:`Commit`."""

    status = awaiting(_CommitBase._status)


class _WithResult:
    """A commit that also carries the endorsed result."""

    def __init__(self, context: Context, signed: gateway_pb2.SignedCommitStatusRequest, result: bytes) -> None:
        super().__init__(context, signed)
        self.result = result


class SubmittedTransaction(_WithResult, Commit):
    """A Commit that also carries the endorsed result, as returned by submit and submit_async."""


class AsyncSubmittedTransaction(_WithResult, AsyncCommit):
    """The async twin of :class:`SubmittedTransaction`."""


def new_commit(context: Context, channel: str, transaction_id: str, *, result: bytes) -> SubmittedTransaction:
    """The SubmittedTransaction (sync or async) of a transaction just submitted, with its endorsed result."""
    return context.models.submitted(context, _commit_status_request(context, channel, transaction_id), result)


def commit_for(context: Context, channel: str, transaction_id: str) -> Commit:
    """A Commit (sync or async) for any transaction ID of ``channel``, e.g. one whose submit failed.

    Raises TypeError/ValueError naming ``transaction_id`` when it is not Fabric's 64 hex digits: the
    peer would only answer that it found no such transaction after the whole commit status timeout.
    """
    if not isinstance(transaction_id, str):
        raise TypeError(
            f"transaction_id must be a str of 64 hex digits, not {type(transaction_id).__name__}: "
            "pass the transaction_id of the proposal, transaction or error"
        )
    if not _TRANSACTION_ID.fullmatch(transaction_id):
        raise ValueError(
            f"transaction_id {transaction_id!r} is not a Fabric transaction ID (64 lowercase hex digits): "
            "pass the transaction_id of the proposal, transaction or error"
        )
    return context.models.commit(context, _commit_status_request(context, channel, transaction_id))


def _commit_status_request(
    context: Context, channel: str, transaction_id: str
) -> gateway_pb2.SignedCommitStatusRequest:
    """The unsigned ``SignedCommitStatusRequest`` for one transaction, as this Gateway's identity asks it."""
    request = gateway_pb2.CommitStatusRequest(
        transaction_id=transaction_id, channel_id=channel, identity=context.signing.creator
    )
    return gateway_pb2.SignedCommitStatusRequest(request=request.SerializeToString())
