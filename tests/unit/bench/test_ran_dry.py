"""A run whose workload runs out of operations: throughput of the loaded stretch only, no CPU per tx, no Node
ratio of them, and a pool sized so that it rarely happens. (Scheduling and accounting only: none of this
measures the product.)"""
from __future__ import annotations

import dataclasses
import itertools
import json

import pytest
from click.testing import CliRunner

from bench.driver import CONCURRENCY, Plan, Run, Sample, drive, last_send
from bench.report import build, comparison, comparison_note, lines
from bench.runner import Settings, _across_processes
from bench.workloads import pool_size_for
from cli.bench_commands import bench

from .fakeclock import FakeClock, run_with
from .test_bench_command import a_network_without_fabric_tools, without_node_installed, wire_to_a_recording_client
from .test_driver import taking

PLAN = Plan(CONCURRENCY, concurrency=1, warmup=10, duration=60)


def closed_loop(pool: int, rate: float) -> Run:
    """One worker committing ``rate`` tx/s until its pool of ``pool`` is used up."""
    samples = [Sample("confirm", i / rate, i / rate, (i + 1) / rate, "committed", f"t{i}", "",
                      PLAN.in_window(i / rate)) for i in range(pool)]
    return Run(PLAN, samples, exhausted=True)


def report_of(run: Run, client: str) -> dict:
    return build(run, workload="confirm", client=client, cpu_usage={client: 3.0}, process_kinds={client: "client"})


def test_throughput_is_of_the_window_up_to_the_last_send_so_the_faster_client_stays_faster():
    """Both clients get a pool of 100: the one at 5 tx/s uses half of it in the warm-up and runs out 9.8 s into
    the window; the one at 2.5 tx/s runs out 29.6 s in. Over the whole window the slower would show as faster."""
    ours, node = report_of(closed_loop(100, 5.0), "python"), report_of(closed_loop(100, 2.5), "node")
    assert ours["throughput_tps"] == pytest.approx(5.0) and node["throughput_tps"] == pytest.approx(2.5)
    assert ours["ran_dry_at_s"] == pytest.approx(19.8) and ours["throughput_window_s"] == pytest.approx(9.8)
    assert ours["cpu"]["python"]["cpu_s"] == 3.0 and ours["cpu"]["python"]["cpu_s_per_tx"] is None
    ratios = comparison(ours, node)
    assert ratios["throughput_node_to_recfin"] is None and ratios["client_cpu_per_tx_node_to_recfin"] is None
    assert ratios["latency_p50_node_to_recfin"] == pytest.approx(2.0)       # each operation's own: still compared
    note = comparison_note(ours, node)
    assert "the python client ran out of operations 9.8 s into the 60 s window" in note
    assert "the node client ran out of operations 29.6 s into the 60 s window" in note and "--pool" in note
    text = "\n".join(lines(ours))
    assert "[workload ran out of operations 9.8 s into the 60 s window]" in text
    assert "throughput 5.0 tx/s (over the 9.8 s before it ran out)" in text and "no CPU per tx" in text


def test_one_side_running_dry_is_enough_to_withhold_the_ratio():
    whole = Run(PLAN, [Sample("confirm", t / 4, t / 4, t / 4 + 0.25, "committed", f"t{t}", "", PLAN.in_window(t / 4))
                       for t in range(4 * 70)])
    ours, node = report_of(whole, "python"), report_of(closed_loop(100, 2.5), "node")
    assert not ours["exhausted"] and ours["throughput_tps"] == pytest.approx(4.0)
    assert ours["cpu"]["python"]["cpu_s_per_tx"] == pytest.approx(3.0 / 240)
    assert comparison(ours, node)["throughput_node_to_recfin"] is None
    assert comparison_note(ours, node).startswith("the node client ran out of operations")
    assert comparison_note(ours, ours) is None


def test_a_run_that_ran_out_in_the_warm_up_has_no_throughput():
    report = report_of(closed_loop(20, 5.0), "python")           # the last send at 3.8 s, the window opens at 10
    assert report["throughput_tps"] is None and report["throughput_window_s"] is None
    text = "\n".join(lines(report))
    assert "[workload ran out of operations in the warm-up]" in text and "throughput -  latency" in text


def test_the_driver_marks_when_a_closed_loop_sent_its_last_operation():
    """Two workers, 0.25 s an operation, twelve operations: the last two are sent at 1.25 s. In the window from
    1 s they commit 2 per 0.25 s, 8 tx/s; over the whole 2 s window it would be 3."""
    clock = FakeClock()
    plan = Plan(CONCURRENCY, concurrency=2, warmup=1, duration=2, call_timeout=None)
    run = run_with(clock, drive(itertools.islice(taking(clock, 0.25), 12), plan, clock=clock))
    assert run.exhausted and run.ran_dry_at == pytest.approx(1.25)
    report = build(run, workload="confirm", client="python", cpu_usage={}, process_kinds={})
    assert report["throughput_tps"] == pytest.approx(8.0)


def test_a_run_that_did_not_run_dry_is_measured_over_the_whole_window():
    clock = FakeClock()
    plan = Plan(CONCURRENCY, concurrency=2, warmup=1, duration=2, call_timeout=None)
    run = run_with(clock, drive(taking(clock, 0.25), plan, clock=clock))
    assert not run.exhausted and run.ran_dry_at is None and run.throughput_window() == (1, 3)


def sends_until_its_pool_is_used_up(settings, codes, barrier, results, index, progress):
    """client-0 ran out after sending at 0.05 s, client-1 at 0.08 s."""
    barrier.wait(60)
    last = (0.05, 0.08)[index]
    samples = [Sample("confirm", t, t, t + 0.01, "committed", f"tx-{index}-{t}", "", True) for t in (0.0, last)]
    results.put((index, {"samples": [dataclasses.astuple(s) for s in samples], "exhausted": True,
                         "cpu": {f"client-{index}": 0.25}, "touched": [], "findings": {}}, None))


def test_client_processes_ran_dry_when_the_first_of_them_did():
    settings = Settings("confirm", Plan(CONCURRENCY, concurrency=2, warmup=0, duration=0.1, call_timeout=None), 4,
                        clients=2)
    measured = _across_processes(settings, {}, [], lambda line: None, client=sends_until_its_pool_is_used_up)
    assert measured.run.exhausted and measured.run.ran_dry_at == pytest.approx(0.05)
    assert last_send(measured.run.samples) == pytest.approx(0.08)


def test_concurrency_pools_are_sized_for_an_operation_per_batch_timeout_per_worker():
    """16 in flight for 70 s at the default 250 ms batch timeout: 16 / 0.25 x 70 x 1.1, and ten more."""
    assert pool_size_for("confirm", CONCURRENCY, None, 16, 70) == int(16 / 0.25 * 70 * 1.1) + 10
    assert pool_size_for("confirm", CONCURRENCY, None, 16, 70, 0.1) == int(16 / 0.1 * 70 * 1.1) + 10


def a_network_with_batch_timeout(timeout: str):
    from network import Network

    network = a_network_without_fabric_tools()
    layout = network.topology.model_dump(mode="json", exclude_none=True)
    layout.setdefault("tuning", {}).setdefault("ordering", {})["batch_timeout"] = timeout
    return Network(type(network.topology).model_validate(layout), data_root=network.data_root, fabric=network.fabric)


@pytest.mark.parametrize("timeout, seconds", [("250ms", 0.25), ("100ms", 0.1)])
def test_recfin_bench_sizes_a_concurrency_pool_from_the_channels_batch_timeout(tmp_path, monkeypatch, timeout,
                                                                                 seconds):
    got = wire_to_a_recording_client(monkeypatch, a_network_with_batch_timeout(timeout))
    result = CliRunner().invoke(bench, ["-w", "confirm", "--mode", "concurrency", "--concurrency", "2", "--warmup",
                                        "0", "--duration", "0.5", "--output", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert got[0].pool_size == pool_size_for("confirm", CONCURRENCY, None, 2, 0.5, seconds)


def test_recfin_bench_withholds_the_node_ratio_when_a_side_ran_dry_and_says_why(tmp_path, monkeypatch):
    from bench import node_compare

    wire_to_a_recording_client(monkeypatch)

    def node_run_that_ran_dry(name, plan, pool, codes, data_root, settings=None):
        rows = [dataclasses.astuple(Sample(name, t, t, t + 0.05, "committed", f"n{t}", "", plan.in_window(t)))
                for t in (0.0, 0.1)]
        return node_compare.report_from({"samples": rows, "exhausted": True, "cpu_s": 0.1}, name, plan, pool, settings)

    monkeypatch.setattr(node_compare, "run", node_run_that_ran_dry)
    without_node_installed(monkeypatch)
    result = CliRunner().invoke(bench, ["-w", "register", "--mode", "concurrency", "--concurrency", "2", "--warmup",
                                        "0", "--duration", "0.3", "--compare-node", "--output", str(tmp_path),
                                        "--json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["workloads"]["register"]
    assert entry["node"]["exhausted"] and entry["node_to_recfin"]["throughput_node_to_recfin"] is None
    assert entry["node_to_recfin_note"].startswith("the node client ran out of operations")
    assert "note: the node client ran out of operations" in result.stderr
