"""A Gateway peer that answers wrongly: an Endorse answer that is not the proposal's transaction (another
transaction, channel or chaincode; another call, signer or proposal hash under the proposal's ID; the
proposal's transient data in the clear) or that holds a chaincode error as a success, error details of which one
does not decode, a CommitStatus answer that says nothing (block 0), an Evaluate answer holding a chaincode
error (or nothing) as a success."""

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2
from google.protobuf import any_pb2

from client.gateway import CommitStatusError, EndorseError, ErrorDetail, EvaluateError
from client.gateway._status import decode_error_details
from client.receivables.errors import rule_violation_from
from .conftest import CHANNEL, connected, receivables_contract
from .gateway_fakes import FakeTransport, prepared_envelope, rpc_status



class MisansweringPeer(FakeTransport):
    """Answers Endorse with ``endorsed(request)`` in place of the proposal's own prepared transaction, and
    Evaluate with a gRPC success carrying the chaincode response ``evaluated``, where each is given."""

    def __init__(self, endorsed=None, evaluated=None):
        super().__init__()
        self._endorsed, self._evaluated = endorsed, evaluated

    def endorse(self, request, timeout):
        if self._endorsed is None:
            return super().endorse(request, timeout)
        self._record("endorse", request, timeout)
        return gateway_pb2.EndorseResponse(prepared_transaction=self._endorsed(request))

    def evaluate(self, request, timeout):
        if self._evaluated is None:
            return super().evaluate(request, timeout)
        self._record("evaluate", request, timeout)
        return gateway_pb2.EvaluateResponse(result=self._evaluated)


def _another_transactions_envelope(contract):
    """The envelope a peer would prepare for another proposal (another transaction ID, another call)."""
    other = gateway_pb2.ProposedTransaction.FromString(
        contract.new_proposal("Transfer", arguments=["R-9", "someone else"]).bytes
    )
    return lambda request: prepared_envelope(other.proposal.proposal_bytes, b"other")


@pytest.mark.parametrize("answer", ["another transaction", "garbled", "empty"])
def test_an_endorse_answer_that_is_not_the_proposals_transaction_is_an_endorse_error_and_nothing_is_submitted(
        credentials, answer):
    holder = {}
    endorsed = {
        "another transaction": lambda request: holder["other"](request),
        "garbled": lambda request: common_pb2.Envelope(payload=b"\xff\xff\xff"),
        "empty": lambda request: common_pb2.Envelope(),
    }[answer]
    transport = MisansweringPeer(endorsed)
    with connected(credentials, transport) as gateway:
        contract = receivables_contract(gateway)
        holder["other"] = _another_transactions_envelope(contract)
        proposal = contract.new_proposal("Confirm", arguments=["R-1"])
        with pytest.raises(EndorseError) as raised:
            proposal.endorse()
        with pytest.raises(EndorseError):
            contract.submit_transaction("Confirm", "R-1")
    assert raised.value.transaction_id == proposal.transaction_id
    assert "not this proposal's" in raised.value.message
    assert "Nothing was signed" in raised.value.message
    assert str(raised.value).endswith(raised.value.advice)   # that no orderer was sent it, said once
    assert transport.requests("submit") == []


def _endorsed_as(request, *, channel=None, chaincode=None, response=None, endorser_msp_id=None,
                 response_payload=None, arguments=None, transient=None, proposal_hash=None, signer=None):
    """The envelope a peer prepares for ``request``'s proposal (its transaction ID), with what a misbehaving
    peer changed: the channel its header names, the chaincode or response its endorsed action holds, an
    endorsement by a peer of ``endorser_msp_id``, the endorsed action's bytes (``response_payload``), the
    call's arguments, transient data carried along, the proposal hash the endorsements name, or the signer
    its header names."""
    envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, b"ok")
    payload = common_pb2.Payload.FromString(envelope.payload)
    if channel is not None:
        channel_header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
        channel_header.channel_id = channel
        payload.header.channel_header = channel_header.SerializeToString()
    if signer is not None:
        signature_header = common_pb2.SignatureHeader.FromString(payload.header.signature_header)
        signature_header.creator = identities_pb2.SerializedIdentity(mspid=signer, id_bytes=b"x").SerializeToString()
        payload.header.signature_header = signature_header.SerializeToString()
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    endorsed = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    carried = proposal_pb2.ChaincodeProposalPayload.FromString(endorsed.chaincode_proposal_payload)
    if arguments is not None:
        spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(carried.input)
        spec.chaincode_spec.input.args[1:] = arguments
        carried.input = spec.SerializeToString()
    carried.TransientMap.update(transient or {})
    endorsed.chaincode_proposal_payload = carried.SerializeToString()
    signed = proposal_response_pb2.ProposalResponsePayload.FromString(
        endorsed.action.proposal_response_payload)
    if proposal_hash is not None:
        signed.proposal_hash = proposal_hash
    action = proposal_pb2.ChaincodeAction.FromString(signed.extension)
    if chaincode is not None:
        action.chaincode_id.name = chaincode
    if response is not None:
        action.response.CopyFrom(response)
    signed.extension = action.SerializeToString()
    endorsed.action.proposal_response_payload = response_payload or signed.SerializeToString()
    if endorser_msp_id:
        endorser = identities_pb2.SerializedIdentity(mspid=endorser_msp_id, id_bytes=b"a peer's certificate")
        endorsed.action.endorsements.add(endorser=endorser.SerializeToString(), signature=b"its signature")
    transaction.actions[0].payload = endorsed.SerializeToString()
    payload.data = transaction.SerializeToString()
    return common_pb2.Envelope(payload=payload.SerializeToString())


@pytest.mark.parametrize("changed, named", [
    (dict(channel="another-channel"),
     "it is a transaction of channel 'another-channel', not of the proposal's 'receivables-channel'"),
    (dict(chaincode="another-chaincode"),
     "its endorsed action is of chaincode 'another-chaincode', not of the proposal's 'receivables'"),
    (dict(chaincode=""), "its endorsed action is of chaincode '', not of the proposal's 'receivables'"),
    (dict(response_payload=b"\xff\xff\xff"), "it does not decode"),
    (dict(arguments=[b"R-2"]), "its chaincode input (function and arguments) is not the proposal's"),
    (dict(transient={"price": b"secret"}), "it carries the proposal's transient data"),
    (dict(proposal_hash=bytes(32)), "its endorsements are of another proposal"),
    (dict(signer="Org9MSP"), "its header (channel header or signer) is not the proposal's"),
])
def test_an_endorse_answer_of_the_proposals_id_on_another_channel_or_chaincode_is_an_endorse_error(
        credentials, changed, named):
    transport = MisansweringPeer(lambda request: _endorsed_as(request, **changed))
    with connected(credentials, transport) as gateway:
        contract = receivables_contract(gateway)
        proposal = contract.new_proposal("Confirm", arguments=["R-1"])
        with pytest.raises(EndorseError) as raised:
            proposal.endorse()
        with pytest.raises(EndorseError):
            contract.submit_transaction("Confirm", "R-1")
    assert raised.value.transaction_id == proposal.transaction_id
    assert f"not this proposal's: {named}" in raised.value.message
    assert "Nothing was signed" in raised.value.message
    assert str(raised.value).endswith(raised.value.advice)   # that no orderer was sent it, said once
    assert transport.address in raised.value.message
    assert transport.requests("submit") == []


REFUSAL = "RULE not-the-holder: R-1 is held by 91350100M000100Y43; ask its holder to act"


@pytest.mark.parametrize("response, endorser, said", [
    (proposal_response_pb2.Response(status=500, message=REFUSAL), "Org2MSP",
     f"chaincode response 500, {REFUSAL}"),
    (proposal_response_pb2.Response(status=404, message="no such function"), None,
     "chaincode response 404, no such function"),
    (proposal_response_pb2.Response(), None, "chaincode response 0, "),   # no answer at all
])
def test_an_endorse_answer_holding_a_chaincode_error_is_the_endorse_error_of_a_refusal_and_nothing_is_signed(
        credentials, response, endorser, said):
    transport = MisansweringPeer(lambda request: _endorsed_as(request, response=response,
                                                              endorser_msp_id=endorser))
    with connected(credentials, transport) as gateway:
        contract = receivables_contract(gateway)
        proposal = contract.new_proposal("Confirm", arguments=["R-1"])
        with pytest.raises(EndorseError) as raised:
            proposal.endorse()
        with pytest.raises(EndorseError):
            contract.submit_transaction("Confirm", "R-1")
    error = raised.value
    assert error.transaction_id == proposal.transaction_id
    assert f"chaincode response is status {response.status}, not a success (200-399)" in error.message
    assert "Nothing was signed" in error.message
    assert str(error).endswith(error.advice)
    assert transport.requests("submit") == []
    # The fields of a chaincode error as Fabric's Gateway reports it at Endorse: ABORTED, the chaincode's
    # status and message in the detail of the peer (its org, where it endorsed).
    assert error.code == grpc.StatusCode.ABORTED
    assert error.details == (ErrorDetail(transport.address, endorser or "", said),)


def test_a_contracts_refusal_endorsed_as_a_success_is_read_as_the_refusal_it_is(credentials):
    refused = proposal_response_pb2.Response(status=500, message=REFUSAL)
    transport = MisansweringPeer(lambda request: _endorsed_as(request, response=refused))
    with connected(credentials, transport) as gateway:
        with pytest.raises(EndorseError) as raised:
            receivables_contract(gateway).submit_transaction(
                "Confirm", "R-1")
    violation = rule_violation_from(raised.value, "Confirm")
    assert (violation.rule, violation.detail) == ("not-the-holder", REFUSAL.split(": ", 1)[1])
    assert violation.transaction_id == raised.value.transaction_id


def test_an_endorse_answer_of_a_success_status_below_400_is_the_transaction(credentials):
    moved = proposal_response_pb2.Response(status=302, payload=b"moved")
    transport = MisansweringPeer(lambda request: _endorsed_as(request, response=moved))
    with connected(credentials, transport) as gateway:
        contract = receivables_contract(gateway)
        assert contract.new_proposal("Confirm", arguments=["R-1"]).endorse().result == b"moved"


def _error_detail(address, msp_id, message):
    packed = any_pb2.Any()
    packed.Pack(gateway_pb2.ErrorDetail(address=address, msp_id=msp_id, message=message))
    return packed


def test_one_error_detail_that_does_not_decode_leaves_the_other_peers_details():
    undecodable = any_pb2.Any(type_url="type.googleapis.com/gateway.ErrorDetail", value=b"\xff\xff")
    status = rpc_status(grpc.StatusCode.ABORTED.value[0], "failed to endorse transaction", [
        _error_detail("peer0.org1:7051", "Org1MSP", "chaincode response 500, R-1 not found"),
        undecodable,
        _error_detail("peer0.org2:9051", "Org2MSP", "chaincode response 500, R-1 not found"),
    ])
    assert [(detail.address, detail.msp_id) for detail in decode_error_details(status)] == [
        ("peer0.org1:7051", "Org1MSP"), ("peer0.org2:9051", "Org2MSP")
    ]


def test_a_commit_status_answer_of_block_0_is_no_commit_but_a_commit_status_error(contract, transport):
    transport.block_number = 0   # what an empty CommitStatusResponse decodes as, with VALID
    transport.commit_codes = [transaction_pb2.VALID]
    with pytest.raises(CommitStatusError) as raised:
        contract.submit_transaction("Confirm", "R-1")
    assert raised.value.result == transport.result
    assert raised.value.transaction_id == transport.requests("submit")[0].transaction_id
    assert "block 0" in raised.value.message and "may still commit" in str(raised.value)


@pytest.mark.parametrize("response, named", [
    (proposal_response_pb2.Response(status=500, message="receivable R-1 not found", payload=b"{}"),
     "chaincode response 500, receivable R-1 not found"),
    (proposal_response_pb2.Response(), "chaincode response 0, "),   # an empty answer
])
def test_an_evaluate_answer_holding_a_chaincode_error_is_an_evaluate_error_not_a_result(credentials, response,
                                                                                          named):
    peer = MisansweringPeer(evaluated=response)
    with connected(credentials, peer) as gateway:
        contract = receivables_contract(gateway)
        proposal = contract.new_proposal("Get", arguments=["R-1"])
        with pytest.raises(EvaluateError) as raised:
            proposal.evaluate()
        with pytest.raises(EvaluateError):
            contract.evaluate_transaction("Get", "R-1")
    assert raised.value.transaction_id == proposal.transaction_id
    assert "not a success (200-399)" in raised.value.message
    # as Fabric's Gateway reports a chaincode error at Evaluate: UNKNOWN, the status and message in a detail
    assert raised.value.code == grpc.StatusCode.UNKNOWN
    assert [d.message for d in raised.value.details] == [named]


def test_a_contracts_refusal_evaluated_as_a_success_is_read_as_the_refusal_it_is(credentials):
    peer = MisansweringPeer(evaluated=proposal_response_pb2.Response(status=500, message=REFUSAL))
    with connected(credentials, peer) as gateway:
        with pytest.raises(EvaluateError) as raised:
            receivables_contract(gateway).evaluate_transaction("Get")
    violation = rule_violation_from(raised.value, "Get")
    # the contract's detail alone, not the SDK's words about the answer after it
    assert (violation.rule, violation.detail) == ("not-the-holder", REFUSAL.split(": ", 1)[1])


def test_an_evaluate_answer_of_a_success_status_below_400_is_its_result(credentials):
    peer = MisansweringPeer(evaluated=proposal_response_pb2.Response(status=302, payload=b"moved"))
    with connected(credentials, peer) as gateway:
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        assert contract.evaluate_transaction("Get") == b"moved"


def test_the_proposal_hash_is_fabrics_over_both_headers_and_the_payload_without_transient_data(credentials):
    """Each endorsement names the proposal it endorsed by this hash, and committing peers compute it again:
    SHA-256 of the serialized channel header, the serialized signature header and the proposal payload with
    its transient data left out. A proposal with transient data still passes the check against an answer
    built that way, and the transaction carries none of it."""
    import hashlib

    from client.gateway._transaction import proposal_hash
    transport = FakeTransport()
    with connected(credentials, transport) as gateway:
        contract = receivables_contract(gateway)
        proposal = contract.new_proposal("Confirm", arguments=["R-1"], transient={"price": b"secret"})
        transaction = proposal.endorse()
    signed = proposal_pb2.Proposal.FromString(
        gateway_pb2.ProposedTransaction.FromString(proposal.bytes).proposal.proposal_bytes)
    header = common_pb2.Header.FromString(signed.header)
    full = proposal_pb2.ChaincodeProposalPayload.FromString(signed.payload)
    assert dict(full.TransientMap) == {"price": b"secret"}
    without = proposal_pb2.ChaincodeProposalPayload(input=full.input).SerializeToString()
    assert proposal_hash(signed) == hashlib.sha256(
        header.channel_header + header.signature_header + without).digest()
    assert proposal_hash(signed) != hashlib.sha256(
        header.channel_header + header.signature_header + signed.payload).digest()
    prepared = gateway_pb2.PreparedTransaction.FromString(transaction.bytes)
    assert b"secret" not in prepared.envelope.payload
