"""`recfin bench` without a running network, and its options."""
import dataclasses
import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.profiling import machine_line
from cli.bench_commands import bench, workloads_named


def a_network_without_fabric_tools(data_root=None):
    """The default topology's Network where no Fabric tools are installed: its channel cannot be asked."""
    from network import Network
    from network.fabric_bin import FabricInstall
    from network.topology import load as load_topology

    missing = Path(tempfile.gettempdir()) / "recfin-bench-tests-no-fabric"      # never created
    return Network(load_topology(None), data_root=data_root or missing / "network",
                   fabric=FabricInstall.locate({"RECFIN_FABRIC_HOME": str(missing)}))


def wire_to_a_recording_client(monkeypatch, network=None, latency: float | None = None) -> list:
    """The command with a healthy-looking network (``network``, default one whose channel cannot be asked) and a
    runner that drives the workload over a recording client in this process, stating the client processes' shares
    as the runner does; the Settings it got, in order. With ``latency``, every operation is recorded as finished
    that many seconds after it was due, whatever this process took: figures compared with it depend on no timing."""
    from bench.runner import client_shares, execute
    from bench.workloads import WORKLOADS
    from cli import bench_commands

    from .test_workloads import parties

    got = []

    async def fake_run(settings, codes, processes, say):
        got.append(settings)
        workload = WORKLOADS[settings.workload](parties()[0])
        await workload.prepare(settings.pool_size, say=say)
        measured = await execute(workload, settings.plan, [])
        if latency is not None:
            measured.run.samples[:] = [dataclasses.replace(s, finished=s.due + latency) for s in measured.run.samples]
        return dataclasses.replace(measured, shares=client_shares(settings.shares()) if settings.clients > 1 else [])

    network = network or a_network_without_fabric_tools()
    monkeypatch.setattr(bench_commands, "running_network", lambda topology, root: (network, []))
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda root, say: {})
    monkeypatch.setattr("bench.runner.run_on_network", fake_run)
    return got


def test_without_a_network_it_exits_non_zero_with_how_to_start_one(tmp_path):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "--duration", "1"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "no running network" in lines[0] and "recfin network up" in lines[0] and "recfin chaincode deploy" in lines[0]
    assert not (tmp_path / "profiles").exists()          # nothing was written


def test_a_grpc_option_must_be_named_and_valued(tmp_path):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "--grpc-option", "keepalive=1"])
    assert result.exit_code == 2 and "grpc.NAME=VALUE" in result.output


def test_a_grpc_option_with_nothing_after_the_equals_sign_is_refused_naming_it(tmp_path):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "--grpc-option", "grpc.keepalive_time_ms="])
    assert result.exit_code == 2
    assert "--grpc-option" in result.output and "grpc.keepalive_time_ms no value" in result.output
    assert "grpc.NAME=VALUE" in result.output
    assert not (tmp_path / "profiles").exists()          # nothing was written


@pytest.mark.parametrize("option", ["grpc.=5", "grpc. =5"])
def test_a_grpc_option_with_no_name_after_grpc_is_refused_naming_it(tmp_path, option):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "--grpc-option", option])
    assert result.exit_code == 2
    assert "--grpc-option" in result.output and f"{option!r} names no option after 'grpc.'" in result.output
    assert not (tmp_path / "profiles").exists()          # nothing was written


def test_help_lists_the_modes_and_workloads():
    text = CliRunner().invoke(bench, ["--help"]).output
    for word in ("register", "confirm", "transfer", "mixed", "rate", "concurrency", "--compare-node", "--clients"):
        assert word in text


def test_the_command_writes_and_prints_the_reports_the_runner_gives_it(tmp_path, monkeypatch):
    """The command's own wiring (options -> plan -> reports, files, --json), with the runner fed by a recording
    client instead of a network: it says nothing about the product's speed."""
    from network.topology import load as load_topology

    plans = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", "--rate", "20", "--warmup", "0",
                                        "--duration", "0.3", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary["workloads"]) == {"register", "confirm"}
    assert summary["settings"]["batch_timeout"] == load_topology(None).batch_timeout
    assert summary["settings"]["tuning"] == load_topology(None).tuning.in_effect()
    assert [s.plan.rate for s in plans] == [20, 20] and plans[0].pool_size == 0 and plans[1].pool_size > 0
    assert json.loads((tmp_path / "bench-confirm.json").read_text())["workload"] == "confirm"
    assert (tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "summary.json").is_file()


def test_all_and_named_workloads_run_each_once_in_the_order_named():
    assert workloads_named(("all", "hotkey")) == ["register", "confirm", "transfer", "mixed", "hotkey"]
    assert workloads_named(("hotkey", "mixed", "all", "hotkey")) == ["hotkey", "mixed", "register", "confirm",
                                                                      "transfer"]
    assert workloads_named(("confirm", "confirm")) == ["confirm"]


@pytest.mark.parametrize("arguments", [["-w", "hotkey"], ["-w", "all", "-w", "hotkey"],
                                       ["-w", "hotkey", "--mode", "rate", "--pool", "100"]])
def test_the_hot_key_in_rate_mode_is_a_usage_error_before_anything_runs(tmp_path, arguments):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), *arguments])
    assert result.exit_code == 2, result.output
    assert "hotkey workload cannot run in rate mode: use --mode concurrency" in result.output
    assert "no running network" not in result.output


def test_more_client_processes_than_the_concurrency_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "--mode", "concurrency", "--concurrency", "2",
                                        "--clients", "3"])
    assert result.exit_code == 2, result.output
    assert "--clients 3 is more than --concurrency 2" in result.output and "use --clients 2 or fewer" in result.output


def test_more_client_processes_than_the_cap_in_rate_mode_is_a_usage_error(tmp_path):
    """Each process needs one operation in flight: 3 processes under a cap of 2 would keep 3 out."""
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "-w", "register", "--rate", "30", "--clients",
                                        "3", "--max-in-flight", "2"])
    assert result.exit_code == 2, result.output
    assert "--clients 3 is more than --max-in-flight 2" in result.output
    assert "use --clients 2 or fewer, or raise --max-in-flight" in result.output
    assert "no running network" not in result.output


def test_the_report_states_the_concurrency_that_ran_and_each_client_process_share(tmp_path, monkeypatch):
    got = wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "confirm", "--mode", "concurrency", "--concurrency", "16", "--clients",
                                        "3", "--pool", "100", "--warmup", "0", "--duration", "0.2",
                                        "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert got[0].clients == 3 and got[0].plan.concurrency == 16
    report = json.loads(result.stdout)["workloads"]["confirm"]["python"]
    assert report["plan"]["concurrency"] == 16
    assert [(s["name"], s["concurrency"], s["pool_size"]) for s in report["client_processes"]] == [
        ("client-0", 6, 34), ("client-1", 5, 33), ("client-2", 5, 33)]
    assert "3 client processes: client-0 6 in flight (pool 34), client-1 5 in flight (pool 33)" in result.stderr


def test_in_rate_mode_each_client_process_gets_a_share_of_the_cap_on_operations_in_flight(tmp_path, monkeypatch):
    wire_to_a_recording_client(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "30", "--clients", "3", "--max-in-flight", "100",
                                        "--warmup", "0", "--duration", "0.2", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["workloads"]["register"]["python"]
    assert report["plan"]["max_in_flight"] == 100 and report["plan"]["rate"] == 30
    assert [(s["rate"], s["max_in_flight"]) for s in report["client_processes"]] == [(10, 34), (10, 33), (10, 33)]
    assert [s["phase_s"] for s in report["client_processes"]] == [0, 1 / 30, 2 / 30]   # one send every 1/30 s
    assert ("3 client processes: client-0 10/s from 0.0 ms, at most 34 in flight (pool 0), "
            "client-1 10/s from 33.3 ms, at most 33 in flight (pool 0)") in result.stderr


@pytest.mark.parametrize("value, sent", [("30000", 30000), ("-5", -5), ("--5", "--5"), ("²", "²"),
                                         ("dns:///peer0", "dns:///peer0")])
def test_a_grpc_option_value_is_a_whole_number_when_it_reads_as_one_and_text_otherwise(value, sent):
    from cli.bench_commands import grpc_option

    assert grpc_option(None, None, (f"grpc.keepalive_time_ms={value}",)) == (("grpc.keepalive_time_ms", sent),)


def test_without_matplotlib_every_report_is_written_and_one_line_says_why_the_plot_is_not(tmp_path, monkeypatch):
    import sys

    wire_to_a_recording_client(monkeypatch)
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # `import matplotlib` raises ImportError
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3",
                                        "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["workloads"]) == {"register"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench-register.json", "summary.json"]
    said = [line for line in result.stderr.splitlines() if "bench.png" in line]
    assert len(said) == 1 and said[0].startswith("bench.png not written: the plot needs matplotlib")
    assert "pip install 'recfin[risk]'" in said[0]
    assert result.stderr.rstrip().endswith(f"reports in {tmp_path}: summary.json, bench-<workload>.json")


def test_the_extra_the_message_names_holds_matplotlib():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("matplotlib") for d in project["optional-dependencies"]["risk"])


@pytest.mark.parametrize("arguments, named", [
    (["--clients", "2"], "--compare-node with --clients 2:"),
    (["--grpc-option", "grpc.keepalive_time_ms=30000"], "--compare-node with --grpc-option grpc.keepalive_time_ms=30000:"),
])
def test_comparing_with_the_node_client_refuses_a_python_side_it_would_not_match(tmp_path, arguments, named):
    """The Node client runs as one process with grpc-js's defaults: a ratio against N Python processes or tuned
    channels would not be like for like, so the command refuses before anything runs."""
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "-w", "register", "--compare-node",
                                        *arguments])
    assert result.exit_code == 2, result.output
    assert named in result.output and "one process with grpc-js's default channel options" in result.output
    assert "compare with --compare-node alone" in result.output and "no running network" not in result.output
    assert not (tmp_path / "profiles").exists()


def wire_a_node_client(monkeypatch, latency: float) -> list:
    """node_compare.run as a script whose every operation commits ``latency`` s after its due time, on the plan's
    schedule; the arguments it got, in order."""
    from bench import node_compare
    from bench.driver import Sample

    got = []

    def fake_node_run(name, plan, pool, codes, data_root, settings=None):
        got.append((name, plan, pool, settings))
        rows = [list(Sample(name, i / plan.rate, i / plan.rate, i / plan.rate + latency, "committed", f"n{i}", "",
                            plan.in_window(i / plan.rate)).__dict__.values()) for i in range(int(plan.end * plan.rate))]
        return node_compare.report_from({"samples": rows, "exhausted": False, "cpu_s": 0.1}, name, plan, pool, settings)

    monkeypatch.setattr(node_compare, "run", fake_node_run)
    without_node_installed(monkeypatch)
    return got


def without_node_installed(monkeypatch) -> None:
    """--compare-node's checks of Node.js and its install of the pinned packages as no-ops, for a stand-in of
    node_compare.run, which needs neither: the test then runs on a machine without Node.js too."""
    from bench import node_compare

    monkeypatch.setattr(node_compare, "require_node", lambda: None)
    monkeypatch.setattr(node_compare, "install", lambda: None)


def test_the_node_report_states_its_settings_and_one_client_process_and_rate_mode_compares_latency(tmp_path,
                                                                                                 monkeypatch):
    wire_to_a_recording_client(monkeypatch, latency=0.5)
    got = wire_a_node_client(monkeypatch, latency=2.0)
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.5",
                                        "--compare-node", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["workloads"]["register"]
    node, python = entry["node"], entry["python"]
    assert got[0][1].rate == 20 and node["settings"]["clients"] == 1 and node["settings"]["grpc_options"] == []
    assert node["settings"]["batch_timeout"] == python["settings"]["batch_timeout"]
    assert node["client_processes"] == [{"name": "node-client", "rate": 20, "phase_s": 0.0, "concurrency": None,
                                         "max_in_flight": 10_000, "pool_size": 0}]
    ratios = entry["node_to_recfin"]
    # both sides' latencies are fixed (2.0 s and 0.5 s): the ratio is exact, not a race against the clock
    assert ratios["latency_p50_node_to_recfin"] == pytest.approx(4.0)
    assert ratios["latency_p99_node_to_recfin"] == pytest.approx(4.0)
    assert "rate mode sends both clients the same schedule" in entry["node_to_recfin_note"]
    assert "note: rate mode sends both clients the same schedule" in result.stderr
    # each client's report names the machine in its JSON; the progress names it once for the run
    assert node["machine"] == python["machine"]
    assert [line for line in result.stderr.splitlines() if "machine:" in line] == [machine_line(python["machine"])]


def test_comparing_with_the_node_client_is_not_refused_when_no_workload_named_has_a_node_counterpart(tmp_path):
    """hotkey is not sent by the Node client ("no Node client counterpart, not compared"): with --clients 2 there
    is nothing unlike to compare, so the command goes on (here to the missing network)."""
    result = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "-w", "hotkey", "--mode", "concurrency",
                                        "--concurrency", "8", "--clients", "2", "--compare-node"])
    assert "--compare-node with" not in result.output and "no running network" in result.output, result.output
    refused = CliRunner().invoke(bench, ["--data-root", str(tmp_path), "-w", "hotkey", "-w", "register", "--mode",
                                         "concurrency", "--concurrency", "8", "--clients", "2", "--compare-node"])
    assert refused.exit_code == 2 and "--compare-node with --clients 2:" in refused.output, refused.output


def test_the_clients_act_through_the_profiles_of_the_network_found_running(tmp_path, monkeypatch):
    """Without --data-root the network checked is the topology's (a --topology naming a data folder of its own),
    and the parties, the client processes and the Node client must act through that folder's profiles, not those
    of the default topology's folder: there they find another network, or none."""
    network = a_network_without_fabric_tools(tmp_path / "its-own-network")
    got = wire_to_a_recording_client(monkeypatch, network=network)
    wire_a_node_client(monkeypatch, latency=0.5)
    from bench import node_compare
    stand_in, node_runs = node_compare.run, []

    def node_run(name, plan, pool, codes, data_root, settings=None):
        node_runs.append(data_root)
        return stand_in(name, plan, pool, codes, data_root, settings)

    monkeypatch.setattr(node_compare, "run", node_run)
    parties_in = []
    monkeypatch.setattr("bench.network_session.ensure_parties", lambda root, say: parties_in.append(root) or {})
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.3",
                                        "--compare-node", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert parties_in == [network.data_root]
    assert [settings.data_root for settings in got] == [network.data_root]
    assert node_runs == [network.data_root]
