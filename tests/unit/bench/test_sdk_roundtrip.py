"""`python -m bench.sdk_roundtrip` without a network: the phases' wiring, the figures, the demo timing, the options.
(A recording contract stands in for the SDK: none of this measures the product.)"""
import asyncio
import json
import subprocess
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner
from fabric_protos.peer import transaction_pb2

from bench import sdk_roundtrip
from bench.outcomes import MVCC_CONFLICT, classify
from bench.profiling import MACHINE_FIELDS
from bench.sdk_roundtrip import (
    PutStateWorkload, demo_command, main, measure_phases, phase_name, summary_rows, time_demo,
)
from client.gateway import CommitError, Status


class RecordingContract:
    """An AsyncContract's submit_async as the workload uses it: each commit takes ``seconds`` and gets ``code``.
    Each call is kept with the submits in flight once it was made."""

    def __init__(self, seconds: float = 0.0, code: int = transaction_pb2.VALID) -> None:
        self.seconds, self.code = seconds, code
        self.calls: list[tuple[str, list[str]]] = []
        self.in_flight_at_call: list[int] = []
        self.in_flight = 0

    async def submit_async(self, name, *, arguments):
        self.calls.append((name, list(arguments)))
        self.in_flight += 1
        self.in_flight_at_call.append(self.in_flight)
        return SimpleNamespace(transaction_id=f"tx-{len(self.calls)}", status=self._status(f"tx-{len(self.calls)}"))

    def _status(self, tx_id):
        async def status():
            await asyncio.sleep(self.seconds)
            self.in_flight -= 1
            return Status(tx_id, 5, self.code)
        return status


def test_phases_are_named_by_what_is_in_flight():
    assert phase_name(1) == "sequential"
    assert phase_name(16) == "16-way concurrent"


def test_each_operation_writes_a_new_key_and_returns_its_committed_transaction():
    contract = RecordingContract()
    workload = PutStateWorkload(contract, "bench-x")
    operations = workload.operations()
    tx_ids = asyncio.run(_call_all([next(operations) for _ in range(3)]))
    assert contract.calls == [("PutState", ["bench-x-0", "v"]), ("PutState", ["bench-x-1", "v"]),
                              ("PutState", ["bench-x-2", "v"])]
    assert tx_ids == ["tx-1", "tx-2", "tx-3"]
    assert workload.touched == {"bench-x-0", "bench-x-1", "bench-x-2"}


async def _call_all(operations):
    return [await op.call() for op in operations]


def test_a_write_committed_as_invalid_counts_as_its_validation_code():
    workload = PutStateWorkload(RecordingContract(code=transaction_pb2.MVCC_READ_CONFLICT), "bench-x")
    with pytest.raises(CommitError) as invalid:
        asyncio.run(next(workload.operations()).call())
    assert invalid.value.transaction_id == "tx-1" and invalid.value.block_number == 5
    assert classify(invalid.value).cause == MVCC_CONFLICT
    assert workload.touched == set()


@pytest.fixture(scope="module")
def reports():
    """Two short phases (sequential, 4 in flight) over a contract whose commits take 10 ms."""
    contract = RecordingContract(seconds=0.01)
    said = []
    measured = asyncio.run(measure_phases(contract, [1, 4], warmup=0.05, duration=0.3, call_timeout=5,
                                          processes=[], run_id="test", say=said.append))
    return measured, contract, said


def test_each_phase_is_a_report_with_its_concurrency_throughput_latency_and_client_cpu(reports):
    # What the phases control, not how fast the stand-in answered: how many submits each kept in flight, and
    # that every submit it counts is one it made and saw commit.
    measured, contract, said = reports
    assert [r["phase"] for r in measured] == ["sequential", "4-way concurrent"]
    assert [r["plan"]["concurrency"] for r in measured] == [1, 4]
    in_flight = {prefix: [n for (_, (key, _)), n in zip(contract.calls, contract.in_flight_at_call)
                          if key.startswith(prefix)] for prefix in ("bench-test-c1-", "bench-test-c4-")}
    assert max(in_flight["bench-test-c1-"]) == 1 and max(in_flight["bench-test-c4-"]) == 4
    for report, prefix in zip(measured, in_flight):
        assert report["workload"] == "features:PutState"
        assert 0 < report["committed"] == report["submitted"] <= len(in_flight[prefix])
        assert sum(report["failed"].values()) == 0
        assert report["latency_s"]["p99"] >= report["latency_s"]["p50"]
        assert set(report["cpu"]) == {"client"} and report["cpu"]["client"]["kind"] == "client"
    assert any(line.startswith("sequential: ") for line in said) and any("throughput" in line for line in said)
    assert not any("machine:" in line for line in said)     # the command prints it once, above the table
    keys = {call[1][0] for call in contract.calls}
    assert len(keys) == len(contract.calls)                         # never the same key twice
    assert all(key.startswith(("bench-test-c1-", "bench-test-c4-")) for key in keys)


def test_the_table_rows_give_each_phase_in_milliseconds(reports):
    measured, _, _ = reports
    rows = summary_rows(measured)
    assert [row["phase"] for row in rows] == ["sequential", "4-way concurrent"]
    first = rows[0]
    assert first["in_flight"] == 1 and first["committed"] == measured[0]["committed"] and first["failed"] == 0
    assert first["tx_per_s"] == f"{measured[0]['throughput_tps']:.1f}"
    assert first["p50_ms"] == f"{measured[0]['latency_s']['p50'] * 1000:.1f}"
    cpu = measured[0]["cpu"]["client"]["cpu_s_per_tx"]
    assert first["client_cpu_ms_per_tx"] == (None if cpu is None else f"{cpu * 1000:.2f}")

    unmeasured = {**measured[0], "cpu": {"client": {"kind": "client", "cpu_s": None, "cpu_s_per_tx": None}}}
    assert summary_rows([unmeasured])[0]["client_cpu_ms_per_tx"] is None

    windowless = {**measured[0], "throughput_tps": None, "throughput_window_s": None}
    assert summary_rows([windowless])[0]["tx_per_s"] is None


def test_the_demo_is_its_own_process_on_the_given_network(tmp_path):
    command = demo_command(tmp_path)
    assert command[-5:] == ["demo", "--skip-setup", "--json", "--data-root", str(tmp_path)]


def test_the_demo_is_timed_start_to_exit_with_the_transactions_it_committed():
    steps = [{"tx_id": "a"}, {"tx_id": None}, {"tx_id": "b"}, {"tx_id": "c"}]
    ticks = iter([10.0, 22.5, 30.0, 41.0])
    commands = []

    def run(command, **_):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps({"steps": steps}), stderr="progress\n")

    timed = time_demo(["recfin", "demo"], 2, run=run, clock=lambda: next(ticks))
    assert timed["runs"] == [{"seconds": 12.5, "transactions": 3}, {"seconds": 11.0, "transactions": 3}]
    assert timed["median_seconds"] == pytest.approx(11.75)
    assert commands == [["recfin", "demo"]] * 2 and timed["command"] == "recfin demo"
    assert time_demo(["recfin", "demo"], 0, run=run)["median_seconds"] is None


def test_a_failed_demo_stops_with_its_last_line():
    def run(command, **_):
        said = "[ 1] ...\nError: no connection profile for org 'core'\n"
        return subprocess.CompletedProcess(command, 1, stdout="", stderr=said)

    with pytest.raises(click.ClickException) as failed:
        time_demo(["recfin", "demo"], 1, run=run, clock=lambda: 0.0)
    assert failed.value.message == "the demo failed (exit 1): Error: no connection profile for org 'core'"


def test_without_a_network_it_exits_non_zero_with_how_to_start_one(tmp_path):
    result = CliRunner().invoke(main, ["--data-root", str(tmp_path), "--duration", "1"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no running network" in lines[0] and "recfin network up" in lines[0]


@pytest.mark.parametrize("args, named", [(["--concurrency", "0"], "--concurrency"), (["--duration", "0"], "--duration"),
                                         (["--as", "supplier/"], "--as"), (["--demo-runs", "-1"], "--demo-runs")])
def test_bad_options_are_usage_errors_naming_the_option(tmp_path, args, named):
    result = CliRunner().invoke(main, [*args, "--data-root", str(tmp_path)])
    assert result.exit_code == 2 and named in result.output


def test_help_has_an_example():
    text = CliRunner().invoke(main, ["--help"]).output
    assert "Example:" in text and "python -m bench.sdk_roundtrip" in text and "--concurrency" in text


def test_the_command_prints_the_phases_and_the_demo_it_measured(monkeypatch, reports, tmp_path):
    measured, _, _ = reports
    deployed, asked = [], {}
    net = SimpleNamespace(data_root=tmp_path, status=lambda: [])
    monkeypatch.setattr(sdk_roundtrip, "running_network", lambda topology, root: (net, []))
    monkeypatch.setattr(sdk_roundtrip, "ensure_feature_chaincode", lambda network, say: deployed.append(network))

    async def phases(org, user, data_root, concurrencies, *rest):
        asked.update(org=org, user=user, data_root=data_root, concurrencies=concurrencies)
        return measured

    monkeypatch.setattr(sdk_roundtrip, "_run_phases", phases)
    monkeypatch.setattr(sdk_roundtrip, "time_demo", lambda command, runs: {
        "command": " ".join(command), "runs": [{"seconds": 9.5, "transactions": 27}] * runs, "median_seconds": 9.5})

    result = CliRunner().invoke(main, ["--as", "bank/officer1", "--concurrency", "1", "--concurrency", "4",
                                       "--demo-runs", "2", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert asked == {"org": "bank", "user": "officer1", "data_root": tmp_path, "concurrencies": [1, 4]}
    assert deployed == [net]
    assert [p["phase"] for p in summary["phases"]] == ["sequential", "4-way concurrent"]
    assert summary["demo"]["median_seconds"] == 9.5 and len(summary["demo"]["runs"]) == 2
    assert "--skip-setup" in summary["demo"]["command"]
    assert set(summary["machine"]) == MACHINE_FIELDS and summary["machine"]["nproc"] >= 1

    table = CliRunner().invoke(main, ["--demo-runs", "1"])
    assert table.exit_code == 0, table.output
    assert "TX_PER_S" in table.stdout and "sequential" in table.stdout
    assert f"machine: {summary['machine']['nproc']} CPUs (" in table.stdout
    assert table.stdout.count("machine: ") == 1
    assert "demo on the warm network: median 9.5 s over 1 run(s), 27 transactions each" in table.stdout


def test_the_client_takes_each_steps_deadline_from_the_call_timeout(monkeypatch, tmp_path):
    import asyncio

    from bench import sdk_roundtrip
    from bench.network_session import step_timeouts

    seen = {}

    class Opened(Exception):
        pass

    async def recording_open_client(stack, org, user, data_root, grpc_options=(), timeouts=None):
        seen["timeouts"] = timeouts
        raise Opened

    monkeypatch.setattr(sdk_roundtrip, "open_client", recording_open_client)
    with pytest.raises(Opened):
        asyncio.run(sdk_roundtrip._run_phases("supplier", None, tmp_path, [1], 0, 1, 42.0, [], print))
    # a submit counts as a timeout at --call-timeout, not at the SDK's 5 s default for the step
    assert seen["timeouts"] == step_timeouts(42.0) and seen["timeouts"].submit == 42.0


def test_a_phase_whose_operations_were_not_sent_says_so_in_its_row(reports):
    """Operations that sent nothing are counted apart from the failures: the row carries them, not failed 0 alone."""
    measured, _, _ = reports
    unsent = {**measured[0], "not_sent": 3}
    assert summary_rows([unsent])[0]["not_sent"] == 3
    before = {key: value for key, value in measured[0].items() if key != "not_sent"}   # a report of recfin.bench/3
    assert summary_rows([before])[0]["not_sent"] == 0
