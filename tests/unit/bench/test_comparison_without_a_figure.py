"""The Node/recfin ratios when a side has no figure to divide: each ratio missing is null, never a division by
zero, and the note names the side and why, where the ratios alone printed a bare `-`. A run that committed nothing
has no throughput to compare: its ratio is null and not comparable, where it was 0.0, a figure that read as
measured."""
from bench.driver import RATE, Plan, Run, Sample
from bench.report import build, comparison, comparison_note, not_comparable

PLAN = Plan(RATE, rate=2, warmup=1, duration=4, call_timeout=None)


def report(client: str, causes: list[str], cpu_s: float | None = 0.5) -> dict:
    """A report of operations due 1.0, 1.5, ... each ending 0.2 s later as ``causes`` says."""
    samples = [Sample("register", 1 + i / 2, 1 + i / 2, 1.2 + i / 2, cause, f"{client}-{i}",
                      "" if cause == "committed" else "ENDORSEMENT_POLICY_FAILURE", True)
               for i, cause in enumerate(causes)]
    name = f"{client}-client"
    return build(Run(PLAN, samples), workload="register", client=client, cpu_usage={name: cpu_s},
                 process_kinds={name: "client"})


def test_a_node_run_that_committed_nothing_leaves_the_ratios_null_and_says_why():
    ours, node = report("python", ["committed"] * 4), report("node", ["endorsement"] * 4)
    ratios = comparison(ours, node)
    assert ratios["latency_p50_node_to_recfin"] is None
    assert ratios["client_cpu_per_tx_node_to_recfin"] is None
    assert ratios["throughput_node_to_recfin"] is None          # Node committed none: nothing to compare
    note = comparison_note(ours, node)
    assert note.startswith("the node client: no latency ratio: it committed none of the 4 operations "
                           "due in the measured window")
    assert "no throughput ratio: it committed none that finished in the measured window" in note
    assert "no CPU per tx ratio: it committed no transaction in the window to divide its client CPU" in note
    assert "python client" not in note


def test_each_ratio_not_comparable_is_named_with_its_reason():
    ours, node = report("python", ["committed"] * 4), report("node", ["endorsement"] * 4)
    reasons = not_comparable(ours, node)
    assert set(reasons) == {name for name, ratio in comparison(ours, node).items() if ratio is None} == \
        {"latency_p50_node_to_recfin", "latency_p99_node_to_recfin", "throughput_node_to_recfin",
         "client_cpu_per_tx_node_to_recfin"}
    assert reasons["throughput_node_to_recfin"] == ("the node client: no throughput ratio: it committed none that "
                                                    "finished in the measured window")
    assert not_comparable(ours, report("node", ["committed"] * 4)) == {}


def test_the_summary_says_a_node_run_that_committed_nothing_is_not_comparable(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from bench import node_compare
    from cli.bench_commands import bench

    from .test_bench_command import wire_to_a_recording_client

    wire_to_a_recording_client(monkeypatch)
    monkeypatch.setattr(node_compare, "require_node", lambda: None)
    monkeypatch.setattr(node_compare, "install", lambda: None)
    monkeypatch.setattr(node_compare, "run", lambda name, plan, pool, codes, root, both: report("node", ["timeout"] * 4))
    result = CliRunner().invoke(bench, ["-w", "register", "--rate", "20", "--warmup", "0", "--duration", "0.2",
                                        "--compare-node", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    entry = json.loads((tmp_path / "summary.json").read_text())["workloads"]["register"]
    assert entry["node_to_recfin"]["throughput_node_to_recfin"] is None
    assert entry["node_to_recfin_not_comparable"]["throughput_node_to_recfin"].startswith(
        "the node client: no throughput ratio: it committed none")
    assert "throughput_node_to_recfin not comparable" in result.output


def test_recfin_committing_nothing_withholds_the_throughput_ratio_rather_than_divide_by_zero():
    ours, node = report("python", ["timeout"] * 4), report("node", ["committed"] * 4)
    assert comparison(ours, node)["throughput_node_to_recfin"] is None
    assert "the python client: no latency ratio" in comparison_note(ours, node)
    note = comparison_note(ours, node)
    assert "no throughput ratio: it committed none that finished in the measured window" in note


def test_a_client_cpu_not_measured_is_named_as_such():
    ours, node = report("python", ["committed"] * 4), report("node", ["committed"] * 4, cpu_s=None)
    assert comparison(ours, node)["client_cpu_per_tx_node_to_recfin"] is None
    assert comparison_note(ours, node) == ("the node client: no CPU per tx ratio: its client CPU was not "
                                           "measured (its failed counts say what became of them)")


def test_two_sides_with_every_figure_have_no_note():
    assert comparison_note(report("python", ["committed"] * 4), report("node", ["committed"] * 4)) is None


def test_a_client_cpu_that_read_no_time_leaves_the_cpu_ratio_null_and_says_why():
    # the Node client's CPU is read in the OS's clock ticks (10 ms): a short window can read 0 s, and a ratio over 0
    # was null with no reason given, in neither node_to_recfin_not_comparable nor the note
    ours, node = report("python", ["committed"] * 4), report("node", ["committed"] * 4, cpu_s=0.0)
    assert comparison(ours, node)["client_cpu_per_tx_node_to_recfin"] is None
    reason = not_comparable(ours, node)["client_cpu_per_tx_node_to_recfin"]
    assert reason.startswith("the node client: no CPU per tx ratio: its client CPU read 0 s in the measured window")
    assert "its client CPU read 0 s" in comparison_note(ours, node)
    ours_at_zero = report("python", ["committed"] * 4, cpu_s=0.0)
    assert "client_cpu_per_tx_node_to_recfin" in not_comparable(ours_at_zero, report("node", ["committed"] * 4))
