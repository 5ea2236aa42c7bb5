"""`recfin bench --compare-node` when the Node script fails on a workload: the run goes on, every report
and the summary are written, the summary says why that workload has no Node/recfin ratios, and the command
then fails naming it. It stopped at the failure, leaving the later workloads unrun and no summary.json."""
import json

from click.testing import CliRunner

from bench import node_compare
from cli.bench_commands import bench

from .test_bench_command import wire_a_node_client, wire_to_a_recording_client

STOPPED = "the Node client stopped: Error: 14 UNAVAILABLE: No connection established"


def test_a_failed_node_run_is_recorded_and_the_other_workloads_still_run(tmp_path, monkeypatch):
    wire_to_a_recording_client(monkeypatch, latency=0.5)
    wire_a_node_client(monkeypatch, latency=2.0)
    working_node = node_compare.run

    def failing_on_register(name, *arguments):
        if name == "register":
            raise node_compare.NodeClientError(STOPPED)
        return working_node(name, *arguments)

    monkeypatch.setattr(node_compare, "run", failing_on_register)
    result = CliRunner().invoke(bench, ["-w", "register", "-w", "confirm", "--rate", "20", "--warmup", "0",
                                        "--duration", "0.3", "--compare-node", "--output", str(tmp_path)])
    assert result.exit_code == 1, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    register, confirm = summary["workloads"]["register"], summary["workloads"]["confirm"]
    assert register["node_error"] == STOPPED and "node" not in register and "node_to_recfin" not in register
    assert register["node_to_recfin_note"] == f"no Node/recfin ratios: {STOPPED}"
    assert register["python"]["committed"] > 0
    assert "node_error" not in confirm and confirm["node_to_recfin"]["latency_p50_node_to_recfin"] is not None
    assert {path.name for path in tmp_path.iterdir()} >= {"summary.json", "bench-register.json",
                                                          "bench-confirm.json", "bench-confirm-node.json"}
    assert f"note: no Node/recfin ratios: {STOPPED}" in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: the Node client failed for register (") and "--compare-node" in last
