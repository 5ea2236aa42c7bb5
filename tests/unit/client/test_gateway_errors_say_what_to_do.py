"""What str() of a transaction's error tells whoever logs it: a submit whose transaction may still commit says so,
with its transaction ID and the call that tells whether it did, beside the peer's words, which stay in ``message``;
one that cannot have been ordered says nothing of the kind; one committed as invalid says that it wrote nothing."""

import pickle

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import (CommitError, CommitStatusError, EndorseError, ErrorDetail, EvaluateError, SubmitError,
                            TransportError)
from client.gateway.errors import SUBMIT_REFUSED_CODES

TX = "ab" * 32
ASK = f"network.new_commit({TX!r}).status()"


def test_a_submit_that_may_have_been_ordered_says_it_may_still_commit_and_how_to_find_out():
    error = SubmitError("no orderers could successfully process transaction", transaction_id=TX,
                        code=grpc.StatusCode.UNAVAILABLE, details=[ErrorDetail("orderer0:7050", "OrdererMSP", "EOF")])
    lines = str(error).splitlines()
    assert lines[:2] == [f"[tx {TX}] UNAVAILABLE: no orderers could successfully process transaction",
                         "  - orderer0:7050 (OrdererMSP): EOF"]
    assert lines[2].startswith("It may still commit: ") and ASK in lines[2] and "anew" in lines[2]
    # the fields a program reads are the peer's, as they were
    assert error.message == "no orderers could successfully process transaction"
    assert error.may_have_been_ordered and error.code == grpc.StatusCode.UNAVAILABLE
    assert error.without_advice() == "\n".join(lines[:2])


@pytest.mark.parametrize("code", sorted(SUBMIT_REFUSED_CODES, key=lambda code: code.name))
def test_a_submit_no_orderer_took_gives_no_such_advice(code):
    error = SubmitError("refused", transaction_id=TX, code=code)
    assert str(error) == f"[tx {TX}] {code.name}: refused" == error.without_advice()
    assert error.advice == ""


def test_a_submit_refused_before_it_was_sent_gives_no_such_advice():
    error = SubmitError("the gateway is closed", transaction_id=TX, code=grpc.StatusCode.CANCELLED, sent=False)
    assert "may still commit" not in str(error)


def test_a_commit_status_not_obtained_says_it_may_still_commit_and_how_to_find_out():
    error = CommitStatusError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED)
    first, advice = str(error).splitlines()
    assert first == f"[tx {TX}] DEADLINE_EXCEEDED: Deadline Exceeded"
    assert advice.startswith("It may still commit: ") and ASK in advice
    assert error.message == "Deadline Exceeded"


def test_the_advice_survives_pickling():
    error = CommitStatusError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


@pytest.mark.parametrize("code", [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT])
def test_a_read_conflict_says_it_wrote_nothing_and_that_sent_anew_it_runs_on_what_is_there_now(code):
    error = CommitError(transaction_id=TX, validation_code=code, block_number=9)
    first, advice = str(error).splitlines()
    # the message as the Node client's agreement test pins it, the advice beside it
    assert error.message == f"transaction committed in block 9 as invalid: {error.validation_code_name}"
    assert first == f"[tx {TX}] {error.message}"
    assert advice.startswith("It wrote nothing") and "sent anew" in advice


def test_another_invalid_commit_says_it_wrote_nothing():
    error = CommitError(transaction_id=TX, validation_code=transaction_pb2.ENDORSEMENT_POLICY_FAILURE, block_number=9)
    assert str(error).splitlines()[1].startswith("It wrote nothing")
    assert "sent anew" not in str(error)


def test_a_submit_that_timed_out_on_the_wire_says_it_may_still_commit(contract, transport):
    transport.fail["submit"] = TransportError(grpc.StatusCode.DEADLINE_EXCEEDED, "submit timeout expired")
    with pytest.raises(SubmitError) as caught:
        contract.submit_transaction("Transfer", "R-1", "91350100M000100Y43")
    assert f"network.new_commit({caught.value.transaction_id!r}).status()" in str(caught.value)
    assert caught.value.message == "submit timeout expired"


def test_a_commit_status_refused_to_this_identity_does_not_say_to_ask_it_the_same_way():
    error = CommitStatusError("access denied", transaction_id=TX, code=grpc.StatusCode.PERMISSION_DENIED)
    advice = str(error).splitlines()[1]
    assert advice.startswith("It may still commit: the channel refuses this identity commit statuses")
    assert "an identity it admits" in advice and "block events" in advice


def test_a_failed_endorsement_says_that_it_changed_nothing_and_that_sending_it_anew_is_safe():
    """Fabric's words for a refused endorsement read like any failure: whoever logs them cannot tell it from a
    submit whose transaction may still commit, and may hold back a retry that could not apply anything twice."""
    error = EndorseError("failed to endorse transaction, see attached details for more info", transaction_id=TX,
                         code=grpc.StatusCode.ABORTED, details=[ErrorDetail("peer0:7051", "Org1MSP", "no")])
    lines = str(error).splitlines()
    assert lines[:2] == [f"[tx {TX}] ABORTED: failed to endorse transaction, see attached details for more info",
                         "  - peer0:7051 (Org1MSP): no"]
    assert lines[2] == error.advice
    assert "reached no orderer" in error.advice and "sending it anew cannot apply it twice" in error.advice
    assert error.without_advice() == "\n".join(lines[:2])
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_a_peers_answer_that_is_not_the_proposals_says_once_that_no_orderer_was_sent_it(contract, transport):
    transport.endorse = lambda request, timeout: gateway_pb2.EndorseResponse()   # an empty answer
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Transfer", "R-1", "91350100M000100Y43")
    said = str(caught.value)
    assert said.endswith(caught.value.advice) and said.count("orderer") == 1, said


@pytest.mark.parametrize("timed_out", [
    EvaluateError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED, timeout=5.0),
    EndorseError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED, timeout=15.0),
    SubmitError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED, timeout=5.0),
    CommitStatusError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED, timeout=60.0),
], ids=lambda error: error.call_kind)
def test_the_advice_of_a_call_past_its_timeout_comes_also_without_the_timeout_sentence(timed_out):
    """A caller that says how to wait longer in its own words (a command line's --timeout) takes what the call
    changed from the SDK, without the sentence that names ``Timeouts`` and ``timeout=``."""
    kept = timed_out.advice_without_timeout
    assert kept.startswith("It ") and kept.endswith(".") and timed_out.advice.startswith(kept)
    assert "Timeouts" not in kept and "timeout=" not in kept
    assert f"Timeouts.{timed_out.call_kind}" in timed_out.advice[len(kept):]


def test_the_advice_of_a_call_not_past_its_timeout_is_the_same_with_or_without_the_timeout_sentence():
    for error in (EndorseError("refused", transaction_id=TX, code=grpc.StatusCode.ABORTED),
                  SubmitError("Deadline Exceeded", transaction_id=TX, code=grpc.StatusCode.DEADLINE_EXCEEDED),
                  CommitError(transaction_id=TX, validation_code=transaction_pb2.MVCC_READ_CONFLICT,
                              block_number=7)):
        assert error.advice_without_timeout == error.advice != ""
