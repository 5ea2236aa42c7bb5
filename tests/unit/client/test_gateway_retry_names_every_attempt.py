"""The error that ends a submit its retry policy sent more than once names every attempt's transaction ID, oldest
first (``attempted_transaction_ids``; ``earlier_transaction_ids`` without its own): each attempt is a transaction
of its own, committed as invalid, that the ledger and the logs know by its ID alone. It named only the last.
Over real HTTP/2 to an in-process Gateway server."""

import pickle

import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from client.gateway import CommitError, CommitStatusError, EndorseError, RetryPolicy, SubmitError
from . import test_gateway_retry_over_grpc as over_grpc
from .test_gateway_retry_over_grpc import AttemptsServicer

serve = over_grpc.serve   # the fixture: a contract of a gateway to an in-process server, with a retry policy

CONFLICT = transaction_pb2.MVCC_READ_CONFLICT


def test_a_commit_error_after_every_attempt_names_each_attempts_id_oldest_first(serve):
    servicer = AttemptsServicer(statuses=[CONFLICT, CONFLICT, CONFLICT])
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Settle", "R-1")
    sent = tuple(servicer.endorsed_ids())
    assert len(set(sent)) == 3   # each attempt a new transaction ID: the same one again is a duplicate to Fabric
    error = caught.value
    assert error.attempted_transaction_ids == sent and error.earlier_transaction_ids == sent[:2]
    assert error.transaction_id == sent[2] and error.attempts == 3
    assert f"This was the last of 3 attempts the retry policy made, each a new transaction that committed as " \
           f"invalid (tx {sent[0]}, {sent[1]}, then this one)." in str(error)


def test_a_non_conflict_code_after_a_conflict_stops_the_retry_naming_both_attempts(serve):
    servicer = AttemptsServicer(statuses=[CONFLICT, transaction_pb2.ENDORSEMENT_POLICY_FAILURE])
    contract = serve(servicer, RetryPolicy(max_attempts=5, backoff=0))
    with pytest.raises(CommitError) as caught:
        contract.submit_transaction("Settle", "R-1")
    first, second = servicer.endorsed_ids()
    assert servicer.names() == ["endorse", "submit", "commit_status"] * 2
    assert caught.value.attempted_transaction_ids == (first, second)
    assert caught.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"


@pytest.mark.parametrize("answers, raised", [
    ({"submits": [None, grpc.StatusCode.UNAVAILABLE], "statuses": [CONFLICT]}, SubmitError),
    ({"statuses": [CONFLICT, "hang"]}, CommitStatusError),
], ids=["submit refused", "status not given"])
def test_any_error_of_a_later_attempt_names_the_attempts_that_came_before(serve, answers, raised):
    servicer = AttemptsServicer(**answers)
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(raised) as caught:
        contract.submit_transaction("Settle", "R-1")
    first, second = servicer.endorsed_ids()
    error = caught.value
    assert error.transaction_id == second and error.earlier_transaction_ids == (first,)
    assert error.attempted_transaction_ids == (first, second)
    assert (f"This was attempt 2 of a retry policy; its earlier attempts, each committed as invalid (they wrote "
            f"nothing): tx {first}.") in str(error)


def test_an_error_of_a_first_attempt_names_that_attempt_alone(serve):
    servicer = AttemptsServicer(endorse_fails=grpc.StatusCode.ABORTED)
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Settle", "R-1")
    assert caught.value.earlier_transaction_ids == ()
    assert caught.value.attempted_transaction_ids == (caught.value.transaction_id,)
    assert "retry policy" not in str(caught.value)


def test_the_attempts_ids_cross_a_process_boundary_with_the_error(serve):
    servicer = AttemptsServicer(submits=[None, grpc.StatusCode.UNAVAILABLE], statuses=[CONFLICT])
    contract = serve(servicer, RetryPolicy(max_attempts=3, backoff=0))
    with pytest.raises(SubmitError) as caught:
        contract.submit_transaction("Settle", "R-1")
    copied = pickle.loads(pickle.dumps(caught.value))
    assert copied.attempted_transaction_ids == caught.value.attempted_transaction_ids
    assert str(copied) == str(caught.value)
