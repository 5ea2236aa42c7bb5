"""An operation that sent nothing (an argument the SDK refused, a proposal that reached no peer) was never submitted:
the report counts it apart as not_sent, neither in submitted nor among the failures."""
import asyncio
import json

import grpc
import pytest

from bench import outcomes
from bench.driver import CONCURRENCY, Operation, Plan, drive
from bench.outcomes import classify
from bench.report import build, check_schema, lines
from client.gateway import CommitStatusError, EndorseError, EvaluateError, SubmitError
from client.receivables import AsyncReceivablesClient

from .fakeclock import FakeClock

SUPPLIER, DEBTOR, TRANSFEREE = "91310000MA1K00001E", "91310000MA1K00003A", "91310000MA1K00002C"
OVER_LONG_ID = "R-" + "0" * 300


class RecordingContract:
    """A contract that commits every submit and records what was sent to it."""

    chaincode_name = "receivables"

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def submit(self, name, **options):
        self.sent.append(name)
        raise AssertionError(f"{name} was sent")

    async def evaluate(self, name, **options):
        self.sent.append(name)
        raise AssertionError(f"{name} was sent")


def drive_all(operations):
    plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=10, call_timeout=None)
    clock = FakeClock()
    return asyncio.run(clock.run(drive(operations, plan, clock=clock)))


def test_calls_the_sdk_refuses_before_sending_count_as_not_sent_and_not_as_submitted():
    # the SDK's typed refusals say themselves that nothing was sent
    contract = RecordingContract()
    client = AsyncReceivablesClient(contract)
    calls = iter([lambda: client.transfer(OVER_LONG_ID, TRANSFEREE, 100),          # ArgumentRefused
                  lambda: client.transfer("R-0123456789abcdef", TRANSFEREE, 0),   # RefusedBeforeSending
                  lambda: client.transfer("R-0123456789abcdef", TRANSFEREE, 1.5),  # ArgumentTypeRefused
                  lambda: client.get_receivable(OVER_LONG_ID),
                  lambda: asyncio.sleep(0, result="tx-1")])                         # one that committed
    operations = (Operation("transfer", call) for call in calls)
    run = drive_all(operations)
    assert contract.sent == []
    report = build(run, workload="transfer", client="python", cpu_usage={}, process_kinds={})
    assert check_schema(report) == []
    assert (report["submitted"], report["not_sent"], report["committed"]) == (1, 4, 1)
    assert sum(report["failed"].values()) == 0 and "not_sent" not in report["failed"]
    assert report["by_kind"]["transfer"]["not_sent"] == 4
    assert report["failed_detail"]["not_sent"]["TransferReceivable: RULE amount-not-positive"] == 1
    text = "\n".join(lines(report))
    assert "submitted 1  committed valid 1" in text and "not sent 4 (" in text and "amount-not-positive" in text


def test_a_proposal_or_query_that_reached_no_peer_is_not_sent_unless_an_earlier_attempt_was():
    unreachable = dict(code=grpc.StatusCode.UNAVAILABLE, sent=False)
    assert classify(EndorseError("no connection", transaction_id="tx-1", **unreachable)) == \
        outcomes.Outcome(outcomes.NOT_SENT, "tx-1", "UNAVAILABLE")
    assert classify(EvaluateError("no connection", transaction_id="tx-1", **unreachable)).cause == outcomes.NOT_SENT
    # a retry policy's later attempt: its earlier ones were sent (and committed as invalid)
    retried = EndorseError("no connection", transaction_id="tx-2", **unreachable)
    retried.after_attempts(["tx-1"])
    assert classify(retried).cause == outcomes.ENDORSEMENT
    # a submit or a status request not sent came after the proposal was endorsed: submitted
    assert classify(SubmitError("gone", transaction_id="tx-1", **unreachable)).cause == outcomes.ORDERING
    assert classify(CommitStatusError("gone", transaction_id="tx-1", **unreachable)).cause == outcomes.COMMIT_UNKNOWN
    # sent, and then unreachable: a failure
    assert classify(EndorseError("gone", transaction_id="tx-1", code=grpc.StatusCode.UNAVAILABLE)).cause == \
        outcomes.ENDORSEMENT


def test_a_value_error_of_the_workloads_own_code_says_nothing_of_what_was_sent():
    async def after_a_commit():
        await asyncio.sleep(0)
        raise ValueError("the workload could not read its own answer")

    with pytest.raises(ValueError) as raised:
        asyncio.run(after_a_commit())
    assert classify(raised.value).cause == outcomes.CLIENT_ERROR


@pytest.mark.usefixtures("official_node_client")
def test_the_node_script_counts_a_proposal_or_query_that_reached_no_peer_as_python_does():
    from .test_cross_org_waits import run_node

    said = "No connection established. Last error: connect ECONNREFUSED 10.0.0.4:7051"
    node = run_node(f"""
        console.log(JSON.stringify([
            workload.classify({{name: 'EndorseError', code: 14, transactionId: 'tx-1', cause: {{details: {json.dumps(said)}}}}}),
            workload.classify({{name: 'EvaluateError', code: 14, transactionId: 'tx-1',
                                cause: {{cause: {{details: {json.dumps(said)}}}}}}}),
            workload.classify({{name: 'EndorseError', code: 14, transactionId: 'tx-1', cause: {{details: 'EOF'}}}})]));
    """)
    python = [classify(kind("failed", transaction_id="tx-1", code=grpc.StatusCode.UNAVAILABLE, sent=sent))
              for kind, sent in ((EndorseError, False), (EvaluateError, False), (EndorseError, True))]
    assert node == [[o.cause, o.tx_id, o.detail] for o in python]
    assert [o.cause for o in python] == [outcomes.NOT_SENT, outcomes.NOT_SENT, outcomes.ENDORSEMENT]


def test_a_run_whose_every_operation_was_due_but_not_sent_says_so_not_that_none_was_due():
    from bench.driver import RATE, Run, Sample
    from bench.report import comparison_note

    plan = Plan(RATE, rate=1, warmup=0, duration=10, call_timeout=None)
    unsent = [Sample("transfer", 1.0 + i, 1.0 + i, 1.1 + i, outcomes.NOT_SENT, None, "UNAVAILABLE", True)
              for i in range(3)]
    report = build(Run(plan, unsent, False), workload="transfer", client="python", cpu_usage={}, process_kinds={})
    text = "\n".join(lines(report))
    assert "no operation was due" not in text
    assert "none of the 3 operations due in the measured window was sent" in text
    assert "it committed none of the 3 operations due in the measured window" in comparison_note(report, report)


class ContractFailingInTheSdkAfterTheSend(RecordingContract):
    """A contract that takes the transaction (records it as sent) and then fails with a bare ValueError, within the
    SDK's call of it, as reading an answer could: the transaction was sent."""

    async def submit(self, name, **options):
        self.sent.append(name)
        raise ValueError("answer_field is not a field of the answer")


def waiting_without_a_network(client):
    """An operation the SDK refuses before sending: a wait for a block by a client made without its Network."""
    async def call():
        await client.wait_for_block(1)
    return call


def test_a_wait_for_a_block_by_a_client_without_its_network_is_not_sent():
    # the SDK refuses it with its typed ArgumentRefused, which says by its type that nothing was sent
    contract = RecordingContract()
    run = drive_all(iter([Operation("transfer", waiting_without_a_network(AsyncReceivablesClient(contract)))]))
    assert contract.sent == []
    [sample] = run.samples
    assert (sample.cause, sample.detail.split(":")[0]) == (outcomes.NOT_SENT, "ArgumentRefused")
    assert "needs the gateway Network" in sample.detail


def test_a_bare_value_error_of_the_sdk_after_the_contract_was_called_counts_as_a_failure_not_as_not_sent():
    contract = ContractFailingInTheSdkAfterTheSend()
    client = AsyncReceivablesClient(contract)
    run = drive_all(iter([Operation("transfer", lambda: client.transfer("R-0123456789abcdef", TRANSFEREE, 100))]))
    [sample] = run.samples
    assert contract.sent == ["TransferReceivable"]
    assert sample.cause == outcomes.CLIENT_ERROR and sample.detail.startswith("ValueError: answer_field")
    report = build(run, workload="transfer", client="python", cpu_usage={}, process_kinds={})
    assert (report["submitted"], report["not_sent"]) == (1, 0)


class NetworkFailingItsWait:
    """A gateway Network whose wait for a block fails with a bare ValueError, as a call of the SDK may after its
    contract call was sent: the error's type does not tell which."""

    last_committed_block = None

    async def wait_for_block(self, block_number, timeout=None):
        raise ValueError("the block could not be read")

    def get_contract(self, chaincode, name):
        return RecordingContract()


def test_a_bare_value_error_within_the_sdk_over_the_benchmarks_own_clients_is_a_failure_even_before_a_contract_call(
        monkeypatch, tmp_path):
    # the benchmark's clients (bench.network_session.open_client) once counted a bare ValueError raised within the
    # SDK as not sent where no contract call had been seen; only the SDK's typed refusals say nothing was sent
    from types import SimpleNamespace

    from bench import network_session
    from bench.workloads import Parties, RegisterWorkload

    who = SimpleNamespace(msp_dir=tmp_path, tls_cert=tmp_path / "none.crt", tls_key=tmp_path / "none.key")
    profile = SimpleNamespace(user=lambda name: who, msp_id="SupplierMSP", channel="receivables-channel",
                              chaincode="receivables",
                              gateway=SimpleNamespace(address="127.0.0.1:7051", tls_root_cert=tmp_path / "ca.crt",
                                                      host_name_override=None))

    class Gateway:
        def get_network(self, channel):
            return NetworkFailingItsWait()

        async def close(self):
            pass

    monkeypatch.setattr(network_session.profiles, "load", lambda org, data_root: profile)
    monkeypatch.setattr("cli.connection.default_user", lambda profile, admin=False: "User1")
    monkeypatch.setattr(network_session, "load_msp_folder", lambda msp_dir, msp_id: (None, None))
    monkeypatch.setattr(network_session, "connect_async", lambda address, **options: Gateway())

    async def run_over_the_benchmarks_client():
        from contextlib import AsyncExitStack

        async with AsyncExitStack() as stack:
            supplier, debtor = [await network_session.open_client(stack, org, None, tmp_path) for org in "ab"]
            workload = RegisterWorkload(Parties(supplier=supplier, debtor=debtor, supplier_code=SUPPLIER,
                                                debtor_code=DEBTOR, transferee_code=TRANSFEREE))
            workload.written_in["R-0123456789abcdef"] = 5    # a confirm first waits for the block of the register
            plan = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=10, call_timeout=None)
            clock = FakeClock()
            return await clock.run(drive(iter([workload.confirm("R-0123456789abcdef")]), plan, clock=clock))

    [sample] = asyncio.run(run_over_the_benchmarks_client()).samples
    assert (sample.cause, sample.detail) == (outcomes.CLIENT_ERROR, "ValueError: the block could not be read")


def test_an_argument_the_sdk_refused_in_a_workload_is_not_sent():
    from bench.workloads import Parties, RegisterWorkload

    debtor = AsyncReceivablesClient(RecordingContract())
    parties = Parties(supplier=AsyncReceivablesClient(RecordingContract()), debtor=debtor,
                      supplier_code=SUPPLIER, debtor_code=DEBTOR, transferee_code=TRANSFEREE)
    run = drive_all(iter([RegisterWorkload(parties).query(OVER_LONG_ID)]))
    assert [s.cause for s in run.samples] == [outcomes.NOT_SENT] and debtor.contract.sent == []
