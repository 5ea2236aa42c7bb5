"""Proposal -> endorse -> submit -> commit: the bytes the client sends and what it does with replies."""

import hashlib
import pickle
from functools import partial

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, transaction_pb2

from client.gateway import (
    CommitError,
    EndorseError,
    GatewayError,
    RetryPolicy,
    Timeouts,
    TransportError,
    connect,
    private_key_signer,
    transaction_id_for,
)
from .gateway_fakes import FakeTransport, is_low_s, verify

CHANNEL = "receivables-channel"


def decode_proposal(signed_proposal):
    proposal = proposal_pb2.Proposal.FromString(signed_proposal.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    extension = proposal_pb2.ChaincodeHeaderExtension.FromString(channel_header.extension)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    spec = chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec
    return channel_header, signature_header, extension, payload, spec


def test_proposal_decodes_to_what_fabric_expects(contract, transport, credentials):
    key, identity = credentials
    proposal = contract.new_proposal(
        "Register",
        arguments=["R-1", b"\x00\x01"],
        transient={"terms": b"secret", "note": "text"},
        endorsing_organizations=["Org1MSP", "Org2MSP"],
    )
    proposal.endorse()
    (request,) = transport.requests("endorse")
    channel_header, signature_header, extension, payload, spec = decode_proposal(request.proposed_transaction)

    assert channel_header.type == common_pb2.ENDORSER_TRANSACTION
    assert channel_header.channel_id == CHANNEL == request.channel_id
    assert channel_header.epoch == 0 and channel_header.timestamp.seconds > 0
    assert extension.chaincode_id.name == "receivables"
    assert spec.chaincode_id.name == "receivables"
    assert list(spec.input.args) == [b"Receivable:Register", b"R-1", b"\x00\x01"]
    assert dict(payload.TransientMap) == {"terms": b"secret", "note": b"text"}
    assert list(request.endorsing_organizations) == ["Org1MSP", "Org2MSP"]

    assert signature_header.creator == identity.serialize()
    assert len(signature_header.nonce) == 24
    expected_tx_id = hashlib.sha256(signature_header.nonce + signature_header.creator).hexdigest()
    assert channel_header.tx_id == expected_tx_id == request.transaction_id == proposal.transaction_id

    signature = request.proposed_transaction.signature
    verify(key.public_key(), signature, request.proposed_transaction.proposal_bytes)
    assert is_low_s(signature)


def test_transaction_id_derivation():
    nonce, creator = b"n" * 24, b"creator"
    assert transaction_id_for(nonce, creator) == hashlib.sha256(b"n" * 24 + b"creator").hexdigest()
    assert transaction_id_for(b"m" * 24, creator) != transaction_id_for(nonce, creator)


def test_transaction_id_of_text_is_refused_with_the_bytes_to_give():
    # a nonce as hex text (as logged) once failed on a bare "can't concat str to bytes"; its UTF-8 would give an
    # ID no peer knows
    nonce, creator = b"n" * 24, b"creator"
    with pytest.raises(TypeError, match=r"the nonce as bytes .*bytes\.fromhex\(string\).*not str '6e6e"):
        transaction_id_for(nonce.hex(), creator)
    with pytest.raises(TypeError, match=r"the creator as bytes .*identity\.serialize\(\).*not str 'creator'"):
        transaction_id_for(nonce, "creator")
    with pytest.raises(TypeError, match=r"the nonce as bytes .*not NoneType None"):
        transaction_id_for(None, creator)
    assert transaction_id_for(bytearray(nonce), memoryview(creator)) == transaction_id_for(nonce, creator)


def test_each_proposal_gets_a_fresh_nonce_and_transaction_id(contract):
    ids = {contract.new_proposal("Get").transaction_id for _ in range(20)}
    assert len(ids) == 20


def test_default_contract_uses_bare_function_name(gateway, transport):
    gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get", "R-1")
    (request,) = transport.requests("evaluate")
    *_, spec = decode_proposal(request.proposed_transaction)
    assert list(spec.input.args) == [b"Get", b"R-1"]


def test_evaluate_sends_signed_proposal_and_returns_payload(contract, transport, credentials):
    transport.result = b'{"id":"R-1"}'
    result = contract.evaluate("Get", arguments=["R-1"], endorsing_organizations=["Org2MSP"])
    assert result == b'{"id":"R-1"}'
    (request,) = transport.requests("evaluate")
    assert list(request.target_organizations) == ["Org2MSP"]
    assert transport.requests("endorse") == [] and transport.requests("submit") == []
    verify(credentials[0].public_key(), request.proposed_transaction.signature, request.proposed_transaction.proposal_bytes)


def test_bad_argument_type_is_rejected(contract):
    with pytest.raises(TypeError):
        contract.new_proposal("Register", arguments=[100])


def test_submit_transaction_signs_envelope_and_commit_request(contract, transport, credentials):
    key, identity = credentials
    transport.result = b"done"
    result = contract.submit_transaction("Confirm", "R-1")
    assert result == b"done"

    (endorse,) = transport.requests("endorse")
    (submit,) = transport.requests("submit")
    (commit,) = transport.requests("commit_status")
    assert result.transaction_id == endorse.transaction_id      # which transaction committed it
    assert pickle.loads(pickle.dumps(result)).transaction_id == endorse.transaction_id
    envelope = submit.prepared_transaction
    assert submit.transaction_id == endorse.transaction_id and submit.channel_id == CHANNEL
    verify(key.public_key(), envelope.signature, envelope.payload)
    assert is_low_s(envelope.signature)

    inner = gateway_pb2.CommitStatusRequest.FromString(commit.request)
    assert inner.transaction_id == endorse.transaction_id
    assert inner.channel_id == CHANNEL
    assert inner.identity == identity.serialize()
    verify(key.public_key(), commit.signature, commit.request)


def test_timeouts_per_call_kind_reach_the_transport(credentials):
    transport = FakeTransport()
    key, identity = credentials
    gateway = connect(
        identity=identity,
        signer=private_key_signer(key),
        transport=transport,
        timeouts=Timeouts(evaluate=1.5, endorse=2.5, submit=3.5, commit_status=4.5),
    )
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    contract.evaluate_transaction("Get")
    contract.submit_transaction("Put")
    assert [(name, timeout) for name, _, timeout in transport.calls] == [
        ("evaluate", 1.5),
        ("endorse", 2.5),
        ("submit", 3.5),
        ("commit_status", 4.5),
    ]


def test_submit_async_returns_result_and_commit(contract, transport):
    transport.result = b"r"
    transport.block_number = 42
    submitted = contract.submit_async("Transfer", arguments=["R-1", "supplierB"])
    assert submitted.result == b"r"
    assert transport.requests("commit_status") == []
    status = submitted.status()
    assert status.successful and status.block_number == 42 and status.code == transaction_pb2.VALID
    assert status.transaction_id == submitted.transaction_id


def test_the_status_of_a_submitted_transaction_is_asked_of_the_peer_at_each_call(contract, transport):
    # as the official clients' getStatus(): nothing is kept, so a status asked again says what the peer says now
    submitted = contract.submit_async("Transfer", arguments=["R-1", "supplierB"])
    transport.commit_codes, transport.block_number = [transaction_pb2.MVCC_READ_CONFLICT], 7
    first = submitted.status()
    transport.commit_codes, transport.block_number = [transaction_pb2.VALID], 9
    again = submitted.status()
    assert (first.code, first.block_number, again.code, again.block_number) == (
        transaction_pb2.MVCC_READ_CONFLICT, 7, transaction_pb2.VALID, 9)
    assert len(transport.requests("commit_status")) == 2


def test_invalid_commit_raises_commit_error(contract, transport):
    transport.commit_codes = [transaction_pb2.ENDORSEMENT_POLICY_FAILURE]
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Confirm", "R-1")
    error = caught.value
    assert error.validation_code == transaction_pb2.ENDORSEMENT_POLICY_FAILURE
    assert error.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
    assert error.transaction_id == transport.requests("endorse")[0].transaction_id
    assert error.code is None


def test_commit_status_reports_invalid_without_raising(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    status = contract.submit_async("Confirm", arguments=["R-1"]).status()
    assert not status.successful and status.code_name == "MVCC_READ_CONFLICT"


def test_mvcc_conflict_is_not_retried_by_default(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    with pytest.raises(CommitError):
        contract.submit_transaction("Confirm", "R-1")
    assert len(transport.requests("endorse")) == 1


def test_mvcc_retry_reendorses_with_new_transaction_id(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    assert contract.submit_transaction("Confirm", "R-1", retry=RetryPolicy(max_attempts=3)) == b"result"
    endorsed = transport.requests("endorse")
    assert len(endorsed) == 2
    assert endorsed[0].transaction_id != endorsed[1].transaction_id


def test_mvcc_retry_is_bounded(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Confirm", "R-1", retry=RetryPolicy(max_attempts=3))
    endorsed = transport.requests("endorse")
    assert len(endorsed) == 3 and len(transport.requests("submit")) == 3
    assert caught.value.transaction_id == endorsed[-1].transaction_id


def test_the_commit_error_of_the_last_retry_says_how_many_attempts_were_made(contract, transport):
    """Its words alone read as one conflict, to be sent anew at once: the policy did that already."""
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Confirm", "R-1", retry=RetryPolicy(max_attempts=3))
    error = caught.value
    assert error.attempts == 3
    assert error.advice.startswith("This was the last of 3 attempts the retry policy made") and error.advice in str(error)
    assert error.message.endswith("as invalid: MVCC_READ_CONFLICT")   # the last attempt's, as without a policy


def test_a_retry_stopped_by_a_code_it_does_not_retry_says_so(contract, transport):
    """Attempts were left: the advice must not read as a policy run out, which more attempts would mend."""
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.ENDORSEMENT_POLICY_FAILURE]
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Confirm", "R-1", retry=RetryPolicy(max_attempts=5))
    error = caught.value
    assert error.attempts == 2 and len(transport.requests("endorse")) == 2
    assert error.advice.startswith("This was the last of 2 attempts the retry policy made")
    assert "the policy stopped here, as it does not retry ENDORSEMENT_POLICY_FAILURE" in error.advice
    assert pickle.loads(pickle.dumps(error)).advice == error.advice


def test_a_commit_error_without_a_retry_says_nothing_of_attempts(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Confirm", "R-1")
    assert caught.value.attempts == 1 and "attempts" not in str(caught.value)
    assert caught.value.retried_codes is None


def test_a_retry_sends_the_arguments_and_organisations_again_when_given_as_generators(contract, transport):
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    result = contract.submit(
        "Settle",
        arguments=(a for a in ["R-1", "1000"]),
        endorsing_organizations=(o for o in ["Org1MSP", "Org2MSP"]),
        retry=RetryPolicy(max_attempts=2),
    )
    endorsed = transport.requests("endorse")
    assert result.transaction_id == endorsed[-1].transaction_id   # the attempt that committed, not the first
    assert [list(decode_proposal(r.proposed_transaction)[4].input.args) for r in endorsed] == [
        [b"Receivable:Settle", b"R-1", b"1000"]
    ] * 2
    assert [list(r.endorsing_organizations) for r in endorsed] == [["Org1MSP", "Org2MSP"]] * 2


@pytest.mark.parametrize("option", ["arguments", "endorsing_organizations"])
def test_a_single_string_is_not_taken_for_a_list_of_its_characters(contract, transport, option):
    with pytest.raises(TypeError, match=rf"{option} must be a list of values, not a single str: wrap it, \['R-1'\]"):
        contract.submit("Confirm", **{option: "R-1"})
    assert transport.calls == []


def test_retry_skips_codes_not_in_policy(contract, transport):
    transport.commit_codes = [transaction_pb2.ENDORSEMENT_POLICY_FAILURE, transaction_pb2.VALID]
    with pytest.raises(CommitError):
        contract.submit_transaction("Confirm", "R-1", retry=RetryPolicy(max_attempts=3))
    assert len(transport.requests("endorse")) == 1


def test_gateway_default_retry_policy(credentials, transport):
    key, identity = credentials
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport, retry=RetryPolicy(2))
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Confirm")
    assert len(transport.requests("endorse")) == 2


def test_retry_policy_validates_bounds():
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_endorse_failure_is_typed_and_nothing_is_submitted(contract, transport):
    transport.fail["endorse"] = TransportError(grpc.StatusCode.ABORTED, "failed to endorse")
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Confirm", "R-1")
    assert caught.value.code == grpc.StatusCode.ABORTED
    assert caught.value.transaction_id == transport.requests("endorse")[0].transaction_id
    assert transport.requests("submit") == []


def test_offline_signing_gives_the_same_bytes_as_online(credentials):
    key, identity = credentials
    online_transport, offline_transport = FakeTransport(), FakeTransport()
    online = connect(identity=identity, signer=private_key_signer(key), transport=online_transport)
    offline = connect(identity=identity, transport=offline_transport)  # no signer

    proposal = online.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    proposal_bytes = proposal.bytes  # before signing: what an offline signer is sent
    transaction = proposal.endorse()
    commit = transaction.submit()
    commit.status()

    # Offline: same proposal bytes, signatures made elsewhere (here: the ones the online flow made).
    unsigned = offline.new_proposal(proposal_bytes)
    assert unsigned.digest == hashlib.sha256(
        gateway_pb2.ProposedTransaction.FromString(proposal_bytes).proposal.proposal_bytes
    ).digest()
    with pytest.raises(GatewayError, match="no signer"):
        unsigned.endorse()

    offline_proposal = offline.new_signed_proposal(unsigned.bytes, proposal.signature)
    offline_transaction = offline.new_signed_transaction(offline_proposal.endorse().bytes, transaction.signature)
    offline_commit = offline_transaction.submit()
    offline.new_signed_commit(offline_commit.bytes, commit.signature).status()

    def wire(t):
        return [(name, request.SerializeToString()) for name, request, _ in t.calls]

    assert wire(offline_transport) == wire(online_transport)
    assert offline_transaction.result == transaction.result


def test_offline_rebuild_accepts_only_the_bytes_of_its_own_kind(credentials, transport):
    # Protobuf decodes one request's bytes as another's when their fields line up (a proposal's as a
    # transaction's, a commit's as a chaincode events request's): each rebuild checks what it got.
    key, identity = credentials
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport)
    network = gateway.get_network(CHANNEL)
    proposal = network.get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    transaction = proposal.endorse()
    commit, events, blocks = (transaction.submit(), network.new_chaincode_events_request("receivables"),
                              network.new_block_events_request())
    kinds = {
        "proposal": (proposal, gateway.new_signed_proposal),
        "transaction": (transaction, gateway.new_signed_transaction),
        "commit": (commit, gateway.new_signed_commit),
        "chaincode events request": (events, gateway.new_signed_chaincode_events_request),
        "block events request": (blocks, partial(gateway.new_signed_block_events_request, kind="block")),
    }
    kinds = {kind: (made.bytes, rebuild, made.digest) for kind, (made, rebuild) in kinds.items()}
    for kind, (_, rebuild, digest) in kinds.items():
        for other, (data, _, _) in kinds.items():
            if other == kind:
                signature = private_key_signer(key)(digest)
                assert rebuild(data, signature).signature == signature
                continue
            with pytest.raises(ValueError, match=f"^the bytes given are not a {kind}: .*; pass the `bytes` of the {kind}"):
                rebuild(data, b"signature")
        with pytest.raises(ValueError, match=f"not a {kind}: they do not decode"):
            rebuild(b"\xff\xff", b"signature")


def test_offline_rebuild_names_what_the_bytes_lack(credentials, transport):
    key, identity = credentials
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport)
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm")
    with pytest.raises(ValueError, match=r"no endorsed chaincode action \(a proposal's bytes\? endorse it first\)"):
        gateway.new_signed_transaction(proposal.bytes, b"signature")

    prepared = gateway_pb2.PreparedTransaction.FromString(proposal.endorse().bytes)
    prepared.transaction_id = "0" * 64
    with pytest.raises(ValueError, match="transaction ID '0{64}' is not the one in their header"):
        gateway.new_transaction(prepared.SerializeToString())


def test_signer_less_gateway_builds_proposals_and_digests_match_signing(credentials, transport):
    key, identity = credentials
    gateway = connect(identity=identity, transport=transport)
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Get")
    signature = private_key_signer(key)(proposal.digest)
    signed = gateway.new_signed_proposal(proposal.bytes, signature)
    assert signed.evaluate() == b"result"
    (request,) = transport.requests("evaluate")
    verify(key.public_key(), request.proposed_transaction.signature, request.proposed_transaction.proposal_bytes)


def test_connect_needs_exactly_one_way_to_reach_the_peer(credentials, transport):
    _, identity = credentials
    with pytest.raises(ValueError):
        connect(identity=identity)
    with pytest.raises(ValueError):
        connect("localhost:7051", identity=identity, transport=transport)


def test_closing_gateway_closes_transport(credentials, transport):
    _, identity = credentials
    with connect(identity=identity, transport=transport):
        pass
    assert transport.closed


@pytest.mark.parametrize(
    "retry_on",
    [transaction_pb2.MVCC_READ_CONFLICT, "MVCC_READ_CONFLICT", ["MVCC_READ_CONFLICT"], (11, "PHANTOM_READ_CONFLICT")],
    ids=["one-number", "one-name", "list-of-names", "numbers-and-names"],
)
def test_retry_on_takes_validation_code_numbers_and_names(contract, transport, retry_on):
    policy = RetryPolicy(max_attempts=3, retry_on=retry_on)
    assert isinstance(policy.retry_on, frozenset) and transaction_pb2.MVCC_READ_CONFLICT in policy.retry_on
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    assert contract.submit_transaction("Confirm", "R-1", retry=policy) == b"result"
    assert len(transport.requests("submit")) == 2


@pytest.mark.parametrize(
    "retry_on, error, message",
    [
        ("MVCC_CONFLICT", ValueError, r"retry_on: 'MVCC_CONFLICT' is not a TxValidationCode; give one of its numbers"),
        ([11, 9999], ValueError, r"retry_on: 9999 is not a TxValidationCode"),
        ([True], TypeError, r"retry_on: True is a bool; give TxValidationCode numbers or names"),
        (11.0, TypeError, r"retry_on 11.0: give TxValidationCode numbers or names"),
    ],
)
def test_retry_on_refuses_what_is_not_a_validation_code_when_the_policy_is_made(retry_on, error, message):
    with pytest.raises(error, match=message):
        RetryPolicy(retry_on=retry_on)
