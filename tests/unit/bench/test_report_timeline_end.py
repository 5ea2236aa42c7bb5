"""The timeline ends with the bin the last operation finished in: no bin after it, which read as a second in which
nothing committed (0 tx/s) after the run had ended, and stretched the plot's shaded drain by a second."""
from bench.driver import RATE, Plan, Run, Sample
from bench.report import timeline

PLAN = Plan(RATE, rate=1, warmup=0, duration=3, call_timeout=None)


def committed(due, finished):
    return Sample("register", due, due, finished, "committed", f"tx-{due}", "", PLAN.in_window(due))


def test_the_last_bin_is_the_one_the_last_operation_finished_in():
    points = timeline(Run(PLAN, [committed(0, 0.5), committed(1, 1.4), committed(2, 2.3)]))
    assert [(p["t"], p["committed_tps"]) for p in points] == [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0)]


def test_an_operation_finishing_on_a_bins_start_is_in_that_bin():
    points = timeline(Run(PLAN, [committed(0, 0.5), committed(1, 2.0)]))
    assert [(p["t"], p["committed_tps"]) for p in points] == [(0.0, 1.0), (1.0, 0.0), (2.0, 1.0)]
