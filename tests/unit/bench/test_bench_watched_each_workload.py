"""`recfin bench` reads the network's processes again before each workload: a node restarted between workloads
is watched under its new pid in the later ones, so only a process that restarted inside a window is reported as
not measured."""
from pathlib import Path

from click.testing import CliRunner

from bench import runner
from bench.cpu import Watched
from cli import bench_commands
from cli.bench_commands import bench
from network.control import NodeStatus

from .test_bench_command import a_network_without_fabric_tools, wire_to_a_recording_client


def peer_running_as(pid: int) -> NodeStatus:
    return NodeStatus("peer0.supplier", "SupplierMSP", "peer", "127.0.0.1:7051", pid, True, 3, Path("node.log"))


def watching_each_workload(monkeypatch, network) -> list:
    """The processes each workload is run watching, one list per workload, as the bench hands them on."""
    wire_to_a_recording_client(monkeypatch, network)
    watched = []
    recording_run = runner.run_on_network

    async def run_watching(settings, codes, processes, say):
        watched.append(list(processes))
        return await recording_run(settings, codes, processes, say)

    monkeypatch.setattr("bench.runner.run_on_network", run_watching)
    return watched


def test_a_node_restarted_between_workloads_is_watched_under_its_new_pid(tmp_path, monkeypatch):
    network = a_network_without_fabric_tools()
    watched = watching_each_workload(monkeypatch, network)
    restarts = iter([peer_running_as(202), peer_running_as(303)])
    monkeypatch.setattr(bench_commands, "running_network", lambda topology, root: (network, [peer_running_as(101)]))
    monkeypatch.setattr(network, "status", lambda: [next(restarts)])
    result = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", "-w", "transfer", "--rate", "20",
                                        "--warmup", "0", "--duration", "0.2", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert watched == [[Watched("peer0.supplier", "peer", pid)] for pid in (101, 202, 303)]


def test_a_node_down_when_a_later_workload_starts_stays_watched_under_its_old_pid_and_is_named(tmp_path, monkeypatch):
    network = a_network_without_fabric_tools()
    watched = watching_each_workload(monkeypatch, network)
    down = NodeStatus("peer0.supplier", "SupplierMSP", "peer", "127.0.0.1:7051", None, True, None, Path("node.log"))
    monkeypatch.setattr(bench_commands, "running_network", lambda topology, root: (network, [peer_running_as(101)]))
    monkeypatch.setattr(network, "status", lambda: [down])
    result = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", "--rate", "20",
                                        "--warmup", "0", "--duration", "0.2", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # left out, its CPU would silently be missing from the second workload's figures
    assert watched == [[Watched("peer0.supplier", "peer", 101)]] * 2
    assert "confirm: peer0.supplier is not running; its CPU is reported as not measured" in result.output


def test_a_node_that_stopped_as_it_was_listed_is_named_and_kept_unmeasured(tmp_path, monkeypatch):
    network = a_network_without_fabric_tools()
    watched = watching_each_workload(monkeypatch, network)
    monkeypatch.setattr(bench_commands, "running_network", lambda topology, root: (network, [peer_running_as(101)]))
    monkeypatch.setattr("bench.cpu.start_time", lambda pid, proc=None: None)    # gone before its start was read
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.2",
                                        "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert watched == [[Watched("peer0.supplier", "peer", 101)]]
    assert "register: peer0.supplier is not running; its CPU is reported as not measured" in result.output
