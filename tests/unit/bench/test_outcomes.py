"""Each failure the SDK raises lands in its cause; built from the SDK's own error classes."""
import asyncio
import json

import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from bench import outcomes
from bench.outcomes import classify
from client.gateway import (
    CommitError,
    CommitStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    GatewayError,
    SubmitError,
)
from client.receivables import AsyncReceivablesClient, RuleViolation


def committed_as(code):
    return CommitError(transaction_id="tx-1", validation_code=code, block_number=12)


@pytest.mark.parametrize("error, cause, detail", [
    (committed_as(transaction_pb2.MVCC_READ_CONFLICT), outcomes.MVCC_CONFLICT, "MVCC_READ_CONFLICT"),
    (committed_as(transaction_pb2.PHANTOM_READ_CONFLICT), outcomes.MVCC_CONFLICT, "PHANTOM_READ_CONFLICT"),
    (committed_as(transaction_pb2.ENDORSEMENT_POLICY_FAILURE), outcomes.ENDORSEMENT, "ENDORSEMENT_POLICY_FAILURE"),
    (committed_as(transaction_pb2.DUPLICATE_TXID), outcomes.INVALID, "DUPLICATE_TXID"),
    (EndorseError("no peers", transaction_id="tx-1", code=grpc.StatusCode.ABORTED), outcomes.ENDORSEMENT, "ABORTED"),
    (EndorseError("slow", transaction_id="tx-1", code=grpc.StatusCode.DEADLINE_EXCEEDED), outcomes.TIMEOUT,
     "EndorseError"),
    # A commit status that could not be read because the gateway peer went away is no timeout (a fault run would
    # count every kill of a peer as slowness): the transaction was accepted and may have committed
    (CommitStatusError("gone", transaction_id="tx-1", code=grpc.StatusCode.UNAVAILABLE), outcomes.COMMIT_UNKNOWN,
     "UNAVAILABLE"),
    (CommitStatusError("slow", transaction_id="tx-1", code=grpc.StatusCode.DEADLINE_EXCEEDED), outcomes.TIMEOUT,
     "CommitStatusError"),
    # Without a code: no deadline passed (the SDK raises one so when the status request's signer failed, or the
    # peer answered block 0); the transaction may have committed
    (CommitStatusError("no status", transaction_id="tx-1"), outcomes.COMMIT_UNKNOWN, "commit status unknown"),
    (SubmitError("channel not found", transaction_id="tx-1", code=grpc.StatusCode.FAILED_PRECONDITION),
     outcomes.ORDERING, "FAILED_PRECONDITION"),
    (SubmitError("orderer said no", transaction_id="tx-1", code=grpc.StatusCode.ABORTED), outcomes.ORDERING_UNKNOWN,
     "ABORTED"),
    # an orderer's stream broke after the send: it may have taken it
    (SubmitError("no orderers could successfully process transaction", transaction_id="tx-1",
                 code=grpc.StatusCode.UNAVAILABLE, details=[ErrorDetail("orderer0:7050", "OrdererMSP", "EOF")]),
     outcomes.ORDERING_UNKNOWN, "UNAVAILABLE"),
    # every orderer refused it (the Raft cluster without a leader): not ordered
    (SubmitError("no orderers could successfully process transaction", transaction_id="tx-1",
                 code=grpc.StatusCode.UNAVAILABLE), outcomes.ORDERING, "UNAVAILABLE"),
    (SubmitError("stream reset", transaction_id="tx-1", code=grpc.StatusCode.CANCELLED), outcomes.ORDERING_UNKNOWN,
     "CANCELLED"),
    (SubmitError("submit timeout expired", transaction_id="tx-1", code=grpc.StatusCode.DEADLINE_EXCEEDED),
     outcomes.TIMEOUT, "SubmitError"),
    (EvaluateError("query", transaction_id="tx-1", code=grpc.StatusCode.INTERNAL), outcomes.QUERY_FAILED, "INTERNAL"),
])
def test_gateway_errors_map_to_their_cause_and_keep_the_tx_id(error, cause, detail):
    outcome = classify(error)
    assert (outcome.cause, outcome.tx_id, outcome.detail) == (cause, "tx-1", detail)


def test_a_status_request_whose_signer_failed_is_no_timeout():
    """The SDK's own CommitStatusError for a submitted transaction whose status request failed before it was sent:
    it may have committed, and no deadline passed."""
    from types import SimpleNamespace

    from client.gateway._contract import _status_not_asked

    error = _status_not_asked(SimpleNamespace(transaction_id="tx-1", result=b"{}"), RuntimeError("HSM closed"))
    assert classify(error) == outcomes.Outcome(outcomes.COMMIT_UNKNOWN, "tx-1", "commit status unknown")


def test_errors_without_a_transaction():
    assert classify(GatewayError("stream broke", code=grpc.StatusCode.UNAVAILABLE)).cause == outcomes.UNAVAILABLE
    assert classify(asyncio.TimeoutError()).cause == outcomes.TIMEOUT
    client_error = classify(ValueError("bad amount"))
    assert client_error.cause == outcomes.CLIENT_ERROR and "bad amount" in client_error.detail


class RefusingContract:
    """A contract whose submit fails the way the Gateway reports a chaincode refusal."""
    chaincode_name = "receivables"

    async def submit(self, name, **options):
        raise EndorseError("failed to endorse transaction", transaction_id="tx-9", code=grpc.StatusCode.ABORTED,
                           details=[ErrorDetail("peer0.core:7051", "CoreEnterpriseMSP",
                                                "chaincode response 500, RULE not-the-debtor: only the debtor confirms")])


def test_a_contract_refusal_raised_by_the_receivables_client_counts_as_refused_not_endorsement():
    client = AsyncReceivablesClient(RefusingContract())
    with pytest.raises(RuleViolation) as raised:
        asyncio.run(client.confirm("R-1", endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"]))
    outcome = classify(raised.value)
    assert (outcome.cause, outcome.tx_id, outcome.detail) == (outcomes.REFUSED, "tx-9", "not-the-debtor")


def test_every_cause_is_listed_once():
    assert len(set(outcomes.CAUSES)) == len(outcomes.CAUSES) and outcomes.CAUSES[0] == outcomes.COMMITTED


@pytest.mark.usefixtures("official_node_client")   # skipped only where node is absent (tests/unit/conftest.py)
def test_the_node_script_counts_each_submit_error_code_as_python_does():
    """A SubmitError of every gRPC code lands in the same cause in bench/node/workload.js as here."""
    from .test_cross_org_waits import run_node

    codes = [code for code in grpc.StatusCode if code is not grpc.StatusCode.OK]
    numbers = [code.value[0] for code in codes]
    node_causes = run_node(f"""
        console.log(JSON.stringify({json.dumps(numbers)}.map(
            (code) => workload.classify({{name: 'SubmitError', code, transactionId: 'tx-1'}})[0])));
    """)
    python_causes = [classify(SubmitError("failed", transaction_id="tx-1", code=code)).cause for code in codes]
    assert node_causes == python_causes
    assert {outcomes.ORDERING, outcomes.ORDERING_UNKNOWN, outcomes.TIMEOUT} == set(python_causes)


@pytest.mark.usefixtures("official_node_client")
def test_the_node_script_counts_a_submit_every_orderer_refused_as_python_does():
    """The Gateway's UNAVAILABLE answers, with the orderers' details, land in the same cause in both clients: not
    ordered where every orderer refused it or was never reached, possibly ordered where one's stream broke."""
    from .test_cross_org_waits import run_node

    dial = 'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.4:7050: connect: refused"'
    answers = [("no orderers could successfully process transaction", []),
               ("no orderers could successfully process transaction", [dial]),
               ("no orderers could successfully process transaction", [dial, "error reading from server: EOF"]),
               ("no orderer nodes available", []),
               ("insufficient number of orderers could successfully process transaction", [])]
    node_causes = run_node(f"""
        console.log(JSON.stringify({json.dumps(answers)}.map(([said, words]) => workload.classify({{
            name: 'SubmitError', code: 14, transactionId: 'tx-1', cause: {{details: said}},
            details: words.map((message) => ({{address: 'orderer0:7050', mspId: 'OrdererMSP', message}}))}})[0])));
    """)
    python_causes = [classify(SubmitError(said, transaction_id="tx-1", code=grpc.StatusCode.UNAVAILABLE,
                                          details=[ErrorDetail("orderer0:7050", "OrdererMSP", m) for m in words])).cause
                     for said, words in answers]
    assert node_causes == python_causes
    assert python_causes == [outcomes.ORDERING] * 2 + [outcomes.ORDERING_UNKNOWN, outcomes.ORDERING,
                                                        outcomes.ORDERING_UNKNOWN]


@pytest.mark.usefixtures("official_node_client")
def test_the_node_script_counts_each_commit_status_error_as_python_does():
    """A CommitStatusError of every gRPC code, and of none, lands in the same cause in bench/node/workload.js."""
    from .test_cross_org_waits import run_node

    codes = [None, *(code for code in grpc.StatusCode if code is not grpc.StatusCode.OK)]
    numbers = [None if code is None else code.value[0] for code in codes]
    node_causes = run_node(f"""
        console.log(JSON.stringify({json.dumps(numbers)}.map(
            (code) => workload.classify({{name: 'CommitStatusError', code: code ?? undefined,
                                          transactionId: 'tx-1'}})[0])));
    """)
    python_causes = [classify(CommitStatusError("failed", transaction_id="tx-1", code=code)).cause for code in codes]
    assert node_causes == python_causes
    assert {outcomes.COMMIT_UNKNOWN, outcomes.TIMEOUT} == set(python_causes)


@pytest.mark.usefixtures("official_node_client")
def test_the_node_script_names_each_failure_as_python_does():
    """Every validation code a commit may end with, and every gRPC code (or none) of each gateway error, gives the
    same cause and the same detail in bench/node/workload.js as here: the two clients' reports are compared by
    their failures' labels, which were `VALIDATION_CODE_2` or "14" in Node where Python says BAD_PAYLOAD or
    UNAVAILABLE."""
    from .test_cross_org_waits import run_node

    validation_codes = [*transaction_pb2.TxValidationCode.values(), 77]   # and one no Fabric release defines
    grpc_codes = [None, *(code for code in grpc.StatusCode if code is not grpc.StatusCode.OK)]
    kinds = {"EndorseError": EndorseError, "SubmitError": SubmitError, "CommitStatusError": CommitStatusError,
             "EvaluateError": EvaluateError, "GatewayError": GatewayError}
    node_errors = [{"name": "CommitError", "code": code, "transactionId": "tx-1"} for code in validation_codes]
    python_errors = [committed_as(code) for code in validation_codes]
    for name, kind in kinds.items():
        of_a_transaction = kind is not GatewayError
        for code in grpc_codes:
            node_errors.append({"name": name, "code": None if code is None else code.value[0],
                                **({"transactionId": "tx-1"} if of_a_transaction else {})})
            python_errors.append(kind("failed", code=code, **({"transaction_id": "tx-1"} if of_a_transaction else {})))
    node = run_node(f"""
        const errors = {json.dumps(node_errors)}.map((e) => ({{...e, code: e.code ?? undefined}}));
        console.log(JSON.stringify(errors.map((e) => workload.classify(e))));
    """)
    python = [[o.cause, o.tx_id, o.detail] for o in map(classify, python_errors)]
    assert node == python
    assert {"DUPLICATE_TXID", "NOT_VALIDATED", "UNKNOWN_VALIDATION_CODE_77", "UNAVAILABLE"} <= {d for *_, d in python}


def test_a_transaction_that_committed_but_whose_answer_the_client_cannot_read_is_a_client_error_grouped_by_problem():
    """It committed VALID, but the workload's call did not give what it asked for (a contract newer than the SDK's
    models): a client_error, as the Node script counts an answer JSON.parse refuses, never committed. Its detail names
    the function, that it committed and the problem, not the transaction id, so that failed_detail counts them
    together instead of listing five ids once each; the id stays the outcome's."""
    from client.receivables import UnreadableAnswer

    unread = [UnreadableAnswer("TransferReceivable", b"{}", "status: field required", committed=True,
                               transaction_id=tx_id) for tx_id in ("a" * 64, "b" * 64)]
    assert [classify(error) for error in unread] == [
        outcomes.Outcome(outcomes.CLIENT_ERROR, tx_id, "UnreadableAnswer: TransferReceivable committed, its answer "
                         "unreadable (status: field required)") for tx_id in ("a" * 64, "b" * 64)]
    query = UnreadableAnswer("GetReceivable", b"{}", "status: field required", committed=False)
    assert classify(query) == outcomes.Outcome(outcomes.CLIENT_ERROR, None, "UnreadableAnswer: GetReceivable "
                                               "answered, its answer unreadable (status: field required)")
