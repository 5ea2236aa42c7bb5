"""Commits: waiting for a submitted transaction to reach a block, and its validation code."""

from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from ._context import Context
from .errors import CommitStatusError, validation_code_name


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


class _CommitBase:
    def __init__(self, context: Context, signed: gateway_pb2.SignedCommitStatusRequest) -> None:
        self._context = context
        self._signed = signed
        self._request = gateway_pb2.CommitStatusRequest.FromString(signed.request)

    @property
    def transaction_id(self) -> str:
        return self._request.transaction_id

    @property
    def bytes(self) -> bytes:
        """Serialized ``gateway.SignedCommitStatusRequest``."""
        return self._signed.SerializeToString()

    @property
    def digest(self) -> bytes:
        return self._context.signing.digest(self._signed.request)

    @property
    def signature(self) -> bytes:
        return self._signed.signature

    def _status_request(self) -> gateway_pb2.SignedCommitStatusRequest:
        if not self._signed.signature:
            self._signed.signature = self._context.signing.sign(self._signed.request)
        return self._signed

    def _status(self, response: gateway_pb2.CommitStatusResponse) -> Status:
        return Status(self.transaction_id, response.block_number, response.result)


class Commit(_CommitBase):
    """A submitted transaction whose commit status can be asked for.

    ``status()`` blocks until the transaction is in a block (or the timeout
    passes) and returns where and how it committed; it does not raise for an
    invalid transaction, check ``.successful``. To sign elsewhere, sign
    ``digest`` and use ``gateway.new_signed_commit(bytes, signature)``.
    """

    def status(self, *, timeout: float | None = None) -> Status:
        """Wait for the transaction's block; raise CommitStatusError if the peer cannot tell."""
        request = self._status_request()
        return self._status(self._context.call("commit_status", request, timeout, CommitStatusError, self.transaction_id))


class AsyncCommit(_CommitBase):
    """The async twin of :class:`Commit`."""

    async def status(self, *, timeout: float | None = None) -> Status:
        request = self._status_request()
        response = await self._context.call_async(
            "commit_status", request, timeout, CommitStatusError, self.transaction_id
        )
        return self._status(response)


class SubmittedTransaction(Commit):
    """A Commit that also carries the endorsed result, as returned by submit and submit_async."""

    def __init__(self, context: Context, signed: gateway_pb2.SignedCommitStatusRequest, result: bytes) -> None:
        super().__init__(context, signed)
        self.result = result


class AsyncSubmittedTransaction(AsyncCommit):
    """The async twin of :class:`SubmittedTransaction`."""

    def __init__(self, context: Context, signed: gateway_pb2.SignedCommitStatusRequest, result: bytes) -> None:
        super().__init__(context, signed)
        self.result = result


def new_commit(context: Context, channel: str, transaction_id: str, *, result: bytes):
    request = gateway_pb2.CommitStatusRequest(
        transaction_id=transaction_id, channel_id=channel, identity=context.signing.creator
    )
    signed = gateway_pb2.SignedCommitStatusRequest(request=request.SerializeToString())
    return context.models.submitted(context, signed, result)
