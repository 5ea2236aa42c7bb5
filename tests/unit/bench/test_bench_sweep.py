"""`recfin bench --knob`: the sweep's steps, in order, with the network steps and the driver as recorded stand-ins
(no Fabric here): what is applied, what is run, what is put back, and the table and JSON made of the reports."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench import runner
from bench.runner import ClientProcessError
from bench.sweep import KNOBS, NetworkSteps, cpu_ms_per_tx_by_kind, parse_sweep
from cli import bench_commands
from cli.bench_commands import bench

from .test_bench_command import wire_to_a_recording_client

QUICK = ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3"]


class RecordedSteps:
    """The network steps as a log: the knob's setting before the sweep is ``now``."""

    def __init__(self, log: list, now):
        self.log, self.now = log, now

    def current(self, knob):
        self.log.append(("read", knob.name))
        return self.now

    def apply(self, knob, value):
        self.log.append(("apply", value))

    def restore(self, knob, original):
        self.log.append(("restore", original))

    def how_to_restore(self, knob, original):
        return "put it back by hand"


def wire_a_sweep(monkeypatch, now="250ms", fail_on=None, latency=0.05) -> list:
    """The command with recorded network steps and the recording client's runs, all in one log; the run of the
    ``fail_on``-th value raises what it is given."""
    log: list = []
    wire_to_a_recording_client(monkeypatch, latency=latency)
    recorded_run = runner.run_on_network

    async def logged_run(settings, codes, processes, say):
        log.append(("run", settings.workload, settings.clients, settings.grpc_options))
        if fail_on and sum(entry[0] == "run" for entry in log) == fail_on[0]:
            raise fail_on[1]
        return await recorded_run(settings, codes, processes, say)

    monkeypatch.setattr("bench.runner.run_on_network", logged_run)
    monkeypatch.setattr("bench.sweep.NetworkSteps", lambda topology, root, say: RecordedSteps(log, now))
    return log


def test_each_value_is_applied_then_run_and_the_setting_before_is_put_back(tmp_path, monkeypatch):
    log = wire_a_sweep(monkeypatch)
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms,250ms,1s", "--output",
                                        str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert [entry[:2] for entry in log] == [("read", "batch-timeout"), ("apply", "100ms"), ("run", "register"),
                                            ("apply", "250ms"), ("run", "register"), ("apply", "1s"),
                                            ("run", "register"), ("restore", "250ms")]
    swept = json.loads(result.stdout)
    assert [(r["value"], r["baseline"]) for r in swept["rows"]] == [("100ms", False), ("250ms", True), ("1s", False)]
    assert swept["before"] == "250ms" and swept["restored"] is True
    assert json.loads((tmp_path / "sweep.json").read_text()) == swept
    for value in ("100ms", "250ms", "1s"):
        assert (tmp_path / f"batch-timeout={value}" / "summary.json").is_file()


def test_the_rows_carry_the_figures_and_the_settings_each_run_recorded(tmp_path, monkeypatch):
    wire_a_sweep(monkeypatch, now="2s", latency=0.05)
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms,250ms", "--output", str(tmp_path),
                                        "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["baseline"] for r in rows] == [True, False]          # 2s is not swept: the first value is the baseline
    for value, r in zip(("100ms", "250ms"), rows):
        report = json.loads((tmp_path / f"batch-timeout={value}" / "bench-register.json").read_text())
        assert r["committed_tps"] == report["throughput_tps"] and r["committed_tps"] > 0
        assert r["latency_s"] == {"p50": pytest.approx(0.05), "p95": pytest.approx(0.05), "p99": pytest.approx(0.05)}
        assert r["failed"] == {} and r["settings"] == report["settings"]
        assert "batch_timeout" in r["settings"]["sources"]


def test_the_table_has_a_line_per_value_with_the_baseline_marked(tmp_path, monkeypatch):
    wire_a_sweep(monkeypatch, now="250ms", latency=0.05)
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms,250ms", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("batch-timeout  tx/s"))
    assert "p50 ms  p95 ms  p99 ms  failed" in lines[header]
    assert lines[header + 1].split()[0] == "100ms" and lines[header + 1].split()[2:5] == ["50.0", "50.0", "50.0"]
    assert lines[header + 2].split()[:2] == ["250ms", "*"]
    assert lines[header + 3] == "* baseline (tuning.ordering.batch_timeout 250ms before the sweep, put back after it)"


@pytest.mark.parametrize("failure", [ClientProcessError("client process 1 exited"), KeyboardInterrupt()])
def test_a_failing_or_interrupted_run_still_puts_the_setting_back(tmp_path, monkeypatch, failure):
    log = wire_a_sweep(monkeypatch, now="250ms", fail_on=(2, failure))
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms,500ms,1s", "--output",
                                        str(tmp_path)])
    assert result.exit_code == 1
    assert [entry[:2] for entry in log] == [("read", "batch-timeout"), ("apply", "100ms"), ("run", "register"),
                                            ("apply", "500ms"), ("run", "register"), ("restore", "250ms")]
    assert not (tmp_path / "sweep.json").exists()


def test_a_setting_not_put_back_is_said_with_how_to_put_it_back(tmp_path, monkeypatch):
    wire_a_sweep(monkeypatch)

    class RestoreFails(RecordedSteps):
        def restore(self, knob, original):
            raise OSError("the channel did not answer")

    monkeypatch.setattr("bench.sweep.NetworkSteps", lambda topology, root, say: RestoreFails([], "250ms"))
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms", "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert ("tuning.ordering.batch_timeout was not put back to 250ms, the setting before the sweep: "
            "the channel did not answer; put it back by hand") in result.output


def test_a_client_knob_changes_only_each_runs_option(tmp_path, monkeypatch):
    log = wire_a_sweep(monkeypatch)
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "clients=1,2", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert [entry[0] for entry in log] == ["run", "run"]            # nothing read, applied or put back
    assert [entry[2] for entry in log] == [1, 2]
    swept = json.loads(result.stdout)
    assert [r["baseline"] for r in swept["rows"]] == [True, False] and swept["restored"] is False
    assert [r["settings"]["clients"] for r in swept["rows"]] == [1, 2]

    log.clear()
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "grpc.keepalive_time_ms=10000,30000", "--output",
                                        str(tmp_path / "grpc"), "--json"])
    assert result.exit_code == 0, result.output
    assert [entry[3] for entry in log] == [(("grpc.keepalive_time_ms", 10000),), (("grpc.keepalive_time_ms", 30000),)]


@pytest.mark.parametrize(("knob", "named"), [
    ("ordering-magic=1,2", "'ordering-magic' is no knob the sweep turns: give one of batch-timeout"),
    ("endorsement-policy=a,b", "recfin chaincode deploy --signature-policy"),
    ("batch-timeout=100ms,90s", "batch-timeout=90s: 90s is out of range: allowed 1ms to 60s"),
    ("batch-size=0", "batch-size=0: 0 is out of range: allowed 1 to 100000"),
    ("gateway-concurrency=-1", "gateway-concurrency=-1: -1 is out of range: allowed 0 to 1000000 (0: no limit)"),
    ("write-batch=yes", "write-batch=yes: 'yes' is not a flag: allowed true or false"),
    ("clients=0", "clients=0: not a number of client processes: allowed 1 to 256"),
    ("batch-timeout", "'batch-timeout' lists no values"),
    ("batch-timeout=100ms,,1s", "lists no values"),
    ("batch-timeout=1s,1s", "lists a value twice"),
    ("batch-timeout=1s,1000ms", "'batch-timeout=1s,1000ms' lists a value twice: 1s and 1000ms are one setting"),
])
def test_an_unknown_knob_or_a_value_out_of_range_is_refused_before_anything_changes(tmp_path, monkeypatch, knob,
                                                                                      named):
    log = wire_a_sweep(monkeypatch)
    result = CliRunner().invoke(bench, [*QUICK, "--knob", knob, "--output", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "--knob" in result.output and named in " ".join(result.output.split())
    assert log == [] and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("arguments", "named"), [
    (["-w", "register", "-w", "confirm"], "give one --workload"),
    (["-w", "register", "--compare-node"], "leave out --compare-node"),
    (["-w", "register", "--grpc-option", "grpc.keepalive_time_ms=5"], "give it in --knob only"),
])
def test_a_sweep_that_would_not_compare_one_load_is_refused(tmp_path, monkeypatch, arguments, named):
    log = wire_a_sweep(monkeypatch)
    knob = "grpc.keepalive_time_ms=1,2" if "--grpc-option" in arguments else "batch-timeout=100ms,1s"
    result = CliRunner().invoke(bench, [*arguments, "--knob", knob, "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and named in result.output
    assert log == [] and not (tmp_path / "out").exists()


def test_a_clients_value_above_the_concurrency_is_refused_before_anything_runs(tmp_path, monkeypatch):
    log = wire_a_sweep(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--mode", "concurrency", "--concurrency", "2", "--knob",
                                        "clients=1,4", "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--clients 4 is more than --concurrency 2" in result.output
    assert log == []


class RecordedNetwork:
    def __init__(self, log, topology_file):
        from network.topology import load

        self.log, self.topology = log, load(topology_file)

    def down(self):
        self.log.append("down")

    def up(self):
        self.log.append("up")


def test_a_peer_setting_is_written_to_the_topology_the_network_restarted_and_the_file_put_back(tmp_path):
    from network.topology import DEFAULT_TOPOLOGY

    topology = tmp_path / "topology.yaml"
    topology.write_bytes(DEFAULT_TOPOLOGY.read_bytes())
    log: list = []
    steps = NetworkSteps(topology, None, log.append, load=lambda path, data_root: RecordedNetwork(log, path))
    knob = KNOBS["gateway-concurrency"]
    assert steps.current(knob) == 500
    steps.apply(knob, 100)
    assert steps.current(knob) == 100 and log[-2:] == ["down", "up"]
    assert steps.backup.read_bytes() == DEFAULT_TOPOLOGY.read_bytes()
    steps.apply(knob, 1000)
    assert steps.current(knob) == 1000 and log[-2:] == ["down", "up"]
    steps.restore(knob, 500)
    assert topology.read_bytes() == DEFAULT_TOPOLOGY.read_bytes()         # comments and all
    assert log[-2:] == ["down", "up"] and not steps.backup.exists()


def test_the_ordering_batch_is_changed_on_the_channel_as_network_tune_does(monkeypatch):
    from network import batch_tuning

    tuned = []

    class RecordedTuner:
        def __init__(self, net):
            pass

        def tune(self, **changes):
            tuned.append(changes)

    monkeypatch.setattr(batch_tuning, "BatchTuner", RecordedTuner)
    steps = NetworkSteps(None, None, lambda line: None, load=lambda path, data_root: object())
    steps.apply(KNOBS["batch-size"], 500)
    steps.restore(KNOBS["batch-size"], 100)
    assert tuned == [{"max_message_count": 500}, {"max_message_count": 100}]
    assert "recfin network tune --batch-size 100" in steps.how_to_restore(KNOBS["batch-size"], 100)


def test_a_duration_spelt_otherwise_is_the_same_setting():
    sweep = parse_sweep("batch-timeout=1000ms,2s")
    assert sweep.knob.same("1000ms", "1s") and not sweep.knob.same("2s", "1s")
    assert Path(bench_commands.value_folder(Path("out"), sweep, "1000ms")).name == "batch-timeout=1000ms"


def test_a_topology_left_edited_by_a_killed_sweep_is_refused_before_anything_changes(tmp_path):
    from network.errors import NetworkError
    from network.topology import DEFAULT_TOPOLOGY

    topology = tmp_path / "topology.yaml"
    topology.write_bytes(DEFAULT_TOPOLOGY.read_bytes())
    log: list = []
    steps = NetworkSteps(topology, None, log.append, load=lambda path, data_root: RecordedNetwork(log, path))
    steps.backup.write_bytes(b"the original")
    with pytest.raises(NetworkError, match="before a sweep that did not finish.*copy it over"):
        steps.apply(KNOBS["gateway-concurrency"], 100)
    assert steps.backup.read_bytes() == b"the original" and log == []
    assert topology.read_bytes() == DEFAULT_TOPOLOGY.read_bytes()


def test_cpu_per_transaction_is_summed_over_the_processes_of_each_kind():
    cpu = {"peer0.bank": {"kind": "peer", "cpu_s_per_tx": 0.002}, "peer0.supplier": {"kind": "peer",
                                                                                      "cpu_s_per_tx": 0.003},
           "orderer0": {"kind": "orderer", "cpu_s_per_tx": 0.001}, "orderer1": {"kind": "orderer",
                                                                                "cpu_s_per_tx": None},
           "client": {"kind": "client", "cpu_s_per_tx": None}}
    assert cpu_ms_per_tx_by_kind(cpu) == {"peer": pytest.approx(5.0), "orderer": None, "client": None}


def test_a_second_sweep_in_one_folder_is_refused_unless_replace(tmp_path, monkeypatch):
    log = wire_a_sweep(monkeypatch)
    (tmp_path / "sweep.json").write_text("{}")
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms", "--output", str(tmp_path)])
    assert result.exit_code == 2 and "holds an earlier sweep (sweep.json)" in result.output and log == []
    result = CliRunner().invoke(bench, [*QUICK, "--knob", "batch-timeout=100ms", "--output", str(tmp_path),
                                        "--replace"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "sweep.json").read_text())["rows"]


def test_a_value_whose_operations_were_not_sent_says_so_in_its_row_not_failed_0():
    from bench.sweep import row, table_lines

    report = {"throughput_tps": None, "latency_s": {}, "failed": {"timeout": 0, "client_error": 1}, "not_sent": 4,
              "cpu": {}}
    swept = row("100ms", {"workloads": {"register": {"python": report}}, "settings": {}}, baseline=True)
    assert (swept["failed"], swept["not_sent"]) == ({"client_error": 1}, 4)
    table = table_lines({"knob": "batch-timeout", "setting": "s", "before": "100ms", "restored": True,
                         "rows": [swept]})
    assert "client_error 1 not_sent 4" in table[1]
    # a report written before operations not sent were counted apart has none
    del report["not_sent"]
    assert row("100ms", {"workloads": {"register": {"python": report}}, "settings": {}}, baseline=True)["not_sent"] == 0
