"""`exactly_once` names the request id exactly when the SDK says a failed submit may have committed."""
import grpc
import pytest

from cli.request_ids import AnswerLost, exactly_once, may_have_committed
from client.gateway import CommitStatusError, EndorseError, SubmitError

EVERY_CODE = [code for code in grpc.StatusCode if code is not grpc.StatusCode.OK]


@pytest.mark.parametrize("code", EVERY_CODE, ids=lambda code: code.name)
def test_a_submit_error_may_have_committed_exactly_when_the_sdk_says_it_may_have_been_ordered(code):
    error = SubmitError("submit failed", transaction_id="ab" * 32, code=code)
    assert may_have_committed(error) is error.may_have_been_ordered


def test_a_refused_submit_and_a_failed_endorsement_did_not_commit_and_a_lost_commit_status_may_have():
    assert not may_have_committed(SubmitError("channel not found", transaction_id="ab" * 32,
                                              code=grpc.StatusCode.FAILED_PRECONDITION))
    assert not may_have_committed(EndorseError("chaincode said no", transaction_id="ab" * 32,
                                               code=grpc.StatusCode.DEADLINE_EXCEEDED))
    assert may_have_committed(CommitStatusError("no block yet", transaction_id="ab" * 32,
                                                code=grpc.StatusCode.DEADLINE_EXCEEDED))


def test_a_submit_cut_off_after_the_send_names_the_request_id_and_a_refused_one_is_raised_as_it_is():
    def cut_off(request_id):
        raise SubmitError("insufficient number of orderers", transaction_id="ab" * 32,
                          code=grpc.StatusCode.UNAVAILABLE)

    with pytest.raises(AnswerLost, match="request id order-17: it may have committed"):
        exactly_once("order-17", cut_off)

    def refused(request_id):
        raise SubmitError("prepared transaction must be signed",
                          transaction_id="ab" * 32, code=grpc.StatusCode.INVALID_ARGUMENT)

    with pytest.raises(SubmitError):
        exactly_once("order-18", refused)
