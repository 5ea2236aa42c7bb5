"""Endorsed transactions, ready to be signed and sent to the orderer."""

from __future__ import annotations

import hashlib

from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from ._commit import SubmittedTransaction, new_commit
from ._context import Context
from ._signable import ChannelTransaction, channel_header_problem, signature_header_creator
from ._twins import Steps, awaiting, blocking
from .errors import SubmitError


class _TransactionBase(ChannelTransaction):
    _message_type = gateway_pb2.PreparedTransaction
    _signed_field = "payload"
    _kind = "transaction"

    def __init__(self, context: Context, prepared: gateway_pb2.PreparedTransaction) -> None:
        super().__init__(context, prepared)
        payload = common_pb2.Payload.FromString(prepared.envelope.payload)
        self._channel = payload_channel_header(payload).channel_id
        self._result = _result_of(payload)

    @classmethod
    def _problem(cls, prepared: gateway_pb2.PreparedTransaction) -> str | None:
        # A proposal's bytes decode as a transaction's, with the same header and transaction ID:
        # what only an endorsed transaction holds is the endorsed chaincode action.
        payload = common_pb2.Payload.FromString(prepared.envelope.payload)
        problem = channel_header_problem(payload_channel_header(payload), common_pb2.ENDORSER_TRANSACTION,
                                         prepared.transaction_id)
        if problem:
            return problem
        action = endorsed_action_of(payload)
        if action is None or not action.proposal_response_payload:
            return "they hold no endorsed chaincode action (a proposal's bytes? endorse it first)"
        return None

    def _signed_part(self) -> common_pb2.Envelope:
        return self._message.envelope

    def _creator(self) -> bytes:
        return signature_header_creator(common_pb2.Payload.FromString(self._message.envelope.payload).header)

    @property
    def result(self) -> bytes:
        """What the chaincode function returned, as endorsed."""
        return self._result

    def _submit(self, *, timeout: float | None = None) -> Steps[SubmittedTransaction]:
        """Send the signed transaction to the orderer and return at once.

        The returned object is a Commit: call ``status()`` to wait for the
        block that commits it. ``timeout`` (seconds) bounds this call; None, the
        default, means ``Timeouts.submit``, not no deadline.
        """
        deadline = self._context.deadline("submit", timeout)   # the signature's and the call's
        signed = yield self._signing("submit", deadline, SubmitError)
        request = gateway_pb2.SubmitRequest(
            transaction_id=self.transaction_id, channel_id=self._channel, prepared_transaction=signed.envelope
        )
        yield from self._context.call("submit", request, deadline, SubmitError, self.transaction_id)
        return new_commit(self._context, self._channel, self.transaction_id, result=self._result)


class Transaction(_TransactionBase):
    """An endorsed transaction: its result is known, it is not yet on the ledger.

    ``submit()`` sends it to the orderer. To sign elsewhere, sign ``digest``
    and rebuild it with ``gateway.new_signed_transaction(bytes, signature)``.
    """

    submit = blocking(_TransactionBase._submit)


class AsyncTransaction(_TransactionBase):
    """The async twin of :class:`Transaction`."""

    submit = awaiting(_TransactionBase._submit)


def payload_channel_header(payload: common_pb2.Payload) -> common_pb2.ChannelHeader:
    return common_pb2.ChannelHeader.FromString(payload.header.channel_header)


def action_payload_of(payload: common_pb2.Payload) -> transaction_pb2.ChaincodeActionPayload | None:
    """The action of a prepared transaction's payload (its first: the Gateway prepares one), with the proposal
    payload it went into the transaction with; None when the payload holds no action."""
    actions = transaction_pb2.Transaction.FromString(payload.data).actions
    return transaction_pb2.ChaincodeActionPayload.FromString(actions[0].payload) if actions else None


def endorsed_action_of(payload: common_pb2.Payload) -> transaction_pb2.ChaincodeEndorsedAction | None:
    """The endorsed action of a prepared transaction's payload; None when the payload holds no action."""
    action_payload = action_payload_of(payload)
    return None if action_payload is None else action_payload.action


def proposal_payload_for_transaction(proposal: proposal_pb2.Proposal) -> bytes:
    """The proposal's payload as a transaction carries it: its chaincode input alone. The transient data, there
    to reach the endorsing chaincode only, never goes into the block."""
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    return proposal_pb2.ChaincodeProposalPayload(input=payload.input).SerializeToString()


def proposal_hash(proposal: proposal_pb2.Proposal) -> bytes:
    """What each endorsement's response payload names as the proposal endorsed, as Fabric computes it: SHA-256
    over the serialized channel header, the serialized signature header and the payload a transaction carries
    (:func:`proposal_payload_for_transaction`). Committing peers compute it again from the transaction and mark
    one whose endorsements name another proposal invalid."""
    header = common_pb2.Header.FromString(proposal.header)
    return hashlib.sha256(header.channel_header + header.signature_header
                          + proposal_payload_for_transaction(proposal)).digest()


def chaincode_action_of(endorsed: transaction_pb2.ChaincodeEndorsedAction) -> proposal_pb2.ChaincodeAction:
    """What the endorsers signed of the chaincode's run: its response (status, message, payload) and of which
    chaincode (chaincode_id)."""
    response_payload = proposal_response_pb2.ProposalResponsePayload.FromString(
        endorsed.proposal_response_payload
    )
    return proposal_pb2.ChaincodeAction.FromString(response_payload.extension)


def _result_of(payload: common_pb2.Payload) -> bytes:
    """The chaincode response payload inside a prepared transaction envelope."""
    endorsed = endorsed_action_of(payload)
    return b"" if endorsed is None else chaincode_action_of(endorsed).response.payload
