"""Endorsed transactions, ready to be signed and sent to the orderer."""

from __future__ import annotations

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from ._commit import AsyncSubmittedTransaction, SubmittedTransaction, new_commit
from ._context import Context
from .errors import SubmitError


class _TransactionBase:
    def __init__(self, context: Context, prepared: gateway_pb2.PreparedTransaction) -> None:
        self._context = context
        self._prepared = prepared
        payload = common_pb2.Payload.FromString(prepared.envelope.payload)
        self._channel = common_pb2.ChannelHeader.FromString(payload.header.channel_header).channel_id
        self._result = _result_of(payload)

    @property
    def transaction_id(self) -> str:
        return self._prepared.transaction_id

    @property
    def channel(self) -> str:
        return self._channel

    @property
    def result(self) -> bytes:
        """What the chaincode function returned, as endorsed."""
        return self._result

    @property
    def bytes(self) -> bytes:
        """Serialized ``gateway.PreparedTransaction``."""
        return self._prepared.SerializeToString()

    @property
    def digest(self) -> bytes:
        """What a signer must sign: the hash of the envelope payload."""
        return self._context.signing.digest(self._prepared.envelope.payload)

    @property
    def signature(self) -> bytes:
        return self._prepared.envelope.signature

    def _submit_request(self) -> gateway_pb2.SubmitRequest:
        envelope = self._prepared.envelope
        if not envelope.signature:
            envelope.signature = self._context.signing.sign(envelope.payload)
        return gateway_pb2.SubmitRequest(
            transaction_id=self.transaction_id, channel_id=self._channel, prepared_transaction=envelope
        )

    def _commit(self):
        return new_commit(self._context, self._channel, self.transaction_id, result=self._result)


class Transaction(_TransactionBase):
    """An endorsed transaction: its result is known, it is not yet on the ledger.

    ``submit()`` sends it to the orderer. To sign elsewhere, sign ``digest``
    and rebuild it with ``gateway.new_signed_transaction(bytes, signature)``.
    """

    def submit(self, *, timeout: float | None = None) -> SubmittedTransaction:
        """Send the signed transaction to the orderer and return at once.

        The returned object is a Commit: call ``status()`` to wait for the
        block that commits it.
        """
        self._context.call("submit", self._submit_request(), timeout, SubmitError, self.transaction_id)
        return self._commit()


class AsyncTransaction(_TransactionBase):
    """The async twin of :class:`Transaction`."""

    async def submit(self, *, timeout: float | None = None) -> AsyncSubmittedTransaction:
        await self._context.call_async("submit", self._submit_request(), timeout, SubmitError, self.transaction_id)
        return self._commit()


def _result_of(payload: common_pb2.Payload) -> bytes:
    """The chaincode response payload inside a prepared transaction envelope."""
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    if not transaction.actions:
        return b""
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
        action.action.proposal_response_payload
    )
    return proposal_pb2.ChaincodeAction.FromString(response_payload.extension).response.payload
