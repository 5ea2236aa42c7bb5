"""`python -m bench.client_cpu`: the stand-in Gateway answers each step both clients take, and the report's shape.

Client CPU only; the Gateway is a stand-in returning prepared replies; no Fabric involved. The
stand-in runs in its own process over TLS gRPC and both clients really connect, sign and submit;
these tests check what was answered and counted, never timings.
"""
import json

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.serialization import Encoding
from fabric_protos.common import common_pb2
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_event_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

from bench import client_cpu
from bench.client_cpu import (
    COLUMNS, FIRST_BLOCK, LABEL, NODE_SCRIPT, Settings, main, new_workload, run_client_cpu, run_node,
    run_python_async, run_python_sync, with_ratios,
)
from bench.loopback_peer import CHAINCODE, CHANNEL
from bench.node_compare import NODE_DIR
from client.business_dates import business_today
from client.gateway import Identity, SubmitError, connect, private_key_signer
from client.receivables import CONTRACT_NAME

from ..node_packages import node_unavailable

N = 5
needs_node = pytest.mark.usefixtures("official_node_client")   # skipped only where node cannot run the packages


# cast, samples and the stand-in gateway: conftest.py


@pytest.fixture
def ca_pem(gateway):
    return (gateway.folder / "ca.crt").read_bytes()


def contract_of(gateway, ca_pem, user):
    identity = Identity.from_pem(user.msp_id, user.certificate.public_bytes(Encoding.PEM))
    opened = connect(gateway.address, identity=identity, signer=private_key_signer(user.private_key),
                     tls_root_certificates=ca_pem)
    return opened, opened.get_network(CHANNEL).get_contract(CHAINCODE, CONTRACT_NAME)


@pytest.mark.parametrize("operation", client_cpu.OPERATIONS)
def test_our_sdk_completes_every_submit_over_tls_and_gets_the_prepared_result(gateway, ca_pem, cast, samples,
                                                                             operation):
    before = gateway.counts()
    workload = new_workload(cast, samples, operation, N, 2)
    row = run_python_sync(gateway.address, ca_pem, workload)
    assert (row["client"], row["api"], row["transactions"], row["results_matched"]) == ("recfin", "sync", N, N)
    after = gateway.counts()
    for call in ("endorse", "submit", "commit_status"):
        assert after[call] - before[call] == N + 2       # warm-up and measured, each one call per step
    assert after["refused"] == before["refused"]


def test_the_async_client_with_several_in_flight_completes_each_submit_once(gateway, ca_pem, cast, samples):
    before = gateway.counts()
    row = run_python_async(gateway.address, ca_pem, new_workload(cast, samples, "register", 7, 3), 4)
    assert (row["api"], row["concurrency"], row["transactions"], row["results_matched"]) == ("async", 4, 7, 7)
    assert gateway.counts()["commit_status"] - before["commit_status"] == 10


def test_each_endorse_reply_is_built_around_the_requests_own_proposal(gateway, ca_pem, cast, samples):
    opened, contract = contract_of(gateway, ca_pem, cast.users["tier1"])
    with opened:
        proposal = contract.new_proposal("RegisterReceivable", arguments=cast.register_arguments(
            business_today()))
        transaction = proposal.endorse()
        status = transaction.submit().status()
    sent = proposal_pb2.Proposal.FromString(gateway_pb2.ProposedTransaction.FromString(proposal.bytes)
                                            .proposal.proposal_bytes)
    payload = common_pb2.Payload.FromString(gateway_pb2.PreparedTransaction.FromString(transaction.bytes)
                                            .envelope.payload)
    assert payload.header.SerializeToString() == sent.header     # tx id, creator, nonce, timestamp
    assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).tx_id == proposal.transaction_id
    action = transaction_pb2.ChaincodeActionPayload.FromString(
        transaction_pb2.Transaction.FromString(payload.data).actions[0].payload)
    response = proposal_response_pb2.ProposalResponsePayload.FromString(action.action.proposal_response_payload)
    event = chaincode_event_pb2.ChaincodeEvent.FromString(proposal_pb2.ChaincodeAction.FromString(
        response.extension).events)
    assert event.tx_id == proposal.transaction_id
    assert len(action.action.endorsements) == client_cpu.ENDORSERS
    assert transaction.result == samples["register"].payload
    assert status.successful and status.transaction_id == proposal.transaction_id
    assert status.block_number >= FIRST_BLOCK


def test_the_stand_in_refuses_a_transaction_submitted_twice(gateway, ca_pem, cast):
    opened, contract = contract_of(gateway, ca_pem, cast.users["tier1"])
    with opened:
        transaction = contract.new_proposal("RegisterReceivable", arguments=cast.register_arguments(
            business_today())).endorse()
        transaction.submit()
        with pytest.raises(SubmitError) as refused:
            transaction.submit()
    assert "endorsed" in str(refused.value)


def test_evaluate_answers_with_the_operations_result(gateway, ca_pem, cast, samples):
    opened, contract = contract_of(gateway, ca_pem, cast.users["tier1"])
    with opened:
        result = contract.evaluate_transaction("TransferReceivable", *cast.transfer_arguments("R-1"))
    assert result == samples["transfer"].payload


@needs_node
@pytest.mark.parametrize("concurrency", [1, 3])
def test_the_node_client_completes_every_submit_against_the_same_stand_in(gateway, cast, samples, concurrency):
    before = gateway.counts()
    row = run_node(gateway.address, gateway.folder / "ca.crt", new_workload(cast, samples, "transfer", N, 2),
                   concurrency)
    assert (row["client"], row["concurrency"], row["transactions"], row["results_matched"]) == (
        "node", concurrency, N, N)
    after = gateway.counts()
    assert after["commit_status"] - before["commit_status"] == N + 2
    assert after["refused"] == before["refused"]


def test_the_node_script_exists_next_to_the_workload():
    assert NODE_SCRIPT.parent == NODE_DIR and NODE_SCRIPT.is_file()


@pytest.fixture
def clients(request) -> tuple[str, ...]:
    """The clients the report measures: ours, and the Node client where this machine can run it (node_unavailable:
    Node.js 20 or later and npm). There its packages must be installed: official_node_client fails the test, naming
    bench/node's node_modules and scripts/install, before the report would run `npm ci` itself."""
    if node_unavailable() is not None:
        return ("python",)
    request.getfixturevalue("official_node_client")
    return ("python", "node")


@pytest.mark.usefixtures("samples_of_the_session")
def test_the_report_has_one_row_per_client_operation_and_concurrency_with_the_label(clients):
    report = run_client_cpu(Settings(iterations=3, warmup=1, concurrency=(1, 2), operations=("register",),
                                     clients=clients))
    json.dumps(report)
    assert report["label"] == LABEL == ("client CPU only; the Gateway is a stand-in returning prepared replies; "
                                        "no Fabric involved")
    node_rows = "node" in clients
    expected = [("recfin", "sync", 1), ("recfin", "async", 1)] + ([("node", "async", 1)] if node_rows else []) + \
        [("recfin", "async", 2)] + ([("node", "async", 2)] if node_rows else [])
    assert [(r["client"], r["api"], r["concurrency"]) for r in report["rows"]] == expected
    for row in report["rows"]:
        assert row["transactions"] == row["results_matched"] == 3
        assert set(COLUMNS) - {"ours_to_node"} <= set(row)
    calls = report["gateway_calls"]
    assert calls["endorse"] == calls["submit"] == calls["commit_status"] == 4 * len(report["rows"])
    assert calls["refused"] == 0
    assert set(report["machine"]) >= {"nproc", "cpu_model", "python", "node"}


@pytest.mark.usefixtures("samples_of_the_session")
def test_without_node_on_path_the_report_says_the_node_client_was_not_measured(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    report = run_client_cpu(Settings(iterations=1, warmup=0, concurrency=(1,), operations=("register",),
                                     clients=("python", "node")))
    assert "node not found on PATH" in report["node_error"]
    # the way out is this command's own option (it has no --compare-node)
    assert report["node_error"].endswith("or measure ours alone (--client python)")
    assert "--compare-node" not in report["node_error"]
    assert {row["client"] for row in report["rows"]} == {"recfin"}


def test_the_ratio_is_ours_over_node_at_the_same_operation_and_concurrency():
    rows = [{"client": "recfin", "operation": "register", "concurrency": 1, "cpu_ms_per_tx": 1.0},
            {"client": "recfin", "operation": "register", "concurrency": 16, "cpu_ms_per_tx": 3.0},
            {"client": "node", "operation": "register", "concurrency": 1, "cpu_ms_per_tx": 4.0}]
    with_ratios(rows)
    assert rows[0]["ours_to_node"] == 0.25
    assert rows[1]["ours_to_node"] is None       # no Node row at 16 in flight
    assert "ours_to_node" not in rows[2]


def test_the_machine_line_says_model_unknown_where_the_cpu_names_no_model():
    # /proc/cpuinfo has no "model name" on aarch64, and macOS has no /proc/cpuinfo: machine() gives ""
    report = {"label": LABEL, "machine": {"nproc": 8, "cpu_model": "", "python": "3.11.7", "node": None},
              "rows": [], "node_error": None, "gateway_calls": {}, "profiles": {}}
    assert client_cpu.text_lines(report)[1] == "machine: 8 CPUs (model unknown), Python 3.11.7, Node -"


def test_help_has_an_example_and_the_label():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "python -m bench.client_cpu" in result.output
    assert LABEL[len("client CPU"):] in " ".join(result.output.split())      # wrapped by click
    for option in ("--iterations", "--concurrency", "--json"):
        assert option in result.output


@pytest.mark.usefixtures("samples_of_the_session")
def test_a_concurrency_or_operation_given_twice_is_measured_once():
    result = CliRunner().invoke(main, ["--iterations", "1", "--warmup", "0", "--client", "python", "--json",
                                       "--concurrency", "2", "--concurrency", "2",
                                       "--operation", "register", "--operation", "register"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert [(r["api"], r["operation"], r["concurrency"]) for r in report["rows"]] == [("async", "register", 2)]
    assert report["settings"]["concurrency"] == [2] and report["settings"]["operations"] == ["register"]
