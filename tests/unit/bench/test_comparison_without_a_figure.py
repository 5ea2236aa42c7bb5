"""The Node/recfin ratios when a side has no figure to divide: each ratio missing is null, never a division by
zero, and the note names the side and why, where the ratios alone printed a bare `-`."""
from bench.driver import RATE, Plan, Run, Sample
from bench.report import build, comparison, comparison_note

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
    assert ratios["throughput_node_to_recfin"] == 0.0         # Node committed none: a ratio of 0, not a gap
    note = comparison_note(ours, node)
    assert note.startswith("the node client: no latency ratio: it committed none of the 4 operations "
                           "due in the measured window")
    assert "no CPU per tx ratio: it committed no transaction in the window to divide its client CPU" in note
    assert "python client" not in note


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
