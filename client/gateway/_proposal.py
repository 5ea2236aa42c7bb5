"""Proposals: a chaincode function call, ready to evaluate or to endorse."""

from __future__ import annotations

import os
import time
from hashlib import sha256
from collections.abc import Iterable, Mapping

import grpc
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2
from google.protobuf import timestamp_pb2
from google.protobuf.message import DecodeError

from ._context import Context
from ._signable import ChannelTransaction, channel_header_problem, signature_header_creator
from ._transaction import (Transaction, action_payload_of, chaincode_action_of, payload_channel_header,
                           proposal_hash)
from ._twins import Steps, awaiting, blocking
from .errors import EndorseError, ErrorDetail, EvaluateError

NONCE_LENGTH = 24

_SUCCESSFUL_STATUSES = range(200, 400)
"""Chaincode response statuses of a success: Fabric's peers and Gateway take 400 and over (shim.ERRORTHRESHOLD)
as an error, and below 200 as no answer."""

Argument = str | bytes
Transient = Mapping[str, str | bytes]


def new_nonce() -> bytes:
    return os.urandom(NONCE_LENGTH)


def transaction_id_for(nonce: bytes, creator: bytes) -> str:
    """Fabric's transaction ID: hex SHA-256 of the nonce followed by the creator bytes.

    Both are bytes as the proposal's SignatureHeader holds them; text (a nonce written as hex, a PEM) is
    refused with a TypeError that says which bytes to give, as the ID of its encoding would match no peer's."""
    _check_id_part(nonce, "nonce", "the SignatureHeader's nonce; bytes.fromhex(string) for one written as hex")
    _check_id_part(creator, "creator", "the serialized identity: identity.serialize(), or the SignatureHeader's "
                                       "creator")
    return sha256(bytes(nonce) + bytes(creator)).hexdigest()


def _check_id_part(value, what: str, which: str) -> None:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        shown = f"{value[:40]!r}..." if isinstance(value, str) and len(value) > 40 else repr(value)
        raise TypeError(f"transaction_id_for takes the {what} as bytes ({which}), not {type(value).__name__} "
                        f"{shown}")


def _as_bytes(value: Argument, what: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:   # lone surrogates: bytes that were not UTF-8, decoded with surrogateescape
            raise ValueError(f"{what} {value!r} is not valid text: it holds bytes that are not UTF-8") from None
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


CHANNEL_NAME = "the channel's name, a str such as 'receivables' (the connection profile's channel)"
CHAINCODE_NAME = "the name the chaincode was deployed under, a str such as 'receivables'"
MSP_ID = "an org's MSP ID, a str such as 'Org1MSP'"


def check_name(value, argument: str, what: str) -> str:
    """``value`` if it is a non-empty str; before anything is sent, a TypeError or ValueError naming ``argument``
    and saying to give ``what`` (:data:`CHANNEL_NAME`, :data:`CHAINCODE_NAME`...): protobuf's own refusal of
    another type names neither, and an empty one would be sent, to match nothing or be refused in words that name
    nothing. The value is shown cut to 80 characters: a pasted file's bytes are no name to echo whole."""
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be {what}, not {type(value).__name__} {value!r:.80}")
    if not value:
        raise ValueError(f"{argument} is empty: give {what}")
    return value


def function_name(name) -> str | bytes:
    """A chaincode function name as given, str or bytes (as arguments may be); refuses anything else and an empty
    one."""
    if isinstance(name, (bytearray, memoryview)):
        name = bytes(name)
    if not isinstance(name, (str, bytes)):
        raise TypeError(f"the function name must be str or bytes, e.g. 'Confirm', not {type(name).__name__} {name!r}")
    if not name:
        raise ValueError("a transaction needs a function name: give the chaincode function to call, e.g. 'Confirm'")
    return name


def _text(value, what: str):
    """Bytes given where the wire takes a string (an MSP ID, a transient key) as the UTF-8 text they hold, as
    protobuf itself read them; other values as they are, for the caller's check to name."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{what} must be UTF-8 text, not {bytes(value)!r}") from None
    return value


def organizations(values: Iterable[str] | None, what: str) -> tuple[str, ...]:
    """MSP IDs read once into a tuple (see :func:`as_tuple`), each a non-empty str (bytes read as UTF-8)."""
    found = tuple(_text(each, f"{what}[{index}]") for index, each in enumerate(as_tuple(values, what)))
    for index, each in enumerate(found):
        check_name(each, f"{what}[{index}]", MSP_ID)
    return found


def _transient_map(transient: Transient | None) -> dict[str, bytes]:
    if transient is None:
        return {}
    if not isinstance(transient, Mapping):
        raise TypeError(
            f"transient must be a mapping of str keys to str or bytes values, e.g. {{'price': b'100'}}, "
            f"not {type(transient).__name__}"
        )
    entries = {}
    for given, value in transient.items():
        key = _text(given, "a transient key")
        if not isinstance(key, str):
            raise TypeError(f"transient keys must be str (or UTF-8 bytes), not {type(key).__name__} {key!r}")
        if key in entries:
            # "k" and b"k" are one key on the wire: keeping either value would send one the caller may not mean
            raise ValueError(f"transient key {key!r} is given twice, as str and as bytes (one key to the "
                             "chaincode): give it once, with the value to send")
        entries[key] = value
    return {key: _as_bytes(value, f"transient value {key!r}") for key, value in entries.items()}


def as_tuple(values: Iterable | None, what: str) -> tuple:
    """``values`` read once into a tuple, so a call that sends them again (a retry) sends them all.

    A lone str or bytes is refused: iterating it would send its characters one by one.
    """
    if values is None:
        return ()
    if isinstance(values, (str, bytes, bytearray)):
        raise TypeError(f"{what} must be a list of values, not a single {type(values).__name__}: wrap it, [{values!r}]")
    return tuple(values)


def build_proposal(
    context: Context,
    *,
    channel: str,
    chaincode: str,
    function: str,
    arguments: Iterable[Argument] = (),
    transient: Transient | None = None,
    endorsing_organizations: Iterable[str] | None = None,
    nonce: bytes | None = None,
    timestamp: float | None = None,
) -> "Proposal":
    """Build an unsigned proposal the way Fabric peers expect it (see proposal.proto)."""
    function = _as_bytes(function_name(function), "the function name")
    nonce = new_nonce() if nonce is None else nonce
    creator = context.signing.creator
    tx_id = transaction_id_for(nonce, creator)

    stamp = timestamp_pb2.Timestamp()
    stamp.FromNanoseconds(int((time.time() if timestamp is None else timestamp) * 1e9))
    chaincode_id = chaincode_pb2.ChaincodeID(name=chaincode)
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION,
        timestamp=stamp,
        channel_id=channel,
        tx_id=tx_id,
        epoch=0,
        extension=proposal_pb2.ChaincodeHeaderExtension(chaincode_id=chaincode_id).SerializeToString(),
    )
    header = common_pb2.Header(
        channel_header=channel_header.SerializeToString(),
        signature_header=common_pb2.SignatureHeader(creator=creator, nonce=nonce).SerializeToString(),
    )
    args = [function] + [_as_bytes(a, "an argument") for a in as_tuple(arguments, "arguments")]
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            type=chaincode_pb2.ChaincodeSpec.UNDEFINED,
            chaincode_id=chaincode_id,
            input=chaincode_pb2.ChaincodeInput(args=args),
        )
    )
    payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString(),
        TransientMap=_transient_map(transient),
    )
    proposal = proposal_pb2.Proposal(header=header.SerializeToString(), payload=payload.SerializeToString())
    proposed = gateway_pb2.ProposedTransaction(
        transaction_id=tx_id,
        proposal=proposal_pb2.SignedProposal(proposal_bytes=proposal.SerializeToString()),
        endorsing_organizations=organizations(endorsing_organizations, "endorsing_organizations"),
    )
    return context.models.proposal(context, proposed)


def _proposal_of(proposed: gateway_pb2.ProposedTransaction) -> proposal_pb2.Proposal:
    return proposal_pb2.Proposal.FromString(proposed.proposal.proposal_bytes)


def _channel_header(proposal: proposal_pb2.Proposal) -> common_pb2.ChannelHeader:
    return common_pb2.ChannelHeader.FromString(common_pb2.Header.FromString(proposal.header).channel_header)


def _chaincode_name(proposal: proposal_pb2.Proposal) -> str:
    """The chaincode a proposal calls, as its header names it (where Fabric's committer reads it)."""
    extension = proposal_pb2.ChaincodeHeaderExtension.FromString(_channel_header(proposal).extension)
    return extension.chaincode_id.name


def _first_endorser_msp_id(endorsed: transaction_pb2.ChaincodeEndorsedAction) -> str:
    """The MSP ID of the first peer that endorsed ``endorsed``; empty when none did (Fabric's peers do not
    endorse a chaincode error) or its identity does not decode."""
    if not endorsed.endorsements:
        return ""
    try:
        return identities_pb2.SerializedIdentity.FromString(endorsed.endorsements[0].endorser).mspid
    except DecodeError:
        return ""


class _ProposalBase(ChannelTransaction):
    """What sync and async proposals share: the bytes, the signing, the requests and the calls."""

    _message_type = gateway_pb2.ProposedTransaction
    _signed_field = "proposal_bytes"
    _kind = "proposal"

    def __init__(self, context: Context, proposed: gateway_pb2.ProposedTransaction) -> None:
        super().__init__(context, proposed)
        self._channel = _channel_header(_proposal_of(proposed)).channel_id

    @classmethod
    def _problem(cls, proposed: gateway_pb2.ProposedTransaction) -> str | None:
        # A transaction's bytes decode as a proposal's; its payload holds no chaincode function.
        proposal = _proposal_of(proposed)
        problem = channel_header_problem(
            _channel_header(proposal), common_pb2.ENDORSER_TRANSACTION, proposed.transaction_id
        )
        if problem:
            return problem
        payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
        if not chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec.input.args:
            return "they call no chaincode function"
        return None

    def _signed_part(self) -> proposal_pb2.SignedProposal:
        return self._message.proposal

    def _creator(self) -> bytes:
        return signature_header_creator(common_pb2.Header.FromString(_proposal_of(self._message).header))

    @property
    def endorsing_organizations(self) -> tuple[str, ...]:
        return tuple(self._message.endorsing_organizations)

    def _evaluate(self, *, timeout: float | None = None) -> Steps[bytes]:
        """Run the function on a peer without ordering or committing it; return its result.

        For queries. Nothing is written to the ledger, whatever the chaincode does. ``timeout``
        (seconds) bounds this call; None, the default, means ``Timeouts.evaluate``, not no deadline.
        """
        deadline = self._context.deadline("evaluate", timeout)   # the signature's and the call's
        proposed = yield self._signing("evaluate", deadline, EvaluateError)
        request = self._request(proposed, gateway_pb2.EvaluateRequest, "target_organizations")
        response = yield from self._context.call("evaluate", request, deadline, EvaluateError, self.transaction_id)
        status = response.result.status
        if status not in _SUCCESSFUL_STATUSES:
            # Fabric's Gateway turns a chaincode error into a gRPC error; one answered as a success (a proxy's, a
            # peer's that is not Fabric's), or an empty answer (status 0), must not pass its bytes off as a result.
            # shaped as Fabric's Gateway reports a chaincode error at Evaluate (UNKNOWN, the chaincode's status
            # and message in a peer's detail), so that a contract's refusal reads from details, not with this text
            raise EvaluateError(
                f"the Gateway peer answered Evaluate with chaincode response status {status}, not a success "
                "(200-399): the chaincode refused the call (its message is in details) or gave no answer. "
                "Nothing was written; check the call and the peer",
                transaction_id=self.transaction_id,
                code=grpc.StatusCode.UNKNOWN,
                details=[ErrorDetail(self._context.peer_address, "",
                                     f"chaincode response {status}, {response.result.message}")],
            )
        return response.result.payload

    def _endorse(self, *, timeout: float | None = None) -> Steps[Transaction]:
        """Collect endorsements; the returned Transaction is ready to be signed and submitted.

        ``timeout`` (seconds) bounds this call; None, the default, means ``Timeouts.endorse``, not no deadline.
        """
        deadline = self._context.deadline("endorse", timeout)   # the signature's and the call's
        proposed = yield self._signing("endorse", deadline, EndorseError)
        request = self._request(proposed, gateway_pb2.EndorseRequest, "endorsing_organizations")
        response = yield from self._context.call("endorse", request, deadline, EndorseError, self.transaction_id)
        prepared = gateway_pb2.PreparedTransaction(
            transaction_id=self.transaction_id, envelope=response.prepared_transaction
        )
        self._check_endorsed(prepared)
        return self._context.models.transaction(self._context, prepared)

    def _check_endorsed(self, prepared: gateway_pb2.PreparedTransaction) -> None:
        """An EndorseError unless ``prepared``, the Endorse answer, is this proposal's transaction endorsed
        as a success. Checked before it is signed: whatever it holds would be signed and ordered as this
        proposal (another transaction, one on another channel, where Submit would send it, of another
        chaincode, or another call under this proposal's ID), one that does not decode would escape as a bare
        DecodeError, and one holding a chaincode error would commit that error's writes, if any, with the
        caller told of success."""
        peer = f"the peer {self._context.peer_address}" if self._context.peer_address else "the peer"
        try:
            problem = Transaction._problem(prepared)
            if not problem:
                payload = common_pb2.Payload.FromString(prepared.envelope.payload)
                action_payload = action_payload_of(payload)
                endorsed = action_payload.action
                action = chaincode_action_of(endorsed)
                problem = (self._not_this_proposals(payload_channel_header(payload).channel_id, action)
                           or self._not_this_proposals_call(payload, action_payload))
        except DecodeError as error:
            problem = f"it does not decode ({error})"
        if problem:
            raise EndorseError(
                f"the Gateway peer answered Endorse with a prepared transaction that is not this proposal's: "
                f"{problem}. Nothing was signed: check {peer}",
                transaction_id=self.transaction_id,
            )
        status = action.response.status
        if status not in _SUCCESSFUL_STATUSES:
            # As Fabric's Gateway reports a chaincode error at Endorse (ABORTED, the chaincode's status
            # and message in a peer's detail): a caller reading a contract's refusal from details reads
            # this one too.
            raise EndorseError(
                f"the Gateway peer answered Endorse with a prepared transaction whose chaincode response "
                f"is status {status}, not a success (200-399): the chaincode refused the call (its message "
                f"is in details) or gave no answer. Nothing was signed: check the call, and {peer}",
                transaction_id=self.transaction_id,
                code=grpc.StatusCode.ABORTED,
                details=[ErrorDetail(self._context.peer_address, _first_endorser_msp_id(endorsed),
                                     f"chaincode response {status}, {action.response.message}")],
            )

    def _not_this_proposals(self, channel: str, action: proposal_pb2.ChaincodeAction) -> str | None:
        """Why an endorsed transaction of this proposal's ID (``Transaction._problem`` checked it) on
        ``channel``, endorsing ``action``, is still not this proposal's; None if it is."""
        if channel != self._channel:
            return f"it is a transaction of channel {channel!r}, not of the proposal's {self._channel!r}"
        chaincode = _chaincode_name(_proposal_of(self._message))
        # Fabric's committer marks a transaction whose action names no chaincode, or another, invalid.
        if action.chaincode_id.name != chaincode:
            return (f"its endorsed action is of chaincode {action.chaincode_id.name!r}, not of the "
                    f"proposal's {chaincode!r}")
        return None

    def _not_this_proposals_call(self, payload: common_pb2.Payload,
                                 action_payload: transaction_pb2.ChaincodeActionPayload) -> str | None:
        """Why a prepared transaction of this proposal's channel and chaincode does not carry this proposal's
        call as Fabric's Gateway builds it (the proposal's header, its chaincode input without the transient
        data, endorsements naming its proposal hash); None if it does. Signed, another call would run as the
        caller's, and transient data in the transaction would be in the block for every channel member to read,
        valid or not."""
        proposal = _proposal_of(self._message)
        header = common_pb2.Header.FromString(proposal.header)
        if (payload.header.channel_header, payload.header.signature_header) != (header.channel_header,
                                                                                 header.signature_header):
            return "its header (channel header or signer) is not the proposal's"
        carried = proposal_pb2.ChaincodeProposalPayload.FromString(action_payload.chaincode_proposal_payload)
        if carried.TransientMap:
            return ("it carries the proposal's transient data, which the block would show to every member of "
                    "the channel (Fabric's Gateway leaves it out)")
        if carried.input != proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload).input:
            return "its chaincode input (function and arguments) is not the proposal's"
        endorsed_hash = proposal_response_pb2.ProposalResponsePayload.FromString(
            action_payload.action.proposal_response_payload).proposal_hash
        if endorsed_hash != proposal_hash(proposal):
            return "its endorsements are of another proposal (their proposal hash is not this proposal's)"
        return None

    def _request(self, proposed, request_type, organizations_field: str):
        """An Evaluate or Endorse request for the signed proposal ``proposed``; the two name the organisations
        differently."""
        return request_type(
            transaction_id=self.transaction_id,
            channel_id=self._channel,
            proposed_transaction=proposed.proposal,
            **{organizations_field: proposed.endorsing_organizations},
        )


class Proposal(_ProposalBase):
    """A transaction proposal: evaluate it, or endorse it to get a Transaction.

    Use it directly when you need the transaction ID before endorsing, or to
    sign somewhere else: send ``digest`` to the signer, then
    ``gateway.new_signed_proposal(bytes, signature)``.
    """

    evaluate = blocking(_ProposalBase._evaluate)
    endorse = blocking(_ProposalBase._endorse)


class AsyncProposal(_ProposalBase):
    """The async twin of :class:`Proposal`."""

    evaluate = awaiting(_ProposalBase._evaluate)
    endorse = awaiting(_ProposalBase._endorse)
