"""`recfin bench` without a running network, and its options."""
from click.testing import CliRunner

from cli.bench_commands import bench


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


def test_help_lists_the_modes_and_workloads():
    text = CliRunner().invoke(bench, ["--help"]).output
    for word in ("register", "confirm", "transfer", "mixed", "rate", "concurrency", "--compare-node", "--clients"):
        assert word in text


def test_the_command_writes_and_prints_the_reports_the_runner_gives_it(tmp_path, monkeypatch):
    """The command's own wiring (options -> plan -> reports, files, --json), with the runner fed by a recording
    client instead of a network: it says nothing about the product's speed."""
    import json
    from types import SimpleNamespace

    from bench.runner import execute
    from bench.workloads import WORKLOADS
    from cli import bench_commands
    from network.topology import load as load_topology

    from .test_workloads import parties

    plans = []

    async def fake_run(settings, codes, processes, say):
        plans.append(settings)
        workload = WORKLOADS[settings.workload](parties()[0])
        await workload.prepare(settings.pool_size, say=say)
        return await execute(workload, settings.plan, [])

    monkeypatch.setattr(bench_commands, "running_network",
                        lambda topology, root: (SimpleNamespace(topology=load_topology(None)), []))
    monkeypatch.setattr(bench_commands, "ensure_parties", lambda root, say: {})
    monkeypatch.setattr(bench_commands, "run_on_network", fake_run)
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
