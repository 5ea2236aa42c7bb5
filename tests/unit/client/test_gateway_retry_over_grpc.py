"""A retry policy retries only a commit whose validation code it lists, and raises every other failure of an
attempt as it comes (docs/sdk-gateway.md, "Retries"): an EndorseError, a SubmitError (its transaction may have
been ordered) and a CommitStatusError (it may still commit) are never retried, and one from a later attempt
carries that attempt's transaction ID. Over real HTTP/2 to an in-process Gateway server."""

from contextlib import ExitStack

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import transaction_pb2

from client.gateway import (CommitError, CommitStatusError, EndorseError, RetryPolicy, SubmitError, Timeouts,
                            connect, private_key_signer)
from .gateway_fakes import Servicer, prepared_envelope, serving

CHANNEL = "receivables-channel"
CONFLICT = transaction_pb2.MVCC_READ_CONFLICT


class AttemptsServicer(Servicer):
    """Endorses every proposal; each attempt's Submit and CommitStatus answer as listed, one entry per attempt:
    a validation code to commit with, a gRPC code to fail with, or ``"hang"`` for a status never given in
    time."""

    def __init__(self, *, endorse_fails=None, submits=(), statuses=()):
        super().__init__()
        self.endorse_fails = endorse_fails
        self.submits = list(submits)
        self.statuses = list(statuses)

    def names(self):
        return [name for name, *_ in self.seen]

    def endorsed_ids(self):
        return [request.transaction_id for name, request, *_ in self.seen if name == "endorse"]

    def Endorse(self, request, context):
        self.seen.append(("endorse", request, None, None))
        if self.endorse_fails is not None:
            context.abort(self.endorse_fails, "failed to endorse transaction")
        envelope = prepared_envelope(request.proposed_transaction.proposal_bytes, b"R-9")
        return gateway_pb2.EndorseResponse(prepared_transaction=envelope)

    def Submit(self, request, context):
        self.seen.append(("submit", request, None, None))
        answer = self.submits.pop(0) if self.submits else None
        if isinstance(answer, grpc.StatusCode):
            context.abort(answer, "no orderers could successfully process transaction")
        return gateway_pb2.SubmitResponse()

    def CommitStatus(self, request, context):
        self.seen.append(("commit_status", request, None, None))
        answer = self.statuses.pop(0) if self.statuses else transaction_pb2.VALID
        if answer == "hang":
            self.release.wait(10)
        return gateway_pb2.CommitStatusResponse(result=answer, block_number=7)


@pytest.fixture
def serve(credentials):
    key, identity = credentials
    with ExitStack() as stack:

        def serving_contract(servicer, retry):
            target = stack.enter_context(serving(servicer))
            gateway = stack.enter_context(connect(target, identity=identity, signer=private_key_signer(key),
                                                  insecure=True, retry=retry, timeouts=Timeouts(commit_status=0.3)))
            return gateway.get_network(CHANNEL).get_contract("receivables")

        yield serving_contract


def test_a_submit_refused_on_a_later_attempt_is_raised_with_that_attempts_id_and_not_retried(serve):
    servicer = AttemptsServicer(submits=[None, grpc.StatusCode.UNAVAILABLE], statuses=[CONFLICT])
    contract = serve(servicer, RetryPolicy(max_attempts=5, backoff=0))
    with pytest.raises(SubmitError) as caught:
        contract.submit_transaction("Settle", "R-1")
    assert servicer.names() == ["endorse", "submit", "commit_status", "endorse", "submit"]
    first, second = servicer.endorsed_ids()
    assert caught.value.transaction_id == second != first
    assert caught.value.code == grpc.StatusCode.UNAVAILABLE and caught.value.result == b"R-9"


def test_an_endorse_error_is_not_retried(serve):
    servicer = AttemptsServicer(endorse_fails=grpc.StatusCode.ABORTED)
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Settle", "R-1")
    assert servicer.names() == ["endorse"]
    assert caught.value.transaction_id == servicer.endorsed_ids()[0]


def test_a_commit_status_error_is_not_retried_as_the_transaction_may_still_commit(serve):
    servicer = AttemptsServicer(statuses=[CONFLICT, "hang"])
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(CommitStatusError) as caught:
        contract.submit_transaction("Settle", "R-1")
    assert servicer.names() == ["endorse", "submit", "commit_status"] * 2
    assert caught.value.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert caught.value.transaction_id == servicer.endorsed_ids()[1]


def test_the_last_commit_error_holds_the_policys_codes_and_how_many_attempts_were_made(serve):
    servicer = AttemptsServicer(statuses=[CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT])
    contract = serve(servicer, None)
    policy = RetryPolicy(max_attempts=2, backoff=0, retry_on={"MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT"})
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Settle", "R-1", retry=policy)
    error = caught.value
    assert error.retried_codes == {CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT} == policy.retry_on
    assert error.attempts == 2 and error.block_number == 7
    assert error.validation_code_name == "PHANTOM_READ_CONFLICT"
    assert error.transaction_id == servicer.endorsed_ids()[1]


def test_a_policy_of_one_attempt_could_retry_nothing_and_says_no_codes(serve):
    servicer = AttemptsServicer(statuses=[CONFLICT])
    contract = serve(servicer, RetryPolicy(max_attempts=1))
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Settle", "R-1")
    assert servicer.names() == ["endorse", "submit", "commit_status"]
    assert caught.value.retried_codes is None and caught.value.attempts == 1
